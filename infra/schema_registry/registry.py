"""A real Schema Registry for local use and tests: Apicurio Registry with its Confluent-compatible API.

Apicurio Registry (Apache-2.0) is assembled from Maven Central by Maven: ``app/pom.xml``
depends on its published application jar and the Quarkus Maven plugin turns that into a
runnable application (``app/target/quarkus-app``), run with the installed JDK. Storage is
in memory (H2), so a registry starts empty. Its Confluent API (``/apis/ccompat/v7``) is what
confluent-kafka's ``SchemaRegistryClient`` and the Confluent serializers talk to.

Like infra/kafka, a registry lives in a state folder (``run/`` by default) holding its log and
a ``registry.json`` with its pid and port, so ``start``, ``stop``, ``status`` and ``logs`` can
be called again at any time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from infra import service
from infra.service import free_port, locked, port_free

HERE = Path(__file__).resolve().parent
APP = HERE / "app"
POM = APP / "pom.xml"
PROPERTIES = APP / "src" / "main" / "resources" / "application.properties"
RUNNER = APP / "target" / "quarkus-app" / "quarkus-run.jar"
DEFAULT_HOME = HERE / "run"
DEFAULT_PORT = 8081
HEAP = "-Xmx512m"
#: Where the Confluent-compatible API is served.
CCOMPAT = "/apis/ccompat/v7"

log = logging.getLogger("infra.schema_registry")


class RegistryError(Exception):
    """The registry could not be assembled, started or stopped."""


@dataclass(frozen=True)
class Registry:
    """A registry started from a state folder."""

    home: Path
    pid: int
    port: int

    @property
    def url(self) -> str:
        """The Confluent-compatible API's base URL (what --schema-registry-url takes)."""
        return f"http://localhost:{self.port}{CCOMPAT}"

    @property
    def log_file(self) -> Path:
        return self.home / "registry.log"


def _digest() -> str:
    return hashlib.sha256(POM.read_bytes() + PROPERTIES.read_bytes()).hexdigest()


def assemble() -> Path:
    """Build the registry application from Maven Central unless it is built for this pom.xml."""
    stamp = APP / "target" / ".assembled"
    with locked(HERE / ".assemble.lock"):
        if stamp.exists() and stamp.read_text() == _digest() and RUNNER.exists():
            return RUNNER
        mvn = shutil.which("mvn")
        if mvn is None:
            raise RegistryError("Maven (mvn) is needed to assemble the Schema Registry; install Maven 3.8+")
        log.info("assembling Apicurio Registry from Maven Central into %s ...", RUNNER.parent)
        result = subprocess.run(
            [mvn, "-B", "-q", "-Dstyle.color=never", "-f", str(POM), "package", "-DskipTests"],
            capture_output=True,
            text=True,
        )
        if result.returncode != 0 or not RUNNER.exists():
            tail = (result.stdout + result.stderr).strip().splitlines()[-20:]
            raise RegistryError("Maven could not assemble the Schema Registry:\n" + "\n".join(tail))
        stamp.write_text(_digest())
    return RUNNER


def _state_file(home: Path) -> Path:
    return home / "registry.json"


def _read_state(home: Path) -> Registry | None:
    try:
        data = json.loads(_state_file(home).read_text())
    except (OSError, ValueError):
        return None
    return Registry(home=home, pid=data["pid"], port=data["port"])


def _marker(home: Path) -> str:
    """What only this folder's registry has on its command line."""
    return f"-Dstreamsim.registry.home={home}"


def status(home: Path = DEFAULT_HOME) -> Registry | None:
    """The registry running from ``home``, if any."""
    home = home.resolve()
    registry = _read_state(home)
    return registry if registry is not None and service.alive(registry.pid, _marker(home)) else None


def start(
    home: Path = DEFAULT_HOME, port: int | None = None, *, timeout: float = 180.0, tied: bool = False
) -> Registry:
    """Start (or return the running) registry of ``home`` and wait until its API answers.

    ``port`` 0 picks a free port; None reuses the previous one, or 8081. ``tied`` stops
    it when the calling process exits (for tests).
    """
    home = home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    with locked(home / ".lock"):
        running = status(home)
        if running is not None:
            return running
        previous = _read_state(home)
        if port is None:
            port = previous.port if previous else DEFAULT_PORT
        port = port or free_port()
        if not port_free(port):
            raise RegistryError(f"port {port} is in use; choose another with --port (0 picks a free one)")
        java = shutil.which("java")
        if java is None:
            raise RegistryError("a Java runtime (JDK 17+) is needed to run the Schema Registry; install one")
        command = [
            java,
            HEAP,
            _marker(home),
            f"-Dquarkus.http.port={port}",
            "-Dquarkus.http.host=127.0.0.1",
            "-jar",
            str(assemble()),
        ]
        process = service.launch(command, home / "registry.log", tied=tied, cwd=home)
        registry = Registry(home, process.pid, port)
        _state_file(home).write_text(json.dumps({"pid": registry.pid, "port": port}) + "\n")
        try:
            _wait_ready(registry, process, timeout)
        except BaseException:
            _terminate(registry)
            raise
        log.info("Schema Registry is ready at %s (pid %d)", registry.url, registry.pid)
        return registry


def _wait_ready(registry: Registry, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Probe the Confluent API (GET /subjects) until it answers 200, the process exits, or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RegistryError(
                f"the Schema Registry exited with status {process.returncode} while starting; "
                f"last log lines:\n{logs(registry.home, 20)}"
            )
        try:
            with urllib.request.urlopen(f"{registry.url}/subjects", timeout=2.0) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)  # between probes while the JVM starts, not a fixed wait for readiness
    raise RegistryError(f"the Schema Registry did not answer at {registry.url} within {timeout:g}s")


def stop(home: Path = DEFAULT_HOME, timeout: float = 30.0) -> bool:
    """Stop the registry of ``home`` (by pid); False if none was running."""
    home = home.resolve()
    registry = status(home)
    if registry is None:
        return False
    _terminate(registry, timeout)
    log.info("stopped the Schema Registry at %s (pid %d)", registry.url, registry.pid)
    return True


def _terminate(registry: Registry, timeout: float = 30.0) -> None:
    if not service.terminate(registry.pid, _marker(registry.home), timeout):
        raise RegistryError(f"the Schema Registry (pid {registry.pid}) did not stop")


def logs(home: Path = DEFAULT_HOME, lines: int = 50) -> str:
    """The last ``lines`` lines of the registry's log."""
    return service.tail(home / "registry.log", lines)


def _describe(home: Path) -> str | None:
    registry = status(home)
    if registry is None:
        return None
    return f"running at {registry.url} (pid {registry.pid}, state in {registry.home})"


def main(argv: list[str] | None = None) -> int:
    return service.main(
        argv,
        prog="python3 -m infra.schema_registry",
        description=(__doc__ or "").split("\n\n")[0],
        default_home=DEFAULT_HOME,
        port_help="HTTP port; 0 picks a free one (default: previous, or 8081)",
        start=lambda home, port: start(home, port).url,
        stop=stop,
        status=_describe,
        logs=logs,
        error=RegistryError,
    )
