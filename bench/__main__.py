"""Run the benchmarks and rewrite BENCHMARKS.md: `python -m bench [--quick] [--soak] [--skip-kafka]`
(or only its soak section: `python -m bench --soak-only`; only its memory table:
`python -m bench --memory-only`; only its generation tables: `python -m bench --generation-only`)."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bench import formats, generation, memory, soak, startup
from bench.runs import replace_section
from streamsim.runner import BATCH_RECORDS

if TYPE_CHECKING:
    from bench import kafka

ROOT = Path(__file__).resolve().parent.parent

#: The issue's targets.
RATE_TARGET = 300_000  # events/s on one core, full pipeline into the null sink
NAIVE_TARGET = 30.0  # times the naive Faker producer
ANCHOR_TARGET = 2.0  # times the tuned pure-Python anchor
KAFKA_TARGET = 0.5  # of Kafka's own ProducerPerformance
ENTITIES_TARGET = 1_000_000
MEMORY_TARGET = 300.0  # MB of resident memory with ENTITIES_TARGET entities
FIRST_EVENT_TARGET = 0.3  # seconds from process start to the first event
SOAK_TARGET = 600.0  # seconds of the full soak per scenario (--soak)


@dataclass(frozen=True)
class Settings:
    """How much each part measures: the full run, or a quick smoke run (not for the record)."""

    events: int  # streamsim events per generation measurement
    baseline_events: int  # anchor events per measurement (the naive producer makes a tenth)
    repeats: int
    generation_repeats: int  # generation runs are short: more of them make their best steadier
    memory_events: int
    soak_seconds: float
    soak_interval: float
    startup_attempts: int
    kafka_events: int
    format_events: int

    @classmethod
    def choose(cls, quick: bool, long_soak: bool) -> Settings:
        soak_seconds = SOAK_TARGET if long_soak else (20.0 if quick else 60.0)
        if quick:
            return cls(
                20_000, 20_000, 1, 1, 100_000, soak_seconds, 10.0 if long_soak else 2.0, 3, 20_000, 5_000
            )
        return cls(300_000, 200_000, 3, 7, 1_000_000, soak_seconds, 10.0, 7, 200_000, 20_000)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def _status(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def memory_verdict_line(memory_rows: list[memory.Row]) -> str:
    """The target line of the memory runs: every scenario's peak at (or projected to) the target."""
    scenario_rows = [r for r in memory_rows if r.entities]
    parts = []
    ok = bool(scenario_rows)
    for r in scenario_rows:
        projected = memory.projected_mb(memory_rows, r, ENTITIES_TARGET)
        assert projected is not None  # the row has entities
        ok = ok and projected <= MEMORY_TARGET
        if r.entities >= ENTITIES_TARGET:
            at_target = "measured"
        else:
            at_target = f"{projected:,.0f} MB projected at {ENTITIES_TARGET:,}"
        average, added = memory.bytes_per_entity(memory_rows, r), r.marginal_bytes
        per = f", {average:,.0f} bytes per entity on average" if average is not None else ""
        per += f", {added:,.0f} per entity added in the second half" if added is not None else ""
        parts.append(f"{r.what} {r.entities:,.0f} entities in {r.peak_mb:,.0f} MB{per} ({at_target})")
    return (
        f"- **{ENTITIES_TARGET:,} persistent entities in at most {MEMORY_TARGET:.0f} MB RSS**: "
        f"{_status(ok)}. {'; '.join(parts)}."
    )


def record_memory(path: Path, events: int) -> None:
    """Measure memory again and replace the memory table and its target line in ``path``."""
    rows = memory.run(events)
    target = {f"- **{ENTITIES_TARGET:,} persistent": memory_verdict_line(rows)}
    text = replace_section(
        path.read_text(), "\n| run | events |", "\n\n", "\n" + memory.markdown(rows), target
    )
    path.write_text(text)


