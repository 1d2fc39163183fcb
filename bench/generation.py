"""Generation speed per scenario: streamsim (core only, full pipeline, with metrics) against two
pure-Python baselines, the naive Faker producer and the tuned anchor, in the same process run.

Every measurement reports wall-clock events/s and CPU time per event (``time.process_time``:
this process, all its threads), each the best of the repetitions. On a shared, noisy machine
the CPU time is the steadier figure; the ratios are given for both.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from bench import anchor, naive
from bench.runs import START, open_source
from streamsim import simulate
from streamsim.registry import scenarios
from streamsim.runner import BATCH_RECORDS
from streamsim.sinks.null import NullSink
from streamsim.source import PythonSource

K = TypeVar("K", bound=Hashable)

#: Events of the warm-up run before each measurement (imports, caches, pools).
WARM_UP = 1000


@dataclass(frozen=True)
class Measure:
    rate: float  # events/s, wall clock (best of the repetitions)
    cpu_us: float  # CPU microseconds per event (best of the repetitions)

    @property
    def cpu_rate(self) -> float:
        """Events per CPU second: the rate on one core to itself."""
        return 1e6 / self.cpu_us if self.cpu_us > 0 else float("inf")


@dataclass
class Row:
    scenario: str
    core: Measure  # the scenario's source only: batches of JSON records, no sink
    pipeline: Measure  # simulate(..., sink=NullSink()): the whole run loop at --speed max
    metrics: Measure  # the same with --metrics-port
    anchor: Measure  # tuned pure Python (bench/anchor.py)
    naive: Measure  # the originals' style (bench/naive.py)
    bytes_per_event: float  # streamsim's main-stream JSON
    anchor_bytes: float
    naive_bytes: float
    engine: str  # what the scenario's source is: "native" (the Rust core) or "Python"

    @property
    def vs_naive(self) -> float:
        return self.pipeline.rate / self.naive.rate

    @property
    def vs_anchor(self) -> float:
        return self.pipeline.rate / self.anchor.rate

    @property
    def cpu_vs_naive(self) -> float:
        return self.naive.cpu_us / self.pipeline.cpu_us

    @property
    def cpu_vs_anchor(self) -> float:
        return self.anchor.cpu_us / self.pipeline.cpu_us


def timed(runs: dict[K, tuple[Callable[[int], int], int]], repeats: int) -> dict[K, Measure]:
    """Best wall rate and best CPU time per event of each run (a function making ``n`` events and
    returning how many it made, and that ``n``) over ``repeats`` rounds, after a warm-up. Each
    round runs every one once, in turn, so that all see the same machine conditions."""
    rates = dict.fromkeys(runs, 0.0)
    cpus = dict.fromkeys(runs, float("inf"))
    for run, n in runs.values():
        run(min(n, WARM_UP))
    for _ in range(repeats):
        for name, (run, n) in runs.items():
            wall0, cpu0 = time.perf_counter(), time.process_time()
            made = run(n)
            wall, used = time.perf_counter() - wall0, time.process_time() - cpu0
            rates[name] = max(rates[name], made / wall)
            cpus[name] = min(cpus[name], used / made * 1e6)
    return {name: Measure(rates[name], cpus[name]) for name in runs}


def core(scenario: str, count: int) -> int:
    """Pull batches from the scenario's source until ``count`` main-stream events; returns them."""
    source = open_source(scenario)
    main = 0
    while main < count:
        batch = source.next_batch(BATCH_RECORDS, count - main)
        if not len(batch):
            break
        main += batch.main
    return main


def pipeline(scenario: str, count: int, metrics: bool = False) -> int:
    options: dict[str, Any] = {"metrics_port": free_port(), "metrics_host": "127.0.0.1"} if metrics else {}
    summary = simulate(scenario, seed=1, start=START, count=count, sink=NullSink(), **options)
    return summary.main_events


def engine(scenario: str) -> str:
    """``native`` when the scenario's source is the core's stream, else ``Python``."""
    return "Python" if isinstance(open_source(scenario), PythonSource) else "native"


