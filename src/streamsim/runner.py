"""The run loop: scenario -> projection -> serializer -> sink, with pacing, limits and shutdown."""

from __future__ import annotations

import logging
import math
import secrets
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from streamsim.chaos import CHAOS_STREAM, Chaos, ChaosOptions
from streamsim.clock import Pacer
from streamsim.config import (
    EngineOptions,
    FieldOptions,
    LogOptions,
    OutputOptions,
    Resolved,
    check_topic,
)
from streamsim.errors import RunFailure, UsageError
from streamsim.events import MAIN_STREAM
from streamsim.formats import FormatOptions, Serializer, bind, closing, identity
from streamsim.observe import Tally
from streamsim.progress import Reporter
from streamsim.registry import get_sink
from streamsim.report import Observed, ReportOptions, pyplot, render
from streamsim.schema import Projection
from streamsim.sinks.base import SinkClosed, WriteInterrupted
from streamsim.source import Limits
from streamsim.timeutil import format_duration, iso_utc

if TYPE_CHECKING:
    from streamsim.observe import RunObserver
    from streamsim.scenarios.base import Scenario
    from streamsim.sinks.base import Sink

log = logging.getLogger("streamsim")

#: Seconds between two progress reports to an observer (the metrics server) while events flow.
PUBLISH_SECONDS = 1.0


@dataclass(frozen=True)
class DriftPoint:
    """A drift phase the run entered: when, and after how many main-stream events."""

    phase: int
    name: str
    time: float
    events: int

    def __str__(self) -> str:
        return f"phase {self.phase} {self.name!r} at {iso_utc(self.time)} after {self.events:,} events"


@dataclass
class Summary:
    """What a run did, for the closing log line and for callers."""

    scenario: str
    seed: int
    events: int = 0
    main_events: int = 0
    first_time: float | None = None
    last_time: float | None = None
    wall_seconds: float = 0.0
    stop_reason: str = ""
    by_type: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    skipped: int = 0  # records a resumed run did not write again (a previous run delivered them)
    delivered: int = 0
    failed: int = 0
    undelivered: int = 0
    output_closed: bool = False  # the reader went away; what it did not read is counted as failed
    labels_emitted: int = 0  # delayed labels (companion records labelling an earlier event)
    labels_pending: int = 0  # main events emitted whose delayed label was still due at the end
    gauges: dict[str, float] = field(default_factory=dict)  # the scenario's live sizes at the end
    drift_points: list[DriftPoint] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """True when every accepted record was delivered."""
        return self.failed == 0 and self.undelivered == 0

    def line(self) -> str:
        span = 0.0 if self.first_time is None or self.last_time is None else self.last_time - self.first_time
        parts = [f"{self.scenario}: {self.events:,} events ({self.stop_reason})"]
        if self.skipped:
            parts.append(f"resumed after {self.skipped:,} events delivered before")
        if self.first_time is not None and self.last_time is not None:
            parts.append(
                f"event time {iso_utc(self.first_time)} .. {iso_utc(self.last_time)} "
                f"({format_duration(span)})"
            )
        rate = self.events / self.wall_seconds if self.wall_seconds > 0 else 0.0
        parts.append(f"{rate:,.0f} events/s over {format_duration(self.wall_seconds)}")
        if self.by_type:
            parts.append("types " + ", ".join(f"{k}={v:,}" for k, v in sorted(self.by_type.items())))
        if self.labels:
            parts.append("labels " + ", ".join(f"{k}: {v:,}" for k, v in sorted(self.labels.items())))
        if self.labels_emitted or self.labels_pending:
            parts.append(
                f"{self.main_events:,} main events, {self.labels_emitted:,} delayed labels emitted, "
                f"{self.labels_pending:,} pending"
            )
        if self.drift_points:
            parts.append("drift " + ", ".join(map(str, self.drift_points)))
        parts.append(
            f"delivered {self.delivered:,}, failed {self.failed:,}, undelivered {self.undelivered:,}"
        )
        return "; ".join(parts)