def generation_verdict_lines(rows: list[generation.Row]) -> list[str]:
    """The target lines of the generation runs: rate, and ratios to the two baselines."""
    each = "; ".join(
        f"{r.scenario} {r.pipeline.rate:,.0f}/s ({r.pipeline.cpu_rate:,.0f} per CPU second)" for r in rows
    )
    ok = all(r.pipeline.rate >= RATE_TARGET for r in rows)
    lines = [
        f"- **At least {RATE_TARGET:,} events/s on one core** (full pipeline, JSON into the null sink, "
        f"wall clock): {_status(ok)}. {each}."
    ]
    each = "; ".join(f"{r.scenario} {r.vs_naive:.1f}x (CPU time {r.cpu_vs_naive:.1f}x)" for r in rows)
    ok = all(r.vs_naive >= NAIVE_TARGET for r in rows)
    lines.append(f"- **At least {NAIVE_TARGET:.0f}x the naive Faker producer**: {_status(ok)}. {each}.")
    each = "; ".join(f"{r.scenario} {r.vs_anchor:.1f}x (CPU time {r.cpu_vs_anchor:.1f}x)" for r in rows)
    ok = all(r.vs_anchor >= ANCHOR_TARGET for r in rows)
    lines.append(f"- **At least {ANCHOR_TARGET:.0f}x the tuned pure-Python anchor**: {_status(ok)}. {each}.")
    return lines


