"""deploy/compose.yaml, checked without Docker: services, ports, wiring and the producers' settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from streamsim.cli import cli
from streamsim.registry import SINKS, scenarios

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE = DEPLOY / "compose.yaml"
PRODUCERS = list(scenarios())


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    found: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())["services"]
    return found


def published(service: dict[str, Any]) -> set[int]:
    return {int(str(port).split(":")[-2]) for port in service.get("ports", [])}


def test_it_has_a_broker_the_three_producers_prometheus_and_grafana(services: dict[str, Any]) -> None:
    assert set(services) == {"kafka", *PRODUCERS, "prometheus", "grafana"}
    assert published(services["prometheus"]) == {9090}
    assert published(services["grafana"]) == {3000}
    assert published(services["kafka"]) == {9094}


def test_kafka_runs_in_kraft_mode_and_advertises_what_producers_use(services: dict[str, Any]) -> None:
    kafka = services["kafka"]
    env = kafka["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert not any("ZOOKEEPER" in key for key in env)
    node = env["KAFKA_NODE_ID"]
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{node}@{kafka['hostname']}:9093"
    listeners = dict(item.split("://") for item in env["KAFKA_LISTENERS"].split(","))
    advertised = dict(item.split("://") for item in env["KAFKA_ADVERTISED_LISTENERS"].split(","))
    protocols = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(listeners) == set(protocols) and env["KAFKA_CONTROLLER_LISTENER_NAMES"] in listeners
    assert advertised["EXTERNAL"] == "localhost:9094" and listeners["EXTERNAL"] == ":9094"
    for producer in PRODUCERS:
        assert services[producer]["environment"]["KAFKA_BOOTSTRAP_SERVERS"] == advertised["PLAINTEXT"]
    assert "kafka-broker-api-versions.sh" in " ".join(kafka["healthcheck"]["test"])


def test_producers_build_the_image_and_wait_for_a_healthy_broker(services: dict[str, Any]) -> None:
    for name in PRODUCERS:
        producer = services[name]
        assert producer["command"] == ["run", name]
        context = (DEPLOY / producer["build"]["context"]).resolve()
        assert (context / producer["build"]["dockerfile"]).is_file()
        assert (context / "pyproject.toml").is_file()
        assert producer["depends_on"] == {"kafka": {"condition": "service_healthy"}}
        assert producer["expose"] == [producer["environment"]["STREAMSIM_METRICS_PORT"]]


def test_prometheus_scrapes_every_producer_on_its_metrics_port(services: dict[str, Any]) -> None:
    prometheus = services["prometheus"]
    mounts = dict(volume.split(":")[:2] for volume in prometheus["volumes"] if volume.startswith("./"))
    flag = next(arg for arg in prometheus["command"] if arg.startswith("--config.file="))
    host = next(host for host, target in mounts.items() if target == flag.split("=", 1)[1])
    config = yaml.safe_load((DEPLOY / host).read_text())
    targets = {t for job in config["scrape_configs"] for c in job["static_configs"] for t in c["targets"]}
    assert targets == {
        f"{name}:{services[name]['environment']['STREAMSIM_METRICS_PORT']}" for name in PRODUCERS
    }


def test_grafana_is_provisioned_with_prometheus_and_the_charts_dashboard(services: dict[str, Any]) -> None:
    mounts = dict(volume.split(":")[:2] for volume in services["grafana"]["volumes"])
    for host in mounts:
        assert (DEPLOY / host).is_dir(), host
    provisioning = DEPLOY / "grafana" / "provisioning"
    (datasource,) = yaml.safe_load((provisioning / "datasources" / "prometheus.yaml").read_text())[
        "datasources"
    ]
    assert datasource["url"] == "http://prometheus:9090" and datasource["isDefault"] is True
    (provider,) = yaml.safe_load((provisioning / "dashboards" / "streamsim.yaml").read_text())["providers"]
    dashboards = next(host for host, target in mounts.items() if target == provider["options"]["path"])
    assert (DEPLOY / dashboards / "streamsim.json").is_file()


@pytest.mark.parametrize("name", PRODUCERS)
def test_producer_settings_are_valid_streamsim_options(services: dict[str, Any], name: str) -> None:
    env = {key: str(value) for key, value in services[name]["environment"].items()}
    if "kafka" not in SINKS:  # until the Kafka sink is registered, its settings are not known
        env = {k: v for k, v in env.items() if not k.startswith("KAFKA_")} | {"STREAMSIM_SINK": "null"}
    result = CliRunner().invoke(cli, ["config", *services[name]["command"][1:]], env=env)
    assert result.exit_code == 0, result.output
    effective = yaml.safe_load(result.output)
    assert effective["metrics_port"] == 9100 and effective["speed"] == "realtime"
    assert effective["metrics_host"] == "0.0.0.0"  # scraped from other containers
