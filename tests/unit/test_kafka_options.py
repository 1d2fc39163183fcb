"""Kafka options without a broker: sources, precedence, validation, secrets."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from streamsim.cli import cli
from streamsim.config import Value, resolve
from streamsim.errors import UsageError
from streamsim.sinks.kafka_options import PRODUCER_DEFAULTS, KafkaOptions


def options(**given: object) -> KafkaOptions:
    resolved = resolve([(KafkaOptions, ())], {k: Value(v, f"--{k}") for k, v in given.items()})
    return resolved.get(KafkaOptions)


def dump(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict[str, object], str]:
    result = CliRunner().invoke(cli, ["config", "fraud", *args], env=env, catch_exceptions=False)
    data = yaml.safe_load(result.stdout) if result.exit_code == 0 else {}
    return result.exit_code, data, result.stderr


def test_defaults_are_safe_and_fast() -> None:
    config = options().producer_config()
    assert config["bootstrap.servers"] == "localhost:9092"
    assert config["enable.idempotence"] is True
    assert config["acks"] == "all"
    assert config["compression.type"] == "lz4"
    assert config["security.protocol"] == "PLAINTEXT"


@pytest.mark.parametrize(
    ("env", "servers"),
    [
        ({"KAFKA_BOOTSTRAP_SERVERS": "b1:9093,b2:9093"}, "b1:9093,b2:9093"),
        ({"KAFKA_HOST": "kafka"}, "kafka:9092"),  # the originals' variable: a host on port 9092
        ({"STREAMSIM_BOOTSTRAP_SERVERS": "s:1", "KAFKA_HOST": "kafka"}, "s:1"),
    ],
)
def test_bootstrap_servers_from_the_environment(env: dict[str, str], servers: str) -> None:
    code, data, err = dump(env=env)
    assert code == 0, err
    assert data["bootstrap_servers"] == servers


def test_kafka_config_overrides_defaults_and_given_options_override_it() -> None:
    config = options(
        kafka_config=["linger.ms=50", "bootstrap.servers=from-config:9092", "security.protocol=SSL"],
        bootstrap_servers="given:9092",
    ).producer_config()
    assert config["linger.ms"] == "50"  # over streamsim's default
    assert config["security.protocol"] == "SSL"  # over an option left at its default
    assert config["bootstrap.servers"] == "given:9092"  # a given option wins
    assert PRODUCER_DEFAULTS["linger.ms"] != 50


def test_sasl_password_is_masked_in_dumps_and_read_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("s3cret-from-file\n")
    code, data, err = dump(
        "--security-protocol", "sasl_ssl", "--sasl-mechanism", "SCRAM-SHA-512", "--sasl-username", "me",
        env={"STREAMSIM_SASL_PASSWORD": "s3cret-from-env"},
    )  # fmt: skip
    assert code == 0, err
    assert data["sasl_password"] == "***"
    assert "s3cret" not in str(data)
    config = options(
        security_protocol="SASL_SSL", sasl_username="me", sasl_password_file=str(secret)
    ).client_config()
    assert config["sasl.password"] == "s3cret-from-file"
    assert config["sasl.mechanism"] == "PLAIN"


@pytest.mark.parametrize(
    "prop",
    [
        "sasl.oauthbearer.config",
        "sasl.oauthbearer.client.secret",
        "ssl.keystore.password",
        "ssl.truststore.password",
        "ssl.key.pem",
        "SASL.OAUTHBEARER.CONFIG",
    ],
)
def test_every_secret_client_property_is_masked_in_dumps(prop: str) -> None:
    code, data, err = dump("--kafka-config", f"{prop}=clientSecret=hunter2", "--kafka-config", "linger.ms=20")
    assert code == 0, err
    assert data["kafka_config"] == {prop: "***", "linger.ms": "20"}
    assert "hunter2" not in str(data)
    assert options(kafka_config=[f"{prop}=hunter2"]).client_config()[prop] == "hunter2"


def test_secret_client_properties_in_a_config_file_are_masked(tmp_path: Path) -> None:
    path = tmp_path / "run.yaml"
    path.write_text("kafka_config:\n  sasl.oauthbearer.config: clientSecret=hunter2\n  acks: '1'\n")
    code, data, err = dump("--config", str(path))
    assert code == 0, err
    assert data["kafka_config"] == {"sasl.oauthbearer.config": "***", "acks": "1"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--partitions", "0"],
            "invalid value for --partitions: '0' (allowed: an integer from 1 to 1000000)",
        ),
        (["--bootstrap-servers", "host:port"], "invalid value for --bootstrap-servers: 'host:port'"),
        (["--kafka-config", "linger.ms"], "invalid value for --kafka-config: expected key=value"),
        (["--kafka-config", "sasl.password=x"], "give sasl.password with --sasl-password(-file)"),
        (["--kafka-config", "ssl.key.password=x"], "give ssl.key.password with --ssl-key-password"),
        (
            ["--partitions", "100000000000000000000"],
            "invalid value for --partitions: '100000000000000000000'",
        ),
        (["--replication-factor", "40000"], "an integer from 1 to 32767"),
        (["--bootstrap-servers", "a b:1"], "invalid value for --bootstrap-servers: 'a b:1'"),
        (["--bootstrap-servers", "a:1,b:99999"], "got 'b:99999'"),
        (["--bootstrap-servers", "a:١٢"], "port from 1 to 65535"),
        (["--connect-timeout", "nan"], "invalid value for --connect-timeout: 'nan'"),
        (["--connect-timeout", "inf"], "invalid value for --connect-timeout: 'inf'"),
        (["--flush-timeout", "nan"], "invalid value for --flush-timeout: 'nan'"),
        (["--security-protocol", "TLS"], "allowed: one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL"),
        (["--security-protocol", "SASL_SSL"], "--security-protocol SASL_SSL needs --sasl-username"),
        (["--sasl-username", "me"], "--sasl-username needs --security-protocol SASL_PLAINTEXT or SASL_SSL"),
        (["--ssl-ca-file", "/no/such/ca.pem"], "invalid value for --ssl-ca-file: '/no/such/ca.pem'"),
        (["--connect-timeout", "soon"], "invalid value for --connect-timeout"),
    ],
)
def test_bad_kafka_options_exit_2_with_one_line(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, ["run", "fraud", "--sink", "kafka", *args], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("streamsim: error: ")
    assert message in line


@pytest.mark.parametrize(
    "args", [["--sasl-password", "hunter2"], ["--kafka-config", "sasl.password=hunter2"]]
)
def test_a_password_in_a_bad_option_is_never_echoed(args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["run", "fraud", "--sink", "kafka", *args], catch_exceptions=False)
    assert result.exit_code == 2
    assert "hunter2" not in result.stderr


def test_an_unknown_librdkafka_property_exits_2_before_connecting() -> None:
    result = CliRunner().invoke(
        cli,
        ["run", "fraud", "--sink", "kafka", "--kafka-config", "no.such.property=1", "--connect-timeout", "1"],
        catch_exceptions=False,
    )
    assert result.exit_code == 2
    assert "No such configuration property" in result.stderr


def test_missing_confluent_kafka_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "confluent_kafka", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "streamsim.sinks.kafka", raising=False)
    with pytest.raises(UsageError, match=r"pip install 'streamsim\[kafka\]'"):
        import streamsim.sinks.kafka  # noqa: F401


def test_created_topics_keep_what_the_run_writes_unless_topic_config_says_otherwise() -> None:
    assert options().topic_settings()["retention.ms"] == "-1"
    settings = options(topic_config=["retention.ms=86400000", "segment.bytes=1048576"]).topic_settings()
    assert settings["retention.ms"] == "86400000"
    assert settings["segment.bytes"] == "1048576"
    assert int(settings["message.timestamp.after.max.ms"]) == 2**63 - 1


def test_topic_config_and_exactly_once_options_come_from_the_environment() -> None:
    code, data, err = dump(
        env={
            "STREAMSIM_TOPIC_CONFIG": "retention.ms=1000",
            "STREAMSIM_EXACTLY_ONCE": "true",
            "STREAMSIM_TRANSACTION_EVENTS": "500",
            "STREAMSIM_TRANSACTION_INTERVAL": "250ms",
        }
    )
    assert code == 0, err
    assert data["topic_config"] == {"retention.ms": "1000"}
    assert data["exactly_once"] is True
    assert (data["transaction_events"], data["transaction_interval"]) == (500, 0.25)


@pytest.mark.parametrize("flag", [["--resume"], ["--transactional-id", "x"], ["--transaction-events", "5"]])
def test_transaction_options_need_exactly_once(flag: list[str]) -> None:
    code, _, err = dump("--sink", "kafka", *flag)
    assert code == 2
    assert err.strip() == f"streamsim: error: {flag[0]} needs --exactly-once"


def test_new_options_have_help_and_env_vars() -> None:
    result = CliRunner().invoke(cli, ["run", "fraud", "--help"], catch_exceptions=False)
    for name in (
        "topic-config",
        "ignore-topic-limits",
        "exactly-once",
        "transactional-id",
        "transaction-events",
        "transaction-interval",
        "resume",
    ):
        assert f"--{name}" in result.stdout
        assert f"STREAMSIM_{name.upper().replace('-', '_')}" in result.stdout


def test_limits_of_a_topic_against_the_run() -> None:
    from streamsim.sinks.kafka import topic_limit_problem

    day = 86400.0
    now = 100 * day
    week = {"retention.ms": str(7 * 86_400_000)}
    assert topic_limit_problem(week, start=now - 6 * day, end=None, now=now) is None
    assert topic_limit_problem(week, start=now - 8 * day, end=None, now=now) is not None
    # The broker stamps messages itself, or does not delete by time: event time does not matter.
    assert topic_limit_problem({**week, "message.timestamp.type": "LogAppendTime"}, 0.0, None, now) is None
    assert topic_limit_problem({**week, "cleanup.policy": "compact"}, 0.0, None, now) is None
    before = {"retention.ms": "-1", "message.timestamp.before.max.ms": "3600000"}
    setting, consequence = topic_limit_problem(before, now - 2 * 3600, None, now) or ("", "")
    assert setting == "message.timestamp.before.max.ms=3600000 (1h)"
    assert consequence.startswith("reject events older than")
    after = {"retention.ms": "-1", "message.timestamp.after.max.ms": "3600000"}
    assert topic_limit_problem(after, now, None, now) is None  # no known end
    assert topic_limit_problem(after, now, now + 1800, now) is None
    assert topic_limit_problem(after, now, now + 2 * 3600, now) is not None
