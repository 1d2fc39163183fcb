"""The command line: commands, option sources and one-line errors for every user mistake."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from streamsim.cli import cli
from support import START


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def invoke(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_list_names_every_scenario_with_its_topic(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "list")
    assert code == 0
    for name, topic in (
        ("fraud", "transaction_fraud_detection"),
        ("eta", "estimated_time_of_arrival"),
        ("ecommerce", "e_commerce_customer_interactions"),
    ):
        line = next(line for line in out.splitlines() if line.startswith(name + " "))
        assert topic in line


def test_run_prints_json_lines_and_a_summary(runner: CliRunner) -> None:
    code, out, err = invoke(
        runner, "run", "fraud", "--speed", "max", "-n", "25", "--seed", "1", "--start", START
    )
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 25
    assert all(json.loads(line)["is_fraud"] in (0, 1) for line in lines)
    assert "seed=1" in err
    assert "fraud: 25 events (reached --count)" in err


def test_run_without_seed_logs_the_seed_that_replays_it(runner: CliRunner) -> None:
    _, first, err = invoke(runner, "run", "eta", "--speed", "max", "-n", "5", "--start", START)
    seed = err.split("seed=")[1].split()[0]
    _, again, _ = invoke(runner, "run", "eta", "--speed", "max", "-n", "5", "--start", START, "--seed", seed)
    assert first == again


def test_run_to_gzip_file(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "eta.jsonl.gz"
    code, out, _ = invoke(
        runner,
        "run",
        "eta",
        "--speed",
        "max",
        "--duration",
        "10m",
        "--seed",
        "2",
        "--start",
        START,
        "--sink",
        "file",
        "--output",
        str(path),
    )
    assert code == 0 and out == ""
    with gzip.open(path, "rt") as f:
        events = [json.loads(line) for line in f]
    assert events
    assert all(e["timestamp"] < "2025-03-03T00:10:00" for e in events)


def test_sample_prints_pretty_json(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "sample", "ecommerce", "-n", "2", "--seed", "3")
    assert code == 0
    decoder, text, docs = json.JSONDecoder(), out.strip(), []
    while text:
        doc, end = decoder.raw_decode(text)
        docs.append(doc)
        text = text[end:].strip()
    assert len(docs) == 2
    assert "\n  " in out  # indented


def test_schema_validates_the_events_it_describes(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "schema", "eta", "--fields", "trip_id,origin.lat,weather")
    assert code == 0
    schema = json.loads(out)
    assert list(schema["properties"]) == ["trip_id", "origin", "weather"]
    assert list(schema["properties"]["origin"]["properties"]) == ["lat"]
    _, events, _ = invoke(
        runner,
        "run",
        "eta",
        "--speed",
        "max",
        "-n",
        "20",
        "--start",
        START,
        "--fields",
        "trip_id,origin.lat,weather",
    )
    for line in events.splitlines():
        jsonschema.validate(json.loads(line), schema)


def test_help_documents_every_option_with_default_and_env(runner: CliRunner) -> None:
    code, out, _ = invoke(runner, "run", "fraud", "--help")
    assert code == 0
    for text in (
        "--fraud-probability",
        "Default: 0.01",
        "STREAMSIM_FRAUD_PROBABILITY",
        "--speed",
        "--schema",
        "--config",
        "--shard",
        "Allowed: a number from 0 to 1",
    ):
        assert text in out


def test_precedence_cli_over_env_over_file_over_default(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "run.yaml"
    config.write_text("seed: 1\nrate: 5\ncount: 3\nfraud:\n  fraud_probability: 0.2\n")
    code, out, _ = invoke(
        runner,
        "config",
        "fraud",
        "--config",
        str(config),
        "--rate",
        "7",
        env={"STREAMSIM_RATE": "6", "STREAMSIM_SEED": "9"},
    )
    assert code == 0
    assert "seed: 9\n" in out  # env beats file
    assert "rate: 7.0\n" in out  # command line beats env
    assert "count: 3\n" in out  # file beats default
    assert "fraud_probability: 0.2\n" in out  # the scenario's section
    assert "speed: realtime\n" in out  # default


def test_toml_config_and_other_scenario_sections_are_ignored(runner: CliRunner, tmp_path: Path) -> None:
    config = tmp_path / "run.toml"
    config.write_text("seed = 4\n[eta]\nincident_probability = 0.5\n[fraud]\nmerchant-id-limit = 3\n")
    code, out, _ = invoke(runner, "config", "fraud", "--config", str(config))
    assert code == 0
    assert "merchant_id_limit: 3\n" in out and "seed: 4\n" in out


BAD_INPUTS = [
    (["run", "fraud", "--fraud-probability", "1.5"], "--fraud-probability", "from 0 to 1"),
    (["run", "fraud", "--fraud-probability", "-0.1"], "--fraud-probability", "from 0 to 1"),
    (["run", "fraud", "--rate", "0"], "--rate", "> 0"),
    (["run", "fraud", "--rate", "-3"], "--rate", "> 0"),
    (["run", "fraud", "--rate", "fast"], "--rate", "> 0"),
    (["run", "unknown"], "unknown scenario 'unknown'", "ecommerce, eta, fraud"),
    (["sample", "unknown"], "unknown scenario 'unknown'", "ecommerce, eta, fraud"),
    (["run", "fraud", "--start", "yesterday"], "--start", "ISO-8601"),
    (["run", "fraud", "--until", "2025-13-01"], "--until", "ISO-8601"),
    (["run", "fraud", "--duration", "7x"], "--duration", "90s, 15m"),
    (["run", "fraud", "--duration", "-5m"], "--duration", "90s, 15m"),
    (["run", "fraud", "--speed", "warp"], "--speed", "realtime, max"),
    (["run", "fraud", "--shard", "3/3"], "--shard", "0 <= i < N"),
    (["run", "fraud", "--count", "0"], "--count", ">= 1"),
    (["run", "fraud", "--schema", "modern"], "--schema", "classic, standard, full"),
    (["run", "fraud", "--fields", "amount,nope"], "unknown field 'nope'", "transaction_id"),
    (["run", "fraud", "--exclude-fields", "location.alt"], "unknown field 'location.alt'", "location.lat"),
    (["run", "fraud", "--sink", "kafkaa"], "--sink", "stdout"),
    (["run", "fraud", "--sink", "file"], "--sink file", "--output"),
    (["run", "eta", "--heavy-traffic-multiplier", "0.5"], "--heavy-traffic-multiplier", "from 1 to 10"),
    (["run", "ecommerce", "--max-active-sessions", "0"], "--max-active-sessions", ">= 1"),
    (["run", "ecommerce", "--event-rate-per-minute", "0"], "--event-rate-per-minute", "> 0"),
    (["run", "fraud", "--no-such-option"], "--no-such-option", ""),
    (["run", "fraud", "--start", "2025-01-02", "--until", "2025-01-01"], "--until", "later than --start"),
]


@pytest.mark.parametrize(
    ("args", "names", "allowed"), BAD_INPUTS, ids=[" ".join(a) for a, _, _ in BAD_INPUTS]
)
def test_bad_input_is_one_line_and_exit_2(
    runner: CliRunner, args: list[str], names: str, allowed: str
) -> None:
    code, out, err = invoke(runner, *args)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("streamsim: error: ")
    assert names in lines[0] and allowed in lines[0]
    assert "Traceback" not in err


def test_bad_environment_value_names_the_variable(runner: CliRunner) -> None:
    code, _, err = invoke(runner, "run", "fraud", env={"STREAMSIM_SEED": "-4"})
    assert code == 2
    assert "STREAMSIM_SEED" in err and "--seed" in err


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bad.yaml", "seed: [1, 2\n", "invalid config file"),
        ("bad.toml", "seed = \n", "invalid config file"),
        ("list.yaml", "- 1\n- 2\n", "mapping"),
        ("unknown.yaml", "sead: 3\n", "unknown key 'sead'"),
        ("range.yaml", "fraud:\n  fraud_probability: 7\n", "fraud_probability in config file"),
        ("type.toml", 'count = "many"\n', "count in config file"),
        ("conf.ini", "seed=1\n", ".yaml, .yml, .toml"),
    ],
)
def test_bad_config_files(runner: CliRunner, tmp_path: Path, name: str, content: str, expected: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    code, _, err = invoke(runner, "run", "fraud", "--config", str(path))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and expected in err, err


def test_missing_config_file(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "run", "fraud", "--config", str(tmp_path / "absent.yaml"))
    assert code == 2 and "cannot read config file" in err
