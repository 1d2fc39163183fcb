"""Scenario and sink registries.

Scenarios register themselves when their class is defined (see
:class:`streamsim.scenarios.base.Scenario`); built-ins live in
``streamsim.scenarios`` and third-party packages add theirs through the
``streamsim.scenarios`` entry-point group. Sinks are listed here by import path
so that a sink's dependencies (librdkafka for Kafka) load only when it is used;
plug-in sinks come from the ``streamsim.sinks`` entry-point group.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from streamsim.errors import UsageError

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

    from streamsim.config import Options
    from streamsim.scenarios.base import Scenario
    from streamsim.sinks.base import Sink

ENTRY_POINT_GROUP = "streamsim.scenarios"

#: Built-in scenarios by name: the module that defines each (imported only when it is used).
BUILTIN_SCENARIOS = {
    "ecommerce": "streamsim.scenarios.ecommerce",
    "eta": "streamsim.scenarios.eta",
    "fraud": "streamsim.scenarios.fraud",
}

_scenarios: dict[str, type[Scenario[Any]]] = {}


def register_scenario(cls: type[Scenario[Any]]) -> None:
    if cls.name in _scenarios and _scenarios[cls.name] is not cls:
        raise ValueError(f"scenario name {cls.name!r} is already registered by {_scenarios[cls.name]!r}")
    _scenarios[cls.name] = cls


@cache
def _plugins() -> dict[str, EntryPoint]:
    """Plug-in scenarios by entry-point name (the scenario's name), not loaded yet."""
    from importlib.metadata import entry_points  # scanning installed packages costs: only when needed

    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name not in BUILTIN_SCENARIOS}


def scenario_names() -> list[str]:
    """Names of every scenario, built-in and plug-in, sorted, without importing any."""
    return sorted({*BUILTIN_SCENARIOS, *_plugins(), *_scenarios})


def is_scenario(name: str) -> bool:
    """Whether a scenario of this name exists (looks for plug-ins only if it is not built in)."""
    return name in BUILTIN_SCENARIOS or name in _scenarios or name in _plugins()


def _load(name: str) -> None:
    if name in _scenarios:
        return
    if name in BUILTIN_SCENARIOS:
        importlib.import_module(BUILTIN_SCENARIOS[name])
    elif name in _plugins():
        _plugins()[name].load()  # defining the class registers it


def scenarios() -> dict[str, type[Scenario[Any]]]:
    """Every scenario by name, sorted (imports them all: for listings and docs)."""
    for name in scenario_names():
        _load(name)
    return dict(sorted(_scenarios.items()))


def get_scenario(name: str) -> type[Scenario[Any]]:
    """One scenario's class, importing only its module."""
    _load(name)
    found = _scenarios.get(name)
    if found is None:
        raise UsageError(f"unknown scenario {name!r}; choose from: {', '.join(scenario_names())}")
    return found


@dataclass(frozen=True)
class SinkEntry:
    name: str
    target: str  # "module:Class" of the Sink
    description: str
    options: str | None = None  # "module:Model" of its options, if it has its own

    def load(self) -> type[Sink]:
        return _import(self.target)  # type: ignore[no-any-return]

    def options_model(self) -> type[Options] | None:
        return None if self.options is None else _import(self.options)


SINKS: dict[str, SinkEntry] = {
    entry.name: entry
    for entry in (
        SinkEntry("stdout", "streamsim.sinks.stdout:StdoutSink", "JSON Lines on standard output"),
        SinkEntry(
            "file",
            "streamsim.sinks.file:FileSink",
            "files: one of every stream, or one per stream (JSON Lines, gzip, Parquet, Avro), rolled "
            "by event time or size",
        ),
        SinkEntry("null", "streamsim.sinks.null:NullSink", "discard events (benchmarks, dry runs)"),
        SinkEntry(
            "kafka",
            "streamsim.sinks.kafka:KafkaSink",
            "Apache Kafka topics (idempotent, acks=all; needs the kafka extra)",
            options="streamsim.sinks.kafka_options:KafkaOptions",
        ),
    )
}

SINK_ENTRY_POINT_GROUP = "streamsim.sinks"


@cache
def _plugin_sinks() -> dict[str, SinkEntry]:
    """Plug-in sinks by entry-point name (``name = "module:SinkClass"``), not loaded yet."""
    from importlib.metadata import entry_points

    return {
        ep.name: SinkEntry(ep.name, ep.value, "plug-in sink")
        for ep in entry_points(group=SINK_ENTRY_POINT_GROUP)
        if ep.name not in SINKS
    }


def sink_names() -> list[str]:
    """Every sink's name: the built-in ones, then plug-ins."""
    return [*SINKS, *sorted(_plugin_sinks())]


def get_sink(name: str, where: str = "--sink") -> SinkEntry:
    """A sink's entry by name (a usage error naming ``where`` the name came from and the valid sinks)."""
    entry = SINKS.get(name) or _plugin_sinks().get(name)
    if entry is None:
        raise UsageError(f"invalid value for {where}: {name!r} (allowed: one of {', '.join(sink_names())})")
    return entry


def _import(target: str) -> Any:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)
