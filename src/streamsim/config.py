"""Run configuration: option models, config files and the one validation point.

Every option of every command is a field of a pydantic model below (or of a
scenario's or sink's options model). The CLI is generated from these models,
config files and ``STREAMSIM_*`` environment variables use the same names, and
:func:`resolve` merges the sources (command line > environment > config file >
defaults) and validates them once, turning every mistake into a
:class:`~streamsim.errors.UsageError` that names the option and what is allowed.
"""

from __future__ import annotations

import difflib
import os
import re
import time
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, TypeVar, get_args, get_origin

import annotated_types
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic.fields import FieldInfo

from streamsim.clock import SPEED_HELP, Speed, parse_speed
from streamsim.errors import UsageError
from streamsim.rng import Shard
from streamsim.schema import SCHEMA_PRESETS
from streamsim.timeutil import (
    DURATION_HELP,
    TIME_HELP,
    check_duration,
    check_time,
    format_duration,
    iso_utc,
    parse_duration,
    parse_time,
)

ENV_PREFIX = "STREAMSIM_"
#: Bounds of --rate, in events per second of event time.
MIN_RATE, MAX_RATE = 1e-6, 1e7


@dataclass(frozen=True, slots=True)
class Allowed:
    """Annotation metadata: how to describe a custom type's valid values in help and errors."""

    text: str


@dataclass(frozen=True, slots=True)
class SecretKeys:
    """Annotation metadata of a mapping option: which of its keys hold secrets (masked in dumps)."""

    is_secret: Callable[[str], bool]


def _parse_time(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return check_time(value)
    # "now" resolves to the whole second so that the logged start replays exactly.
    return parse_time(str(value), now=float(int(time.time())))


def _parse_duration(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return check_duration(value)
    return parse_duration(str(value))


def _parse_shard(value: object) -> Shard:
    return value if isinstance(value, Shard) else Shard.parse(str(value))


def _parse_names(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


@dataclass(frozen=True, slots=True)
class Roll:
    """When the file sink starts a new file: every ``seconds`` of event time, or past ``bytes``."""

    seconds: float | None = None
    bytes: int | None = None

    def __str__(self) -> str:
        if self.bytes is not None:
            return f"{self.bytes}B"
        return format_duration(self.seconds or 0.0).replace(" ", "")


ROLL_HELP = "a duration of event time such as 15m, 1h or 1d, or a size such as 64MB or 1GB"
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)", re.I)
_SIZE_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "kib": 2**10, "mib": 2**20, "gib": 2**30}


def _parse_roll(value: object) -> Roll:
    if isinstance(value, Roll):
        return value
    text = str(value).strip()
    size = _SIZE.fullmatch(text)
    if size:
        n = int(float(size.group(1)) * _SIZE_UNITS[size.group(2).lower()])
        if not 1024 <= n <= 2**50:
            raise ValueError(f"expected {ROLL_HELP} (sizes from 1KiB)")
        return Roll(bytes=n)
    try:
        seconds = _parse_duration(value)
    except ValueError:
        raise ValueError(f"expected {ROLL_HELP}") from None
    if seconds < 1:
        raise ValueError(f"expected {ROLL_HELP} (durations from 1s)")
    return Roll(seconds=seconds)


TimeValue = Annotated[float, BeforeValidator(_parse_time), Allowed(TIME_HELP)]
DurationValue = Annotated[float, BeforeValidator(_parse_duration), Allowed(DURATION_HELP)]
SpeedValue = Annotated[Speed, BeforeValidator(parse_speed), Allowed(SPEED_HELP)]
#: Text rather than a Path: a trailing slash (a directory) must survive.
OutputPath = Annotated[
    str,
    BeforeValidator(lambda v: str(v) if isinstance(v, os.PathLike) else v),
    Allowed("a file path, a directory (ending in /) or a name template"),
]
RollValue = Annotated[Roll, BeforeValidator(_parse_roll), Allowed(ROLL_HELP)]
ShardValue = Annotated[Shard, BeforeValidator(_parse_shard), Allowed("i/N with 0 <= i < N")]
NameList = Annotated[list[str], BeforeValidator(_parse_names), Allowed("comma-separated names")]
Probability = Annotated[float, Field(ge=0.0, le=1.0)]

TOPIC_HELP = "a Kafka topic name: 1 to 249 of the characters a-z A-Z 0-9 . _ -, but not '.' or '..'"
_TOPIC_NAME = re.compile(r"[a-zA-Z0-9._-]{1,249}")


def check_topic(name: str) -> str:
    """``name`` if Kafka accepts it as a topic name.

    >>> check_topic("transaction_fraud_detection")
    'transaction_fraud_detection'
    """
    if not _TOPIC_NAME.fullmatch(name) or name in (".", ".."):
        raise ValueError(f"expected {TOPIC_HELP}")
    return name


TopicName = Annotated[str, AfterValidator(check_topic), Allowed(TOPIC_HELP)]


OptionsT = TypeVar("OptionsT", bound="Options")


class Options(BaseModel):
    """Base of every options model: frozen, strict about unknown names."""

    # NaN and infinities are never valid values (NaN compares false with every bound).
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, allow_inf_nan=False)

    #: Heading of this group in ``--help``.
    group_title: ClassVar[str] = "Options"


