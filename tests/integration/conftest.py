"""A real Kafka broker for the whole test session.

Started from infra/kafka (assembled from Maven Central on first use), or an
existing cluster named by ``STREAMSIM_TEST_BOOTSTRAP``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from infra.kafka import Broker, broker


@pytest.fixture(scope="session")
def local_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker | None]:
    """The broker these tests started (None when they use an existing cluster, which they never stop)."""
    if os.environ.get("STREAMSIM_TEST_BOOTSTRAP"):
        yield None
        return
    home: Path = tmp_path_factory.mktemp("kafka")
    # A free port, and tied to this process: nothing is left running even if the session dies.
    started = broker.start(home, port=0, tied=True)
    try:
        yield started
    finally:
        broker.stop(home)


@pytest.fixture(scope="session")
def bootstrap(local_broker: Broker | None) -> str:
    """Bootstrap servers of the cluster under test."""
    return local_broker.bootstrap if local_broker is not None else os.environ["STREAMSIM_TEST_BOOTSTRAP"]


@pytest.fixture
def restartable_broker(local_broker: Broker | None) -> Broker:
    """The session's own broker, for fault tests that stop and start it."""
    if local_broker is None:
        pytest.skip(
            "stops and starts the broker: needs the one from infra/kafka, not STREAMSIM_TEST_BOOTSTRAP"
        )
    return local_broker


@pytest.fixture(scope="session")
def schema_registry() -> str:
    """URL of a real Schema Registry (Confluent API) beside the broker.

    ``STREAMSIM_TEST_SCHEMA_REGISTRY`` names one (for example a Confluent Schema Registry,
    Karapace or Apicurio's ``/apis/ccompat/v7`` that uses the broker under test). None can
    be assembled from the package registries these machines reach (see docs/formats.md,
    "Testing against a real registry"), so without it these tests are skipped.
    """
    url = os.environ.get("STREAMSIM_TEST_SCHEMA_REGISTRY")
    if not url:
        pytest.skip(
            "needs a real Schema Registry: set STREAMSIM_TEST_SCHEMA_REGISTRY=http://host:port "
            "(none can be assembled from PyPI, Maven Central, npm, crates.io, Go modules or Debian here)"
        )
    return url.rstrip("/")
