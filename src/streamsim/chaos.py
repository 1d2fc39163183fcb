"""Data-quality chaos: late, duplicated, dropped, nulled and malformed events, recorded.

A run with any chaos option on passes its records through a :class:`ChaosSource`
between the scenario's source and the sink. The stage works on the main stream's
serialized records, with its own random stream (``chaos``) of the run's RNG tree, so
the simulated world is exactly the one the same seed gives without chaos.

Each main-stream event suffers at most one of these faults (one uniform draw per
event against the shares, in this order):

- ``drop``: generated, never emitted;
- ``late``: emitted after a log-normal delay (median ``--late-delay-median``) of event
  time: at ``max`` speed after the events of the next moments (out of event-time
  order), in paced runs when the wall clock reaches that time;
- ``duplicate``: emitted on time, and once more (same key and value) a few seconds later;
- ``null``: some optional fields (``--null-fields``, default the fields the scenario
  declares nullable) set to null;
- ``malformed``: a value that breaks the schema: a number field as a string, or the
  JSON document cut in half.

From ``--schema-change-at`` on, every main-stream event carries one new optional field
(:data:`NEW_FIELD`). With ``--schema full``, every main-stream event also carries its
``emit_time`` beside its event time.

Every fault is written to the companion stream ``chaos`` (topic ``<topic>_chaos``):
one record per affected emitted record (and per dropped event), see :func:`restore`
for how the manifest gives back the clean output.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import orjson
from pydantic import Field, ValidationError, model_validator

from streamsim.config import DurationValue, NameList, Options, Probability, TimeValue
from streamsim.errors import UsageError
from streamsim.events import MAIN_STREAM
from streamsim.rng import RngTree
from streamsim.source import RecordBatch
from streamsim.timeutil import IsoFormatter, iso_utc

if TYPE_CHECKING:
    from streamsim._core import RecordTuple
    from streamsim.scenarios.base import Scenario
    from streamsim.schema import FieldSpec, Projection
    from streamsim.source import Batch, Source

#: Name of the manifest stream (topic ``<topic>_chaos``).
CHAOS_STREAM = "chaos"
#: The optional field that appears from ``--schema-change-at`` on, and its value.
NEW_FIELD, NEW_FIELD_VALUE = "client_version", "2.0"
#: Field with the emit time of each main-stream event (``--schema full`` only).
EMIT_TIME_FIELD = "emit_time"
#: Fault kinds drawn per event, in the order of the draw.
FAULTS = ("drop", "late", "duplicate", "null", "malformed")
KINDS = (*FAULTS, "schema_change")
#: Median delay of a duplicate after its original, in seconds of event time (exponential).
DUPLICATE_DELAY_MEAN = 5.0
#: Spread (sigma of the log) of the log-normal lateness.
LATE_SIGMA = 1.0
#: Delayed events held at most; beyond that the earliest due is released early (bounded memory).
MAX_HELD = 100_000

_SHARES = ("drop_share", "late_share", "duplicate_share", "null_share", "malformed_share")
_SCHEMA_SUFFIX = f',"{NEW_FIELD}":"{NEW_FIELD_VALUE}"}}'.encode()
_EMIT_SUFFIX = re.compile(rb',"emit_time":"[^"]*"}$')


class ChaosOptions(Options):
    """Data-quality faults injected into the main stream, each recorded in <topic>_chaos."""

    group_title: ClassVar[str] = "Data-quality chaos"

    late_share: Probability = Field(
        0.0,
        description="Share of events emitted late (after a log-normal delay of event time; "
        "out of event-time order at max speed).",
        json_schema_extra={"metavar": "P"},
    )
    late_delay_median: DurationValue = Field(
        120.0,
        description="Median delay of late events (log-normal, sigma 1).",
        json_schema_extra={"metavar": "DURATION"},
    )
    duplicate_share: Probability = Field(
        0.0,
        description="Share of events emitted twice (same key and value, a few seconds apart).",
        json_schema_extra={"metavar": "P"},
    )
    drop_share: Probability = Field(
        0.0, description="Share of events generated but never emitted.", json_schema_extra={"metavar": "P"}
    )
    null_share: Probability = Field(
        0.0,
        description="Share of events with optional fields set to null.",
        json_schema_extra={"metavar": "P"},
    )
    null_fields: NameList | None = Field(
        None,
        description="Fields --null-share may set to null (top-level or dotted). "
        "Default: the fields the scenario declares nullable.",
        json_schema_extra={"metavar": "A,B,..."},
    )
    malformed_share: Probability = Field(
        0.0,
        description="Share of events whose value breaks the schema (a number field as a string, or "
        "a truncated JSON document). JSON output only.",
        json_schema_extra={"metavar": "P"},
    )
    schema_change_at: TimeValue | None = Field(
        None,
        description=f"From this event time on, events carry one new optional field ({NEW_FIELD}).",
        json_schema_extra={"metavar": "TIME"},
    )

    @model_validator(mode="after")
    def _shares_add_up(self) -> ChaosOptions:
        total = sum(getattr(self, name) for name in _SHARES)
        if total > 1.0 + 1e-9:
            raise ValueError(
                "the shares --drop-share, --late-share, --duplicate-share, --null-share and "
                f"--malformed-share add up to {total:g}; at most 1 (each event suffers one fault)"
            )
        return self

    @property
    def active(self) -> bool:
        """Whether any fault or the schema change is on."""
        return self.schema_change_at is not None or any(getattr(self, name) > 0 for name in _SHARES)


#: Option names a drift phase may set for the chaos stage (the scenario never sees them).
CHAOS_PARAMETERS = frozenset(ChaosOptions.model_fields)


def split_phase_set(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A drift phase's overrides as (scenario's, chaos stage's)."""
    scenario = {k: v for k, v in values.items() if k not in CHAOS_PARAMETERS}
    chaos = {k: v for k, v in values.items() if k in CHAOS_PARAMETERS}
    return scenario, chaos