class EngineOptions(Options):
    """Simulated clock, pacing, limits, determinism and shards."""

    group_title: ClassVar[str] = "Clock and limits"

    seed: int | None = Field(
        None,
        ge=0,
        le=2**64 - 1,
        description="Seed of the run's random numbers; the start log prints the one "
        "chosen when omitted, so any run can be replayed.",
        json_schema_extra={"metavar": "INT"},
    )
    start: TimeValue = Field(
        "now",
        validate_default=True,
        description="Event time of the start of the run. A past "
        "start with realtime speed backfills at full speed, then streams live.",
        json_schema_extra={"metavar": "TIME"},
    )
    speed: SpeedValue = Field(
        Speed("realtime"),
        description="Pacing of event time against the wall clock.",
        json_schema_extra={"metavar": "SPEED"},
    )
    rate: float | None = Field(
        None,
        ge=MIN_RATE,
        le=MAX_RATE,
        description="Mean events per second of event time (a Poisson process shaped "
        "by the scenario's daily profile). Default: the scenario's original pacing.",
        json_schema_extra={"metavar": "EPS"},
    )
    count: int | None = Field(
        None,
        ge=1,
        le=2**63 - 1,
        description="Stop after this many main-stream events.",
        json_schema_extra={"metavar": "N", "short": "-n"},
    )
    duration: DurationValue | None = Field(
        None, description="Stop after this much event time.", json_schema_extra={"metavar": "DURATION"}
    )
    until: TimeValue | None = Field(
        None, description="Stop at this event time.", json_schema_extra={"metavar": "TIME"}
    )
    shard: ShardValue = Field(
        Shard(),
        description="Run shard i of N: disjoint entity ids and independent random "
        "streams, so N replicas together form one larger population.",
        json_schema_extra={"metavar": "i/N"},
    )
    drain_labels: bool = Field(
        False,
        description="When --count, --duration or --until is reached, keep the simulated clock "
        "going for delayed labels only (no new main events) until every main event emitted has "
        "its label (fraud labels, ETA trip_completed, e-commerce session outcomes), each at its "
        "true time, then stop. Paced like the run (use --speed max to get them at once).",
    )

    @property
    def end(self) -> float | None:
        """Event time at which the run stops, from --duration and --until."""
        ends = [
            t
            for t in (self.until, None if self.duration is None else self.start + self.duration)
            if t is not None
        ]
        return min(ends) if ends else None

    @model_validator(mode="after")
    def _until_after_start(self) -> EngineOptions:
        if self.until is not None and self.until <= self.start:
            raise ValueError("--until must be later than --start")
        if self.drain_labels and self.count is None and self.end is None:
            raise ValueError("--drain-labels needs a limit: --count, --duration or --until")
        return self


class FieldOptions(Options):
    """Which fields events carry."""

    group_title: ClassVar[str] = "Fields"

    schema_preset: Literal["classic", "standard", "full"] = Field(
        "standard",
        alias="schema",
        description="Field preset: classic = exactly the original "
        "producer's fields; standard = classic plus new realistic fields; full = standard plus "
        "ground-truth and debugging fields.",
        json_schema_extra={"metavar": "PRESET"},
    )
    fields: NameList | None = Field(
        None,
        description="Emit only these fields (dotted paths for nested ones, e.g. location.lat).",
        json_schema_extra={"metavar": "A,B,..."},
    )
    exclude_fields: NameList | None = Field(
        None, description="Drop these fields.", json_schema_extra={"metavar": "A,B,..."}
    )


