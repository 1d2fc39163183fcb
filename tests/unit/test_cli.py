"""The command line: commands, option sources and one-line errors for every user mistake."""

from __future__ import annotations

import gzip
import json
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

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
    (["run", "fraud", "--rate", "0"], "--rate", "from 1e-06 to 1e+07"),
    (["run", "fraud", "--rate", "-3"], "--rate", "from 1e-06 to 1e+07"),
    (["run", "fraud", "--rate", "fast"], "--rate", "from 1e-06 to 1e+07"),
    (["run", "fraud", "--rate", "1e-300"], "--rate", "from 1e-06 to 1e+07"),
    (["run", "fraud", "--rate", "nan"], "--rate", "from 1e-06 to 1e+07"),
    (["run", "fraud", "--rate", "inf"], "--rate", "from 1e-06 to 1e+07"),
    (["run", "fraud", "--rate", "1e400"], "--rate", "from 1e-06 to 1e+07"),
    (["run", "fraud", "--start", "now+1e300"], "--start", "from 1970-01-01 to 3000-01-01"),
    (["run", "fraud", "--start", "now-nan"], "--start", "ISO-8601"),
    (["run", "fraud", "--start", "9999-12-31T23:59:59Z"], "--start", "from 1970-01-01 to 3000-01-01"),
    (["run", "fraud", "--start", "0001-01-01T00:00:00Z"], "--start", "from 1970-01-01 to 3000-01-01"),
    (["run", "fraud", "--start", "0001-01-01T00:00:00+01:00"], "--start", "ISO-8601"),
    (["run", "fraud", "--speed", "1e-300x"], "--speed", "from 0.001 to 1e9"),
    (["run", "fraud", "--speed", "nanx"], "--speed", "from 0.001 to 1e9"),
    (["run", "fraud", "--duration", "nan"], "--duration", "up to 100 years"),
    (["run", "fraud", "--duration", "infs"], "--duration", "up to 100 years"),
    (["run", "fraud", "--duration", "1e300"], "--duration", "up to 100 years"),
    (["run", "fraud", "--until", "now+nan"], "--until", "ISO-8601"),
    (["run", "fraud", "--seed", "1" + "0" * 30], "--seed", "from 0 to 18446744073709551615"),
    (["run", "fraud", "--count", "1" + "0" * 30], "--count", "from 1 to 9223372036854775807"),
    (["run", "fraud", "--log-interval", "nan"], "--log-interval", "> 0"),
    (["run", "fraud", "--topic", "tøpic✓"], "--topic", "a-z A-Z 0-9 . _ -"),
    (["run", "fraud", "--topic", "t" * 300], "--topic", "1 to 249"),
    (["run", "fraud", "--topic", ".."], "--topic", "not '.' or '..'"),
    (
        ["run", "fraud", "--topic", "t" * 245, "--label-mode", "delayed"],
        "--topic",
        "companion topic " + "t" * 20 + "..." + "t" * 13 + "_labels is longer than 249 characters",
    ),
    (["run", "fraud", "--sink", "kafka", "--connect-timeout", "nan"], "--connect-timeout", "up to 100"),
    (["run", "fraud", "--sink", "kafka", "--connect-timeout", "inf"], "--connect-timeout", "up to 100"),
    (["run", "fraud", "--sink", "kafka", "--flush-timeout", "nan"], "--flush-timeout", "up to 100"),
    (["run", "fraud", "--sink", "kafka", "--partitions", "1" + "0" * 20], "--partitions", "1 to 1000000"),
    (
        ["run", "fraud", "--sink", "kafka", "--bootstrap-servers", "a b:1"],
        "--bootstrap-servers",
        "1 to 65535",
    ),
    (["run", "fraud", "--sink", "kafka", "--bootstrap-servers", "a:0"], "--bootstrap-servers", "1 to 65535"),
    (["consume", "--topic", "t", "--idle-timeout", "nan"], "--idle-timeout", "up to 100 years"),
    (["consume", "--topic", "tøpic✓"], "--topic", "a-z A-Z 0-9 . _ -"),
    (["consume", "--topic", "t", "--bootstrap-servers", "a b:1"], "--bootstrap-servers", "host:port"),
    (["run", "unknown"], "unknown scenario 'unknown'", "ecommerce, eta, fraud"),
    (["sample", "unknown"], "unknown scenario 'unknown'", "ecommerce, eta, fraud"),
    (["run", "fraud", "--start", "yesterday"], "--start", "ISO-8601"),
    (["run", "fraud", "--until", "2025-13-01"], "--until", "ISO-8601"),
    (["run", "fraud", "--duration", "7x"], "--duration", "90s, 15m"),
    (["run", "fraud", "--duration", "-5m"], "--duration", "90s, 15m"),
    (["run", "fraud", "--speed", "warp"], "--speed", "realtime, max"),
    (["run", "fraud", "--shard", "3/3"], "--shard", "0 <= i < N"),
    (["run", "fraud", "--count", "0"], "--count", "from 1 to"),
    (["run", "fraud", "--schema", "modern"], "--schema", "classic, standard, full"),
    (["run", "fraud", "--fields", "amount,nope"], "unknown field 'nope'", "transaction_id"),
    (["run", "fraud", "--exclude-fields", "location.alt"], "unknown field 'location.alt'", "location.lat"),
    (["run", "fraud", "--sink", "kafkaa"], "--sink", "stdout"),
    (["run", "fraud", "--sink", "file"], "--sink file", "--output"),
    (["run", "eta", "--heavy-traffic-multiplier", "0.5"], "--heavy-traffic-multiplier", "from 1 to 10"),
    (["run", "ecommerce", "--max-active-sessions", "0"], "--max-active-sessions", "from 1 to"),
    (["run", "ecommerce", "--event-rate-per-minute", "0"], "--event-rate-per-minute", "from 6e-05"),
    (["run", "ecommerce", "--customers", "1" + "0" * 20], "--customers", "from 1 to 1000000000"),
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


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e300", "1e-300"])
def test_non_finite_or_huge_rate_from_the_environment_exits_2(runner: CliRunner, value: str) -> None:
    code, out, err = invoke(runner, "run", "fraud", env={"STREAMSIM_RATE": value})
    assert (code, out) == (2, "")
    [line] = err.splitlines()
    assert "--rate (from environment variable STREAMSIM_RATE)" in line and "from 1e-06 to 1e+07" in line


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
        ("nan.yaml", "rate: .nan\n", "invalid value for rate in config file"),
        ("inf.yaml", "rate: .inf\n", "invalid value for rate in config file"),
        ("nan.toml", "rate = nan\n", "invalid value for rate in config file"),
        ("huge.toml", "rate = 1e300\n", "invalid value for rate in config file"),
        ("latin1.yaml", "seed: 1 # caf\xe9\n".encode("latin-1"), "not UTF-8 text (byte 0xe9 at offset 13)"),
        ("binary.toml", b"\x00\x01\x02seed", "not a text file"),
        ("gzip.yaml", b"\x1f\x8b\x08\x00", "not UTF-8 text"),
        ("drift-at.yaml", "fraud:\n  drift:\n    - at: +nan\n      set: {fraud_probability: 0.1}\n", "'at'"),
        (
            "drift-width.yaml",
            "fraud:\n  drift:\n    - {at: +1d, how: gradual, width: nan, set: {fraud_probability: 0.1}}\n",
            "width",
        ),
        ("drift-yaml-nan.yaml", "fraud:\n  drift:\n    - {at: .nan, set: {fraud_probability: 0.1}}\n", "at"),
    ],
)
def test_bad_config_files(
    runner: CliRunner, tmp_path: Path, name: str, content: str | bytes, expected: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    code, _, err = invoke(runner, "run", "fraud", "--config", str(path))
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and expected in err, err


def test_missing_config_file(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = invoke(runner, "run", "fraud", "--config", str(tmp_path / "absent.yaml"))
    assert code == 2 and "cannot read config file" in err


def test_ctrl_c_during_start_up_is_one_line_and_exit_130() -> None:
    """Ctrl-C while the Kafka sink is still connecting (nothing listens on the port)."""
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    command = [sys.executable, "-m", "streamsim", "run", "fraud", "--sink", "kafka"]
    command += ["--bootstrap-servers", f"127.0.0.1:{port}", "--connect-timeout", "5m"]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stderr is not None
        lines: list[str] = []
        while not any("not reachable" in line for line in lines):  # it is retrying: still starting up
            line = proc.stderr.readline()
            assert line, "".join(lines)
            lines.append(line)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130
    assert out == "" and err == "streamsim: interrupted\n"


def test_ctrl_c_before_the_cli_is_loaded_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from streamsim.__main__ import main

    real_import = builtins.__import__

    def interrupted_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "streamsim.cli":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", interrupted_import)
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 130
