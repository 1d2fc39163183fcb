"""A real single-node Apache Kafka (KRaft, combined broker and controller) for local use and tests.

Kafka and its tools are assembled from Maven Central by Maven (``pom.xml`` beside
this file, jars copied into ``lib/``) and run with the installed JDK. A broker
lives in a state folder (``run/`` here by default) holding its configuration,
KRaft storage, log and a ``broker.json`` with its pid and ports, so that
``start``, ``stop``, ``status`` and ``logs`` can be called again at any time:
starting a running broker returns it, stopping a stopped one does nothing, and
starting a stopped one restarts it on the same storage and ports.

With ``scram_users``, the broker also listens with SASL_SSL on a second port:
SCRAM-SHA-512 users are created when the storage is formatted, and a private CA
and a broker certificate for ``localhost`` are generated with openssl into
``tls/`` (``ca.pem`` is what clients trust).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from infra import service
from infra.service import free_port, locked, port_free

HERE = Path(__file__).resolve().parent
POM = HERE / "pom.xml"
LIB = HERE / "lib"
LOG4J = HERE / "log4j2.properties"
DEFAULT_HOME = HERE / "run"
DEFAULT_PORT = 9092
HEAP = "-Xmx768m"

log = logging.getLogger("infra.kafka")


class BrokerError(Exception):
    """The broker could not be assembled, started or stopped."""


@dataclass(frozen=True)
class Broker:
    """A broker started from a state folder."""

    home: Path
    pid: int
    port: int
    controller_port: int
    cluster_id: str
    secure_port: int = 0  # SASL_SSL listener (SCRAM-SHA-512 over TLS); 0: none

    @property
    def bootstrap(self) -> str:
        return f"localhost:{self.port}"

    @property
    def secure_bootstrap(self) -> str:
        """Address of the SASL_SSL listener (a broker started with ``scram_users``)."""
        if not self.secure_port:
            raise BrokerError("this broker has no SASL_SSL listener (start it with scram_users)")
        return f"localhost:{self.secure_port}"

    @property
    def ca_file(self) -> Path:
        """The CA certificate (PEM) that signed the SASL_SSL listener's certificate."""
        return self.home / "tls" / "ca.pem"

    @property
    def log_file(self) -> Path:
        return self.home / "broker.log"


# -- assembly -------------------------------------------------------------------------