assert set(get_args(FieldOptions.model_fields["schema_preset"].annotation)) == set(SCHEMA_PRESETS)


class OutputOptions(Options):
    """Where events go."""

    group_title: ClassVar[str] = "Output"

    sink: Annotated[str, Allowed("a sink's name: stdout, file, null, kafka, or a plug-in sink's")] = Field(
        "stdout", description="Where to write events.", json_schema_extra={"metavar": "SINK"}
    )
    output: OutputPath | None = Field(
        None,
        description="Where --sink file writes. A file: every selected stream in it (JSON Lines, "
        "gzip-compressed when the name ends in .gz; .parquet or .avro for the main stream). A "
        "directory (a name ending in /): one file per stream, <topic>.jsonl. A "
        "template such as out/{topic}.parquet: one file per stream, the format from the extension "
        "(.jsonl, .jsonl.gz, .parquet, .avro); placeholders {topic}, {stream}, {scenario}, {time} "
        "(event time a rolled file starts at) and {part} (its number).",
        json_schema_extra={"metavar": "PATH", "short": "-o"},
    )
    streams: NameList | None = Field(
        None,
        description="Which streams stdout and files carry: main, all, or names of streams (main, "
        "labels...). With more than one in a line output (stdout, a single file), each line is an "
        'envelope {"stream", "topic", "key", "time", "value"}. Default: main on stdout, all in files.',
        json_schema_extra={"metavar": "main|all|A,B"},
    )
    roll: RollValue | None = Field(
        None,
        description="--sink file starts a new file every so much event time (windows aligned to the "
        "epoch: 1h rolls on the hour) or once a file is this large; each file is complete and "
        "readable once the next one is started.",
        json_schema_extra={"metavar": "DURATION|SIZE"},
    )
    row_group_size: int = Field(
        65536,
        ge=1,
        le=2**24,
        description="Rows of a Parquet row group: each is written as soon as it fills, so memory "
        "stays bounded however long the run.",
        json_schema_extra={"metavar": "ROWS"},
    )
    topic: TopicName | None = Field(
        None,
        description="Main topic name. Default: the scenario's original topic. "
        "Companion streams go to <topic>_<stream>.",
        json_schema_extra={"metavar": "NAME"},
    )

    @model_validator(mode="after")
    def _known_sink(self) -> OutputOptions:
        if self.sink == "file" and self.output is None:
            raise ValueError("--sink file needs --output PATH")
        if self.roll is not None and self.sink != "file":
            raise ValueError("--roll needs --sink file")
        if self.streams and self.sink not in ("stdout", "file"):
            raise ValueError(
                f"--streams applies to --sink stdout and file (--sink {self.sink} writes every stream)"
            )
        return self


class LogOptions(Options):
    """Logs and progress on stderr; Prometheus metrics and health checks over HTTP."""

    group_title: ClassVar[str] = "Logging and metrics"

    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Verbosity of the logs on stderr.", json_schema_extra={"metavar": "LEVEL"}
    )
    log_interval: float = Field(
        60.0,
        gt=0,
        le=86400,
        description="Seconds between progress log lines (with one sample event) when "
        "stderr is not a terminal.",
        json_schema_extra={"metavar": "SECONDS"},
    )
    progress: bool | None = Field(
        None, description="Show a progress bar for bounded runs. Default: when stderr is a terminal."
    )
    metrics_port: int | None = Field(
        None,
        ge=0,
        le=65535,
        description="Serve Prometheus metrics (/metrics) and health checks (/healthz, /readyz) over "
        "HTTP on this port; 0 or unset: off. Needs the metrics extra.",
        json_schema_extra={"metavar": "PORT"},
    )
    metrics_host: str = Field(
        "127.0.0.1",
        min_length=1,
        description="Address the metrics server listens on: 127.0.0.1 serves this machine only; "
        "0.0.0.0 (or ::) every interface, as a container or pod needs for scrapes and probes.",
        json_schema_extra={"metavar": "ADDRESS"},
    )


# ---------------------------------------------------------------------------
# Describing options (shared by --help, error messages and docs)


