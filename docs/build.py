"""Regenerate the generated parts of the docs from the code: `python docs/build.py [--check]`.

Each scenario page keeps hand-written prose; the blocks between
``<!-- BEGIN generated: NAME -->`` and ``<!-- END generated: NAME -->`` are
rewritten from the option models, the field specifications and a real run
(fixed seed), so options, fields and sample output never drift from the code.
A block name may carry arguments: ``stream-fields STREAM [OPTION=VALUE...]``
and ``stream-sample STREAM COUNT [OPTION=VALUE...]`` document a companion
stream, run with the given scenario options (values in YAML syntax).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import yaml

from streamsim.chaos import ChaosOptions
from streamsim.config import EngineOptions, FieldOptions, LogOptions, Options, OutputOptions, option_specs
from streamsim.consume import ConsumeOptions
from streamsim.events import MAIN_STREAM
from streamsim.formats.options import FormatOptions
from streamsim.registry import SINKS, get_scenario, scenarios
from streamsim.report import ReportOptions
from streamsim.schema import Level
from streamsim.sinks.memory import ListSink

DOCS = Path(__file__).resolve().parent
SAMPLE_START = "2025-03-03T08:00:00Z"
SAMPLE_SEED = 42
BLOCK = re.compile(
    r"(<!-- BEGIN generated: (?P<name>[\w-]+(?: [\w=.,-]+)*) -->\n).*?(<!-- END generated: (?P=name) -->)",
    re.S,
)


def options_table(model: type[Options]) -> str:
    rows = ["| option | env | default | allowed | meaning |", "|---|---|---|---|---|"]
    for spec in option_specs(model):
        if not spec.on_cli:
            continue
        flag = f"`{spec.flag}/--no-{spec.flag[2:]}`" if spec.is_flag else f"`{spec.flag}`"
        default = spec.default_text() or "-"
        allowed = "flag" if spec.is_flag else spec.allowed()
        env = ", ".join(f"`{name}`" for name in spec.envvars)
        rows.append(f"| {flag} | {env} | {default} | {allowed} | {spec.info.description} |")
    config_only = [spec for spec in option_specs(model) if not spec.on_cli]
    for spec in config_only:
        rows.append(
            f"| `{spec.name}` (config file only) | - | - | {spec.allowed()} | {spec.info.description} |"
        )
    return "\n".join(rows)


def fields_table(scenario: str, stream: str = MAIN_STREAM, **options: Any) -> str:
    cls = get_scenario(scenario)
    specs = cls(cls.Options(**options), seed=0, start=0.0).field_specs()[stream]
    rows = ["| field | type | preset | meaning |", "|---|---|---|---|"]
    for spec in specs:
        kind = f"{spec.type} or null" if spec.nullable else spec.type
        if spec.enum is not None:
            kind += ": " + ", ".join(f"`{v}`" for v in spec.enum)
        rows.append(f"| `{spec.path}` | {kind} | {Level(spec.level).name.lower()} | {spec.description} |")
    return "\n".join(rows)


def sample(scenario: str, count: int = 2, **options: Any) -> str:
    """Real output of a fixed-seed run, one pretty JSON document per event."""
    from streamsim import simulate

    sink = ListSink()
    simulate(scenario, seed=SAMPLE_SEED, start=SAMPLE_START, count=count, sink=sink, **options)
    docs = [orjson.dumps(orjson.loads(r.value), option=orjson.OPT_INDENT_2).decode() for r in sink.records]
    command = " ".join(
        [f"streamsim run {scenario} --seed {SAMPLE_SEED} --start {SAMPLE_START} --speed max -n {count}"]
        + [f"--{k.replace('_', '-')} {v}" for k, v in options.items()]
    )
    return f"```console\n$ {command}\n```\n\n```json\n" + "\n".join(docs) + "\n```"


def drift_presets() -> str:
    """Every scenario's built-in drift presets with their phases."""
    parts = []
    for name, cls in scenarios().items():
        parts.append(f"### {name}\n")
        presets = cls.Options.drift_presets
        if not presets:
            parts.append("No presets yet.\n")
        for preset, spec in presets.items():
            phases = yaml.safe_dump(list(spec.phases), sort_keys=False, default_flow_style=None).strip()
            parts.append(
                f"- `--drift {preset}`: {spec.description}\n\n  ```yaml\n"
                + "\n".join("  " + line for line in phases.splitlines())
                + "\n  ```\n"
            )
    return "\n".join(parts).rstrip()


def metrics_table() -> str:
    """Every metric of --metrics-port, from the table the metrics server builds its families from."""
    from streamsim.metrics import METRICS

    rows = ["| metric | type | labels | meaning |", "|---|---|---|---|"]
    for spec in METRICS:
        names = "<br>".join(f"`{name}`" for name in spec.samples)
        labels = ", ".join(f"`{label}`" for label in spec.labels)
        rows.append(f"| {names} | {spec.kind} | {labels} | {spec.help} |")
    return "\n".join(rows)