@dataclass
class Plan:
    """Everything a run needs, built from validated options."""

    scenario: Scenario[Any]
    projection: Projection
    topics: dict[str, str]
    sink: Sink
    engine: EngineOptions
    logging: LogOptions
    #: The serializer stage between source and sink (--format); the identity for JSON.
    serializer: Serializer = identity
    chaos: Chaos | None = None  # data-quality faults between source and sink (streamsim.chaos)
    report: Path | None = None  # --report: the HTML page of what the run wrote (streamsim.report)
    observed: Observed | None = None  # what the run wrote, aggregated for the report


def new_seed() -> int:
    return secrets.randbits(48)


def build_scenario(resolved: Resolved, scenario_cls: type[Scenario[Any]]) -> Scenario[Any]:
    """The scenario of a run or sample, from validated options (a seed is chosen if not given)."""
    engine = resolved.get(EngineOptions)
    return scenario_cls(
        resolved.get(scenario_cls.Options),
        seed=engine.seed if engine.seed is not None else new_seed(),
        start=engine.start,
        shard=engine.shard,
        rate=engine.rate,
    )


def build_projection(resolved: Resolved, scenario: Scenario[Any]) -> Projection:
    """The main stream's field selection, from --schema, --fields and --exclude-fields."""
    fields = resolved.get(FieldOptions)
    return Projection(
        scenario.field_specs()[MAIN_STREAM],
        fields.schema_preset,
        fields=fields.fields,
        exclude=fields.exclude_fields,
    )


def plan(resolved: Resolved, scenario_cls: type[Scenario[Any]], sink: Sink | None = None) -> Plan:
    """Build the scenario, projection, topics and sink of a run (seed chosen here if not given)."""
    engine = resolved.get(EngineOptions)
    output = resolved.get(OutputOptions)
    scenario = build_scenario(resolved, scenario_cls)
    projection = build_projection(resolved, scenario)
    topics = scenario.topics(output.topic)
    chaos = build_chaos(resolved, scenario, projection)
    if chaos is not None:
        topics[CHAOS_STREAM] = f"{topics[MAIN_STREAM]}_{CHAOS_STREAM}"
    for topic in topics.values():
        try:
            check_topic(topic)
        except ValueError:
            raise UsageError(
                f"invalid value for {resolved.sources.get('topic', '--topic')}: {output.topic!r} "
                f"(its companion topic {topic[:20]}...{topic[-20:]} is longer than 249 characters)"
            ) from None
    if sink is None:
        sink = get_sink(output.sink).load().from_config(resolved, list(topics.values()), scenario)
    serializer = build_serializer(resolved, scenario, projection, topics)
    if chaos is not None and serializer is not identity:
        # Malformed values and the manifest are JSON: faults of other formats are not modelled.
        raise UsageError("the chaos options (--late-share...) need --format json")
    report = resolved.models.get(ReportOptions)
    path = report.report if isinstance(report, ReportOptions) else None
    return Plan(
        scenario,
        projection,
        topics,
        sink,
        engine,
        resolved.get(LogOptions),
        serializer,
        chaos=chaos,
        report=path,
    )


def build_serializer(
    resolved: Resolved, scenario: Scenario[Any], projection: Projection, topics: dict[str, str]
) -> Serializer:
    """The run's serializer stage (--format); with a Schema Registry, its schemas are registered here."""
    options = resolved.models.get(FormatOptions)
    if not isinstance(options, FormatOptions) or options.identity:
        return identity
    from streamsim import formats

    names = scenario.stream_names()
    return formats.build(
        options, formats.stream_schemas(scenario, projection), [topics.get(n, n) for n in names]
    )


def build_chaos(resolved: Resolved, scenario: Scenario[Any], projection: Projection) -> Chaos | None:
    """The run's chaos stage, or None when every chaos option is off."""
    options = resolved.models.get(ChaosOptions)
    if not isinstance(options, ChaosOptions):
        return None
    full = resolved.get(FieldOptions).schema_preset == "full"
    return Chaos.from_options(options, scenario, projection, emit_time=full)


