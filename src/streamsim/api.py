"""The library entry points behind the CLI: option groups per command, and ``simulate``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from streamsim.chaos import ChaosOptions
from streamsim.config import (
    EngineOptions,
    FieldOptions,
    LogOptions,
    Options,
    OutputOptions,
    Resolved,
    Value,
    resolve,
)
from streamsim.registry import SINKS, get_scenario, get_sink, scenario_names
from streamsim.report import ReportOptions

if TYPE_CHECKING:
    from pathlib import Path

    from streamsim.runner import Summary
    from streamsim.scenarios.base import Scenario
    from streamsim.sinks.base import Sink

Groups = list[tuple[type[Options], tuple[str, ...]]]


def run_groups(scenario_cls: type[Scenario[Any]]) -> Groups:
    """Option models of `streamsim run SCENARIO`."""
    groups: Groups = [(EngineOptions, ()), (FieldOptions, ()), (OutputOptions, ()), (LogOptions, ())]
    for entry in SINKS.values():
        model = entry.options_model()
        if model is not None:
            groups.append((model, ()))
    groups.append((ChaosOptions, ()))
    groups.append((ReportOptions, ()))
    groups.append((scenario_cls.Options, ()))
    return groups


def sample_groups(scenario_cls: type[Scenario[Any]]) -> Groups:
    """Option models of `streamsim sample SCENARIO` (no pacing or time limits)."""
    return [(EngineOptions, ("speed", "duration", "until")), (FieldOptions, ()), (scenario_cls.Options, ())]


def schema_groups(scenario_cls: type[Scenario[Any]]) -> Groups:
    """Option models of `streamsim schema SCENARIO`."""
    return [(FieldOptions, ()), (scenario_cls.Options, ())]


def resolve_for(
    scenario_cls: type[Scenario[Any]],
    groups: Groups,
    given: Mapping[str, Value],
    config_file: Path | None = None,
) -> Resolved:
    """Validate one command's options for a scenario (its config-file section applies)."""
    # Other scenarios' sections of a config file are skipped (listing plug-ins costs: only with a file).
    others = [name for name in scenario_names() if name != scenario_cls.name] if config_file else []
    resolved = resolve(groups, given, config_file, section=scenario_cls.name, ignore_sections=others)
    if any(model is OutputOptions for model, _ in groups):
        # A usage error naming the sinks if unknown (sinks can be plug-ins: checked here, not in config).
        get_sink(resolved.get(OutputOptions).sink, resolved.sources.get("sink", "--sink"))
    return resolved


def simulate(
    scenario: str, *, sink: Sink | str | None = None, config: Path | None = None, **options: Any
) -> Summary:
    """Run a scenario from Python, with the CLI's option names (underscores) as keywords.

    Unlike the CLI, ``speed`` defaults to ``max``. ``sink`` is a sink name
    (``"stdout"``, ``"file"``...) or a sink object, such as a
    :class:`~streamsim.sinks.memory.ListSink` that keeps events in memory.

    >>> from streamsim.sinks.memory import ListSink
    >>> sink = ListSink()
    >>> summary = simulate("eta", seed=3, start="2025-06-02T08:00:00Z", count=5, sink=sink)
    >>> summary.events, sink.events[0]["hour_of_day"]
    (5, 3)
    """
    from streamsim.runner import execute, plan

    cls = get_scenario(scenario)
    options.setdefault("speed", "max")
    if isinstance(sink, str):
        options["sink"], sink = sink, None
    given = {name.replace("-", "_"): Value(value, f"argument {name}") for name, value in options.items()}
    resolved = resolve_for(cls, run_groups(cls), given, config)
    return execute(plan(resolved, cls, sink), install_signals=False)