def stream_sample(scenario: str, stream: str, count: int, **options: Any) -> str:
    """The first ``count`` records of a companion stream in a fixed-seed run with ``options``."""
    from streamsim import simulate

    sink = ListSink()
    simulate(scenario, seed=SAMPLE_SEED, start=SAMPLE_START, sink=sink, **options)
    records = [r for r in sink.records if r.event.stream == stream][:count]
    docs = [orjson.dumps(orjson.loads(r.value), option=orjson.OPT_INDENT_2).decode() for r in records]
    flags = [_flag(k, v) for k, v in options.items()]
    command = " ".join(
        [f"streamsim run {scenario} --seed {SAMPLE_SEED} --start {SAMPLE_START} --speed max", *flags]
    )
    topic = records[0].topic if records else stream
    return (
        f"```console\n$ {command}\n```\n\nThe first {count} records of `{topic}`:\n\n```json\n"
        + "\n".join(docs)
        + "\n```"
    )


def schema_example(scenario: str, fmt: str, *args: str) -> str:
    """What `streamsim schema SCENARIO --format FMT [--OPTION VALUE...]` prints."""
    from click.testing import CliRunner

    from streamsim.cli import cli

    flags = [part for k, v in _options(args).items() for part in _flag(k, v).split(" ", 1)]
    argv = ["schema", scenario, "--format", fmt, *flags]
    result = CliRunner().invoke(cli, argv)
    if result.exit_code != 0:
        raise SystemExit(f"streamsim {' '.join(argv)} failed: {result.output}")
    language = "protobuf" if fmt == "protobuf" else "json"
    return f"```console\n$ streamsim {' '.join(argv)}\n```\n\n```{language}\n{result.output.rstrip()}\n```"


#: What changes from run to run in a log: the wall-clock time of each line and the rate.
_LOG_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} ", re.M)
_RATE = re.compile(r"[\d,.]+ events/s over [^;]+")


def drain_sample(scenario: str, *args: str) -> str:
    """The log of `streamsim run SCENARIO ... --drain-labels` (fixed seed, null sink)."""
    from click.testing import CliRunner

    from streamsim.cli import cli

    flags = [part for k, v in _options(args).items() for part in _flag(k, v).split(" ", 1)]
    argv = ["run", scenario, "--seed", str(SAMPLE_SEED), "--start", SAMPLE_START, "--speed", "max"]
    argv += [*flags, "--drain-labels", "--sink", "null"]
    result = CliRunner().invoke(cli, argv)
    if result.exit_code != 0:
        raise SystemExit(f"streamsim {' '.join(argv)} failed: {result.stderr}")
    log = _RATE.sub("... events/s over ...", _LOG_TIME.sub("... ", result.stderr.rstrip()))
    return f"```console\n$ streamsim {' '.join(argv)}\n{log}\n```"


def _flag(name: str, value: Any) -> str:
    flag = name.replace("_", "-")
    if isinstance(value, bool):
        return f"--{flag}" if value else f"--no-{flag}"
    return f"--{flag} {value}"


def _options(args: tuple[str, ...]) -> dict[str, Any]:
    """``OPTION=VALUE`` arguments of a block name, values parsed as YAML."""
    out: dict[str, Any] = {}
    for arg in args:
        key, _, value = arg.partition("=")
        out[key] = yaml.safe_load(value)
    return out


def scenario_blocks(name: str) -> dict[str, Callable[..., str]]:
    cls = get_scenario(name)
    blocks: dict[str, Callable[[], str]] = {
        "options": lambda: options_table(cls.Options),
        "fields": lambda: fields_table(name),
        "sample": lambda: sample(name),
        "sample-classic": lambda: sample(name, 1, schema="classic"),
        "stream-fields": lambda stream, *args: fields_table(name, stream, **_options(args)),
        "stream-sample": lambda stream, count, *args: stream_sample(
            name, stream, int(count), **_options(args)
        ),
        "drain-sample": lambda *args: drain_sample(name, *args),
    }
    # A scenario may document variants (`doc_variants = {name: run options}`): a sample of
    # each, and the field table of each of its streams (`fields-<variant>-<stream or main>`).
    for variant, options in getattr(cls, "doc_variants", {}).items():
        blocks[f"sample-{variant}"] = functools.partial(sample, name, **options)
        scenario_options = {k: v for k, v in options.items() if k in cls.Options.model_fields}
        for stream in cls(cls.Options(**scenario_options), seed=0, start=0.0).field_specs():
            table = functools.partial(fields_table, name, stream, **scenario_options)
            blocks[f"fields-{variant}-{stream or 'main'}"] = table
    return blocks


