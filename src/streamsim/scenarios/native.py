"""Built-in scenarios whose events come from the native core (``streamsim._core``).

A native scenario keeps its Python side small: options (validated by pydantic), field
specifications (for docs, schemas and projection) and docs. Everything per event runs in
the core, which the runner drives batch by batch (:meth:`NativeScenario.open`). Iterating
a native scenario like any other yields :class:`~streamsim.events.Event` objects, decoded
from the core's JSON: convenient for tests and small samples, not for speed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import orjson

from streamsim._core import NativeStream, native_scenarios
from streamsim.drift import resolved_phases
from streamsim.events import MAIN_STREAM, Event
from streamsim.parameters import ScenarioOptions
from streamsim.scenarios.base import Scenario

if TYPE_CHECKING:
    from streamsim.rng import RngTree
    from streamsim.schema import Projection
    from streamsim.source import Source

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
        """The streams of this run in the core's order (index 0 is the main stream), up to the last
        one the options turn on: the core emits nothing on streams that are off."""
        names, declared = list(native_fields(self.name)), self.field_specs()
        return names[: max(i for i, name in enumerate(names) if name in declared) + 1]

    def open(self, selected: Mapping[str, Sequence[str]] | None = None) -> NativeStream:
        """A fresh native stream of this run; ``selected`` maps stream names to the fields they emit.

        Streams not given emit every field the scenario declares for them
        (:meth:`field_specs`); streams it does not declare emit every native field.
        """
        specs = self.field_specs()
        chosen: list[list[str] | None] = []
        for stream in self.stream_names():
            if selected is not None and stream in selected:
                chosen.append(list(selected[stream]))
            elif stream in specs:
                chosen.append([spec.path for spec in specs[stream]])
            else:
                chosen.append(None)
        return NativeStream(self.name, self.native_config().decode(), chosen)

    def source(self, projection: Projection) -> Source:
        return self.open({MAIN_STREAM: projection.paths})

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
            for index, key, event_type, label, t, labeled_time, value, phase in batch.records():
                fields: dict[str, Any] = loads(value)
                yield Event(t, key, event_type, fields, names[index], label, labeled_time, phase)