def _pom_digest() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def assemble() -> Path:
    """Copy Kafka's jars from Maven Central into lib/ unless they are there for this pom.xml."""
    stamp = LIB / ".assembled"
    with locked(HERE / ".assemble.lock"):
        if stamp.exists() and stamp.read_text() == _pom_digest():
            return LIB
        mvn = shutil.which("mvn")
        if mvn is None:
            raise BrokerError(
                "Maven (mvn) is needed to assemble Kafka from Maven Central; install Maven 3.8+"
            )
        shutil.rmtree(LIB, ignore_errors=True)
        log.info("assembling Apache Kafka from Maven Central into %s ...", LIB)
        result = subprocess.run(
            [mvn, "-B", "-q", "-Dstyle.color=never", "-f", str(POM), "dependency:copy-dependencies"],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            tail = (result.stdout + result.stderr).strip().splitlines()[-20:]
            raise BrokerError("Maven could not assemble Kafka:\n" + "\n".join(tail))
        stamp.write_text(_pom_digest())
    return LIB


def java_command(main_class: str, *args: str, heap: str = HEAP) -> list[str]:
    """A command running ``main_class`` of the assembled Kafka with the installed JDK."""
    java = shutil.which("java")
    if java is None:
        raise BrokerError("a Java runtime (JDK 17+) is needed to run Kafka; install one")
    return [
        java,
        heap,
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={LOG4J}",
        "-cp",
        str(assemble() / "*"),
        main_class,
        *args,
    ]


# -- state ----------------------------------------------------------------------------


def _state_file(home: Path) -> Path:
    return home / "broker.json"


def _read_state(home: Path) -> Broker | None:
    try:
        data = json.loads(_state_file(home).read_text())
    except (OSError, ValueError):
        return None
    return Broker(
        home=home,
        pid=data["pid"],
        port=data["port"],
        controller_port=data["controller_port"],
        cluster_id=data["cluster_id"],
        secure_port=data.get("secure_port", 0),
    )


def _write_state(broker: Broker) -> None:
    data = asdict(broker)
    data["home"] = str(broker.home)
    _state_file(broker.home).write_text(json.dumps(data, indent=2) + "\n")


def _config_file(home: Path) -> Path:
    return home / "server.properties"


def _alive(pid: int, home: Path) -> bool:
    """Whether ``pid`` is the broker of ``home`` (not a reused pid, not an exited child)."""
    return service.alive(pid, str(_config_file(home)))


# -- lifecycle ------------------------------------------------------------------------


def status(home: Path = DEFAULT_HOME) -> Broker | None:
    """The broker running from ``home``, if any."""
    home = home.resolve()
    broker = _read_state(home)
    return broker if broker is not None and _alive(broker.pid, home) else None


def start(
    home: Path = DEFAULT_HOME,
    port: int | None = None,
    *,
    timeout: float = 120.0,
    tied: bool = False,
    scram_users: dict[str, str] | None = None,
) -> Broker:
    """Start (or return the running) broker of ``home`` and wait until it answers metadata requests.

    ``port`` 0 picks a free port; None reuses the folder's previous port, or 9092
    the first time. ``tied`` stops the broker when the calling process exits
    (for tests), instead of leaving it running in the background. ``scram_users``
    (name: password) adds a SASL_SSL listener on a free port with these
    SCRAM-SHA-512 users (created when the storage is first formatted).
    """
    home = home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    with locked(home / ".lock"):
        running = status(home)
        if running is not None:
            if port not in (None, 0, running.port):
                raise BrokerError(f"a broker from {home} already runs on port {running.port}; stop it first")
            return running
        previous = _read_state(home)
        if port is None:
            port = previous.port if previous else DEFAULT_PORT
        port = port or free_port()
        if not port_free(port):
            raise BrokerError(f"port {port} is in use; choose another with --port (0 picks a free one)")
        controller_port = previous.controller_port if previous else 0
        if not controller_port or not port_free(controller_port):
            controller_port = free_port()
        cluster_id = previous.cluster_id if previous else _new_cluster_id()
        secure_port = previous.secure_port if previous else 0
        if scram_users is not None or secure_port:
            if not secure_port or not port_free(secure_port):
                secure_port = free_port()
            _make_tls(home)
        _write_config(home, port, controller_port, secure_port)
        if not (home / "data" / "meta.properties").exists():
            _format(home, cluster_id, scram_users or {})
        process = service.launch(
            java_command("kafka.Kafka", str(_config_file(home))), home / "broker.log", tied=tied
        )
        broker = Broker(home, process.pid, port, controller_port, cluster_id, secure_port)
        _write_state(broker)
        try:
            _wait_ready(broker, process, timeout)
        except BaseException:
            _terminate(broker)
            raise
        log.info("Kafka is ready at %s (pid %d, state in %s)", broker.bootstrap, broker.pid, home)
        return broker


def stop(home: Path = DEFAULT_HOME, timeout: float = 60.0) -> bool:
    """Stop the broker of ``home`` (the process it started, by pid); False if none was running."""
    home = home.resolve()
    broker = status(home)
    if broker is None:
        return False
    _terminate(broker, timeout)
    log.info("stopped Kafka at %s (pid %d)", broker.bootstrap, broker.pid)
    return True


def logs(home: Path = DEFAULT_HOME, lines: int = 50) -> str:
    """The last ``lines`` lines of the broker's log."""
    return service.tail(home / "broker.log", lines)


def _terminate(broker: Broker, timeout: float = 60.0) -> None:
    """SIGTERM (Kafka shuts down cleanly, flushing its logs), then SIGKILL after ``timeout``."""
    if not service.terminate(broker.pid, str(_config_file(broker.home)), timeout):
        raise BrokerError(f"Kafka (pid {broker.pid}) did not stop")


def _new_cluster_id() -> str:
    """A random Kafka Uuid in its text form (URL-safe base64, no padding, not starting with '-')."""
    while True:
        text = base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()
        if not text.startswith("-"):
            return text


#: Password of the broker's generated keystore (a test fixture's, not a secret).
KEYSTORE_PASSWORD = "streamsim-test-keystore"


def _make_tls(home: Path) -> None:
    """A private CA and a broker certificate for localhost, in a PKCS#12 keystore (openssl)."""
    tls = home / "tls"
    if (tls / "broker.p12").exists():
        return
    openssl = shutil.which("openssl")
    if openssl is None:
        raise BrokerError("openssl is needed to generate the SASL_SSL listener's certificates")
    tls.mkdir(parents=True, exist_ok=True)
    (tls / "san.ext").write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
    steps = [
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650", "-subj", "/CN=streamsim test CA",
         "-keyout", "ca.key", "-out", "ca.pem"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout", "broker.key",
         "-out", "broker.csr"],
        ["x509", "-req", "-in", "broker.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
         "-days", "3650", "-extfile", "san.ext", "-out", "broker.pem"],
        ["pkcs12", "-export", "-in", "broker.pem", "-inkey", "broker.key", "-certfile", "ca.pem",
         "-name", "broker", "-out", "broker.p12", "-passout", f"pass:{KEYSTORE_PASSWORD}"],
    ]  # fmt: skip
    for step in steps:
        result = subprocess.run([openssl, *step], cwd=tls, capture_output=True, text=True)
        if result.returncode != 0:
            raise BrokerError(f"openssl {step[0]} failed: {(result.stdout + result.stderr).strip()}")