def execute(p: Plan, *, stop: threading.Event | None = None, install_signals: bool = True) -> Summary:
    """Run a plan to its end (limit, signal, or closed output) and return its summary.

    With ``--metrics-port``, a metrics server observes the run while it lasts.
    Raises RunFailure when the sink could not deliver everything it accepted.
    """
    stop = stop or threading.Event()
    s, engine = p.scenario, p.engine
    log.info(
        "streamsim %s: seed=%d start=%s shard=%s rate=%.4g/s speed=%s sink=%s topic=%s "
        "(replay with --seed %d --start %s)",
        s.name,
        s.seed,
        iso_utc(s.start),
        s.shard,
        s.effective_rate,
        engine.speed,
        p.sink.name,
        p.topics[MAIN_STREAM],
        s.seed,
        iso_utc(s.start),
    )
    bounded = engine.count is not None or engine.end is not None
    show_bar = p.logging.progress if p.logging.progress is not None else sys.stderr.isatty()
    reporter = Reporter(
        bar=bounded and show_bar,
        interval=p.logging.log_interval,
        start=s.start,
        end=engine.end,
        count=engine.count,
    )
    summary = Summary(s.name, s.seed)
    failure: RunFailure | None = None
    wall0 = time.monotonic()
    p.sink.stopping = stop
    guard = stop_on_signals(stop) if install_signals else _nothing()
    with _observing(p) as observer, closing(p.serializer):
        pacer = Pacer(engine.speed, s.start, wait=_waiter(stop, observer), on_idle=p.sink.flush)
        # Ctrl-C while the sink opens (connecting to a broker) interrupts the start-up (exit 130);
        # from here on it stops the run cleanly.
        p.sink.open()
        with guard:
            try:
                if observer is not None:
                    observer.started(s, p.sink, p.topics)
                _loop(p, pacer, reporter, summary, stop, observer)
            except RunFailure as exc:  # a delivery failure mid-run: still close, count and summarise
                failure = exc
            finally:
                reporter.finish()
                if observer is not None:
                    observer.finished()
                try:
                    p.sink.close()
                finally:
                    summary.wall_seconds = time.monotonic() - wall0
                    summary.delivered, summary.failed = p.sink.delivered, p.sink.failed
                    summary.undelivered = p.sink.undelivered
    log.info("done: %s", summary.line())
    if p.report is not None and p.observed is not None and p.observed.scenario is not None:
        p.report.write_text(render(p.observed, f"streamsim report: {s.name} (seed {s.seed})"))
        log.info("report: wrote %s", p.report)
    written = summary.events - summary.skipped
    if (not summary.complete and not summary.output_closed) or failure is not None:
        raise RunFailure(
            f"{summary.failed + summary.undelivered:,} of {written:,} events were "
            f"not delivered ({summary.failed:,} failed, {summary.undelivered:,} undelivered)"
            + (f"; {failure}" if failure is not None and summary.complete else "")
        )
    return summary


@contextmanager
def _observing(p: Plan) -> Iterator[RunObserver | None]:
    """The metrics server of the run, from before the sink opens until the run is summarised."""
    port = p.logging.metrics_port
    if not port:
        yield None
        return
    from streamsim.metrics import MetricsServer  # needs the metrics extra: loaded only when asked for

    with MetricsServer.serve(p.logging.metrics_host, port, p.scenario, p.engine, p.sink) as server:
        yield server


def _waiter(stop: threading.Event, observer: RunObserver | None) -> Callable[[float], bool]:
    """The pacer's sleep: tells the observer the loop is idle (not stuck), then waits for the stop signal."""
    if observer is None:
        return stop.wait

    def wait(seconds: float) -> bool:
        observer.idle(seconds)
        return stop.wait(seconds)

    return wait


#: Records per batch at full speed: large enough that Python's share per record is small,
#: small enough that a signal or a progress report waits at most a few milliseconds.
BATCH_RECORDS = 4096


