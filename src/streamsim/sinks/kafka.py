"""Apache Kafka, through confluent-kafka (librdkafka): idempotent, acks=all, delivery counted.

Each record becomes one message: key = the event's entity key (the entity whose
order matters), value = the serialized event (the same bytes the stdout sink
prints), timestamp = event time, headers = scenario, event type, schema
version, shard and the run's sequence number (a consumer checks with it that
nothing was lost or duplicated).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Self

from streamsim.errors import RunFailure, UsageError
from streamsim.sinks.base import Sink
from streamsim.sinks.kafka_options import KafkaOptions

try:
    from confluent_kafka import (
        OFFSET_BEGINNING,
        OFFSET_END,
        Consumer,
        KafkaError,
        KafkaException,
        Message,
        Producer,
        TopicPartition,
    )
    from confluent_kafka.admin import AdminClient
    from confluent_kafka.cimpl import NewTopic
except ModuleNotFoundError:  # pragma: no cover - depends on the installation
    raise UsageError("Kafka support needs confluent-kafka: pip install 'streamsim[kafka]'") from None

if TYPE_CHECKING:
    from collections.abc import Sequence

    from streamsim.config import Resolved
    from streamsim.events import Record
    from streamsim.scenarios.base import Scenario

__all__ = [
    "OFFSET_BEGINNING",
    "OFFSET_END",
    "Consumer",
    "KafkaSink",
    "TopicPartition",
    "connect",
    "new_client",
]

log = logging.getLogger("streamsim.kafka")

#: Topic settings of the topics streamsim creates: simulated event time (the message timestamp)
#: may run ahead of the wall clock (--speed max, a future --start), which Kafka 4 rejects by
#: default beyond one hour.
TOPIC_CONFIG = {"message.timestamp.after.max.ms": str(2**63 - 1)}

#: Seconds one metadata request may take while connecting; backoff between attempts.
ATTEMPT_TIMEOUT = 2.0
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 8.0


def _quiet_logger() -> logging.Logger:
    """librdkafka's own log lines, shown at --log-level debug (streamsim logs the failures it acts on)."""
    logger = logging.getLogger("streamsim.librdkafka")
    debug = logging.getLogger("streamsim").getEffectiveLevel() <= logging.DEBUG
    logger.setLevel(logging.DEBUG if debug else logging.CRITICAL)
    return logger


def connect(config: dict[str, Any], timeout: float) -> tuple[AdminClient, set[str]]:
    """An admin client and the cluster's topics, retrying with backoff for up to ``timeout`` seconds."""
    admin = new_client(AdminClient, config)
    servers = config["bootstrap.servers"]
    deadline = time.monotonic() + timeout
    backoff = BACKOFF_FIRST
    attempt = 0
    while True:
        attempt += 1
        left = deadline - time.monotonic()
        try:
            return admin, set(admin.list_topics(timeout=max(0.1, min(left, ATTEMPT_TIMEOUT))).topics)
        except KafkaException as exc:
            reason = describe(exc)
        left = deadline - time.monotonic()
        if left <= 0:
            raise RunFailure(
                f"Kafka at {servers} is not reachable: {reason} "
                f"(gave up after {attempt} attempts in {timeout:g}s, --connect-timeout)"
            )
        wait = min(backoff, left)
        log.warning(
            "Kafka at %s not reachable (attempt %d: %s); retrying in %.1fs", servers, attempt, reason, wait
        )
        time.sleep(wait)
        backoff = min(backoff * 2, BACKOFF_MAX)


def new_client(kind: Any, config: dict[str, Any]) -> Any:
    """A librdkafka client; an unknown or invalid property is the user's mistake (exit 2)."""
    try:
        return kind({**config, "logger": _quiet_logger()})
    except (KafkaException, ValueError, TypeError) as exc:
        raise UsageError(
            f"invalid Kafka client configuration (--kafka-config or Kafka options): {describe(exc)}"
        ) from None


def describe(error: BaseException | KafkaError) -> str:
    """The message of a librdkafka error, or of an exception carrying one."""
    if isinstance(error, BaseException) and error.args:
        error = error.args[0]
    return error.str() if isinstance(error, KafkaError) else str(error)


