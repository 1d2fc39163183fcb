"""`streamsim config SCENARIO > run.yaml` gives a file that `streamsim run SCENARIO --config run.yaml`
accepts and that replays the run byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from streamsim.cli import cli
from support import SCENARIOS, START

#: Options that make each scenario's run exercise more than its defaults.
EXTRA = {
    "fraud": ["--label-mode", "delayed", "--drift", "card-testing-to-account-takeover"],
    "eta": ["--label-mode", "delayed", "--region", "london"],
    "ecommerce": ["--session-outcomes"],
}


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("seeded", [True, False])
def test_config_dump_replays_the_run(scenario: str, seeded: bool, tmp_path: Path) -> None:
    given = ["--speed", "max", "-n", "40", "--streams", "all", *EXTRA.get(scenario, [])]
    if seeded:
        given += ["--seed", "5", "--start", START]
    code, dumped, err = invoke("config", scenario, *given)
    assert code == 0, err
    data = yaml.safe_load(dumped)
    assert "scenario" not in data and isinstance(data["seed"], int)  # a seed is chosen when not given
    assert isinstance(data["start"], str) and data["start"].endswith("+00:00")  # not an epoch number
    assert all(value is not None for value in data.values())
    config = tmp_path / "run.yaml"
    config.write_text(dumped)
    code, replayed, err = invoke("run", scenario, "--config", str(config))
    assert code == 0, err
    code, original, err = invoke(
        "run", scenario, *given, "--seed", str(data["seed"]), "--start", data["start"]
    )
    assert code == 0, err
    assert replayed == original and replayed.count("\n") >= 40


def test_config_of_a_kafka_run_reads_back(tmp_path: Path) -> None:
    args = ["--sink", "kafka", "--security-protocol", "SASL_SSL", "--sasl-username", "me"]
    env = {"STREAMSIM_SASL_PASSWORD": "pw"}
    code, dumped, err = invoke("config", "fraud", *args, env=env)
    assert code == 0, err
    assert "sasl_password: '***'" in dumped and "# Masked (***): sasl_password" in dumped
    config = tmp_path / "run.yaml"
    config.write_text(dumped)
    code, again, err = invoke("config", "fraud", "--config", str(config), env=env)
    assert code == 0, err
    strip = [line for line in dumped.splitlines() if not line.startswith("#")]
    assert [line for line in again.splitlines() if not line.startswith("#")] == strip


def test_config_of_a_plain_run_has_no_sasl_settings() -> None:
    code, dumped, err = invoke("config", "eta")
    assert code == 0, err
    assert "sasl" not in dumped  # unset, or a default that would count as given when read back


def test_sample_logs_the_seed_and_start_that_replay_it() -> None:
    code, first, err = invoke("sample", "eta", "-n", "2")
    assert code == 0
    line = next(line for line in err.splitlines() if "streamsim sample eta" in line)
    seed, start = line.split("seed=")[1].split()[0], line.split("start=")[1].split()[0]
    code, again, _ = invoke("sample", "eta", "-n", "2", "--seed", seed, "--start", start)
    assert code == 0 and again == first