def generation_section(settings: Settings, rows: list[generation.Row], refreshed: bool = False) -> str:
    """The generation section's text from its first paragraph on (what a refresh replaces)."""
    naive_events = max(settings.baseline_events // 10, 1000)
    refresh = (
        f" Refreshed on {datetime.now(UTC):%Y-%m-%d} by `python -m bench --generation-only`; the other "
        "sections are from the run above."
        if refreshed
        else ""
    )
    return f"""Per scenario, in one process: {settings.events:,} main-stream events per streamsim measurement,
{settings.baseline_events:,} per anchor measurement and {naive_events:,} per naive one,
each after a warm-up; the best of {settings.generation_repeats} rounds, each running every scenario's
measurements once, so that a spell of load on the machine falls on all scenarios alike.{refresh}

- *core only*: the scenario's source (the native core's stream, or `PythonSource` for a scenario
  written in Python, see *engine*) pulled in batches of {BATCH_RECORDS} records: simulation,
  field projection and JSON bytes, no run loop or sink.
- *full pipeline*: `simulate(..., sink=NullSink())` at `--speed max`, the run loop of
  `streamsim run` (limits, tallies, progress) into a sink that discards; the next column runs
  it with the metrics server on (`--metrics-port`; its start and stop included).
- *tuned pure-Python anchor* (`bench/anchor.py`): the originals' field sets and logic written
  for speed in pure Python: precomputed pools, `random.random()` choices, the ISO timestamp's
  date and time formatted once per second, one dict per event, `orjson.dumps`.
- *naive Faker producer* (`bench/naive.py`): each event the way the original scripts made it:
  Faker calls, `uuid4`, one dict, `json.dumps`.

Events per second (wall clock):

{generation.markdown(rows)}

CPU microseconds per event (this process, all threads; ratios of CPU time per event):

{generation.cpu_markdown(rows)}

Bytes per event (streamsim's events carry more fields than the originals'):

{generation.sizes_markdown(rows)}
"""


def record_generation(path: Path, settings: Settings) -> None:
    """Measure generation again and replace its section and its three target lines in ``path``."""
    rows = generation.run(settings.events, settings.baseline_events, settings.generation_repeats)
    lines = generation_verdict_lines(rows)
    targets = {line[: line.index("**", 4) + 2]: line for line in lines}  # keyed by their titles
    new = generation_section(settings, rows, refreshed=True)
    path.write_text(
        replace_section(path.read_text(), "Per scenario, in one process:", "\n## Value formats", new, targets)
    )


def verdict(
    rows: list[generation.Row],
    kafka_rows: list[kafka.Row] | None,
    memory_rows: list[memory.Row],
    soak_rows: list[soak.Row],
    startup_rows: list[startup.Row],
) -> str:
    """Where the figures of this run stand against the targets, computed from them."""
    lines = ["## Against the targets", "", *generation_verdict_lines(rows)]

    if kafka_rows is None:
        lines.append(
            f"- **At least {KAFKA_TARGET:.0%} of Kafka's ProducerPerformance**: not measured in this run "
            "(`--skip-kafka`)."
        )
    else:
        each = "; ".join(f"{r.scenario} {r.ratio:.0%}" for r in kafka_rows)
        ok = all(r.ratio >= KAFKA_TARGET for r in kafka_rows)
        lines.append(
            f"- **At least {KAFKA_TARGET:.0%} of Kafka's ProducerPerformance**: {_status(ok)}. {each}."
        )

    lines.append(memory_verdict_line(memory_rows))
    lines.append(soak.verdict_line(soak_rows, SOAK_TARGET))

    timed = [r for r in startup_rows if r.what != "python"]
    each = "; ".join(f"{r.what} {r.first_line:.3f} s" for r in timed)
    ok = all(r.first_line <= FIRST_EVENT_TARGET for r in timed)
    lines.append(
        f"- **First event within {FIRST_EVENT_TARGET} s of start** (best of the attempts): "
        f"{_status(ok)}. {each}."
    )
    return "\n".join(lines) + "\n"


def kafka_section(
    settings: Settings, kafka_rows: list[kafka.Row] | None, format_rows: list[kafka.FormatRow] | None = None
) -> str:
    if kafka_rows is None:
        return """## Into a real Kafka broker (target: at least 50% of Kafka's own producer tool)

Not measured in this run (`--skip-kafka`).
"""
    from bench import kafka

    return f"""## Into a real Kafka broker (target: at least 50% of Kafka's own producer tool)

{settings.kafka_events:,} events per measurement into a single-node Kafka broker (KRaft, from
`infra/kafka`) on the same machine, topics of {kafka.PARTITIONS} partitions. Both producers use acks=all,
idempotence, lz4, linger.ms={kafka.SHARED["linger.ms"]} and batch.size={kafka.SHARED["batch.size"]}.
*streamsim* is the whole pipeline with `--sink kafka` (generation, JSON, key, headers, delivery
reports, final flush). *ProducerPerformance* is Kafka's own tool (`kafka-producer-perf-test`,
from the same Maven-assembled jars) sending the scenario's own JSON lines (`--payload-file`),
so record size and compressibility match, without keys or headers (`bench/kafka.py`).
*with --exactly-once* is the streamsim run with a transactional producer (commits every
10,000 events or 1 s, the defaults): the cost of exactly-once delivery. Best of
{settings.repeats}, the runs alternated.

{kafka.markdown(kafka_rows)}

With each value format (`--format`, no registry), the same broker and producer settings, the
runs alternated (CPU µs per event of the streamsim process, librdkafka's threads included):

{kafka.formats_markdown(format_rows or [])}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="fewer events, short soak (a smoke run, not for the record)"
    )
    parser.add_argument(
        "--soak", action="store_true", help=f"soak each scenario for {SOAK_TARGET / 60:.0f} minutes"
    )
    parser.add_argument("--skip-kafka", action="store_true", help="no broker: a generation-only refresh")
    parser.add_argument(
        "--soak-only",
        action="store_true",
        help=f"only the {SOAK_TARGET / 60:.0f}-minute soaks (null sink, and Kafka with --exactly-once): "
        "replaces the soak section and its target line of the output",
    )
    parser.add_argument(
        "--memory-only",
        action="store_true",
        help="only the memory runs: replaces the memory table and its target line of the output",
    )
    parser.add_argument(
        "--generation-only",
        action="store_true",
        help="only the generation runs (streamsim and both baselines): replaces the generation "
        "tables and their target lines of the output",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    settings = Settings.choose(args.quick, args.soak)
    if args.soak_only:
        soak.record(args.output, SOAK_TARGET, 10.0, SOAK_TARGET)
        return
    if args.memory_only:
        record_memory(args.output, settings.memory_events)
        return
    if args.generation_only:
        record_generation(args.output, settings)
        return

    print("generation ...", file=sys.stderr)
    rows = generation.run(settings.events, settings.baseline_events, settings.generation_repeats)
    print("formats ...", file=sys.stderr)
    format_rows = formats.run(settings.format_events, settings.repeats)
    print("time to first event ...", file=sys.stderr)
    startup_rows = startup.run(settings.startup_attempts)
    print("memory ...", file=sys.stderr)
    memory_rows = memory.run(settings.memory_events)
    print(f"soak ({settings.soak_seconds:.0f} s per scenario) ...", file=sys.stderr)
    soak_rows = soak.run(settings.soak_seconds, settings.soak_interval, kafka=not args.skip_kafka)
    kafka_rows: list[kafka.Row] | None = None
    kafka_format_rows: list[kafka.FormatRow] | None = None
    if not args.skip_kafka:
        from bench import kafka

        print("kafka (assembles and starts a local broker) ...", file=sys.stderr)
        kafka_rows = kafka.run(settings.kafka_events, settings.repeats)
        print("kafka, each value format ...", file=sys.stderr)
        kafka_format_rows = kafka.formats_run(settings.kafka_events, settings.repeats)

    quick = (
        "\n**A quick smoke run (`--quick`): small samples, not figures for the record.**\n"
        if args.quick
        else ""
    )
    text = f"""# Benchmarks

Measured by `python -m bench{" --quick" if args.quick else ""}{" --soak" if args.soak else ""}` on \
{datetime.now(UTC):%Y-%m-%d} ({machine()}).
Every figure comes from the same run, baselines included, so ratios compare like with like on a
shared, noisy machine. Rates are wall clock, the best of {settings.repeats} repetitions (of
{settings.generation_repeats} for generation); CPU time is given beside them (the best of the same
repetitions), as it is the steadier figure when the machine is shared.
{quick}
## Generation (targets: {RATE_TARGET:,} events/s on one core, {NAIVE_TARGET:.0f}x the naive producer, \
{ANCHOR_TARGET:.0f}x the tuned anchor)

