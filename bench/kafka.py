"""Events per second into a real local broker: streamsim's Kafka sink vs Kafka's own ProducerPerformance.

Both run in the same session against the same broker (started from infra/kafka),
with acks=all, idempotence, lz4 and the same linger and batch size, into topics of
the same partition count. Kafka's tool sends the scenario's own events (a payload
file of its JSON lines, so record size and compressibility match) without keys or
headers; streamsim generates, serializes, keys and heads every event as it goes.
The same streamsim run with ``--exactly-once`` (transactions of the default size
and interval) gives the cost of transactions.
"""

from __future__ import annotations

import re
import resource
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic
from infra.kafka import broker

from streamsim import simulate
from streamsim.registry import scenarios
from streamsim.sinks.kafka_options import PRODUCER_DEFAULTS
from streamsim.sinks.memory import ListSink

START = 1_740_960_000.0  # 2025-03-03T00:00:00Z
PARTITIONS = 3
#: The settings both producers share (the Java client's names; librdkafka's are the same here).
SHARED = {
    key: PRODUCER_DEFAULTS[key]
    for key in ("acks", "enable.idempotence", "compression.type", "linger.ms", "batch.size")
}


@dataclass
class Row:
    scenario: str
    streamsim: float  # events/s into the broker
    kafka_tool: float  # records/s of ProducerPerformance
    bytes_per_event: float
    streamsim_cpu_us: float = 0.0  # CPU µs per event of the streamsim process (librdkafka's threads too)
    kafka_tool_cpu_us: float = 0.0  # CPU µs per record of the Java tool's process
    exactly_once: float = 0.0  # events/s into the broker with --exactly-once

    @property
    def ratio(self) -> float:
        return self.streamsim / self.kafka_tool

    @property
    def exactly_once_ratio(self) -> float:
        """Throughput with --exactly-once relative to the default (idempotent) producer."""
        return self.exactly_once / self.streamsim


def _create_topic(admin: AdminClient, prefix: str) -> str:
    topic = f"bench-{prefix}-{uuid.uuid4().hex[:8]}"
    # Retention that keeps the (past) event times, as topics streamsim creates have.
    config = {"retention.ms": "-1"}
    admin.create_topics([NewTopic(topic, PARTITIONS, 1, config=config)])[topic].result(timeout=60)
    return topic


def _streamsim_rate(
    admin: AdminClient,
    bootstrap: str,
    scenario: str,
    n: int,
    *,
    exactly_once: bool = False,
    fmt: str = "json",
) -> tuple[float, float]:
    """(events/s, CPU µs per event)."""
    topic = _create_topic(admin, scenario)
    t, cpu = time.perf_counter(), time.process_time()
    summary = simulate(
        scenario,
        seed=1,
        start=START,
        count=n,
        sink="kafka",
        bootstrap_servers=bootstrap,
        topic=topic,
        exactly_once=exactly_once,
        format=fmt,
    )
    elapsed, used = time.perf_counter() - t, time.process_time() - cpu
    assert summary.delivered == summary.events
    return summary.events / elapsed, used / summary.events * 1e6


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _tool_rate(admin: AdminClient, bootstrap: str, payloads: Path, n: int) -> tuple[float, float]:
    """(records/s as the tool reports it, CPU µs per record of its process)."""
    topic = _create_topic(admin, "tool")
    props = [f"bootstrap.servers={bootstrap}", *(f"{k}={str(v).lower()}" for k, v in SHARED.items())]
    command = broker.java_command(
        "org.apache.kafka.tools.ProducerPerformance",
        "--topic", topic, "--num-records", str(n), "--throughput", "-1",
        "--payload-file", str(payloads), "--producer-props", *props,
        heap="-Xmx512m",
    )  # fmt: skip
    cpu = _children_cpu()
    result = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=True)
    used = _children_cpu() - cpu
    # A line per 5-second window while it runs, then the whole run's line: the last one counts.
    found = re.findall(r"(\d+) records sent, ([\d.]+) records/sec", result.stdout)
    assert found and int(found[-1][0]) == n, result.stdout + result.stderr
    return float(found[-1][1]), used / n * 1e6