def common_blocks() -> dict[str, Callable[..., str]]:
    blocks: dict[str, Callable[..., str]] = {
        "engine-options": lambda: options_table(EngineOptions),
        "field-options": lambda: options_table(FieldOptions),
        "output-options": lambda: options_table(OutputOptions),
        "log-options": lambda: options_table(LogOptions),
        "format-options": lambda: options_table(FormatOptions),
        "sinks": lambda: "\n".join(f"- `{e.name}`: {e.description}" for e in SINKS.values()),
    }
    for entry in SINKS.values():
        model = entry.options_model()
        if model is not None:
            blocks[f"{entry.name}-options"] = lambda m=model: options_table(m)
    return blocks


def example_source(name: str) -> str:
    """The source of ``docs/examples/NAME.py``, as a fenced block."""
    return f"```python\n{(DOCS / 'examples' / f'{name}.py').read_text().rstrip()}\n```"


def example_output(name: str) -> str:
    """What ``python docs/examples/NAME.py`` prints (its standard output), as a fenced block."""
    import subprocess

    script = DOCS / "examples" / f"{name}.py"
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, check=True).stdout
    return f"```console\n$ python docs/examples/{name}.py\n{out.rstrip()}\n```"


#: Blocks made by real runs against a Kafka broker (docs/kafka_samples.py): rewritten only with
#: `--kafka`, otherwise kept as they are (the integration tests check them against their broker).
BROKER_BLOCKS = ("consume-sample", "delivery-failure-sample")


def render(path: Path, blocks: dict[str, Callable[..., str]]) -> str:
    text = path.read_text()

    def replace(match: re.Match[str]) -> str:
        name, *args = match.group("name").split(" ")
        if name not in blocks:
            if name in BROKER_BLOCKS:
                return match.group(0)
            raise SystemExit(f"{path}: unknown generated block {name!r}")
        return f"{match.group(1)}{blocks[name](*args)}\n{match.group(3)}"

    return BLOCK.sub(replace, text)


#: The snippets of docs/python.md: each block shows the code and what it printed when the docs were
#: built (in a scratch directory: files they write do not stay).
PYTHON_SNIPPETS = {
    "stream": """\
import itertools
import streamsim

events = streamsim.stream("fraud", seed=42, start="2025-03-03T08:00:00Z")
for event in itertools.islice(events, 3):
    print(event["timestamp"], event["amount"], event["currency"], event["is_fraud"])
print("replay with seed", events.seed)
""",
    "stream-all": """\
import streamsim

items = streamsim.stream(
    "eta", seed=42, start="2025-03-03T08:00:00Z", rate=0.01, label_mode="delayed", streams="all"
)
for item in items:  # requests until the first trip ends
    print(item["stream"], item["topic"], item["key"], item["value"]["timestamp"])
    if item["stream"] == "completed":
        break
""",
    "stream-error": """\
import streamsim
from streamsim.errors import UsageError

try:
    streamsim.stream("fraud", fraud_probabilty=0.1)
except UsageError as exc:
    print(exc)
""",
    "frame": """\
import streamsim

df = streamsim.frame("fraud", seed=42, start="2025-03-03T08:00:00Z", count=1000)
print(df.shape)
print(df.dtypes.head(9).to_string())
print(df.groupby("payment_method")["amount"].median().round(2).to_string())
""",
    "frame-polars": """\
import streamsim

labels = streamsim.frame(
    "fraud",
    engine="polars",
    stream_name="labels",
    seed=42,
    start="2025-03-03T08:00:00Z",
    duration="1h",
    label_mode="delayed",
    dispute_window_days=0.01,
)
print(labels.schema)
print(labels["is_fraud"].value_counts(sort=True))
""",
    "river": """\
import streamsim.river

dataset = streamsim.river.Fraud(seed=42, start="2025-03-03T08:00:00Z", count=3)
for x, y in dataset:
    print(y, x["amount"], x["payment_method"], dataset.delay(x, y))
print(dataset.n_features, "features:", ", ".join(dataset.features[:6]), "...")
""",
    "list-sink": """\
from streamsim import simulate
from streamsim.sinks.memory import ListSink

sink = ListSink()
summary = simulate("ecommerce", seed=42, start="2025-03-03T08:00:00Z", count=5, sink=sink)
print(summary.events, [record.event_type for record in sink.records])
print(sink.events[0]["session_id"] == sink.records[0].key)
""",
    "files": """\
from pathlib import Path

import pandas as pd
from streamsim import simulate

simulate(
    "fraud",
    seed=42,
    start="2025-03-03T08:00:00Z",
    duration="3h",
    label_mode="delayed",
    dispute_window_days=0.01,
    sink="file",
    output="out/{topic}.parquet",
    roll="1h",
)
for path in sorted(Path("out").iterdir()):
    print(path.name, len(pd.read_parquet(path)), "rows")
""",
}


