"""Soak: resident memory of a long run at full speed, sampled while it runs.

Each scenario runs in its own interpreter (``python -m bench.soak SCENARIO SECONDS``) at
``--speed max`` into the null sink, with default options, and stops itself after the given
wall-clock seconds (as on a signal: the run loop finishes its batch and closes the sink).
From the moment the run starts (imports and setup done), the parent samples the child's
resident memory (``VmRSS``) at a fixed interval and
reports how much it grew over the first and over the last window (5 minutes, or half
the run when shorter): a flat run grows early (entities appear as they are first met,
buffers reach their size) and not at the end.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from streamsim.registry import scenarios

START = "2025-03-03T00:00:00Z"
#: The first and last windows whose growth is reported (seconds), at most.
WINDOW = 300.0


@dataclass
class Row:
    scenario: str
    seconds: float  # wall time of the run
    events: int  # main-stream events
    cpu_seconds: float  # the child's own CPU time
    samples: list[tuple[float, float]]  # (seconds since the run started, RSS in MB)
    entities: float

    @property
    def window(self) -> float:
        return min(WINDOW, self.seconds / 2)

    def _at(self, t: float) -> float:
        """RSS of the sample taken nearest to ``t``."""
        return min(self.samples, key=lambda sample: abs(sample[0] - t))[1]

    @property
    def first_growth(self) -> float:
        first = self.samples[0][0]
        return self._at(first + self.window) - self.samples[0][1]

    @property
    def last_growth(self) -> float:
        last = self.samples[-1][0]
        return self.samples[-1][1] - self._at(last - self.window)

    @property
    def final_mb(self) -> float:
        return self.samples[-1][1]

    @property
    def flat(self) -> bool:
        """Growth over the last window within 2% of the final RSS."""
        return self.last_growth <= 0.02 * self.final_mb


def child(scenario: str, seconds: float) -> dict[str, float]:
    """The soak run itself (in the child interpreter)."""
    from streamsim.api import resolve_for, run_groups
    from streamsim.config import Value
    from streamsim.registry import get_scenario
    from streamsim.runner import execute, plan
    from streamsim.sinks.null import NullSink

    cls = get_scenario(scenario)
    options = {"seed": 1, "start": START, "speed": "max"}
    p = plan(
        resolve_for(cls, run_groups(cls), {k: Value(v, "bench") for k, v in options.items()}), cls, NullSink()
    )
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    print("started", flush=True)  # the parent samples from here: imports and setup are not the run
    timer.start()
    wall0, cpu0 = time.perf_counter(), time.process_time()
    summary = execute(p, stop=stop, install_signals=False)
    timer.cancel()
    return {
        "events": summary.main_events,
        "seconds": time.perf_counter() - wall0,
        "cpu_seconds": time.process_time() - cpu0,
        "entities": p.scenario.gauges().get("entities", 0),
    }


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        return None
    return None


def measure(scenario: str, seconds: float, interval: float) -> Row:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.soak", scenario, str(seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    proc.stdout.readline()  # "started"
    t0 = time.perf_counter()
    samples: list[tuple[float, float]] = []
    tick = t0 + interval
    while proc.poll() is None:
        if time.perf_counter() > t0 + seconds + 120:  # it should have stopped itself long ago
            proc.kill()
            break
        time.sleep(max(0.05, tick - time.perf_counter()))
        rss = _rss_mb(proc.pid)
        if rss is not None and proc.poll() is None:
            samples.append((time.perf_counter() - t0, rss))
        tick += interval
    out, _ = proc.communicate()
    if proc.returncode != 0 or not samples:
        raise RuntimeError(f"soak of {scenario} exited with {proc.returncode} ({len(samples)} samples)")
    found = json.loads(out.strip().splitlines()[-1])
    return Row(scenario, found["seconds"], found["events"], found["cpu_seconds"], samples, found["entities"])


def run(seconds: float = 600.0, interval: float = 10.0) -> list[Row]:
    return [measure(name, seconds, interval) for name in scenarios()]


def markdown(rows: list[Row]) -> str:
    lines = [
        "| scenario | run (s) | events | events/s | CPU µs/event | RSS at first sample (MB) "
        "| growth, first window (MB) | growth, last window (MB) | RSS at the end (MB) | entities at the end "
        "| samples |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        entities = f"{r.entities:,.0f}" if r.entities else "-"
        lines.append(
            f"| {r.scenario} | {r.seconds:.0f} | {r.events:,} | {r.events / r.seconds:,.0f} "
            f"| {r.cpu_seconds / max(r.events, 1) * 1e6:.2f} | {r.samples[0][1]:.0f} | {r.first_growth:+.1f} "
            f"| {r.last_growth:+.1f} | {r.final_mb:.0f} | {entities} | {len(r.samples)} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], float(sys.argv[2]))))