# ---------------------------------------------------------------------------
# Options over event time (drift schedules)


@dataclass
class _ChaosPhase:
    options: ChaosOptions
    how: str
    start: float | None
    after: int | None
    width: float | None
    period: float | None
    duration: float | None


def _blend(old: ChaosOptions, new: ChaosOptions, fraction: float) -> ChaosOptions:
    values: dict[str, Any] = {}
    for name in ChaosOptions.model_fields:
        a, b = getattr(old, name), getattr(new, name)
        if isinstance(a, float) and isinstance(b, float) and name != "schema_change_at":
            values[name] = a + (b - a) * fraction
        else:
            values[name] = b if fraction >= 0.5 else a
    return ChaosOptions.model_construct(**values)


class ChaosSchedule:
    """The chaos options in effect at each main-stream event: the base, changed by drift phases."""

    def __init__(self, base: ChaosOptions, phases: list[_ChaosPhase]) -> None:
        self.base = base
        self._phases = phases
        self._phase = 0
        self.static = not phases
        self.current = base

    @classmethod
    def build(cls, base: ChaosOptions, scenario_options: Any, start: float) -> ChaosSchedule:
        """The schedule from a scenario's drift phases (their chaos keys); UsageError if invalid."""
        from streamsim.drift import Phase, start_offset

        drift = getattr(scenario_options, "drift", None)
        raw: list[Phase] = []
        if isinstance(drift, str):
            raw = [Phase.model_validate(p) for p in scenario_options.drift_presets[drift].phases]
        elif isinstance(drift, list):
            raw = list(drift)
        phases: list[_ChaosPhase] = []
        previous = base
        for number, phase in enumerate(raw, 1):
            _, overrides = split_phase_set(phase.set)
            try:
                options = ChaosOptions.model_validate({**previous.model_dump(), **overrides})
            except ValidationError as exc:
                error = exc.errors()[0]
                where = ".".join(str(p) for p in error["loc"])
                message = error["msg"].removeprefix("Value error, ")
                raise UsageError(f"drift phase {number}: {where + ': ' if where else ''}{message}") from None
            when = None
            if phase.at is not None:
                relative, value = start_offset(phase.at)
                when = start + value if relative else value
            phases.append(
                _ChaosPhase(options, phase.how, when, phase.after, phase.width, phase.period, phase.duration)
            )
            previous = options
        if all(p.options == base for p in phases):
            phases = []
        return cls(base, phases)

    @property
    def active(self) -> bool:
        return self.base.active or any(p.options.active for p in self._phases)

    def at(self, t: float, events: int) -> ChaosOptions:
        """Options for the ``events``-th main-stream event (from 1), at event time ``t``."""
        if self.static:
            return self.base
        phases = self._phases
        while self._phase < len(phases):
            upcoming = phases[self._phase]
            if upcoming.start is None and upcoming.after is not None and events >= upcoming.after:
                upcoming.start = t
            if upcoming.start is None or t < upcoming.start:
                break
            self._phase += 1
        if self._phase == 0:
            return self.base
        now = phases[self._phase - 1]
        old = self.base if self._phase == 1 else phases[self._phase - 2].options
        assert now.start is not None
        elapsed = t - now.start
        if now.how == "recurring" and now.period:
            hold = now.duration if now.duration is not None else now.period / 2
            return now.options if elapsed % now.period < hold else old
        if now.how in ("gradual", "incremental") and now.width and elapsed < now.width:
            return _blend(old, now.options, elapsed / now.width)
        return now.options


