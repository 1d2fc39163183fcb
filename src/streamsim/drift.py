"""Declarative concept drift: schedules of phases that change scenario parameters over event time.

A schedule is a list of phases (from the config file's ``drift:`` key or a
scenario's ``--drift PRESET``). Each phase starts ``at`` an event time (absolute,
or ``+3d`` after the run's start) or ``after`` a number of main-stream events, and
introduces a new *concept*: the previous concept with some parameters overridden
(``set``). How the new concept takes over:

- ``sudden``: at once.
- ``gradual``: over ``width`` of event time, each event comes from the new concept
  with a probability rising smoothly from 0 to 1 (the old and new concepts mix).
- ``incremental``: over ``width``, numeric parameters move steadily from their old to
  their new values (in small steps); other parameters switch half-way.
- ``recurring``: from its start on, the new concept holds for ``duration`` (default half
  the ``period``) at the start of every ``period``, and the old one the rest of the time,
  until the next phase starts.

Every random choice here comes from the run's RNG tree, so drift is as
reproducible as the rest of the run; all shards follow the same schedule.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from streamsim.config import DurationValue, describe_allowed
from streamsim.schema import FieldSpec, Level
from streamsim.timeutil import DURATION_HELP, TIME_HELP, check_time, parse_duration, parse_time

if TYPE_CHECKING:
    from streamsim.parameters import ScenarioOptions

R = TypeVar("R")
INCREMENTAL_STEPS = 50
BASE_CONCEPT = "base"

#: Marker fields every scenario emits (off in classic and standard: they reveal the regime).
DRIFT_FIELDS = [
    FieldSpec(
        "concept_id",
        "string",
        "Ground truth: name of the concept (regime) that produced the event: 'base' or a drift phase's name.",
        Level.FULL,
    ),
    FieldSpec(
        "drift_phase",
        "integer",
        "Ground truth: index of the drift phase in effect (0 before the first phase).",
        Level.FULL,
    ),
]


class Phase(BaseModel):
    """One entry of a drift schedule."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str | None = Field(None, min_length=1, description="Concept id of the new concept.")
    at: str | float | None = Field(
        None, description="Start: an event time, or '+DURATION' after the run start."
    )
    after: int | None = Field(None, ge=1, description="Start after this many main-stream events.")
    how: Literal["sudden", "gradual", "incremental", "recurring"] = "sudden"
    width: DurationValue | None = Field(None, description="Transition length (gradual, incremental).")
    period: DurationValue | None = Field(None, description="Cycle length (recurring).")
    duration: DurationValue | None = Field(None, description="Time the new concept holds per cycle.")
    set: dict[str, Any] = Field(default_factory=dict, description="Parameter overrides.")

    @model_validator(mode="after")
    def _consistent(self) -> Phase:
        if (self.at is None) == (self.after is None):
            raise ValueError("give exactly one of 'at' (an event time or +DURATION) and 'after' (events)")
        if self.at is not None:
            start_offset(self.at)  # validates the syntax early
        if self.how in ("gradual", "incremental") and self.width is None:
            raise ValueError(f"a {self.how} phase needs 'width' (a duration such as 2d)")
        if self.how == "recurring":
            if self.period is None:
                raise ValueError("a recurring phase needs 'period' (a duration such as 7d)")
            if self.duration is not None and self.duration >= self.period:
                raise ValueError("'duration' must be shorter than 'period'")
        elif self.period is not None or self.duration is not None:
            raise ValueError("'period' and 'duration' apply to recurring phases only")
        if not self.set:
            raise ValueError("'set' must override at least one parameter")
        return self


def start_offset(at: str | float) -> tuple[bool, float]:
    """(relative, value): '+3d' is relative to the run start, anything else an absolute time."""
    try:
        if isinstance(at, int | float) and not isinstance(at, bool):
            return False, check_time(at)
        text = str(at).strip()
        if text.startswith("+"):
            return True, parse_duration(text[1:], allow_zero=True)
        return False, parse_time(text)
    except ValueError:
        raise ValueError(
            f"'at' expects {TIME_HELP}, or +DURATION after the start such as +3d ({DURATION_HELP})"
        ) from None


