"""A real Kafka broker (and, for the format tests, a real Schema Registry) for the whole test session.

Started from infra/kafka (assembled from Maven Central on first use), or an
existing cluster named by ``STREAMSIM_TEST_BOOTSTRAP``; the registry from
infra/schema_registry, or the one named by ``STREAMSIM_TEST_SCHEMA_REGISTRY``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from infra import schema_registry as schema_registry_infra
from infra.kafka import Broker, broker

from kafka_support import SCRAM_PASSWORD, SCRAM_USER


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
def secure_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """A second broker with a SASL_SSL listener (SCRAM-SHA-512, a certificate from a private CA)."""
    home: Path = tmp_path_factory.mktemp("kafka-secure")
    started = broker.start(home, port=0, tied=True, scram_users={SCRAM_USER: SCRAM_PASSWORD})
    try:
        yield started
    finally:
        broker.stop(home)


@pytest.fixture(scope="session")
def schema_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a real Schema Registry with the Confluent API, beside the broker.

    Apicurio Registry, assembled from Maven Central by infra/schema_registry (in-memory
    storage, started on a free port for the session and stopped at its end), or the one
    named by ``STREAMSIM_TEST_SCHEMA_REGISTRY``.
    """
    url = os.environ.get("STREAMSIM_TEST_SCHEMA_REGISTRY")
    if url:
        yield url.rstrip("/")
        return
    home: Path = tmp_path_factory.mktemp("schema-registry")
    started = schema_registry_infra.start(home, port=0, tied=True)
    try:
        yield started.url
    finally:
        schema_registry_infra.stop(home)
