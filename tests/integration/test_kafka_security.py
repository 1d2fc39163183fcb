"""Security against a real secured broker: SASL_SSL with SCRAM-SHA-512 and a private CA."""

from __future__ import annotations

import subprocess

import pytest
from infra.kafka import Broker

from kafka_support import SCRAM_PASSWORD, SCRAM_USER, streamsim, unique_topic
from support import START

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

PROCESS_TIMEOUT = 300  # a guard against hangs, not a timing assertion
PASSWORD_ENV = {"STREAMSIM_SASL_PASSWORD": SCRAM_PASSWORD}


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=PROCESS_TIMEOUT)
    return process.returncode, out, err


def _secured(b: Broker, *, mechanism: str = "SCRAM-SHA-512", user: str = SCRAM_USER) -> list[str]:
    """The documented options for SASL_SSL (the password comes from the environment)."""
    return [
        "--bootstrap-servers", b.secure_bootstrap, "--security-protocol", "SASL_SSL",
        "--sasl-mechanism", mechanism, "--sasl-username", user, "--ssl-ca-file", str(b.ca_file),
    ]  # fmt: skip


def _assert_secret_kept(*texts: str) -> None:
    for text in texts:
        assert SCRAM_PASSWORD not in text
        assert "pw-4b1d" not in text


def test_produce_and_consume_over_sasl_ssl(secure_broker: Broker) -> None:
    topic = unique_topic("secure")
    common = ["--seed", "6", "--start", START, "--speed", "max", "-n", "200"]
    code, out, err = _finish(
        streamsim("run", "fraud", *common, "--sink", "kafka", "--topic", topic, *_secured(secure_broker),
                  env=PASSWORD_ENV)
    )  # fmt: skip
    assert code == 0, err
    assert "delivered 200, failed 0, undelivered 0" in err
    _assert_secret_kept(out, err)
    _, printed, _ = _finish(streamsim("run", "fraud", *common))
    code, consumed, err = _finish(
        streamsim("consume", "--topic", topic, "--from-beginning", "-n", "200", *_secured(secure_broker),
                  env=PASSWORD_ENV)
    )  # fmt: skip
    assert code == 0, err
    assert sorted(consumed.splitlines()) == sorted(printed.splitlines())
    _assert_secret_kept(err)


@pytest.mark.parametrize(
    ("password", "user", "mechanism"),
    [
        ("not-the-password", SCRAM_USER, "SCRAM-SHA-512"),  # wrong password
        (SCRAM_PASSWORD, "nobody", "SCRAM-SHA-512"),  # unknown user
        (SCRAM_PASSWORD, SCRAM_USER, "SCRAM-SHA-256"),  # a mechanism the broker does not offer
    ],
    ids=["wrong-password", "unknown-user", "wrong-mechanism"],
)
def test_authentication_failures_exit_1_at_once_saying_so(
    secure_broker: Broker, password: str, user: str, mechanism: str
) -> None:
    args = _secured(secure_broker, mechanism=mechanism, user=user)
    code, out, err = _finish(
        streamsim("run", "eta", "-n", "10", "--sink", "kafka", *args, "--connect-timeout", "60s",
                  env={"STREAMSIM_SASL_PASSWORD": password})
    )  # fmt: skip
    assert code == 1, err
    last = err.strip().splitlines()[-1]
    where = f"streamsim: error: Kafka at {secure_broker.secure_bootstrap}"
    assert last.startswith(f"{where}: authentication failed: "), last
    assert "not reachable" not in err  # recognised, not retried as an outage
    assert "Traceback" not in err
    _assert_secret_kept(out, err)
    assert "not-the-password" not in out + err


def test_an_untrusted_certificate_is_a_clear_tls_error(secure_broker: Broker) -> None:
    args = [a for a in _secured(secure_broker) if a not in ("--ssl-ca-file", str(secure_broker.ca_file))]
    code, _, err = _finish(
        streamsim("run", "eta", "-n", "10", "--sink", "kafka", *args, "--connect-timeout", "60s",
                  env=PASSWORD_ENV)
    )  # fmt: skip
    assert code == 1, err
    last = err.strip().splitlines()[-1]
    where = f"streamsim: error: Kafka at {secure_broker.secure_bootstrap}"
    assert last.startswith(f"{where}: TLS handshake failed: "), last
    assert "certificate verify failed" in last
    assert "not reachable" not in err


def test_the_password_never_appears_in_config_output(secure_broker: Broker) -> None:
    for source in (["--sasl-password", SCRAM_PASSWORD], []):
        code, out, err = _finish(
            streamsim("config", "fraud", "--sink", "kafka", *_secured(secure_broker), *source,
                      env=PASSWORD_ENV)
        )  # fmt: skip
        assert code == 0, err
        assert "sasl_password: '***'" in out
        _assert_secret_kept(out, err)
