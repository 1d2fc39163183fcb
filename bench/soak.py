"""Soak: resident memory of a long run at full speed, sampled while it runs.

Each scenario runs in its own interpreter (``python -m bench.soak SCENARIO SECONDS``) at
``--speed max`` into the null sink, with default options, and stops itself after the given
wall-clock seconds (as on a signal: the run loop finishes its batch and closes the sink).
With a broker, fraud (the scenario with the most persistent entities) also runs into Kafka
with ``--exactly-once`` (``... SCENARIO SECONDS BOOTSTRAP``), its topic capped by
``retention.bytes`` so that the broker's disk holds a run of any length.
From the moment the run starts (imports and setup done), the parent samples the child's
resident memory (``VmRSS``) at a fixed interval and
reports how much it grew over the first and over the last window (5 minutes, or half
the run when shorter): a flat run grows early (entities appear as they are first met,
buffers reach their size) and not at the end.

Runs start a week before Thanksgiving. What a run holds follows its busiest hour so far:
e-commerce keeps every open session, and sessions start up to 2.4 times as often as usual
from Thanksgiving to Cyber Monday (its default holiday effects). At full speed a run passes
a simulated year in a few minutes, so a run started in spring would meet that peak, and
take the memory it needs, at a point that moves with the machine's speed. Started just
before it, a run meets the year's peak within its first window, and the last window shows
whether memory still grows after it (it meets the next year's holidays there again).
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from streamsim.registry import scenarios

#: A week before Thanksgiving 2025 (see above).
START = "2025-11-20T00:00:00Z"
#: The first and last windows whose growth is reported (seconds), at most.
WINDOW = 300.0
#: The scenario that also soaks into Kafka with --exactly-once.
KAFKA_SCENARIO = "fraud"
#: Bytes a partition of the Kafka soak's topic keeps (older segments are deleted as it goes).
KAFKA_RETENTION_BYTES = 256 * 2**20


@dataclass
class Row:
    scenario: str
    sink: str  # "null", or "kafka --exactly-once"
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


def child(scenario: str, seconds: float, bootstrap: str | None = None) -> dict[str, float]:
    """The soak run itself (in the child interpreter): into the null sink, or into Kafka."""
    from streamsim.api import resolve_for, run_groups
    from streamsim.config import Value
    from streamsim.registry import get_scenario
    from streamsim.runner import execute, plan

    cls = get_scenario(scenario)
    options: dict[str, Any] = {"seed": 1, "start": START, "speed": "max", "sink": "null"}
    if bootstrap is not None:
        options |= {
            "sink": "kafka",
            "bootstrap_servers": bootstrap,
            "exactly_once": True,
            "topic": f"soak-{scenario}-{uuid.uuid4().hex[:8]}",
            "topic_config": {"retention.bytes": str(KAFKA_RETENTION_BYTES), "segment.bytes": str(2**26)},
        }
    p = plan(resolve_for(cls, run_groups(cls), {k: Value(v, "bench") for k, v in options.items()}), cls)
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
        "entities": summary.gauges.get("entities", 0),
    }


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        return None
    return None


def measure(scenario: str, seconds: float, interval: float, bootstrap: str | None = None) -> Row:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.soak", scenario, str(seconds), *([bootstrap] if bootstrap else [])],
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
    sink = "null" if bootstrap is None else "kafka --exactly-once"
    return Row(
        scenario, sink, found["seconds"], found["events"], found["cpu_seconds"], samples, found["entities"]
    )


def run(seconds: float = 600.0, interval: float = 10.0, kafka: bool = False, parallel: int = 1) -> list[Row]:
    """Every scenario into the null sink; with ``kafka``, fraud into a local broker too.

    ``parallel`` soaks run side by side (each process uses one core), which shortens a long soak
    on a machine with cores to spare: memory, not speed, is what a soak measures.
    """
    jobs: list[tuple[str, str | None]] = [(name, None) for name in scenarios()]
    with contextlib.ExitStack() as stack:
        if kafka:
            from bench.kafka import local_broker

            bootstrap, _ = stack.enter_context(local_broker())
            jobs.append((KAFKA_SCENARIO, bootstrap))
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            return list(pool.map(lambda job: measure(job[0], seconds, interval, job[1]), jobs))


def markdown(rows: list[Row]) -> str:
    lines = [
        "| scenario | sink | run (s) | events | events/s | CPU µs/event | RSS at first sample (MB) "
        "| growth, first window (MB) | growth, last window (MB) | RSS at the end (MB) | entities at the end "
        "| samples |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        entities = f"{r.entities:,.0f}" if r.entities else "-"
        lines.append(
            f"| {r.scenario} | {r.sink} | {r.seconds:.0f} | {r.events:,} | {r.events / r.seconds:,.0f} "
            f"| {r.cpu_seconds / max(r.events, 1) * 1e6:.2f} | {r.samples[0][1]:.0f} | {r.first_growth:+.1f} "
            f"| {r.last_growth:+.1f} | {r.final_mb:.0f} | {entities} | {len(r.samples)} |"
        )
    return "\n".join(lines)


def section(rows: list[Row], seconds: float, interval: float, parallel: int = 1) -> str:
    """The soak section of BENCHMARKS.md."""
    kafka = any(r.sink != "null" for r in rows)
    into_kafka = (
        f" {KAFKA_SCENARIO} also into a local Kafka broker with `--exactly-once` (its topic keeps "
        f"{KAFKA_RETENTION_BYTES // 2**20} MB a partition, so the broker's disk holds the run)."
        if kafka
        else ""
    )
    side_by_side = f" {parallel} soaks at a time, side by side." if parallel > 1 else ""
    return f"""## Soak: resident memory of a run at full speed (target: flat)