def drifting_parameters(model: type[ScenarioOptions]) -> list[str]:
    """Names of the parameters a drift phase may override."""
    out = []
    for name, info in model.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        if name not in ("drift", "drift_preset") and extra.get("drift", True):
            out.append(info.alias or name)
    return out


def check_schedule(options: ScenarioOptions, phases: Sequence[Phase]) -> None:
    """Validate every phase's overrides against the scenario's parameters (cumulatively).

    Raises ValueError naming the phase and the parameter.
    """
    model = type(options)
    allowed = drifting_parameters(model)
    current = options.model_dump(by_alias=True, exclude={"drift", "drift_preset"})
    for number, phase in enumerate(phases, 1):
        label = f"drift phase {number}" + (f" ({phase.name!r})" if phase.name else "")
        for key in phase.set:
            if key not in allowed:
                raise ValueError(
                    f"{label}: unknown parameter {key!r}; parameters that can drift: {', '.join(allowed)}"
                )
        current = {**current, **phase.set}
        try:
            model.model_validate(current)
        except ValidationError as exc:
            error = exc.errors()[0]
            field = str(error["loc"][0]) if error["loc"] else ""
            info = model.model_fields.get(field)
            allowed_text = describe_allowed(info) if info is not None else ""
            detail = f" (allowed: {allowed_text})" if allowed_text else f" ({error['msg']})"
            raise ValueError(f"{label}: invalid value for {field}: {error.get('input')!r}{detail}") from None


@dataclass
class _Concept(Generic[R]):
    name: str
    options: Any
    regime: R


@dataclass
class _Scheduled:
    phase: Phase
    name: str
    start: float | None  # None until an `after` phase is reached


class Drift(Generic[R]):
    """The regime in effect at each event, following a schedule.

    ``build`` turns a scenario options object into the scenario's regime (its
    derived, ready-to-use tables); regimes are built once per concept (and per
    step of an incremental phase). Call :meth:`at` once per main-stream event
    with non-decreasing times; ``concept`` and ``phase`` then describe it.

    >>> from streamsim.scenarios.eta import EtaOptions
    >>> base = EtaOptions()
    >>> phases = [Phase(name="storms", at="+1h", set={"incident_probability": 0.5})]
    >>> drift = Drift(base, phases, lambda o: o.incident_probability, random.Random(0), start=0.0)
    >>> drift.at(10.0, 1), drift.concept, drift.at(3600.0, 2), drift.concept, drift.phase
    (0.02, 'base', 0.5, 'storms', 1)
    """

    def __init__(
        self,
        options: ScenarioOptions,
        phases: Sequence[Phase],
        build: Callable[[Any], R],
        rng: random.Random,
        *,
        start: float,
    ) -> None:
        self._build = build
        self._random = rng.random
        base = _Concept(BASE_CONCEPT, options, build(options))
        self._concepts: list[_Concept[R]] = [base]
        self._schedule: list[_Scheduled] = []
        for number, phase in enumerate(phases, 1):
            previous = self._concepts[-1]
            merged = type(options).model_validate(
                {**previous.options.model_dump(by_alias=True, exclude={"drift", "drift_preset"}), **phase.set}
            )
            name = phase.name or f"phase-{number}"
            self._concepts.append(_Concept(name, merged, build(merged)))
            when = None
            if phase.at is not None:
                relative, value = start_offset(phase.at)
                when = start + value if relative else value
            self._schedule.append(_Scheduled(phase, name, when))
        self.regime: R = base.regime
        self.concept = BASE_CONCEPT
        self.phase = 0
        self._steps: dict[int, R] = {}
        self.static = not phases

    @property
    def names(self) -> list[str]:
        return [c.name for c in self._concepts]

    def at(self, t: float, events: int) -> R:
        """The regime for a main-stream event at ``t``, the ``events``-th of the run (from 1)."""
        if self.static:
            return self.regime
        schedule = self._schedule
        # Enter every phase whose start has come (phases start in the listed order).
        while self.phase < len(schedule):
            upcoming = schedule[self.phase]
            if upcoming.start is None and upcoming.phase.after is not None and events >= upcoming.phase.after:
                upcoming.start = t
            if upcoming.start is None or t < upcoming.start:
                break
            self.phase += 1
            self._steps = {}
        if self.phase == 0:
            return self.regime
        scheduled = schedule[self.phase - 1]
        old, new = self._concepts[self.phase - 1], self._concepts[self.phase]
        chosen = self._choose(scheduled, old, new, t)
        if chosen is not None:
            self.regime, self.concept = chosen.regime, chosen.name
        return self.regime

    def _choose(
        self, scheduled: _Scheduled, old: _Concept[R], new: _Concept[R], t: float
    ) -> _Concept[R] | None:
        phase, start = scheduled.phase, scheduled.start
        assert start is not None
        elapsed = t - start
        if phase.how == "sudden":
            return new
        if phase.how == "recurring":
            assert phase.period is not None
            hold = phase.duration if phase.duration is not None else phase.period / 2
            return new if elapsed % phase.period < hold else old
        assert phase.width is not None
        progress = elapsed / phase.width
        if progress >= 1.0:
            return new
        if phase.how == "gradual":
            return new if self._random() < smoothstep(progress) else old
        step = int(progress * INCREMENTAL_STEPS)  # incremental: a blended regime per step
        regime = self._steps.get(step)
        if regime is None:
            self._steps = {step: self._build(blend(old.options, new.options, step / INCREMENTAL_STEPS))}
            regime = self._steps[step]
        self.regime = regime
        self.concept = f"{old.name}->{new.name}@{step / INCREMENTAL_STEPS:.2f}"
        return None


