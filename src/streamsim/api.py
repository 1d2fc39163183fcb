"""The library entry points behind the CLI: option groups per command, ``simulate``, ``stream``
and ``frame``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import orjson
from pydantic import Field

from streamsim.chaos import ChaosOptions
from streamsim.config import (
    EngineOptions,
    FieldOptions,
    LogOptions,
    NameList,
    Options,
    OutputOptions,
    Resolved,
    Value,
    resolve,
)
from streamsim.errors import UsageError
from streamsim.formats.options import FormatOptions, SchemaCommandOptions
from streamsim.registry import SINKS, get_scenario, get_sink, scenario_names
from streamsim.report import ReportOptions
from streamsim.source import Limits

if TYPE_CHECKING:
    from pathlib import Path

    from streamsim.runner import Summary
    from streamsim.scenarios.base import Scenario
    from streamsim.sinks.base import Sink

Groups = list[tuple[type[Options], tuple[str, ...]]]


def run_groups(scenario_cls: type[Scenario[Any]]) -> Groups:
    """Option models of `streamsim run SCENARIO`."""
    groups: Groups = [
        (EngineOptions, ()),
        (FieldOptions, ()),
        (OutputOptions, ()),
        (FormatOptions, ()),
        (LogOptions, ()),
    ]
    for entry in SINKS.values():
        model = entry.options_model()
        if model is not None:
            groups.append((model, ()))
    groups.append((ChaosOptions, ()))
    groups.append((ReportOptions, ()))
    groups.append((scenario_cls.Options, ()))
    return groups


class StreamOptions(Options):
    """Which streams :func:`stream` yields."""

    group_title: ClassVar[str] = "Streams"

    streams: NameList | None = Field(
        None,
        description="main (the default), all, or names of streams: with more than one, each item is "
        'an envelope {"stream", "topic", "key", "time", "value"}.',
    )


def stream_groups(scenario_cls: type[Scenario[Any]]) -> Groups:
    """Options of :func:`stream` and :func:`frame`: those of `streamsim sample`, limits included."""
    return [(EngineOptions, ("speed",)), (FieldOptions, ()), (StreamOptions, ()), (scenario_cls.Options, ())]


def sample_groups(scenario_cls: type[Scenario[Any]]) -> Groups:
    """Option models of `streamsim sample SCENARIO` (no pacing or time limits)."""
    return [(EngineOptions, ("speed", "duration", "until")), (FieldOptions, ()), (scenario_cls.Options, ())]


def schema_groups(scenario_cls: type[Scenario[Any]]) -> Groups:
    """Option models of `streamsim schema SCENARIO`."""
    return [(FieldOptions, ()), (SchemaCommandOptions, ()), (scenario_cls.Options, ())]


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
    resolved = resolve_for(cls, run_groups(cls), _given(options), config)
    return execute(plan(resolved, cls, sink), install_signals=False)


class EventStream(Iterator[dict[str, Any]]):
    """The events of a run, decoded, generated as they are asked for (see :func:`stream`).

    ``seed`` and ``start`` replay it: ``stream(name, seed=s.seed, start=s.start, ...)``.
    """

    #: Records generated per step at most: the first event comes at once, later ones in small
    #: batches (doubling up to this), so that taking a few events generates only a few.
    MAX_STEP = 256

    def __init__(self, resolved: Resolved, scenario_cls: type[Scenario[Any]]) -> None:
        from streamsim.runner import build_projection, build_scenario
        from streamsim.sinks.lines import select_streams

        engine = resolved.get(EngineOptions)
        self.scenario = build_scenario(resolved, scenario_cls)
        self.seed, self.start = self.scenario.seed, self.scenario.start
        self.projection = build_projection(resolved, self.scenario)
        self.names = self.scenario.stream_names()
        self.topics = [self.scenario.topics().get(n, n) for n in self.names]
        self.selected = select_streams(resolved.get(StreamOptions).streams, self.names, "main")
        self._engine = engine
        self._items = self._generate()

    def __next__(self) -> dict[str, Any]:
        return next(self._items)

    def records(self) -> Iterator[tuple[int, str, float, float | None, bytes]]:
        """(stream index, key, time, labeled time, JSON value) of every record of the selected streams."""
        source = self.scenario.source(self.projection)
        wanted, main, step = set(self.selected), 0, 1
        limits = Limits(self._engine.count, self._engine.end, self._engine.drain_labels)
        while limits.upcoming(source, main) is not None:
            batch = source.next_batch(step, limits.budget(main), limits.end)
            main += batch.main
            step = min(step * 2, self.MAX_STEP)
            for stream, key, _, _, t, labeled, value, _ in batch.records():
                if stream in wanted:
                    yield stream, key, t, labeled, value

    def _generate(self) -> Iterator[dict[str, Any]]:
        loads = orjson.loads
        if len(self.selected) == 1:
            for record in self.records():
                yield loads(record[4])
            return
        from streamsim.sinks.lines import public_name

        for stream, key, t, _, value in self.records():
            yield {
                "stream": public_name(self.names[stream]),
                "topic": self.topics[stream],
                "key": key,
                "time": t,
                "value": loads(value),
            }


def _given(options: Mapping[str, Any]) -> dict[str, Value]:
    return {name.replace("-", "_"): Value(value, f"argument {name}") for name, value in options.items()}


def stream(scenario: str, *, config: Path | None = None, **options: Any) -> EventStream:
    """The events of a scenario as a lazy iterator of dicts, with the CLI's option names as keywords.

    Events are generated as they are asked for; without a limit (``count``, ``duration``,
    ``until``) the iterator never ends. Options are checked at once: an unknown name raises
    :class:`~streamsim.errors.UsageError` naming the close matches. ``streams="all"`` adds
    the companion streams, each item then an envelope naming its stream.

    >>> events = stream("fraud", seed=1, start="2025-03-03T08:00:00Z")
    >>> [e["amount"] for e in (next(events), next(events))]
    [243.54, 3571.0]
    """
    cls = get_scenario(scenario)
    return EventStream(resolve_for(cls, stream_groups(cls), _given(options), config), cls)


def frame(
    scenario: str,
    *,
    engine: Literal["pandas", "polars"] = "pandas",
    stream_name: str = "main",
    config: Path | None = None,
    **options: Any,
) -> Any:
    """A bounded run of a scenario as a DataFrame with typed columns (pandas or polars).

    Needs a limit (``count``, ``duration`` or ``until``). Columns follow the field
    specifications (strings, floats, integers, booleans; timestamps as UTC datetimes); nested
    fields become dotted column names (``location.lat``). ``stream_name`` picks a companion
    stream (``"labels"``...). Needs the ``dataframes`` extra (pandas and pyarrow), or ``polars``.
    """
    if engine not in ("pandas", "polars"):
        raise UsageError(f"invalid value for engine: {engine!r} (allowed: pandas, polars)")
    cls = get_scenario(scenario)
    resolved = resolve_for(cls, stream_groups(cls), _given({**options, "streams": [stream_name]}), config)
    limits = resolved.get(EngineOptions)
    if limits.count is None and limits.end is None:
        raise UsageError("frame() needs a limit: count, duration or until")
    try:
        import pyarrow as pa
    except ImportError:
        raise UsageError(
            "frame() needs pyarrow (and pandas or polars): pip install '.[dataframes]' from a clone of "
            "streamsim"
        ) from None
    from streamsim.sinks.file import decode, timestamp_paths
    from streamsim.sinks.parquet import arrow_schema

    events = EventStream(resolved, cls)
    index = events.selected[0]
    name = events.names[index]
    specs = list(events.projection.selected) if index == 0 else events.scenario.field_specs()[name]
    values = [record[4] for record in events.records()]
    table = pa.Table.from_pylist(decode(values, timestamp_paths(specs)), schema=arrow_schema(specs)).flatten()
    if engine == "polars":
        try:
            import polars
        except ImportError:
            raise UsageError("frame(engine='polars') needs polars: pip install '.[polars]'") from None
        return polars.from_arrow(table)
    try:
        import pandas  # noqa: F401 - to_pandas needs it
    except ImportError:
        raise UsageError(
            "frame() needs pandas: pip install '.[dataframes]' from a clone of streamsim"
        ) from None
    return table.to_pandas()
