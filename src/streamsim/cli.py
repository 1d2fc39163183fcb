"""The `streamsim` command: a thin Click shell over the library.

Options are generated from the option models (see :mod:`streamsim.config`),
so every option has one name across the command line, ``STREAMSIM_*``
environment variables and config files, and one validation point.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click
from click.core import ParameterSource

from streamsim.api import Groups, resolve_for, run_groups, sample_groups, schema_groups
from streamsim.config import (
    ENV_PREFIX,
    EngineOptions,
    LogOptions,
    OptionSpec,
    Resolved,
    Value,
    environment_source,
    option_specs,
    resolve,
)
from streamsim.consume import ConsumeOptions, consume
from streamsim.errors import RunFailure, UsageError
from streamsim.events import MAIN_STREAM
from streamsim.registry import get_scenario, is_scenario, scenario_names, scenarios
from streamsim.sinks.kafka_options import PRODUCER_ONLY, KafkaOptions

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
SAMPLE_COUNT = 3


def _fail(exc: UsageError | RunFailure | click.ClickException) -> NoReturn:
    message = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
    click.echo(f"streamsim: error: {message}", err=True)
    sys.exit(exc.exit_code)


def interrupted() -> NoReturn:
    """Ctrl-C before a run or `consume` got going: one line, exit status 130."""
    click.echo("streamsim: interrupted", err=True)
    sys.exit(130)


class RootGroup(click.Group):
    """Turns every user mistake into one line on stderr and exit status 2 (1 for run failures)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:  # before Click turns it into Abort with a blank line
            interrupted()

    def main(self, *args: Any, **kwargs: Any) -> NoReturn:
        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except (UsageError, RunFailure, click.ClickException) as exc:
            _fail(exc)
        except click.exceptions.Abort:
            click.echo("streamsim: aborted", err=True)
            sys.exit(130)
        except KeyboardInterrupt:
            interrupted()
        sys.exit(rv if isinstance(rv, int) else 0)


class ScenarioGroup(click.Group):
    """A command whose subcommands are the registered scenarios (`run fraud`, `sample eta`...)."""

    def __init__(self, name: str, build: Callable[[str], click.Command], **attrs: Any) -> None:
        super().__init__(name, **attrs)
        self._build = build

    def list_commands(self, ctx: click.Context) -> list[str]:
        return scenario_names()

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._build(cmd_name) if is_scenario(cmd_name) else None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        if args and not is_scenario(args[0]) and not args[0].startswith("-"):
            get_scenario(args[0])  # raises the one-line usage error naming the valid scenarios
        return super().resolve_command(ctx, args)


