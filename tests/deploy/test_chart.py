"""The Helm chart, checked without a cluster: helm lint, helm template, Kubernetes JSON schemas.

Needs `helm` on PATH and the kubernetes-validate package; .ci/run installs both and sets
STREAMSIM_CI=1, which turns their absence into a failure instead of a skip. The Bitnami Kafka
dependency cannot be fetched here, so the chart is rendered from a copy whose charts/ folder holds
an empty stand-in named kafka: our templates render fully (also with kafka.enabled), the Bitnami
chart's own manifests are not rendered (docs/deploy.md).
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from streamsim.cli import cli
from streamsim.config import EngineOptions
from streamsim.metrics import MetricsServer
from streamsim.observe import Tally
from streamsim.registry import SINKS, get_scenario, scenarios
from streamsim.sinks.memory import ListSink

ROOT = Path(__file__).resolve().parents[2]
CHART = ROOT / "deploy" / "helm" / "streamsim"
SCHEMAS = Path(__file__).resolve().parent / "schemas"
KUBE_VERSION = "1.33.0"
RELEASE = "demo"
SERVICE_MONITOR_API = "monitoring.coreos.com/v1/ServiceMonitor"
IN_CI = os.environ.get("STREAMSIM_CI") == "1"

#: Values files rendered and validated: the defaults and each example under ci/.
VALUES = {
    "default": None,
    **{p.name.removesuffix("-values.yaml"): p for p in sorted((CHART / "ci").glob("*.yaml"))},
}

Manifest = dict[str, Any]


def require(found: object, what: str) -> None:
    """Skip when a validation tool is missing, except in CI, where that is a failure."""
    if found:
        return
    message = f"{what} is not installed (.ci/run installs it)"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def helm() -> str:
    path = shutil.which("helm")
    require(path, "helm")
    assert path is not None
    return path


@pytest.fixture(scope="module")
def validate_kubernetes() -> Callable[[Manifest], None]:
    try:
        import kubernetes_validate
    except ImportError:
        kubernetes_validate = None
    require(kubernetes_validate, "kubernetes-validate")

    def validate(manifest: Manifest) -> None:
        kubernetes_validate.validate(manifest, KUBE_VERSION, strict=True)

    return validate


@pytest.fixture(scope="module")
def chart(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the chart with an empty stand-in for the Bitnami Kafka dependency."""
    copy = tmp_path_factory.mktemp("chart") / "streamsim"
    shutil.copytree(CHART, copy)
    dependency = yaml.safe_load((CHART / "Chart.yaml").read_text())["dependencies"][0]
    stub = copy / "charts" / dependency["name"]
    stub.mkdir(parents=True)
    (stub / "Chart.yaml").write_text(
        f"apiVersion: v2\nname: {dependency['name']}\nversion: {dependency['version'].replace('x', '0')}\n"
    )
    return copy


def helm_run(helm: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([helm, *args], capture_output=True, text=True, timeout=120)


def render(
    helm: str, chart: Path, values: Path | None = None, *extra: str, monitor: bool = True
) -> list[Manifest]:
    args = ["template", RELEASE, str(chart), "--kube-version", KUBE_VERSION, *extra]
    if values is not None:
        args += ["-f", str(values)]
    if monitor:
        args += ["--api-versions", SERVICE_MONITOR_API]
    result = helm_run(helm, *args)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def of_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
    return [m for m in manifests if m["kind"] == kind]


def config_file(manifests: list[Manifest]) -> dict[str, Any]:
    (configmap,) = [m for m in of_kind(manifests, "ConfigMap") if m["metadata"]["name"].endswith("-config")]
    config: dict[str, Any] = yaml.safe_load(configmap["data"]["streamsim.yaml"])
    return config


def container(statefulset: Manifest) -> dict[str, Any]:
    (found,) = statefulset["spec"]["template"]["spec"]["containers"]
    return dict(found)


def env(statefulset: Manifest) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container(statefulset)["env"]}