@dataclass(frozen=True)
class OptionSpec:
    """One option as users see it: name in files, flag on the command line, env variables."""

    model: type[Options]
    attr: str
    info: FieldInfo

    @property
    def name(self) -> str:
        """Public name, as used in config files (underscores)."""
        return self.info.alias or self.attr

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def extra(self) -> dict[str, Any]:
        extra = self.info.json_schema_extra
        return extra if isinstance(extra, dict) else {}

    @property
    def envvars(self) -> list[str]:
        return [ENV_PREFIX + self.name.upper(), *self.extra.get("envvars", [])]

    @property
    def on_cli(self) -> bool:
        return bool(self.extra.get("cli", True))

    @property
    def is_flag(self) -> bool:
        return _base_type(self.info.annotation) is bool

    @property
    def multiple(self) -> bool:
        return bool(self.extra.get("multiple", False))

    @property
    def secret(self) -> bool:
        """Never shown: a SecretStr, or marked ``"secret": True`` (values that may hold credentials)."""
        return _base_type(self.info.annotation) is SecretStr or bool(self.extra.get("secret", False))

    def shown(self, value: Any) -> Any:
        """``value`` as dumps show it: secrets masked (whole, or the secret keys of a mapping)."""
        if isinstance(value, SecretStr):
            return "***" if value else _plain(value)
        metadata = [*self.info.metadata, *_metadata(self.info.annotation)]
        if isinstance(value, float) and Allowed(TIME_HELP) in metadata:
            return iso_utc(value)  # an event time, as it is given (an epoch number is valid too)
        masked = [m.is_secret for m in metadata if isinstance(m, SecretKeys)]
        if masked and isinstance(value, Mapping):
            return {k: "***" if masked[0](str(k)) else _plain(v) for k, v in value.items()}
        return _plain(value)

    def allowed(self) -> str:
        """What values are valid, in words."""
        source = self.extra.get("choices_from")  # a ClassVar mapping of the model lists the choices
        if source:
            return "one of " + ", ".join(getattr(self.model, str(source)))
        return describe_allowed(self.info)

    def default_text(self) -> str:
        default = self.info.get_default(call_default_factory=True)
        if default is None or default == [] or default == {}:
            return ""
        if self.secret:
            return "***"
        if isinstance(default, bool):
            return "on" if default else "off"
        return str(default)

    @property
    def metavar(self) -> str:
        default = {int: "N", float: "NUMBER", str: "TEXT", Path: "PATH"}.get(_base_type(self.info.annotation))
        return str(self.extra.get("metavar") or default or "VALUE")

    def help(self) -> str:
        parts = [self.info.description or ""]
        allowed = self.allowed()
        if allowed and not self.is_flag:
            parts.append(f"Allowed: {allowed}.")
        default = self.default_text()
        if default:
            parts.append(f"Default: {default}.")
        return " ".join(p for p in parts if p)


def option_specs(model: type[Options], exclude: Iterable[str] = ()) -> list[OptionSpec]:
    skip = set(exclude)
    return [
        OptionSpec(model, attr, info)
        for attr, info in model.model_fields.items()
        if (info.alias or attr) not in skip
    ]


def _base_type(annotation: Any) -> Any:
    """The type under Optional[...] and Annotated[...]."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin is not None and type(None) in get_args(annotation):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def _metadata(annotation: Any) -> list[Any]:
    found: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            found += get_args(annotation)[1:]
            annotation = get_args(annotation)[0]
        elif origin is not None and type(None) in get_args(annotation):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return found


def describe_allowed(info: FieldInfo) -> str:
    """Valid values of a field in words, from its type and constraints.

    >>> describe_allowed(EngineOptions.model_fields["rate"])
    'a number from 1e-06 to 1e+07'
    >>> describe_allowed(FieldOptions.model_fields["schema_preset"])
    'one of classic, standard, full'
    """
    metadata = [*info.metadata, *_metadata(info.annotation)]
    for item in metadata:
        if isinstance(item, Allowed):
            return item.text
    base = _base_type(info.annotation)
    if get_origin(base) is Literal:
        return "one of " + ", ".join(str(a) for a in get_args(base))
    noun = {
        int: "an integer",
        float: "a number",
        bool: "true or false",
        str: "text",
        Path: "a file path",
        SecretStr: "text",
    }.get(base, "")
    bounds = []
    for item in metadata:
        for attr, symbol in (("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")):
            if isinstance(item, getattr(annotated_types, attr.capitalize())):
                bounds.append((symbol, getattr(item, attr)))
        if isinstance(item, annotated_types.MinLen) and item.min_length == 1 and base is str:
            noun = "non-empty text"
    symbols = {symbol: _number(value) for symbol, value in bounds}
    if ">=" in symbols and "<=" in symbols:
        return f"{noun} from {symbols['>=']} to {symbols['<=']}"
    return " ".join([noun, *(f"{s} {symbols[s]}" for s, _ in bounds)]).strip()


def _number(value: Any) -> str:
    """A bound in words: integers exactly, other numbers short (1e-06, 0.5)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else f"{value:g}"