Measured on {datetime.now(UTC):%Y-%m-%d}. Each scenario with default options at `--speed max`
from {START[:10]}, a week before Thanksgiving, so that the busiest days of the simulated year
(when e-commerce sessions start up to 2.4 times as often) fall in the first window,
into the null sink for {seconds:.0f} s of wall time in its own process, its resident memory
(`VmRSS`) sampled every {interval:.0f} s; growth over the first and the last window
({WINDOW / 60:.0f} minutes, or half the run when shorter) (`bench/soak.py`).{into_kafka}{side_by_side}

{markdown(rows)}
"""


def verdict_line(rows: list[Row], full_seconds: float) -> str:
    """The soak's line of the targets list."""
    each = "; ".join(
        f"{r.scenario} into {r.sink} {r.last_growth:+.1f} MB over the last {r.window:.0f} s "
        f"({r.first_growth:+.1f} MB over the first, {r.final_mb:.0f} MB at the end)"
        for r in rows
    )
    shortest = min((r.seconds for r in rows), default=0.0)
    note = (
        f" Runs of {shortest:.0f} s, shorter than the {full_seconds / 60:.0f}-minute soak (`--soak`): "
        "indicative only."
        if shortest < full_seconds * 0.95
        else ""
    )
    status = "**met**" if all(r.flat for r in rows) else "**not met**"
    return (
        f"- **Flat RSS at full speed** (growth over the last window within 2% of the final RSS): "
        f"{status}. {each}.{note}"
    )


def record(path: Path, seconds: float, interval: float, full_seconds: float, parallel: int = 2) -> None:
    """Soak again (into Kafka too) and replace the soak section and its target line in ``path``."""
    from bench.runs import replace_section  # not at the top: the soak's child imports this module

    rows = run(seconds, interval, kafka=True, parallel=parallel)
    target = {"- **Flat RSS": verdict_line(rows, full_seconds)}
    new = section(rows, seconds, interval, parallel) + "\n"
    path.write_text(replace_section(path.read_text(), "## Soak:", "## Against the targets", new, target))


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], float(sys.argv[2]), *sys.argv[3:4])))