def resolved_phases(options: ScenarioOptions, start: float) -> list[dict[str, Any]]:
    """The schedule as the native core takes it: each phase with its start and complete options.

    Each concept's options are the previous concept's with the phase's overrides, validated
    (so the core never sees an invalid concept); relative starts (``+3d``) become event times.

    >>> from streamsim.scenarios.eta import EtaOptions
    >>> options = EtaOptions(drift=[{"name": "storms", "at": "+1h", "set": {"incident_probability": 0.5}}])
    >>> [(p["name"], p["start"], p["options"]["incident_probability"]) for p in resolved_phases(options, 0.0)]
    [('storms', 3600.0, 0.5)]
    """
    out: list[dict[str, Any]] = []
    current = options.model_dump(mode="json", by_alias=True, exclude={"drift", "drift_preset"})
    for number, phase in enumerate(options.schedule, 1):
        merged = type(options).model_validate({**current, **phase.set})
        current = merged.model_dump(mode="json", by_alias=True, exclude={"drift", "drift_preset"})
        when = None
        if phase.at is not None:
            relative, value = start_offset(phase.at)
            when = start + value if relative else value
        out.append(
            {
                "name": phase.name or f"phase-{number}",
                "start": when,
                "after": phase.after,
                "how": phase.how,
                "width": phase.width,
                "period": phase.period,
                "duration": phase.duration,
                "options": current,
            }
        )
    return out


def smoothstep(x: float) -> float:
    """Share of the new concept at progress ``x`` of a gradual phase: 0 -> 1, smooth at both ends.

    >>> smoothstep(0.0), smoothstep(0.5), smoothstep(1.0)
    (0.0, 0.5, 1.0)
    """
    x = min(1.0, max(0.0, x))
    return x * x * (3.0 - 2.0 * x)


def blend(old: BaseModel, new: BaseModel, fraction: float) -> BaseModel:
    """Options part-way from ``old`` to ``new``: numbers interpolated, other values switch half-way."""
    a = old.model_dump(by_alias=True, exclude={"drift", "drift_preset"})
    b = new.model_dump(by_alias=True, exclude={"drift", "drift_preset"})
    mixed = {key: _mix(a[key], b[key], fraction) for key in a}
    return type(old).model_validate(mixed)


def _mix(a: Any, b: Any, fraction: float) -> Any:
    if isinstance(a, bool) or isinstance(b, bool):
        return b if fraction >= 0.5 else a
    if isinstance(a, int | float) and isinstance(b, int | float):
        value = a + (b - a) * fraction
        return round(value) if isinstance(a, int) and isinstance(b, int) else value
    if isinstance(a, dict) and isinstance(b, dict) and set(a) == set(b):
        return {k: _mix(a[k], b[k], fraction) for k in a}
    return b if fraction >= 0.5 else a