{generation_section(settings, rows)}
## Value formats

The full pipeline into the null sink with each `--format`, {settings.format_events:,} events per
measurement, without a Schema Registry (its wire format adds five bytes and no per-event work):
JSON is the core's bytes; Avro and Protobuf are encoded by the core from the same rows
(apache-avro; prost with prost-reflect's descriptors); JSON Schema validates each record in Python
with jsonschema (`bench/formats.py`). CPU per event relative to JSON in the same run: avro/json and
protobuf/json (the target, at most 1.3x, is into Kafka: see below).

{formats.markdown(format_rows)}

## Time to first event (target: within {FIRST_EVENT_TARGET} s of start)

Best of {settings.startup_attempts} fresh processes each (`bench/startup.py`): from spawning
`streamsim run SCENARIO --count 1 --speed max` to its first line on standard output
(`--sink stdout`), and to its exit with `--sink null`. The interpreter alone for reference.

{startup.markdown(startup_rows)}

{kafka_section(settings, kafka_rows, kafka_format_rows)}
## Memory of long runs with large populations (target: {ENTITIES_TARGET:,} entities in at most \
{MEMORY_TARGET:.0f} MB)

{settings.memory_events:,} main-stream events per run, pulled from the scenario's source as the runner
does at `--speed max` (no sink), each run in a fresh interpreter; peak resident memory from the
kernel (`VmHWM`). Entities are created on first use (a cardholder, customer or driver exists once
it first appears), so memory grows with the entities actually seen, not with the population
option; session and label stores are bounded. Bytes per entity: the peak above `import streamsim`
over the entities alive at the end, and the resident memory added over the second half of the run
over the entities added then (the run's fixed costs paid). The last column is the peak measured
when a run reached {ENTITIES_TARGET:,} entities, else projected: the resident memory at the end plus
the missing entities at the smaller of the two costs (both are upper bounds: the first includes
the run's fixed costs, the second what grows besides entities), or the peak if higher
(`bench/memory.py`).

{memory.markdown(memory_rows)}

{soak.section(soak_rows, settings.soak_seconds, settings.soak_interval)}
{verdict(rows, kafka_rows, memory_rows, soak_rows, startup_rows)}"""
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