class SectionedCommand(click.Command):
    """A command whose --help lists options under headings (clock, output, scenario...)."""

    def __init__(self, *args: Any, sections: list[tuple[str, list[str]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = sections

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        by_name = {p.name: p for p in self.get_params(ctx)}
        placed: set[str] = set()
        for title, names in [*self.sections, ("Other", [p.name for p in self.get_params(ctx) if p.name])]:
            rows = []
            for name in names:
                param = by_name.get(name)
                if param is None or name in placed:
                    continue
                placed.add(name)
                record = param.get_help_record(ctx)
                if record:
                    rows.append(record)
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def _click_option(spec: OptionSpec) -> click.Option:
    decls = [spec.name]
    short = spec.extra.get("short")
    if spec.is_flag:
        decls.append(f"{spec.flag}/--no-{spec.flag[2:]}")
    else:
        decls.append(spec.flag)
    if short:
        decls.append(short)
    return click.Option(
        decls,
        default=None,
        envvar=spec.envvars,
        show_envvar=True,
        help=spec.help(),
        metavar=None if spec.is_flag else spec.metavar,
        multiple=spec.multiple,
    )


CONFIG_OPTION_HELP = (
    "YAML or TOML file of options (names as on the command line, with - or _); a section named "
    "after the scenario overrides the top level. Command line > environment > file > defaults."
)


def _options(groups: Groups) -> tuple[list[OptionSpec], list[click.Parameter], list[tuple[str, list[str]]]]:
    """The command-line options of option models, and their --help sections."""
    specs = [spec for model, exclude in groups for spec in option_specs(model, exclude) if spec.on_cli]
    sections: list[tuple[str, list[str]]] = []
    for model, exclude in groups:
        names = [s.name for s in option_specs(model, exclude) if s.on_cli]
        if names:
            sections.append((model.group_title, names))
    return specs, [_click_option(spec) for spec in specs], sections


def _given(specs: list[OptionSpec], values: dict[str, Any]) -> dict[str, Value]:
    """Option values given on the command line or in the environment, with where they came from."""
    ctx = click.get_current_context()
    given: dict[str, Value] = {}
    for spec in specs:
        value = values.get(spec.name)
        if value is None or value == ():
            continue
        source = ctx.get_parameter_source(spec.name)
        where = environment_source(spec) if source == ParameterSource.ENVIRONMENT else spec.flag
        given[spec.name] = Value(list(value) if spec.multiple else value, where)
    return given


def _scenario_command(
    command: str, scenario: str, groups: Groups, action: Callable[..., None], help_text: str
) -> click.Command:
    cls = get_scenario(scenario)
    specs, options, sections = _options(groups)
    params: list[click.Parameter] = [
        click.Option(
            ["config", "--config", "-c"],
            type=click.Path(dir_okay=False, path_type=Path),
            envvar=ENV_PREFIX + "CONFIG",
            show_envvar=True,
            help=CONFIG_OPTION_HELP,
        ),
        *options,
    ]
    sections.append(("Config", ["config"]))

    def callback(config: Path | None, **values: Any) -> None:
        resolved = resolve_for(cls, groups, _given(specs, values), config)
        action(cls, resolved)

    return SectionedCommand(
        scenario,
        params=params,
        callback=callback,
        sections=sections,
        help=f"{help_text}\n\n{cls.description} Default topic: {cls.topic}; messages keyed by {cls.key_doc}.",
        short_help=cls.description,
        context_settings=CONTEXT,
    )


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (it is swapped by test runners)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _setup_logging(level: str) -> None:
    logger = logging.getLogger("streamsim")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(message)s", datefmt="%Y-%m-%dT%H:%M:%S%z")
        )
        logger.addHandler(handler)
        logger.propagate = False
    logger.setLevel(level.upper())


# -- commands ---------------------------------------------------------------------------


def _run(cls: Any, resolved: Any) -> None:
    from streamsim.runner import execute, plan

    _setup_logging(resolved.get(LogOptions).log_level)
    execute(plan(resolved, cls))


def _sample(cls: Any, resolved: Any) -> None:
    import orjson

    from streamsim.runner import build_projection, build_scenario
    from streamsim.timeutil import iso_utc

    engine = resolved.get(EngineOptions)
    scenario = build_scenario(resolved, cls)
    project = build_projection(resolved, scenario)
    _setup_logging("info")
    start = iso_utc(scenario.start)
    logging.getLogger("streamsim").info(
        "streamsim sample %s: seed=%d start=%s (replay with --seed %d --start %s)",
        scenario.name,
        scenario.seed,
        start,
        scenario.seed,
        start,
    )
    wanted = engine.count or SAMPLE_COUNT
    out = sys.stdout.buffer
    for event in scenario:
        if event.stream != MAIN_STREAM:
            continue
        out.write(orjson.dumps(project(event.fields), option=orjson.OPT_INDENT_2) + b"\n")
        wanted -= 1
        if not wanted:
            break
    out.flush()


def _schema(cls: Any, resolved: Any) -> None:
    from streamsim.formats.options import SchemaCommandOptions
    from streamsim.formats.print import print_schemas

    options = resolved.get(SchemaCommandOptions)
    sys.stdout.buffer.write(print_schemas(cls, resolved, options.format, options.stream))


def _config(cls: Any, resolved: Resolved) -> None:
    """The effective configuration, as a config file that replays the run (a seed is chosen if none
    was given, so that it does)."""
    import yaml

    from streamsim.runner import new_seed

    data, secrets = resolved.replayable()
    if "seed" not in data:
        data = {"seed": new_seed(), **data}
    header = [f"# streamsim run {cls.name} --config FILE replays this run."]
    if secrets:
        names = ", ".join(secrets)
        header.append(f"# Masked (***): {names}; give them in the environment, which wins over this file.")
    click.echo("\n".join(header) + "\n" + yaml.safe_dump(data, sort_keys=False), nl=False)


@click.group(cls=RootGroup, context_settings=CONTEXT)
@click.version_option(None, "-V", "--version", package_name="streamsim", prog_name="streamsim")
def cli() -> None:
    """Simulate realistic, labeled event streams for real-time machine learning.

    Scenarios: fraud (card transactions, is_fraud), eta (ride requests, actual travel
    time), ecommerce (shopping sessions). Events go to stdout, a file or Kafka.

    \b
    Examples:
      streamsim list
      streamsim run fraud --speed max --count 1000
      streamsim run eta --start now-7d --sink file -o eta.jsonl.gz --speed max --duration 7d
      streamsim sample ecommerce -n 3
    """


def _group(name: str, groups: Callable[[Any], Groups], action: Callable[..., None], help_text: str) -> None:
    cli.add_command(
        ScenarioGroup(
            name,
            lambda scenario: _scenario_command(
                name, scenario, groups(get_scenario(scenario)), action, help_text
            ),
            help=f"{help_text} Run `streamsim {name} SCENARIO --help` for its options.",
            context_settings=CONTEXT,
        )
    )


_group("run", run_groups, _run, "Stream events of a scenario (unbounded unless a limit is given).")
_group("sample", sample_groups, _sample, "Print a few events of a scenario as pretty JSON.")
_group(
    "schema",
    schema_groups,
    _schema,
    "Print the schema of a scenario's events: JSON Schema, Avro or Protobuf, of the main stream "
    "or a companion stream.",
)
_group("config", run_groups, _config, "Print the effective configuration of a run as YAML (secrets masked).")


def _consume_command() -> click.Command:
    groups: Groups = [(ConsumeOptions, ()), (KafkaOptions, PRODUCER_ONLY)]
    specs, params, sections = _options(groups)

    def callback(**values: Any) -> None:
        resolved = resolve(groups, _given(specs, values))
        _setup_logging("warning")
        options = resolved.get(ConsumeOptions)
        seen, reason = consume(resolved.get(KafkaOptions), options, sys.stdout.buffer)
        click.echo(f"streamsim: consumed {seen:,} messages from {options.topic} ({reason})", err=True)

    return SectionedCommand(
        "consume",
        params=params,
        callback=callback,
        sections=sections,
        help="Print the events of a Kafka topic as JSON lines (one value a line).\n\n"
        "\b\nExamples:\n  streamsim consume --topic transaction_fraud_detection --from-beginning -n 5\n"
        "  streamsim consume --topic estimated_time_of_arrival --metadata",
        short_help="Print the events of a Kafka topic as JSON lines.",
        context_settings=CONTEXT,
    )


cli.add_command(_consume_command())


@cli.command("report", context_settings=CONTEXT)
@click.argument("source", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("report.html"),
    show_default=True,
    help="HTML file to write.",
)
def report(source: Path, output: Path) -> None:
    """Write one self-contained HTML page of plots of a run's output (a JSON Lines file or directory).

    Needs the report extra (matplotlib).
    """
    from streamsim.report import write_report

    observed = write_report(source, output)
    click.echo(f"streamsim: wrote {output} ({observed.events:,} {observed.scenario} events)", err=True)


@cli.command("list", context_settings=CONTEXT)
def list_scenarios() -> None:
    """List scenarios with their default topics."""
    rows = [(name, cls.topic, cls.description) for name, cls in scenarios().items()]
    width = [max(len(row[i]) for row in rows) for i in range(2)]
    click.echo(f"{'SCENARIO':<{width[0]}}  {'DEFAULT TOPIC':<{width[1]}}  DESCRIPTION")
    for name, topic, description in rows:
        click.echo(f"{name:<{width[0]}}  {topic:<{width[1]}}  {description}")


def main(argv: Sequence[str] | None = None) -> NoReturn:
    cli.main(args=list(argv) if argv is not None else None, prog_name="streamsim")
