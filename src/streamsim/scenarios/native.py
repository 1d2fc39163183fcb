"""Built-in scenarios whose events come from the native core (``streamsim._core``).

A native scenario keeps its Python side small: options (validated by pydantic), field
specifications (for docs, schemas and projection) and docs. Everything per event runs in
the core, which the runner drives batch by batch (:meth:`NativeScenario.open`). Iterating
a native scenario like any other yields :class:`~streamsim.events.Event` objects, decoded
from the core's JSON: convenient for tests and small samples, not for speed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import orjson

from streamsim._core import NativeStream, native_scenarios
from streamsim.drift import resolved_phases
from streamsim.events import MAIN_STREAM, Event
from streamsim.parameters import ScenarioOptions
from streamsim.scenarios.base import Scenario

if TYPE_CHECKING:
    from streamsim.rng import RngTree

OptionsT = TypeVar("OptionsT", bound=ScenarioOptions)

#: Records the core returns per batch when iterating events one by one.
EVENT_BATCH = 1024


def native_fields(name: str) -> dict[str, list[str]]:
    """Field paths of each stream of a native scenario, in the core's row order."""
    for scenario, streams in native_scenarios():
        if scenario == name:
            return {stream: list(paths) for stream, paths in streams}
    raise KeyError(name)


class NativeScenario(Scenario[OptionsT]):
    """A scenario simulated by the native core; subclasses set ``name`` (the core's name too)."""

    #: Options that only Python uses (not passed to the core).
    python_only_options: ClassVar[frozenset[str]] = frozenset()

    def native_config(self) -> bytes:
        """The typed configuration the core is constructed from (JSON)."""
        exclude = {"drift", "drift_preset", *self.python_only_options}
        return orjson.dumps(
            {
                "seed": self.seed,
                "start": self.start,
                "shard_index": self.shard.index,
                "shard_count": self.shard.count,
                "rate": self.effective_rate,
                "options": self.options.model_dump(mode="json", by_alias=True, exclude=exclude),
                "phases": resolved_phases(self.options, self.start),
            }
        )

    def stream_names(self) -> list[str]:
        """Every stream the core can emit, in its order (index 0 is the main stream)."""
        return list(native_fields(self.name))

    def open(self, selected: Sequence[Sequence[str] | None] | None = None) -> NativeStream:
        """A fresh native stream of this run; ``selected[i]`` lists the fields emitted on stream i.

        Streams not given emit every field the scenario declares for them
        (:meth:`field_specs`); streams the scenario does not declare emit nothing
        of their own choosing (all fields).
        """
        specs = self.field_specs()
        chosen: list[list[str] | None] = []
        for i, stream in enumerate(self.stream_names()):
            given = selected[i] if selected is not None and i < len(selected) else None
            if given is not None:
                chosen.append(list(given))
            elif stream in specs:
                chosen.append([spec.path for spec in specs[stream]])
            else:
                chosen.append(None)
        return NativeStream(self.name, self.native_config().decode(), chosen)

    def _generate(self, rng: RngTree) -> Iterator[Event]:
        stream = self.open()
        names = self.stream_names()
        gauges: dict[str, float] = {}
        self._expose(lambda: gauges)
        loads = orjson.loads
        while True:
            batch = stream.next_batch(EVENT_BATCH)
            if not len(batch):
                return
            gauges = dict(stream.gauges())
            for index, key, event_type, label, t, labeled_time, value, _ in batch.records():
                fields: dict[str, Any] = loads(value)
                yield Event(t, key, event_type, fields, names[index] or MAIN_STREAM, label, labeled_time)