@pytest.fixture(scope="module")
def rendered(helm: str, chart: Path) -> dict[str, list[Manifest]]:
    return {name: render(helm, chart, values) for name, values in VALUES.items()}


# -- helm itself -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", VALUES)
def test_helm_lint_is_clean(helm: str, chart: Path, name: str) -> None:
    args = ["lint", "--strict", "--kube-version", KUBE_VERSION, str(chart)]
    if VALUES[name] is not None:
        args += ["-f", str(VALUES[name])]
    result = helm_run(helm, *args)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_committed_chart_declares_the_kafka_dependency_behind_its_flag() -> None:
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text())
    (kafka,) = chart["dependencies"]
    assert kafka["name"] == "kafka" and kafka["condition"] == "kafka.enabled"
    assert kafka["repository"].startswith("oci://") and "bitnamicharts" in kafka["repository"]
    values = yaml.safe_load((CHART / "values.yaml").read_text())["kafka"]
    assert values["controller"]["persistence"]["size"] == "2Gi"
    assert values["metrics"]["jmx"] == {**values["metrics"]["jmx"], "enabled": True, "kafkaJmxPort": 5555}
    assert values["metrics"]["serviceMonitor"]["enabled"] is True
    assert values["controller"]["controllerOnly"] is False  # combined controller+broker: KRaft, one node


# -- every manifest against Kubernetes' schemas ------------------------------------------------


@pytest.mark.parametrize("name", VALUES)
def test_manifests_match_the_kubernetes_schemas(
    rendered: dict[str, list[Manifest]], validate_kubernetes: Callable[[Manifest], None], name: str
) -> None:
    service_monitor = json.loads((SCHEMAS / "servicemonitor-monitoring.coreos.com-v1.json").read_text())
    kinds = set()
    for manifest in rendered[name]:
        kinds.add(manifest["kind"])
        if manifest["kind"] == "ServiceMonitor":  # a CRD: kubernetes-validate has no schema for it
            jsonschema.validate(manifest, service_monitor)
        else:
            validate_kubernetes(manifest)
    assert {"StatefulSet", "Service", "ConfigMap", "ServiceAccount", "ServiceMonitor"} <= kinds


def test_the_service_monitor_schema_rejects_mistakes(rendered: dict[str, list[Manifest]]) -> None:
    schema = json.loads((SCHEMAS / "servicemonitor-monitoring.coreos.com-v1.json").read_text())
    (monitor,) = of_kind(rendered["default"], "ServiceMonitor")
    endpoint = monitor["spec"]["endpoints"][0]
    for mistake in ({**endpoint, "interval": "30 seconds"}, {**endpoint, "paht": "/metrics"}):
        broken = {**monitor, "spec": {**monitor["spec"], "endpoints": [mistake]}}
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, schema)


def test_a_broken_manifest_is_caught(validate_kubernetes: Callable[[Manifest], None]) -> None:
    broken = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}, "spec": {"ports": "9100"}}
    with pytest.raises(Exception, match="9100"):
        validate_kubernetes(broken)


# -- what the manifests say ------------------------------------------------------------------------