def _loop(
    p: Plan,
    pacer: Pacer,
    reporter: Reporter,
    summary: Summary,
    stop: threading.Event,
    observer: RunObserver | None,
) -> None:
    engine = p.engine
    limits = Limits(engine.count, engine.end, engine.drain_labels)
    paced = engine.speed.mode != "max"
    source = p.scenario.source(p.projection)
    bind(p.serializer, source)  # a native source encodes Avro and Protobuf values itself
    streams = p.scenario.stream_names()
    if p.chaos is not None:
        source = p.chaos.wrap(source, len(streams), paced=paced, end=limits.end, count=limits.count)
        streams = [*streams, CHAOS_STREAM]
    topics = [p.topics.get(name, name) for name in streams]  # undeclared streams never emit
    p.sink.stream_names = streams
    write_batch, serialize = p.sink.write_batch, p.serializer
    if p.report is not None:
        pyplot()  # fails now, not at the end of the run, without the report extra
        p.observed = Observed()
    observe = p.observed.add_batch if p.observed is not None else None
    tally = Tally()
    kinds, label_delay = tally.kinds, tally.label_delays.observe
    publish_at = 0.0  # when to report progress to the observer next (monotonic clock)
    phase_names = [phase.name or f"phase-{i}" for i, phase in enumerate(p.scenario.options.schedule, 1)]
    seq = main = 0
    skip = summary.skipped = p.sink.resume_from  # fast-forward: records a previous run delivered
    sample: bytes | None = None
    t = p.scenario.start
    reason = "stopped"
    try:
        while True:
            if stop.is_set():
                reason = "stopped by signal"
                break
            upcoming = limits.upcoming(source, main)
            if upcoming is None:
                reason = limits.stop_reason
                break
            if paced:
                if not pacer.pace(upcoming):
                    reason = "stopped by signal"
                    break
                # Everything already due goes out together (at least the record waited for).
                until = min(limits.end, math.nextafter(max(pacer.due_until(), upcoming), math.inf))
            else:
                until = limits.end
            budget = limits.budget(main)
            if seq < skip:  # resuming: regenerate what a previous run delivered, write none of it
                batch = source.next_batch(min(BATCH_RECORDS, skip - seq), budget, until)
                seq, main = seq + len(batch), main + batch.main
                continue
            batch = source.next_batch(BATCH_RECORDS, budget, until)
            n = len(batch)
            if not n:
                continue
            accepted = p.sink.accepted
            try:
                write_batch(serialize(batch), topics, seq)
            except (WriteInterrupted, RunFailure) as exc:
                # Part of the batch was accepted: a signal while the sink waited for room, or a
                # delivery failure; what the sink accepted is counted, the rest was never written.
                taken = batch.records()[: p.sink.accepted - accepted]
                seq, main = seq + len(taken), main + sum(1 for r in taken if r[0] == 0)
                if isinstance(exc, RunFailure):
                    raise
                reason = "stopped by signal"
                break
            seq += n  # counted as accepted even if a later write fails: the sink has them
            if observe is not None:
                observe(batch)
            main += batch.main
            if summary.first_time is None:
                summary.first_time = upcoming
            t = batch.last_time or t
            for stream, event_type, label, records, size in batch.tally():
                key = (streams[stream], event_type, label)
                kind = kinds.get(key)
                if kind is None:
                    kind = kinds[key] = [0, 0]
                kind[0] += records
                kind[1] += size
            delays = batch.label_delays()
            summary.labels_emitted += len(delays)
            for delay in delays:
                label_delay(delay)
            for phase, when, after in source.take_phase_changes():
                point = DriftPoint(phase, phase_names[phase - 1], when, after)
                summary.drift_points.append(point)
                tally.drift_phase, tally.drift_name = point.phase, point.name
                log.info("drift: entered %s", point)
            if batch.main:
                sample = batch.last_value(0) or sample
            if observer is not None and time.monotonic() >= publish_at:
                publish_at = time.monotonic() + PUBLISH_SECONDS
                tally.time = t
                tally.gauges = dict(source.gauges())
                observer.progress(tally)
            if reporter.due():
                reporter.report(seq, main, t, sample)
    except SinkClosed as exc:
        reason = str(exc)
        summary.output_closed = True
    except RunFailure:
        reason = "delivery failed"
        raise
    finally:
        summary.events, summary.main_events = seq, main
        summary.skipped = min(skip, seq)
        summary.last_time = t if seq else None
        summary.stop_reason = reason
        summary.labels_pending = source.pending_labels()
        summary.gauges = dict(source.gauges())
        label_name = p.scenario.label_name
        for (_, event_type, label), (n, _) in kinds.items():
            summary.by_type[event_type] += n
            if label is not None:
                summary.labels[f"{label_name}={label}"] += n
        if observer is not None:
            tally.time = t if seq else None
            tally.gauges = summary.gauges
            observer.progress(tally)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGINT/SIGTERM set ``stop`` (the run or `consume` ends cleanly, exit 0); a second one aborts."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        log.info("%s received: stopping after flushing what was accepted", signal.Signals(signum).name)
        stop.set()

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@contextmanager
def _nothing() -> Iterator[None]:
    yield