@contextmanager
def local_broker() -> Iterator[tuple[str, Path]]:
    """A broker from infra/kafka for the block: (its bootstrap, a scratch folder beside it)."""
    with tempfile.TemporaryDirectory(prefix="streamsim-bench-kafka-") as tmp:
        home = Path(tmp) / "broker"
        local = broker.start(home, port=0, tied=True)
        try:
            yield local.bootstrap, Path(tmp)
        finally:
            broker.stop(home)


def run(n: int = 200_000, repeats: int = 3) -> list[Row]:
    rows = []
    with local_broker() as (bootstrap, tmp):
        admin = AdminClient({"bootstrap.servers": bootstrap})
        for scenario in scenarios():
            memory = ListSink()
            simulate(scenario, seed=2, start=START, count=20_000, sink=memory)
            payloads = tmp / f"{scenario}.jsonl"
            payloads.write_bytes(b"\n".join(r.value for r in memory.records))
            sizes = [len(r.value) for r in memory.records]
            ours = tool = transactional = 0.0
            ours_cpu = tool_cpu = float("inf")
            for _ in range(repeats):  # alternated, so all see the same machine conditions
                rate, cpu = _streamsim_rate(admin, bootstrap, scenario, n)
                ours, ours_cpu = max(ours, rate), min(ours_cpu, cpu)
                rate, cpu = _tool_rate(admin, bootstrap, payloads, n)
                tool, tool_cpu = max(tool, rate), min(tool_cpu, cpu)
                rate, _ = _streamsim_rate(admin, bootstrap, scenario, n, exactly_once=True)
                transactional = max(transactional, rate)
            size = sum(sizes) / len(sizes)
            rows.append(Row(scenario, ours, tool, size, ours_cpu, tool_cpu, transactional))
    return rows


def markdown(rows: list[Row]) -> str:
    lines = [
        "| scenario | streamsim into Kafka (events/s) | Kafka ProducerPerformance (records/s) "
        "| streamsim / Kafka's tool | streamsim CPU µs/event | the tool's CPU µs/record (JVM start included) "
        "| bytes/event | with --exactly-once (events/s) | --exactly-once / default |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.scenario} | {r.streamsim:,.0f} | {r.kafka_tool:,.0f} | {r.ratio:.0%} "
            f"| {r.streamsim_cpu_us:.2f} | {r.kafka_tool_cpu_us:.2f} | {r.bytes_per_event:.0f} "
            f"| {r.exactly_once:,.0f} | {r.exactly_once_ratio:.0%} |"
        )
    return "\n".join(lines)


#: The value formats compared into the broker (JSON Schema is a validation stage, not a codec).
FORMATS = ("json", "avro", "protobuf")


@dataclass
class FormatRow:
    scenario: str
    rates: dict[str, tuple[float, float]]  # format -> (events/s, CPU µs/event), best of the repeats


def formats_run(n: int = 200_000, repeats: int = 3) -> list[FormatRow]:
    """The whole pipeline into the broker with each value format (no registry), runs alternated."""
    rows = []
    with local_broker() as (bootstrap, _):
        admin = AdminClient({"bootstrap.servers": bootstrap})
        for scenario in scenarios():
            best = {fmt: (0.0, float("inf")) for fmt in FORMATS}
            for _ in range(repeats):
                for fmt in FORMATS:
                    rate, cpu = _streamsim_rate(admin, bootstrap, scenario, n, fmt=fmt)
                    best[fmt] = (max(best[fmt][0], rate), min(best[fmt][1], cpu))
            rows.append(FormatRow(scenario, best))
    return rows


def formats_markdown(rows: list[FormatRow]) -> str:
    head = " | ".join(f"{fmt} (events/s, CPU µs/event)" for fmt in FORMATS)
    ratios = " | ".join(f"{fmt}/json CPU" for fmt in FORMATS[1:])
    lines = [f"| scenario | {head} | {ratios} |", "|---|" + "---:|" * (2 * len(FORMATS) - 1)]
    for r in rows:
        rates = " | ".join(f"{r.rates[f][0]:,.0f} ({r.rates[f][1]:.2f})" for f in FORMATS)
        ratio = " | ".join(f"{r.rates[f][1] / r.rates['json'][1]:.2f}x" for f in FORMATS[1:])
        lines.append(f"| {r.scenario} | {rates} | {ratio} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run(100_000, 1)))
    print(formats_markdown(formats_run(100_000, 1)))