# ---------------------------------------------------------------------------
# Config files


CONFIG_SUFFIXES = (".yaml", ".yml", ".toml")


def load_config_file(path: Path) -> dict[str, Any]:
    """Read a YAML or TOML config file into a mapping (names normalised to underscores)."""
    if path.suffix.lower() not in CONFIG_SUFFIXES:
        raise UsageError(
            f"invalid value for --config: {str(path)!r}; allowed: a file ending in "
            f"{', '.join(CONFIG_SUFFIXES)}"
        )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot read config file {str(path)!r}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"invalid config file {str(path)!r}: not UTF-8 text (byte 0x{exc.object[exc.start]:02x} "
            f"at offset {exc.start})"
        ) from None
    if "\x00" in text:
        raise UsageError(f"invalid config file {str(path)!r}: not a text file (it holds NUL bytes)")
    try:
        if path.suffix.lower() == ".toml":
            data: Any = tomllib.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text) or {}
    except Exception as exc:
        raise UsageError(f"invalid config file {str(path)!r}: {_parse_error(exc)}") from None
    if not isinstance(data, dict):
        raise UsageError(
            f"invalid config file {str(path)!r}: expected a mapping of option names "
            "to values at the top level"
        )
    return _normalise_keys(data)


def _parse_error(exc: Exception) -> str:
    """One line describing a YAML or TOML syntax error, with its position."""
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:  # PyYAML's marked errors
        problem = getattr(exc, "problem", None) or getattr(exc, "context", None) or "syntax error"
        return f"{problem} (line {mark.line + 1}, column {mark.column + 1})"
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _normalise_keys(data: Mapping[str, Any]) -> dict[str, Any]:
    return {str(key).replace("-", "_"): value for key, value in data.items()}


# ---------------------------------------------------------------------------
# Resolution


@dataclass(frozen=True)
class Value:
    """An option value and where it came from (for error messages)."""

    value: Any
    source: str  # e.g. "--rate", "environment variable STREAMSIM_RATE", "config file run.yaml"


@dataclass
class Resolved:
    """Validated option models of one command invocation, by model class."""

    models: dict[type[Options], Options] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)

    def get(self, model: type[OptionsT]) -> OptionsT:
        found = self.models[model]
        assert isinstance(found, model)
        return found

    def dump(self) -> dict[str, Any]:
        """Effective configuration, secrets masked, in config-file form."""
        out: dict[str, Any] = {}
        for options in self.models.values():
            for spec in option_specs(type(options)):
                out[spec.name] = spec.shown(getattr(options, spec.attr))
        return out

    def replayable(self) -> tuple[dict[str, Any], list[str]]:
        """The effective configuration as a config file that gives the same run again, and the
        names of the secrets in it, masked (``***``: they are never printed; the environment or
        the command line gives them when the file is used).

        Unset options (None) are left out, and so is a default that would count as given when
        read back (a SASL mechanism without a SASL protocol, for instance): reading the file back
        validates exactly as this configuration did.
        """
        out: dict[str, Any] = {}
        secrets: list[str] = []
        for options in self.models.values():
            model = type(options)
            specs = option_specs(model)
            given = {
                s.name: s.shown(getattr(options, s.attr)) for s in specs if s.attr in options.model_fields_set
            }
            for spec in specs:
                value = getattr(options, spec.attr)
                if value is None or value == [] or value == {}:
                    continue
                shown = spec.shown(value)
                if shown == "***":
                    secrets.append(spec.name)
                elif isinstance(shown, dict) and "***" in shown.values():  # secret keys of a mapping
                    secrets += [f"{spec.name}.{k}" for k, v in shown.items() if v == "***"]
                if spec.attr not in options.model_fields_set:
                    try:
                        model.model_validate({**given, spec.name: shown})
                    except ValidationError:
                        continue  # the default, but read back it would change the meaning
                out[spec.name] = shown
        return out, secrets


