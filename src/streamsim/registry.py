"""Scenario and sink registries.

Scenarios register themselves when their class is defined (see
:class:`streamsim.scenarios.base.Scenario`); built-ins live in
``streamsim.scenarios`` and third-party packages add theirs through the
``streamsim.scenarios`` entry-point group. Sinks are listed here by import path
so that a sink's dependencies (librdkafka for Kafka) load only when it is used.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

from streamsim.errors import UsageError

if TYPE_CHECKING:
    from streamsim.config import Options
    from streamsim.scenarios.base import Scenario
    from streamsim.sinks.base import Sink

ENTRY_POINT_GROUP = "streamsim.scenarios"

_scenarios: dict[str, type[Scenario[Any]]] = {}
_plugins_loaded = False


def register_scenario(cls: type[Scenario[Any]]) -> None:
    if cls.name in _scenarios and _scenarios[cls.name] is not cls:
        raise ValueError(f"scenario name {cls.name!r} is already registered by {_scenarios[cls.name]!r}")
    _scenarios[cls.name] = cls


def _load_scenarios() -> None:
    global _plugins_loaded
    importlib.import_module("streamsim.scenarios")
    if not _plugins_loaded:
        _plugins_loaded = True
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            ep.load()  # defining the class registers it


def scenarios() -> dict[str, type[Scenario[Any]]]:
    """Registered scenarios by name, sorted."""
    _load_scenarios()
    return dict(sorted(_scenarios.items()))


def get_scenario(name: str) -> type[Scenario[Any]]:
    found = scenarios().get(name)
    if found is None:
        raise UsageError(f"unknown scenario {name!r}; choose from: {', '.join(scenarios())}")
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
        SinkEntry("file", "streamsim.sinks.file:FileSink", "JSON Lines file (gzip if the name ends in .gz)"),
        SinkEntry("null", "streamsim.sinks.null:NullSink", "discard events (benchmarks, dry runs)"),
        SinkEntry(
            "kafka",
            "streamsim.sinks.kafka:KafkaSink",
            "Apache Kafka topics (idempotent, acks=all; needs the kafka extra)",
            options="streamsim.sinks.kafka_options:KafkaOptions",
        ),
    )
}


def _import(target: str) -> Any:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)