def test_one_statefulset_per_scenario_each_shard_from_its_pod_index(
    rendered: dict[str, list[Manifest]],
) -> None:
    statefulsets = {s["metadata"]["name"]: s for s in of_kind(rendered["default"], "StatefulSet")}
    assert set(statefulsets) == {f"{RELEASE}-streamsim-{name}" for name in scenarios()}
    for name in scenarios():
        s = statefulsets[f"{RELEASE}-streamsim-{name}"]
        assert s["spec"]["replicas"] == 1
        assert container(s)["args"] == ["run", name, "--config", "/etc/streamsim/config/streamsim.yaml"]
        assert env(s)["POD_INDEX"] == {
            "fieldRef": {"fieldPath": "metadata.labels['apps.kubernetes.io/pod-index']"}
        }
        assert env(s)["STREAMSIM_SHARD"] == "$(POD_INDEX)/1"
        assert s["spec"]["serviceName"] == s["metadata"]["name"]

    sharded = {s["metadata"]["name"]: s for s in of_kind(rendered["sharded"], "StatefulSet")}
    assert set(sharded) == {f"{RELEASE}-streamsim-fraud", f"{RELEASE}-streamsim-ecommerce"}
    fraud = sharded[f"{RELEASE}-streamsim-fraud"]
    assert fraud["spec"]["replicas"] == 3 and env(fraud)["STREAMSIM_SHARD"] == "$(POD_INDEX)/3"
    assert fraud["spec"]["podManagementPolicy"] == "Parallel"
    assert container(fraud)["resources"]["limits"] == {"memory": "768Mi"}  # the scenario's own resources
    ecommerce = sharded[f"{RELEASE}-streamsim-ecommerce"]
    assert env(ecommerce)["STREAMSIM_SHARD"] == "$(POD_INDEX)/2"
    assert container(ecommerce)["resources"]["limits"] == {"memory": "512Mi"}  # the shared default


def test_shard_expression_gives_every_pod_its_own_valid_shard() -> None:
    from streamsim.rng import Shard

    shards = [Shard.parse("$(POD_INDEX)/3".replace("$(POD_INDEX)", str(index))) for index in range(3)]
    assert [str(s) for s in shards] == ["0/3", "1/3", "2/3"]