# ---------------------------------------------------------------------------
# The stage


@dataclass(order=True)
class _Held:
    release: float
    order: int
    record: RecordTuple = field(compare=False)
    kind: str = field(compare=False)
    info: dict[str, Any] = field(compare=False)


class _ChaosBatch(RecordBatch):
    """A batch whose ``main`` counts the main-stream events generated (some are not emitted)."""

    __slots__ = ("_last",)

    def __init__(self, records: list[RecordTuple], generated_main: int, last_time: float | None) -> None:
        super().__init__(records)
        self.main = generated_main
        self._last = last_time

    @property
    def last_time(self) -> float | None:
        return self._last


def _id_field(specs: Sequence[FieldSpec], paths: Iterable[str]) -> str | None:
    emitted = set(paths)
    for spec in specs:
        if spec.path.endswith("_id") and "." not in spec.path and spec.path in emitted:
            return spec.path
    return None


def _set_null(document: Any, path: str) -> bool:
    parts = path.split(".")
    node = document
    for part in parts[:-1]:
        node = node.get(part) if isinstance(node, dict) else None
    if isinstance(node, dict) and parts[-1] in node:
        node[parts[-1]] = None
        return True
    return False


def _add_field(value: bytes, suffix: bytes) -> bytes:
    """``value`` (a JSON object) with one more member: ``suffix`` is ``,"name":value}``."""
    return value[:-1] + suffix if value.endswith(b"}") and len(value) > 2 else value


class Chaos:
    """The chaos stage of one run: options over time, the fields it may touch, the stream index."""

    def __init__(
        self,
        schedule: ChaosSchedule,
        scenario: Scenario[Any],
        projection: Projection,
        *,
        emit_time: bool,
    ) -> None:
        self.schedule = schedule
        self.seed, self.shard = scenario.seed, scenario.shard
        specs = scenario.field_specs()[MAIN_STREAM]
        paths = list(projection.paths)
        self.id_field = _id_field(specs, paths)
        nullable = [s.path for s in specs if s.nullable and s.path in paths]
        self.nullable = nullable or [p for p in paths if not p.endswith("_id") and p != "timestamp"]
        self.emit_time = emit_time

    @classmethod
    def from_options(
        cls,
        options: ChaosOptions,
        scenario: Scenario[Any],
        projection: Projection,
        *,
        emit_time: bool,
    ) -> Chaos | None:
        """The run's stage, or None when no chaos option is on (then the run is untouched)."""
        schedule = ChaosSchedule.build(options, scenario.options, scenario.start)
        if not schedule.active:
            return None
        return cls(schedule, scenario, projection, emit_time=emit_time)

    def wrap(self, source: Source, stream: int, *, paced: bool, end: float, count: int) -> ChaosSource:
        """``source`` with faults injected; manifest records go to stream index ``stream``."""
        return ChaosSource(self, source, stream, paced=paced, end=end, count=count)


