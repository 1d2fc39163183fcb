"""Events per second per scenario and value format: JSON (core bytes), Avro, Protobuf, JSON Schema.

Each figure is the full pipeline (generation, projection, JSON, the core's Avro or Protobuf
encoding, then the serializer stage) into the null sink, without a Schema Registry (the wire
format adds a fixed header of five or six bytes). The ratios are CPU per event against JSON's
in the same run. ``python -c "from bench import formats; print(formats.markdown(formats.run()))"``
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bench.generation import Measure, timed
from streamsim import simulate
from streamsim.formats.options import FORMATS
from streamsim.registry import scenarios
from streamsim.sinks.memory import ListSink
from streamsim.sinks.null import NullSink

START = 1_740_960_000.0  # 2025-03-03T00:00:00Z


@dataclass
class Row:
    scenario: str
    rates: dict[str, Measure] = field(default_factory=dict)  # events/s and CPU µs/event by format
    sizes: dict[str, float] = field(default_factory=dict)  # mean value bytes by format


def measure(scenario: str, n: int, repeats: int) -> Row:
    def pipeline(fmt: str) -> Callable[[int], int]:
        def run(count: int) -> int:
            return simulate(scenario, seed=1, start=START, count=count, sink=NullSink(), format=fmt).events

        return run

    row = Row(scenario, timed({fmt: (pipeline(fmt), n) for fmt in FORMATS}, repeats))
    for fmt in FORMATS:
        memory = ListSink()
        simulate(scenario, seed=1, start=START, count=1000, sink=memory, format=fmt)
        row.sizes[fmt] = sum(len(r.value) for r in memory.records) / len(memory.records)
    return row


def run(n: int = 50_000, repeats: int = 3) -> list[Row]:
    return [measure(name, n, repeats) for name in scenarios()]


#: Formats whose CPU per event is compared with JSON's (the target, at most 1.3x, is into Kafka).
RATIOS = ("avro", "protobuf")


def markdown(rows: list[Row]) -> str:
    head = " | ".join(f"{fmt} (events/s, CPU µs/event)" for fmt in FORMATS)
    ratios = " | ".join(f"{fmt}/json CPU" for fmt in RATIOS)
    sizes = " | ".join(f"{fmt} bytes/event" for fmt in FORMATS)
    lines = [
        f"| scenario | {head} | {ratios} | {sizes} |",
        "|---|" + "---:|" * (2 * len(FORMATS) + len(RATIOS)),
    ]
    for r in rows:
        rates = " | ".join(f"{r.rates[fmt].rate:,.0f} ({r.rates[fmt].cpu_us:.1f})" for fmt in FORMATS)
        ratio = " | ".join(f"{r.rates[fmt].cpu_us / r.rates['json'].cpu_us:.2f}x" for fmt in RATIOS)
        size = " | ".join(f"{r.sizes[fmt]:.0f}" for fmt in FORMATS)
        lines.append(f"| {r.scenario} | {rates} | {ratio} | {size} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run()))