def _write_config(home: Path, port: int, controller_port: int, secure_port: int = 0) -> None:
    settings = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@localhost:{controller_port}",
        "listeners": f"PLAINTEXT://localhost:{port},CONTROLLER://localhost:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://localhost:{port}",
        "controller.listener.names": "CONTROLLER",
        "inter.broker.listener.name": "PLAINTEXT",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs": str(home / "data"),
        # Topics are created by their producers (streamsim's admin call), never implicitly.
        "auto.create.topics.enable": "false",
        "num.partitions": "1",
        # One node: internal topics with one replica and few partitions start fast.
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "share.coordinator.state.topic.num.partitions": "1",
        "group.initial.rebalance.delay.ms": "0",
    }
    if secure_port:
        jaas = "org.apache.kafka.common.security.scram.ScramLoginModule required;"
        settings.update(
            {
                "listeners": settings["listeners"] + f",SASL_SSL://localhost:{secure_port}",
                "advertised.listeners": settings["advertised.listeners"]
                + f",SASL_SSL://localhost:{secure_port}",
                "listener.security.protocol.map": settings["listener.security.protocol.map"]
                + ",SASL_SSL:SASL_SSL",
                "sasl.enabled.mechanisms": "SCRAM-SHA-512",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config": jaas,
                "ssl.keystore.type": "PKCS12",
                "ssl.keystore.location": str(home / "tls" / "broker.p12"),
                "ssl.keystore.password": KEYSTORE_PASSWORD,
                "ssl.key.password": KEYSTORE_PASSWORD,
            }
        )
    text = "".join(f"{key}={value}\n" for key, value in settings.items())
    _config_file(home).write_text("# Written by infra/kafka/broker.py; rewritten at each start.\n" + text)


def _format(home: Path, cluster_id: str, scram_users: dict[str, str]) -> None:
    scram = [
        arg
        for name, password in scram_users.items()
        for arg in ("--add-scram", f"SCRAM-SHA-512=[name={name},password={password}]")
    ]
    result = subprocess.run(
        java_command(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            cluster_id,
            "-c",
            str(_config_file(home)),
            *scram,
            heap="-Xmx256m",
        ),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BrokerError(
            f"formatting KRaft storage in {home} failed: {(result.stdout + result.stderr).strip()}"
        )


def _wait_ready(broker: Broker, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Probe the broker with metadata requests until it lists itself (or exits, or time runs out)."""
    from confluent_kafka.admin import AdminClient

    admin = AdminClient(
        # log_level 0: connection refused is expected while the JVM starts, so stay quiet.
        {"bootstrap.servers": broker.bootstrap, "reconnect.backoff.max.ms": 500, "log_level": 0}
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BrokerError(
                f"Kafka exited with status {process.returncode} while starting; "
                f"last log lines:\n{logs(broker.home, 20)}"
            )
        try:
            if admin.list_topics(timeout=1.0).brokers:
                return
        except Exception:  # KafkaException while nobody listens yet; probe again
            pass
    raise BrokerError(
        f"Kafka did not answer at {broker.bootstrap} within {timeout:g}s; see {broker.log_file}"
    )


def _describe(home: Path) -> str | None:
    broker = status(home)
    if broker is None:
        return None
    return f"running at {broker.bootstrap} (pid {broker.pid}, state in {broker.home})"


def main(argv: list[str] | None = None) -> int:
    return service.main(
        argv,
        prog="python3 -m infra.kafka",
        description=__doc__.split("\n\n")[0],
        default_home=DEFAULT_HOME,
        port_help="client port; 0 picks a free one (default: previous, or 9092)",
        start=lambda home, port: start(home, port).bootstrap,
        stop=stop,
        status=_describe,
        logs=logs,
        error=BrokerError,
    )