class ChaosSource:
    """A :class:`~streamsim.source.Source` that perturbs another's main stream and records how."""

    def __init__(self, chaos: Chaos, inner: Source, stream: int, *, paced: bool, end: float, count: int):
        self._chaos = chaos
        self._inner = inner
        self._stream = stream
        self._paced = paced
        self._end = end
        self._count = count
        self._rng = RngTree(chaos.seed, chaos.shard).stream("chaos")
        self._held: list[_Held] = []
        self._order = 0
        self._seq = 0  # clean run sequence number of the next inner record
        self._main = 0  # main-stream events generated
        self._position = 0  # main-stream records emitted
        self._iso = IsoFormatter()
        self._out: list[RecordTuple] = []

    # -- Source protocol -----------------------------------------------------------------

    def peek_time(self) -> float | None:
        t = self._inner.peek_time()
        if self._paced and self._held:
            release = self._held[0].release
            return release if t is None else min(t, release)
        return t

    def skip(self, n: int) -> int:
        return self._inner.skip(n)

    def gauges(self) -> list[tuple[str, float]]:
        return [*self._inner.gauges(), ("chaos_held", float(len(self._held)))]

    def take_phase_changes(self) -> list[tuple[int, float, int]]:
        return self._inner.take_phase_changes()

    def drain(self) -> None:
        self._inner.drain()

    def pending_labels(self) -> int:
        return self._inner.pending_labels()

    def next_batch(self, max_records: int, max_main: int = 0, until: float = math.inf) -> Batch:
        inner = self._inner.next_batch(max_records, max_main, until)
        self._out = out = []
        held = self._held
        for record in inner.records():
            t = record[4]
            while held and held[0].release <= t:
                self._release(heapq.heappop(held))
            if record[0] == 0:
                self._main_event(record)
            else:
                out.append(record)
            self._seq += 1
            while len(held) > MAX_HELD:  # released early: emitted now
                early = heapq.heappop(held)
                early.release = min(early.release, t)
                self._release(early)
        following = self._inner.peek_time()
        if following is None or following >= self._end or (self._count and self._main >= self._count):
            while held:  # the run ends here: everything held goes out now
                self._release(heapq.heappop(held))
        elif self._paced:
            while held and held[0].release < until:
                self._release(heapq.heappop(held))
        self._out = []
        return _ChaosBatch(out, inner.main, inner.last_time)

    # -- faults --------------------------------------------------------------------------

    def _main_event(self, record: RecordTuple) -> None:
        self._main += 1
        t, value = record[4], record[6]
        options = self._chaos.schedule.at(t, self._main)
        base: dict[str, Any] = {"seq": self._seq, "index": self._main - 1}
        schema_change = options.schema_change_at is not None and t >= options.schema_change_at
        if schema_change:
            value = _add_field(value, _SCHEMA_SUFFIX)
        u = self._rng.random()
        fault = None
        for kind, name in zip(FAULTS, _SHARES, strict=True):
            share: float = getattr(options, name)
            if u < share:
                fault = kind
                break
            u -= share
        clean = record[6]
        info: dict[str, Any] = {**base, "schema_change": schema_change}
        if fault == "drop":
            self._manifest("drop", record, t, None, None, {**info, "original": clean.decode()})
            return
        if fault == "late":
            delay = self._rng.lognormvariate(math.log(options.late_delay_median), LATE_SIGMA)
            self._hold(t + delay, (*record[:6], value, record[7]), "late", {**info, "delay_seconds": delay})
            return
        if fault == "duplicate":
            delay = self._rng.expovariate(1.0 / DUPLICATE_DELAY_MEAN)
            copy = (*record[:6], value, record[7])
            self._emit(copy, t, "schema_change" if schema_change else None, dict(info))
            self._hold(t + delay, copy, "duplicate", {**info, "delay_seconds": delay})
            return
        if fault == "null":
            info["original"] = clean.decode()
            info["fields"] = options.null_fields or self._chaos.nullable
            self._emit((*record[:6], value, record[7]), t, "null", info)
            return
        if fault == "malformed":
            info["original"] = clean.decode()
            self._emit((*record[:6], value, record[7]), t, "malformed", info)
            return
        self._emit((*record[:6], value, record[7]), t, "schema_change" if schema_change else None, info)

    def _hold(self, release: float, record: RecordTuple, kind: str, info: dict[str, Any]) -> None:
        self._order += 1
        heapq.heappush(self._held, _Held(release, self._order, record, kind, info))

    def _release(self, held: _Held) -> None:
        self._emit(held.record, held.release, held.kind, held.info)

    def _emit(self, record: RecordTuple, emit_time: float, kind: str | None, info: dict[str, Any]) -> None:
        value = record[6]
        if self._chaos.emit_time:
            value = _add_field(value, f',"{EMIT_TIME_FIELD}":"{self._iso(emit_time)}"}}'.encode())
        if kind == "null":
            document = orjson.loads(value)
            fields = info["fields"]
            chosen = [f for f in fields if self._rng.random() < 0.5] or [self._rng.choice(fields)]
            info["fields"] = [f for f in chosen if _set_null(document, f)]
            value = orjson.dumps(document)
        elif kind == "malformed":
            value, info["how"] = self._malform(value)
        position = self._position
        self._position += 1
        self._out.append((*record[:6], value, record[7]))
        if kind is not None:
            self._manifest(kind, record, record[4], emit_time, position, info)

    def _malform(self, value: bytes) -> tuple[bytes, str]:
        if self._rng.random() < 0.5:
            document = orjson.loads(value)
            numbers = [
                k for k, v in document.items() if isinstance(v, int | float) and not isinstance(v, bool)
            ]
            if numbers:
                name = self._rng.choice(numbers)
                document[name] = str(document[name])
                return orjson.dumps(document), f"string in number field {name}"
        return value[: max(1, len(value) // 2)], "truncated"

    def _manifest(
        self,
        kind: str,
        record: RecordTuple,
        event_time: float,
        emit_time: float | None,
        position: int | None,
        info: dict[str, Any],
    ) -> None:
        event_id = None
        if self._chaos.id_field is not None:
            found = re.search(rb'"' + self._chaos.id_field.encode() + rb'":"([^"]*)"', record[6])
            event_id = found.group(1).decode() if found else None
        entry = {
            "kind": kind,
            "seq": info["seq"],
            "index": info["index"],
            "position": position,
            "event_id": event_id,
            "key": record[1],
            "event_time": iso_utc(event_time),
            "emit_time": None if emit_time is None else iso_utc(emit_time),
            **{k: v for k, v in info.items() if k not in ("seq", "index")},
        }
        when = event_time if emit_time is None else emit_time
        self._out.append(
            (self._stream, record[1], f"chaos_{kind}", None, when, None, orjson.dumps(entry), record[7])
        )


# ---------------------------------------------------------------------------
# Restoring the clean output


def restore(main: Sequence[bytes], manifest: Sequence[bytes]) -> list[bytes]:
    """The clean main stream of a run, from its perturbed main stream and its manifest.

    ``main`` is the main stream's values in the order emitted, ``manifest`` the
    ``chaos`` stream's. Duplicates are removed, late events put back in place, dropped
    ones restored, nulled and malformed values replaced by their originals, and the
    schema-change and ``emit_time`` fields removed.
    """
    entries = [orjson.loads(line) for line in manifest]
    at_position: dict[int, dict[str, Any]] = {}
    known: dict[int, bytes] = {}
    for entry in entries:
        if entry["kind"] == "drop":
            known[entry["index"]] = entry["original"].encode()
        elif entry["position"] is not None:
            at_position[entry["position"]] = entry
    placed: list[bytes] = []  # unaffected values: in clean order, at the indices no entry names
    for position, value in enumerate(main):
        entry = at_position.get(position)
        if entry is not None and entry["kind"] == "duplicate":
            continue
        if entry is not None and "original" in entry:
            clean = entry["original"].encode()
        else:
            clean = _EMIT_SUFFIX.sub(b"}", value)
            if clean.endswith(_SCHEMA_SUFFIX):  # no scenario emits the new field itself
                clean = clean[: -len(_SCHEMA_SUFFIX)] + b"}"
        if entry is not None:
            known[entry["index"]] = clean
        else:
            placed.append(clean)
    total = len(placed) + len(known)
    free = (i for i in range(total) if i not in known)
    out = dict(known)
    for clean in placed:
        out[next(free)] = clean
    return [out[i] for i in range(total)]