def _plain(value: Any) -> Any:
    if isinstance(value, Speed | Shard | Path | Roll):
        return str(value)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def resolve(
    groups: Sequence[tuple[type[Options], Iterable[str]]],
    given: Mapping[str, Value],
    config_file: Path | None = None,
    section: str | None = None,
    ignore_sections: Iterable[str] = (),
) -> Resolved:
    """Merge option sources and validate every group.

    ``groups`` are the option models of the command with the names each
    excludes; ``given`` holds command-line and environment values by public
    name; the config file supplies the rest, with a ``section`` (the scenario
    name) overriding its top level. Sections named in ``ignore_sections`` (the
    other scenarios) are skipped so one file can configure every scenario.
    """
    specs = {spec.name: spec for model, exclude in groups for spec in option_specs(model, exclude)}
    for name in given:
        if name not in specs:  # a keyword of simulate() (the CLI only passes its own options)
            raise UsageError(unknown_name(f"unknown option {name!r}", name, specs))
    values: dict[str, Value] = {}
    if config_file is not None:
        values.update(_file_values(config_file, specs, section, set(ignore_sections)))
    values.update(given)
    resolved = Resolved(sources={name: v.source for name, v in values.items()})
    for model, exclude in groups:
        names = {spec.name for spec in option_specs(model, exclude)}
        data = {name: v.value for name, v in values.items() if name in names}
        try:
            resolved.models[model] = model.model_validate(data)
        except ValidationError as exc:
            raise UsageError(_explain(exc, model, values)) from None
    return resolved


def _file_values(
    path: Path, specs: Mapping[str, OptionSpec], section: str | None, ignore: set[str]
) -> dict[str, Value]:
    data = load_config_file(path)
    source = f"config file {str(path)!r}"
    scoped = data.pop(section, None) if section else None
    for other in ignore:
        data.pop(other, None)
    out: dict[str, Value] = {}
    for scope, mapping in ((None, data), (section, scoped)):
        if mapping is None:
            continue
        if not isinstance(mapping, dict):
            raise UsageError(f"invalid config file {str(path)!r}: section {scope!r} must be a mapping")
        for key, value in _normalise_keys(mapping).items():
            if key not in specs:
                where = f"section {scope!r} of " if scope else ""
                raise UsageError(unknown_name(f"unknown key {key!r} in {where}{source}", key, specs))
            out[key] = Value(value, f"{key} in {source}")
    return out


def unknown_name(problem: str, name: str, valid: Iterable[str]) -> str:
    """One line for a name that is not an option: the close matches, else every valid name.

    >>> unknown_name("unknown option 'sed'", "sed", ["seed", "speed", "start"])
    "unknown option 'sed'; did you mean seed, speed?"
    """
    names = sorted(valid)
    close = difflib.get_close_matches(name, names, n=3)
    if close:
        return f"{problem}; did you mean {', '.join(close)}?"
    return f"{problem}; valid names: {', '.join(names)}"


def _explain(exc: ValidationError, model: type[Options], values: Mapping[str, Value]) -> str:
    """One line naming the option, its source and what is allowed."""
    error = exc.errors()[0]
    loc = [str(part) for part in error["loc"]]
    message = error["msg"].removeprefix("Value error, ")
    if not loc:  # a cross-field check: its message names the options itself
        return message
    spec = next((s for s in option_specs(model) if loc[0] in (s.attr, s.name)), None)
    if spec is None:
        return f"{'.'.join(loc)}: {message}"
    given = values.get(spec.name)
    where = given.source if given else spec.flag
    if given is not None and given.source.startswith("environment"):
        where = f"{spec.flag} (from {given.source})"
    value = error.get("input")
    # A validator's own message says what is expected; a failed constraint gets the allowed range.
    detail = message if error["type"] == "value_error" else f"allowed: {spec.allowed()}"
    if len(loc) > 1:
        detail = f"{'.'.join(loc[1:])}: {message}"
    if isinstance(value, list | dict):  # structured values (schedules) are not echoed back
        return f"invalid value for {where}: {detail}"
    shown = "***" if spec.secret else repr(value)
    return f"invalid value for {where}: {shown} ({detail})"


def environment_source(spec: OptionSpec) -> str:
    """Name of the environment variable that supplied an option (first set wins, as in Click)."""
    for name in spec.envvars:
        if os.environ.get(name):
            return f"environment variable {name}"
    return "environment"