@pytest.mark.parametrize("name", VALUES)
def test_probes_ports_and_security(rendered: dict[str, list[Manifest]], name: str) -> None:
    port = config_file(rendered[name])["metrics_port"]
    # The probes and Prometheus connect from outside the pod: not to the default 127.0.0.1.
    assert config_file(rendered[name])["metrics_host"] == "0.0.0.0"
    for statefulset in of_kind(rendered[name], "StatefulSet"):
        c = container(statefulset)
        assert c["ports"] == [{"name": "metrics", "containerPort": port, "protocol": "TCP"}]
        assert c["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
        assert c["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}
        assert c["resources"]["requests"] and c["resources"]["limits"]
        assert c["securityContext"]["readOnlyRootFilesystem"] is True
        assert statefulset["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    for service in of_kind(rendered[name], "Service"):
        assert service["spec"]["clusterIP"] == "None"
        assert service["spec"]["ports"] == [
            {"name": "metrics", "port": port, "targetPort": "metrics", "protocol": "TCP"}
        ]


def test_service_monitor_selects_the_producer_services(rendered: dict[str, list[Manifest]]) -> None:
    (monitor,) = of_kind(rendered["default"], "ServiceMonitor")
    wanted = monitor["spec"]["selector"]["matchLabels"].items()
    services = of_kind(rendered["default"], "Service")
    assert len(services) == len(scenarios())
    for service in services:
        assert wanted <= service["metadata"]["labels"].items()
        assert monitor["spec"]["endpoints"][0]["port"] in {p["name"] for p in service["spec"]["ports"]}
    statefulset_labels = [
        s["spec"]["template"]["metadata"]["labels"] for s in of_kind(rendered["default"], "StatefulSet")
    ]
    for service in services:
        assert (
            sum(service["spec"]["selector"].items() <= labels.items() for labels in statefulset_labels) == 1
        )


def test_service_monitor_only_where_the_prometheus_operator_is(helm: str, chart: Path) -> None:
    assert not of_kind(render(helm, chart, monitor=False), "ServiceMonitor")
    assert not of_kind(
        render(helm, chart, None, "--set", "metrics.serviceMonitor.enabled=false"), "ServiceMonitor"
    )


def test_kafka_connection_from_values(rendered: dict[str, list[Manifest]]) -> None:
    default = config_file(rendered["default"])
    assert default["sink"] == "kafka"
    assert default["bootstrap_servers"] == f"{RELEASE}-kafka:9092"  # the bundled broker's service
    assert default["security_protocol"] == "PLAINTEXT" and "sasl_username" not in default
    sharded = config_file(rendered["sharded"])
    assert (
        sharded["bootstrap_servers"]
        == "kafka-0.kafka-headless.data.svc:9092,kafka-1.kafka-headless.data.svc:9092"
    )
    assert (sharded["partitions"], sharded["replication_factor"]) == (6, 2)
    assert sharded["kafka_config"] == {"linger.ms": 50}
    assert sharded["seed"] == 42
    assert sharded["fraud"] == {
        "fraud_probability": 0.02,
        "topic": "fraud_transactions",
        "drift": [{"at": "+2d", "name": "card-testing", "set": {"fraud_probability": 0.05}}],
    }
    assert "eta" not in sharded


def test_sasl_password_is_mounted_from_an_existing_secret(rendered: dict[str, list[Manifest]]) -> None:
    manifests = rendered["sasl"]
    config = config_file(manifests)
    assert (config["security_protocol"], config["sasl_mechanism"], config["sasl_username"]) == (
        "SASL_PLAINTEXT",
        "PLAIN",
        "streamsim",
    )
    assert not of_kind(manifests, "Secret")  # the Bitnami chart's Secret is used as it is
    for statefulset in of_kind(manifests, "StatefulSet"):
        _check_password_file(
            statefulset, config, secret=f"{RELEASE}-kafka-user-passwords", key="client-passwords"
        )


def test_sasl_password_given_in_values_goes_to_a_secret_only(rendered: dict[str, list[Manifest]]) -> None:
    manifests = rendered["external-sasl"]
    config = config_file(manifests)
    (secret,) = of_kind(manifests, "Secret")
    assert base64.b64decode(secret["data"]["password"]).decode() == "not-a-real-password"
    others = [m for m in manifests if m is not secret]
    assert "not-a-real-password" not in yaml.safe_dump_all(others)
    assert config["sasl_mechanism"] == "SCRAM-SHA-512" and config["security_protocol"] == "SASL_SSL"
    for statefulset in of_kind(manifests, "StatefulSet"):
        _check_password_file(statefulset, config, secret=secret["metadata"]["name"], key="password")


def _check_password_file(statefulset: Manifest, config: dict[str, Any], *, secret: str, key: str) -> None:
    volumes = {v["name"]: v for v in statefulset["spec"]["template"]["spec"]["volumes"]}
    mounts = {m["name"]: m["mountPath"] for m in container(statefulset)["volumeMounts"]}
    (item,) = volumes["sasl"]["secret"]["items"]
    assert volumes["sasl"]["secret"]["secretName"] == secret and item["key"] == key
    assert config["sasl_password_file"] == f"{mounts['sasl']}/{item['path']}"


@pytest.mark.parametrize("name", VALUES)
def test_config_file_is_accepted_by_streamsim(
    rendered: dict[str, list[Manifest]], name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each enabled scenario's `streamsim config` accepts the rendered file (as the pod's `run` will)."""
    config = config_file(rendered[name])
    if "sasl_password_file" in config:  # the Secret's file, as mounted in the pod
        password = tmp_path / "sasl-password"
        password.write_text("secret\n")
        config["sasl_password_file"] = str(password)
    if "kafka" not in SINKS:  # until the Kafka sink is registered, its options are not known
        config = {k: v for k, v in config.items() if k not in KAFKA_OPTIONS} | {"sink": "null"}
    path = tmp_path / "streamsim.yaml"
    path.write_text(yaml.safe_dump(config))
    monkeypatch.delenv("STREAMSIM_SHARD", raising=False)
    enabled = [s for s in scenarios() if s in config]
    assert enabled
    for scenario in enabled:
        result = CliRunner().invoke(cli, ["config", scenario, "--config", str(path)])
        assert result.exit_code == 0, result.output
        effective = yaml.safe_load(result.output)
        assert effective["metrics_port"] == 9100
        assert _within(config[scenario], effective)


def _within(given: Any, effective: Any) -> bool:
    """True when ``effective`` holds every value of ``given`` (an effective config adds defaults)."""
    if isinstance(given, dict):
        return isinstance(effective, dict) and all(
            k in effective and _within(v, effective[k]) for k, v in given.items()
        )
    if isinstance(given, list):
        return (
            isinstance(effective, list)
            and len(given) == len(effective)
            and all(map(_within, given, effective))
        )
    return bool(given == effective)


#: Options of the Kafka sink that the chart sets (sinks/kafka_options.py).
KAFKA_OPTIONS = {
    "bootstrap_servers",
    "security_protocol",
    "partitions",
    "replication_factor",
    "kafka_config",
    "sasl_mechanism",
    "sasl_username",
    "sasl_password_file",
}


def test_every_scenario_is_in_the_values() -> None:
    values = yaml.safe_load((CHART / "values.yaml").read_text())
    assert set(values["scenarios"]) == set(scenarios())


@pytest.mark.parametrize(
    ("sets", "message"),
    [
        (["kafka.enabled=false"], "kafkaClient.bootstrapServers is required when kafka.enabled is false"),
        (["scenarios.eta.replicas=0"], "scenarios.eta.replicas must be at least 1"),
        (["kafkaClient.securityProtocol=SASL_SSL"], "kafkaClient.sasl.username is required"),
        (
            ["kafkaClient.securityProtocol=SASL_SSL", "kafkaClient.sasl.username=u"],
            "kafkaClient.sasl.password or kafkaClient.sasl.existingSecret is required",
        ),
    ],
)
def test_inconsistent_values_fail_with_a_message(
    helm: str, chart: Path, sets: list[str], message: str
) -> None:
    args = ["template", RELEASE, str(chart), "--kube-version", KUBE_VERSION]
    for item in sets:
        args += ["--set", item]
    result = helm_run(helm, *args)
    assert result.returncode != 0
    assert message in result.stderr


def test_stdout_sink_needs_no_kafka(helm: str, chart: Path) -> None:
    manifests = render(helm, chart, None, "--set", "sink=stdout", "--set", "kafka.enabled=false")
    config = config_file(manifests)
    assert config["sink"] == "stdout" and not KAFKA_OPTIONS & set(config)


# -- the dashboard ---------------------------------------------------------------------------------


def exported_metric_names() -> set[str]:
    """Names of every sample the metrics server exports (with gauges and a drift phase reported)."""
    scenario, sink = get_scenario("ecommerce")(seed=1, start=0.0), ListSink()
    server = MetricsServer(scenario, EngineOptions(), sink)
    server.started(scenario, sink, scenario.topics())
    tally = Tally(time=1.0, gauges={"entities": 1.0})
    tally.kinds[("", "purchase", "1")] = [1, 100]
    server.progress(tally)
    return {sample.name for family in server.registry.collect() for sample in family.samples}


def dashboard_queries(dashboard: dict[str, Any]) -> Iterator[str]:
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            yield target["expr"]


def test_dashboard_ships_in_a_labelled_configmap(rendered: dict[str, list[Manifest]]) -> None:
    (configmap,) = [
        m for m in of_kind(rendered["default"], "ConfigMap") if m["metadata"]["name"].endswith("-dashboard")
    ]
    assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"
    shipped = json.loads(configmap["data"]["streamsim.json"])
    assert shipped == json.loads((CHART / "dashboards" / "streamsim.json").read_text())


def test_dashboard_queries_only_metrics_that_exist() -> None:
    dashboard = json.loads((CHART / "dashboards" / "streamsim.json").read_text())
    queries = list(dashboard_queries(dashboard))
    used = {name for query in queries for name in re.findall(r"\b(streamsim_\w+|process_\w+)", query)}
    exported = exported_metric_names()
    assert used and used <= exported, sorted(used - exported)
    # Producer and broker panels both present; the broker's come from the Bitnami JMX exporter.
    assert any("kafka_server_brokertopicmetrics" in q for q in queries)
    assert all(
        panel.get("datasource", {}).get("uid") in (None, "${datasource}") for panel in dashboard["panels"]
    )
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
