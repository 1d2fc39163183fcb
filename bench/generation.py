"""Events per second per scenario: streamsim (generation only, full pipeline) vs the naive baseline."""

from __future__ import annotations

import itertools
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench import naive
from streamsim import simulate
from streamsim.registry import get_scenario, scenarios
from streamsim.sinks.memory import ListSink
from streamsim.sinks.null import NullSink

START = 1_740_960_000.0  # 2025-03-03T00:00:00Z


@dataclass
class Row:
    scenario: str
    generate: float  # events/s, scenario iteration only
    pipeline: float  # events/s, generation + projection + JSON + null sink
    metrics: float  # events/s, the same with the metrics server on (--metrics-port)
    naive: float  # events/s, the originals' style
    bytes_per_event: float

    @property
    def ratio(self) -> float:
        return self.pipeline / self.naive


def best_rate(run: Callable[[int], object], n: int, repeats: int) -> float:
    """Best events/s over ``repeats`` runs of ``n`` events (the least disturbed by a noisy machine)."""
    best = 0.0
    for _ in range(repeats):
        t = time.perf_counter()
        run(n)
        best = max(best, n / (time.perf_counter() - t))
    return best


def measure(scenario: str, n: int, naive_n: int, repeats: int) -> Row:
    cls = get_scenario(scenario)

    def generate(count: int) -> None:
        for _ in itertools.islice(cls(seed=1, start=START), count):
            pass

    def pipeline(count: int) -> None:
        simulate(scenario, seed=1, start=START, count=count, sink=NullSink())

    def with_metrics(count: int) -> None:
        port = free_port()
        simulate(
            scenario,
            seed=1,
            start=START,
            count=count,
            sink=NullSink(),
            metrics_port=port,
            metrics_host="127.0.0.1",
        )

    memory = ListSink()
    simulate(scenario, seed=1, start=START, count=2000, sink=memory)
    sizes = [len(r.value) for r in memory.records]
    return Row(
        scenario,
        generate=best_rate(generate, n, repeats),
        pipeline=best_rate(pipeline, n, repeats),
        metrics=best_rate(with_metrics, n, repeats),
        naive=best_rate(lambda count: naive.produce(scenario, count), naive_n, repeats),
        bytes_per_event=sum(sizes) / len(sizes),
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def run(n: int = 200_000, naive_n: int = 20_000, repeats: int = 3) -> list[Row]:
    return [measure(name, n, naive_n, repeats) for name in scenarios()]


def markdown(rows: list[Row]) -> str:
    lines = [
        "| scenario | streamsim generation only (events/s) | streamsim to JSON bytes, null sink (events/s) "
        "| the same with --metrics-port (events/s) "
        "| naive Faker + json.dumps (events/s) | speed-up (JSON vs naive) | bytes/event |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.scenario} | {r.generate:,.0f} | {r.pipeline:,.0f} | {r.metrics:,.0f} | {r.naive:,.0f} | "
            f"{r.ratio:.1f}x | {r.bytes_per_event:.0f} |"
        )
    return "\n".join(lines)
