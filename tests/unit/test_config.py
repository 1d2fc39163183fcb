"""Option validation, fuzzed: whatever number a user gives, and wherever, it is valid or one line and exit 2.

Every numeric option of every command is found from the option models, so a new option is fuzzed
as soon as it exists.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streamsim.api import Groups, run_groups
from streamsim.cli import cli
from streamsim.clock import Speed
from streamsim.config import OptionSpec, _base_type, option_specs
from streamsim.consume import ConsumeOptions
from streamsim.errors import UsageError
from streamsim.registry import get_scenario, scenarios
from streamsim.sinks.kafka_options import PRODUCER_ONLY, KafkaOptions

NUMERIC = (int, float, Speed)


def numeric_options(groups: Groups) -> list[OptionSpec]:
    return [
        spec
        for model, exclude in groups
        for spec in option_specs(model, exclude)
        if spec.on_cli and _base_type(spec.info.annotation) in NUMERIC
    ]


#: (command line before the options, option) for every numeric option of every command. `config`
#: validates exactly the options of `run` without running; `sample` and `schema` use subsets of them.
CASES: list[tuple[tuple[str, ...], OptionSpec]] = [
    (("config", name), spec)
    for name in scenarios()
    for spec in numeric_options(run_groups(get_scenario(name)))
] + [
    (("consume", "--topic", "t"), spec)
    for spec in numeric_options([(ConsumeOptions, ()), (KafkaOptions, PRODUCER_ONLY)])
]

#: Text no numeric option accepts: not a number, or a number beyond every option's range.
BAD_TEXT = st.one_of(
    st.sampled_from(
        ["nan", "NaN", "-nan", "inf", "-inf", "+inf", "Infinity", "1e400", "-1e400", "nanx", "infx"]
    ),
    st.floats().filter(lambda x: not math.isfinite(x) or abs(x) > 1e20).map(repr),
    st.integers(min_value=10**20).map(str),
    st.integers(max_value=-(10**20)).map(str),
)
SOURCES = ("command line", "environment", "yaml", "toml")
#: Keywords `simulate("fraud", ...)` takes.
KNOWN = {"scenario", "sink", "config"} | {
    spec.name for model, exclude in run_groups(get_scenario("fraud")) for spec in option_specs(model, exclude)
}


def test_every_command_has_numeric_options_to_fuzz() -> None:
    flags = {spec.flag for _, spec in CASES}
    assert {"--rate", "--seed", "--count", "--start", "--speed", "--partitions", "--idle-timeout"} <= flags


def check(prefix: tuple[str, ...], spec: OptionSpec, text: str, source: str) -> None:
    args, env = list(prefix), {}
    # If a value were accepted, `consume` would try a broker: make that fail fast.
    if spec.name != "connect_timeout":
        env["STREAMSIM_CONNECT_TIMEOUT"] = "1ms"
    with tempfile.TemporaryDirectory() as tmp:
        if source == "command line":
            args += [spec.flag, text]
        elif source == "environment":
            env[spec.envvars[0]] = text
        elif prefix[0] == "consume":  # consume has no config file
            args += [spec.flag, text]
        else:
            path = Path(tmp) / f"options.{source}"
            line = f"{spec.name}: {text}" if source == "yaml" else f"{spec.name} = {json.dumps(text)}"
            path.write_text(line + "\n")
            args += ["--config", str(path)]
        result = CliRunner().invoke(cli, args, env=env)
    assert result.exit_code == 2, (args, env, result.output, result.exception)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("streamsim: error: ")
    assert spec.flag in lines[0] or spec.name in lines[0], lines[0]
    assert "Traceback" not in result.output


IDS = [f"{prefix[0]} {spec.flag}" for prefix, spec in CASES]


@pytest.mark.parametrize(("prefix", "spec"), CASES, ids=IDS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=BAD_TEXT, source=st.sampled_from(SOURCES))
def test_non_finite_or_huge_numbers_exit_2_with_one_line(
    prefix: tuple[str, ...], spec: OptionSpec, text: str, source: str
) -> None:
    check(prefix, spec, text, source)


@pytest.mark.parametrize(("prefix", "spec"), CASES, ids=IDS)
@pytest.mark.parametrize("text", ["nan", "inf", "1" + "0" * 30])
def test_every_numeric_option_refuses_nan_inf_and_huge(
    prefix: tuple[str, ...], spec: OptionSpec, text: str
) -> None:
    check(prefix, spec, text, "command line")


@settings(max_examples=200, deadline=None)
@given(name=st.text(min_size=1, max_size=30).filter(lambda n: n.replace("-", "_") not in KNOWN))
def test_unknown_option_names_are_errors_from_python(name: str) -> None:
    from streamsim import simulate

    options: dict[str, Any] = {name: 1}
    with pytest.raises(UsageError, match=r"^unknown option "):
        simulate("fraud", count=1, **options)