class KafkaSink(Sink):
    """Writes records to Kafka topics, creating missing ones.

    ``write`` never drops: when librdkafka's local queue is full it polls for
    delivery reports until there is room. ``close`` flushes with
    ``flush_timeout`` and leaves what is still undelivered in ``undelivered``.
    A delivery failure or a fatal producer error stops the run (RunFailure).
    """

    name = "kafka"

    def __init__(
        self,
        options: KafkaOptions,
        topics: Sequence[str],
        *,
        scenario: str,
        schema_version: int,
        shard: str = "0/1",
    ) -> None:
        super().__init__()
        self.options = options
        self.topics = list(topics)
        self.headers: list[tuple[str, str | bytes | None]] = [
            ("scenario", scenario),
            ("schema_version", str(schema_version)),
            ("shard", shard),
        ]
        self._producer: Producer | None = None
        self._problem: str | None = None  # first delivery failure or fatal error: stops the run
        self._brokers_down = False  # librdkafka reported all brokers down; cleared by a delivery

    @classmethod
    def from_config(cls, resolved: Resolved, topics: Sequence[str], scenario: Scenario[Any]) -> Self:
        return cls(
            resolved.get(KafkaOptions),
            topics,
            scenario=scenario.name,
            schema_version=scenario.schema_version,
            shard=str(scenario.shard),
        )

    def open(self) -> None:
        config = self.options.producer_config()
        admin, existing = connect(self.options.client_config(), self.options.connect_timeout)
        self._create_topics(admin, existing)
        self._producer = new_client(
            Producer, {**config, "error_cb": self._on_error, "on_delivery": self._on_delivery}
        )
        log.info("producing to %s at %s", ", ".join(self.topics), config["bootstrap.servers"])

    def _create_topics(self, admin: AdminClient, existing: set[str]) -> None:
        missing = [t for t in self.topics if t not in existing]
        if not missing:
            return
        new = [
            NewTopic(t, self.options.partitions, self.options.replication_factor, config=TOPIC_CONFIG)
            for t in missing
        ]
        for topic, future in admin.create_topics(new, request_timeout=30).items():
            try:
                future.result()
            except KafkaException as exc:
                if (
                    exc.args[0].code() == KafkaError.TOPIC_ALREADY_EXISTS
                ):  # created meanwhile by another shard
                    continue
                raise RunFailure(f"cannot create topic {topic!r}: {describe(exc)}") from None
            log.info(
                "created topic %s (%d partitions, replication factor %d)",
                topic,
                self.options.partitions,
                self.options.replication_factor,
            )

    def write(self, record: Record) -> None:
        self.accepted += 1
        producer = self._producer
        if self._problem is not None or producer is None:
            self.failed += 1
            raise RunFailure(self._problem or "the Kafka sink is not open")
        headers: list[tuple[str, str | bytes | None]] = [
            *self.headers,
            ("event_type", record.event_type),
            ("sequence", str(record.sequence)),
        ]
        while True:
            try:
                producer.produce(
                    record.topic,
                    record.value,
                    record.key,
                    timestamp=int(record.time * 1000),
                    headers=headers,
                )
                break
            except BufferError:
                producer.poll(0.1)  # the local queue is full: serve delivery reports to make room
            except KafkaException as exc:  # e.g. larger than message.max.bytes
                self.failed += 1
                raise RunFailure(f"Kafka refused an event for {record.topic}: {describe(exc)}") from None
        if not record.sequence & 63:  # serve delivery reports; every write would cost more than it helps
            producer.poll(0)

    def flush(self) -> None:
        if self._producer is not None:
            self._producer.flush(self.options.flush_timeout)

    def close(self) -> None:
        if self._producer is None:
            return
        self.flush()
        if self.undelivered:
            log.error(
                "%d accepted events were not delivered within --flush-timeout %gs",
                self.undelivered,
                self.options.flush_timeout,
            )
        self._producer = None

    def queue_length(self) -> int:
        producer = self._producer
        return len(producer) if producer is not None else 0

    def connected(self) -> bool:
        return self._producer is not None and not self._brokers_down

    def _on_delivery(self, err: KafkaError | None, msg: Message) -> None:
        if err is None:
            self.delivered += 1
            self._brokers_down = False
            latency = msg.latency()
            if latency is not None:
                self.observe_latency(latency)
            return
        self.failed += 1
        if self._problem is None:
            self._problem = f"delivery to {msg.topic()} failed: {err.str()}"
            if err.code() in (KafkaError.INVALID_TIMESTAMP, KafkaError.INVALID_RECORD):
                self._problem += (
                    " (the topic may reject event times ahead of the wall clock: set its "
                    "message.timestamp.after.max.ms, or let streamsim create the topic)"
                )
            log.error("%s", self._problem)

    def _on_error(self, err: KafkaError) -> None:
        if err.code() == KafkaError._ALL_BROKERS_DOWN:
            self._brokers_down = True
        if err.fatal():
            self._problem = self._problem or f"fatal Kafka producer error: {err.str()}"
            log.error("%s", self._problem)
        else:  # librdkafka recovers from these by itself (reconnects, retries)
            log.warning("Kafka: %s", err.str())