def python_snippet(name: str) -> str:
    """A snippet of docs/python.md and its real output."""
    import contextlib
    import io
    import os
    import tempfile

    code = PYTHON_SNIPPETS[name]
    out = io.StringIO()
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as scratch:
        os.chdir(scratch)
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"<docs/python.md: {name}>", "exec"), {"__name__": "__docs__"})
        finally:
            os.chdir(here)
    return f"```python\n{code}```\n\n```text\n{out.getvalue()}```"


def river_example(name: str) -> str:
    """The output of docs/examples/<name>.py (a River evaluation: ``run`` and ``report``)."""
    import importlib.util

    path = DOCS / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return f"```console\n$ python docs/examples/{name}.py\n{module.report(module.run())}\n```"


def drift_delays() -> str:
    """How soon ADWIN notices each e-commerce drift preset (docs/examples/ecommerce_drift_delay.py).

    Each preset runs days of events at the default rate: one process each, side by side.
    """
    import subprocess

    from streamsim.scenarios.ecommerce import PRESETS

    script = DOCS / "examples" / "ecommerce_drift_delay.py"
    runs = [
        subprocess.Popen([sys.executable, str(script), preset], stdout=subprocess.PIPE, text=True)
        for preset in PRESETS
    ]
    tables = [run.communicate()[0].splitlines() for run in runs]
    if any(run.returncode for run in runs):
        raise SystemExit(f"{script} failed")
    header = tables[0][:2]
    return "\n".join(header + [row for table in tables for row in table[len(header) :]])


def pages() -> dict[Path, dict[str, Callable[..., str]]]:
    out = {DOCS / "scenarios" / f"{name}.md": scenario_blocks(name) for name in scenarios()}
    out[DOCS / "scenarios" / "fraud.md"]["example-output"] = example_output
    out[DOCS / "scenarios" / "ecommerce.md"]["drift-delays"] = drift_delays
    out[DOCS / "options.md"] = common_blocks()
    out[DOCS / "drift.md"] = {"drift-presets": drift_presets, "example-output": example_output}
    out[DOCS / "kafka.md"] = {
        "kafka-options": common_blocks()["kafka-options"],
        "consume-options": lambda: options_table(ConsumeOptions),
    }
    out[DOCS / "metrics.md"] = {"metrics": metrics_table}
    out[DOCS / "report.md"] = {"report-options": lambda: options_table(ReportOptions)}
    out[DOCS / "chaos.md"] = {
        "chaos-options": lambda: options_table(ChaosOptions),
        "example-source": example_source,
        "example-output": example_output,
    }
    out[DOCS / "extending.md"] = {"example-source": example_source, "example-output": example_output}
    out[DOCS / "python.md"] = {"python": python_snippet, "river-example": river_example}
    out[DOCS / "formats.md"] = {
        "format-options": common_blocks()["format-options"],
        "schema-example": schema_example,
    }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if a page is out of date")
    parser.add_argument(
        "--kafka",
        action="store_true",
        help="also the samples of real Kafka runs (starts a broker from infra/kafka, or uses "
        "STREAMSIM_TEST_BOOTSTRAP)",
    )
    args = parser.parse_args()
    with _broker(args.kafka) as bootstrap:
        _build(args.check, bootstrap)


@contextlib.contextmanager
def _broker(wanted: bool) -> Iterator[str | None]:
    """A Kafka broker's address for the samples that need one (None when not wanted)."""
    for folder in (DOCS.parent, DOCS):  # infra.kafka, and kafka_samples beside this script
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    given = os.environ.get("STREAMSIM_TEST_BOOTSTRAP")
    if not wanted or given:
        yield given if wanted else None
        return
    import tempfile

    from infra.kafka import broker

    with tempfile.TemporaryDirectory() as home:
        started = broker.start(Path(home), port=0, tied=True)
        try:
            yield started.bootstrap
        finally:
            broker.stop(Path(home))


def _build(check: bool, bootstrap: str | None) -> None:
    stale = []
    for path, blocks in pages().items():
        if bootstrap is not None and path.name == "kafka.md":
            import kafka_samples  # beside this script

            blocks = {**blocks, **kafka_samples.blocks(bootstrap)}
        if not path.exists():
            stale.append(f"{path} is missing")
            continue
        new = render(path, blocks)
        if new != path.read_text():
            if check:
                stale.append(f"{path} is out of date")
            else:
                path.write_text(new)
                print(f"updated {path.relative_to(DOCS.parent)}")
    if stale:
        sys.exit("; ".join(stale) + " (run: python docs/build.py)")


if __name__ == "__main__":
    main()