def main_bytes(scenario: str, n: int = 2000) -> float:
    """Mean size of a main-stream JSON record."""
    sizes: list[int] = []
    source = open_source(scenario)
    while len(sizes) < n:
        batch = source.next_batch(BATCH_RECORDS, n - len(sizes))
        if not len(batch):
            break
        sizes += [len(r[6]) for r in batch.records() if r[0] == 0]
    return sum(sizes) / len(sizes)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _counted(produce: Callable[[str, int], int], scenario: str) -> Callable[[int], int]:
    def run(count: int) -> int:
        produce(scenario, count)
        return count

    return run


def runs(scenario: str, n: int, baseline_n: int) -> dict[str, tuple[Callable[[int], int], int]]:
    """The scenario's five measured runs, each with its count of events."""
    naive_n = max(baseline_n // 10, 1000)  # the naive producer is the slowest by far
    return {
        "core": (lambda count: core(scenario, count), n),
        "pipeline": (lambda count: pipeline(scenario, count), n),
        "metrics": (lambda count: pipeline(scenario, count, metrics=True), n),
        "anchor": (_counted(anchor.produce, scenario), baseline_n),
        "naive": (_counted(naive.produce, scenario), naive_n),
    }


def run(n: int = 300_000, baseline_n: int = 200_000, repeats: int = 3) -> list[Row]:
    """Every scenario's runs, timed together: each round runs all of them, so a spell of load
    on the shared machine falls on every scenario's rounds alike instead of on one scenario's
    whole measurement."""
    names = scenarios()
    found = timed(
        {(name, kind): job for name in names for kind, job in runs(name, n, baseline_n).items()},
        repeats,
    )
    return [
        Row(
            name,
            **{kind: measured for (scenario, kind), measured in found.items() if scenario == name},
            bytes_per_event=main_bytes(name),
            anchor_bytes=anchor.produce(name, 2000) / 2000,
            naive_bytes=naive.produce(name, 2000) / 2000,
            engine=engine(name),
        )
        for name in names
    ]


def markdown(rows: list[Row]) -> str:
    lines = [
        "| scenario | engine | streamsim core only | streamsim full pipeline, null sink "
        "| the same with --metrics-port | tuned pure-Python anchor | naive Faker producer "
        "| full pipeline / anchor | full pipeline / naive |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.scenario} | {r.engine} | {r.core.rate:,.0f} | {r.pipeline.rate:,.0f} "
            f"| {r.metrics.rate:,.0f} "
            f"| {r.anchor.rate:,.0f} | {r.naive.rate:,.0f} | {r.vs_anchor:.1f}x | {r.vs_naive:.1f}x |"
        )
    return "\n".join(lines)


def cpu_markdown(rows: list[Row]) -> str:
    lines = [
        "| scenario | streamsim core only | streamsim full pipeline, null sink "
        "| the same with --metrics-port | tuned pure-Python anchor | naive Faker producer "
        "| full pipeline / anchor | full pipeline / naive | full pipeline, events per CPU second |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.scenario} | {r.core.cpu_us:.2f} | {r.pipeline.cpu_us:.2f} | {r.metrics.cpu_us:.2f} "
            f"| {r.anchor.cpu_us:.2f} | {r.naive.cpu_us:.2f} | {r.cpu_vs_anchor:.1f}x "
            f"| {r.cpu_vs_naive:.1f}x | {r.pipeline.cpu_rate:,.0f} |"
        )
    return "\n".join(lines)


def sizes_markdown(rows: list[Row]) -> str:
    lines = [
        "| scenario | streamsim (main stream) | tuned anchor | naive producer |",
        "|---|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.scenario} | {r.bytes_per_event:.0f} | {r.anchor_bytes:.0f} | {r.naive_bytes:.0f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    found = run(20_000, 20_000, 1)
    print(markdown(found), cpu_markdown(found), sizes_markdown(found), sep="\n\n")
