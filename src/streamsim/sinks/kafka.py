"""Apache Kafka, through confluent-kafka (librdkafka): idempotent, acks=all, delivery counted.

Each record becomes one message: key = the event's entity key (the entity whose
order matters), value = the serialized event (the same bytes the stdout sink
prints), timestamp = event time (milliseconds of the instant the JSON prints),
headers = scenario, event type, schema version, shard and the run's sequence
number (a consumer checks with it that nothing was lost or duplicated).

With ``--exactly-once`` the producer is transactional: records are committed in
transactions of ``--transaction-events`` or ``--transaction-interval``; a
transaction the broker aborts (a broker failure) is sent again, so a
read_committed consumer sees each record once. ``--resume`` reads back the last
committed sequence of the shard and the runner skips what was committed.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Self

from streamsim.config import EngineOptions
from streamsim.errors import RunFailure, UsageError
from streamsim.sinks.base import Sink, WriteInterrupted
from streamsim.sinks.kafka_options import KafkaOptions
from streamsim.timeutil import epoch_millis, format_duration, iso_utc

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
    from confluent_kafka.admin._config import ConfigResource
    from confluent_kafka.admin._resource import ResourceType
    from confluent_kafka.cimpl import NewTopic
except ModuleNotFoundError:  # pragma: no cover - depends on the installation
    raise UsageError("Kafka support needs confluent-kafka: pip install 'streamsim[kafka]'") from None

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from streamsim.config import Resolved
    from streamsim.events import Record
    from streamsim.scenarios.base import Scenario
    from streamsim.source import Batch

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

#: What the sink hands librdkafka for one record: topic, value, key, timestamp (ms), headers.
Outgoing = tuple[str, bytes, str, int, list[tuple[str, str | bytes | None]]]

#: Seconds one metadata request may take while connecting; backoff between attempts.
ATTEMPT_TIMEOUT = 2.0
BACKOFF_FIRST, BACKOFF_MAX = 0.5, 8.0

#: Seconds one transaction call (init, commit, abort) may block before it is tried again (a call
#: that timed out resumes where it was), so that a signal is noticed soon.
TXN_ATTEMPT_TIMEOUT = 1.0

#: Errors that mean the brokers are away (librdkafka reconnects by itself): logged once per outage.
OUTAGE_CODES = frozenset(
    {KafkaError._TRANSPORT, KafkaError._ALL_BROKERS_DOWN, KafkaError._RESOLVE, KafkaError._TIMED_OUT}
)

#: Errors no retry will fix: credentials or TLS. Reported at once instead of "not reachable".
AUTH_CODES = {
    KafkaError._AUTHENTICATION: "authentication failed",
    KafkaError.SASL_AUTHENTICATION_FAILED: "authentication failed",
    KafkaError.UNSUPPORTED_SASL_MECHANISM: "authentication failed",
    KafkaError.ILLEGAL_SASL_STATE: "authentication failed",
    KafkaError._SSL: "TLS handshake failed",
}


#: Delivery errors of a transaction that aborting and sending again recovers from.
TRANSIENT_DELIVERY_CODES = frozenset(
    {
        KafkaError._PURGE_QUEUE,
        KafkaError._PURGE_INFLIGHT,
        KafkaError._MSG_TIMED_OUT,
        KafkaError._TIMED_OUT,
        KafkaError._TRANSPORT,
        KafkaError._FENCED,
        KafkaError._STATE,
        KafkaError.INVALID_PRODUCER_EPOCH,
        KafkaError.PRODUCER_FENCED,
        KafkaError.UNKNOWN_PRODUCER_ID,
        KafkaError.OUT_OF_ORDER_SEQUENCE_NUMBER,
        KafkaError.NOT_LEADER_FOR_PARTITION,
        KafkaError.INVALID_TXN_STATE,
        KafkaError.CONCURRENT_TRANSACTIONS,
    }
)


def _quiet_logger() -> logging.Logger:
    """librdkafka's own log lines, shown at --log-level debug (streamsim logs the failures it acts on)."""
    logger = logging.getLogger("streamsim.librdkafka")
    debug = logging.getLogger("streamsim").getEffectiveLevel() <= logging.DEBUG
    logger.setLevel(logging.DEBUG if debug else logging.CRITICAL)
    return logger


def security_failure(err: KafkaError) -> str | None:
    """What an authentication or TLS error means in words, or None for other errors."""
    meaning = AUTH_CODES.get(err.code())
    if meaning is None:
        text = err.str().lower()
        if "sasl authentication" in text or "authentication failed" in text:
            meaning = "authentication failed"
        elif "ssl handshake" in text or "certificate verify" in text:
            meaning = "TLS handshake failed"
    return meaning


def connect(config: dict[str, Any], timeout: float) -> tuple[AdminClient, set[str]]:
    """An admin client and the cluster's topics, retrying with backoff for up to ``timeout`` seconds.

    Authentication and TLS failures end the retries at once: waiting does not fix credentials.
    """
    errors: list[KafkaError] = []
    admin = new_client(AdminClient, {**config, "error_cb": errors.append})
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
        admin.poll(0)  # serve error callbacks: they say why (authentication, TLS)
        for err in errors:
            meaning = security_failure(err)
            if meaning is not None:
                raise RunFailure(f"Kafka at {servers}: {meaning}: {err.str()}")
        errors.clear()
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
    delivery reports until there is room (or the run is stopping). ``close``
    flushes with ``flush_timeout`` and leaves what is still undelivered in
    ``undelivered``. A delivery failure or a fatal producer error stops the run
    (RunFailure). ``start`` and ``end`` bound the run's event times, to check
    the topics' retention and timestamp limits before the first event.
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
        start: float | None = None,
        end: float | None = None,
    ) -> None:
        super().__init__()
        self.options = options
        self.topics = list(topics)
        self.shard = shard
        self.start, self.end = start, end
        self.headers: list[tuple[str, str | bytes | None]] = [
            ("scenario", scenario),
            ("schema_version", str(schema_version)),
            ("shard", shard),
        ]
        self.transactional_id = options.transactional_id or default_transactional_id(
            self.topics[0] if self.topics else "streamsim", shard
        )
        self._producer: Producer | None = None
        self._problem: str | None = None  # first delivery failure or fatal error: stops the run
        self._brokers_down = False  # librdkafka reported the brokers away; cleared by a delivery
        self._outage_errors = 0  # errors of the current outage (logged once, counted)
        self._outage_since = 0.0
        # --exactly-once: the records of the open transaction (sent again if it is aborted)
        self._transactional = options.exactly_once
        self._pending: list[Outgoing] = []
        self._commit_due = 0.0
        self._closing = False  # the last commit: no transaction after it
        self._last_error: str | None = None  # why the broker aborted the transaction, for the log
        self._gave_up = False  # a transaction call ran out of --flush-timeout: do not try again

    @classmethod
    def from_config(cls, resolved: Resolved, topics: Sequence[str], scenario: Scenario[Any]) -> Self:
        options = resolved.get(KafkaOptions)
        if options.resume:
            missing = [name for name in ("seed", "start") if name not in resolved.sources]
            if missing:
                raise UsageError(
                    "--resume needs "
                    + " and ".join(f"--{n}" for n in missing)
                    + ", the same as the run it resumes (so the stream is the same)"
                )
        engine = resolved.get(EngineOptions) if EngineOptions in resolved.models else None
        return cls(
            options,
            topics,
            scenario=scenario.name,
            schema_version=scenario.schema_version,
            shard=str(scenario.shard),
            start=scenario.start,
            end=engine.end if engine is not None else None,
        )

    def open(self) -> None:
        config = self.options.producer_config()
        admin, existing = connect(self.options.client_config(), self.options.connect_timeout)
        self._create_topics(admin, existing)
        self._check_topic_limits(admin)
        if self._transactional:
            config = {**config, "transactional.id": self.transactional_id}
        self._producer = new_client(
            Producer, {**config, "error_cb": self._on_error, "on_delivery": self._on_delivery}
        )
        if self._transactional:
            # An earlier producer with this id may have left a transaction the broker still aborts.
            deadline = time.monotonic() + self.options.connect_timeout
            self._transaction_call(
                "initialise transactions",
                self._producer.init_transactions,
                deadline,
                limit="--connect-timeout",
            )
            if self.options.resume:
                self.resume_from = (
                    last_committed_sequence(self.options.client_config(), self.topics, self.shard) + 1
                )
                log.info(
                    "resuming shard %s after sequence %d (the last one committed in %s)",
                    self.shard,
                    self.resume_from - 1,
                    ", ".join(self.topics),
                )
            self._producer.begin_transaction()
            self._commit_due = time.monotonic() + self.options.transaction_interval
        log.info(
            "producing to %s at %s%s",
            ", ".join(self.topics),
            config["bootstrap.servers"],
            f" (exactly once, transactional.id {self.transactional_id})" if self._transactional else "",
        )

    def _create_topics(self, admin: AdminClient, existing: set[str]) -> None:
        missing = [t for t in self.topics if t not in existing]
        if not missing:
            return
        settings = self.options.topic_settings()
        new = [
            NewTopic(t, self.options.partitions, self.options.replication_factor, config=settings)
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
                if exc.args[0].code() in (KafkaError.INVALID_CONFIG, KafkaError.INVALID_REQUEST):
                    raise UsageError(
                        f"invalid value for --topic-config: topic {topic!r}: {describe(exc)}"
                    ) from None
                raise RunFailure(f"cannot create topic {topic!r}: {describe(exc)}") from None
            log.info(
                "created topic %s (%d partitions, replication factor %d)",
                topic,
                self.options.partitions,
                self.options.replication_factor,
            )

    def write(self, record: Record) -> None:
        self._send(record.topic, record.value, record.key, record.time, record.event_type, record.sequence)

    def write_batch(self, batch: Batch, topics: Sequence[str], sequence: int) -> None:
        # The batch's records go straight to the producer: no Record object per event.
        send = self._send
        for stream, key, event_type, _, t, _, value, _ in batch.records():
            send(topics[stream], value, key, t, event_type, sequence)
            sequence += 1

    def _send(self, topic: str, value: bytes, key: str, t: float, event_type: str, sequence: int) -> None:
        """Accept one record: produce it (in the open transaction with --exactly-once)."""
        self.accepted += 1
        producer = self._producer
        if self._problem is not None or producer is None:
            self.failed += 1
            raise RunFailure(self._problem or "the Kafka sink is not open")
        timestamp = epoch_millis(t)
        headers: list[tuple[str, str | bytes | None]] = [
            *self.headers,
            ("event_type", event_type),
            ("sequence", str(sequence)),
        ]
        self._produce(producer, (topic, value, key, timestamp, headers))
        if self._transactional:
            self._pending.append((topic, value, key, timestamp, headers))
            if len(self._pending) >= self.options.transaction_events or (
                not sequence & 63 and time.monotonic() >= self._commit_due
            ):
                self._commit(producer)
        elif not sequence & 63:  # serve delivery reports; every write would cost more than it helps
            producer.poll(0)

    def _produce(self, producer: Producer, message: Outgoing, *, again: bool = False) -> None:
        """Hand one message to librdkafka, waiting for room in its queue (``again``: a resent one)."""
        topic, value, key, timestamp, headers = message
        while True:
            try:
                producer.produce(topic, value, key, timestamp=timestamp, headers=headers)
                return
            except BufferError:
                if self.stopping.is_set() or self._closing:  # a signal: do not wait for room
                    if again:  # the aborted transaction's events stay undelivered
                        raise RunFailure("stopped while sending an aborted transaction again") from None
                    self.accepted -= 1  # end generation now: this record was not accepted
                    raise WriteInterrupted from None
                producer.poll(0.1)  # the local queue is full: serve delivery reports to make room
            except KafkaException as exc:  # e.g. larger than message.max.bytes
                self.failed += 1
                raise RunFailure(f"Kafka refused an event for {topic}: {describe(exc)}") from None

    # -- transactions (--exactly-once) --------------------------------------------------

    def _transaction_call(
        self,
        what: str,
        call: Any,
        deadline: float | None = None,
        *,
        limit: str = "--flush-timeout",
        aborting: bool = False,
    ) -> bool:
        """Call a transaction API until it succeeds; False when the transaction must be aborted.

        Retriable errors (a broker away) are retried until ``deadline`` (then RunFailure);
        fatal ones (fenced by a newer run with the same transactional.id) stop the run. A
        record the broker refused (a delivery report) also ends the retries: abort.
        """
        while True:
            if deadline is None and (self.stopping.is_set() or self._closing):  # then --flush-timeout
                deadline = time.monotonic() + self.options.flush_timeout
            attempt = TXN_ATTEMPT_TIMEOUT
            if deadline is not None:
                attempt = max(0.1, min(attempt, deadline - time.monotonic()))
            try:
                call(attempt)
                return True
            except KafkaException as exc:
                err = exc.args[0]
                if err.fatal():
                    self._problem = self._problem or f"fatal Kafka producer error: {err.str()}"
                    raise RunFailure(f"cannot {what}: {err.str()}") from None
                if err.txn_requires_abort():
                    return False
                if not err.retriable():
                    raise RunFailure(f"cannot {what}: {err.str()}") from None
                if self._producer is not None:
                    self._producer.poll(0)  # delivery reports: did the broker refuse a record?
                if self._problem is not None and not aborting:
                    return False
                if deadline is not None and time.monotonic() >= deadline:
                    self._gave_up = True
                    raise RunFailure(f"cannot {what} within {limit}: {err.str()}") from None
                log.debug("retrying to %s: %s", what, err.str())

    def _commit(self, producer: Producer, deadline: float | None = None) -> None:
        """Commit the open transaction (sending it again if the broker aborted it), begin the next."""
        while not self._transaction_call("commit a transaction", producer.commit_transaction, deadline):
            self._abort(producer, deadline)
            producer.poll(0)  # the aborted records' delivery reports: did the broker refuse one?
            if self._problem is not None:  # then sending again cannot help
                raise RunFailure(self._problem)
            log.warning(
                "Kafka aborted a transaction of %d events (%s); sending it again",
                len(self._pending),
                self._last_error or "broker failure",
            )
            producer.begin_transaction()
            for message in self._pending:
                self._produce(producer, message, again=True)
        self.delivered += len(self._pending)
        self._pending.clear()
        self._commit_due = time.monotonic() + self.options.transaction_interval
        if not self._closing:
            producer.begin_transaction()

    def _abort(self, producer: Producer, deadline: float | None) -> None:
        """Abort the open transaction (its records are purged; a read_committed consumer never sees them)."""
        call = producer.abort_transaction
        while not self._transaction_call("abort a transaction", call, deadline, aborting=True):
            pass

    # -- end ------------------------------------------------------------------------------

    def flush(self) -> None:
        producer = self._producer
        if producer is None:
            return
        if self._transactional:  # idle in real time: commit when --transaction-interval is due
            if self._pending and time.monotonic() >= self._commit_due:
                self._commit(producer)
        else:
            producer.flush(self.options.flush_timeout)

    def _close_transaction(self, producer: Producer) -> None:
        """Commit the last transaction; abort it when that fails, so that the next run with this
        transactional.id need not wait for the broker to time it out."""
        self._closing = True
        deadline = time.monotonic() + self.options.flush_timeout
        if self._pending and self._problem is None and not self._gave_up:
            try:
                self._commit(producer, deadline)
            except RunFailure as exc:
                if str(exc) != self._problem:  # a refused record is logged when reported
                    log.error("%s", exc)
        if not self._pending:
            return
        try:
            producer.abort_transaction(max(0.1, min(TXN_ATTEMPT_TIMEOUT, deadline - time.monotonic())))
            aborted = True
        except KafkaException:  # the broker is away: it aborts the transaction when it times out
            aborted = False
        if aborted or self._problem is not None:  # definitely not delivered
            self.failed += len(self._pending)
            self._pending.clear()

    def close(self) -> None:
        producer = self._producer
        if producer is None:
            return
        try:
            if self._transactional:
                self._close_transaction(producer)
            else:
                self.flush()
        finally:
            self._producer = None
        if self.undelivered:
            log.error(
                "%d accepted events were not delivered within --flush-timeout %s",
                self.undelivered,
                format_duration(self.options.flush_timeout),
            )

    def queue_length(self) -> int:
        producer = self._producer
        return len(producer) if producer is not None else 0

    def connected(self) -> bool:
        return self._producer is not None and not self._brokers_down

    def _on_delivery(self, err: KafkaError | None, msg: Message) -> None:
        if err is None:
            if not self._transactional:  # transactions count their records when committed
                self.delivered += 1
            if self._brokers_down:
                self._back()
            latency = msg.latency()
            if latency is not None:
                self.observe_latency(latency)
            return
        if self._transactional:
            # The transaction is aborted and sent again, unless the broker refused the record itself.
            self._last_error = err.str()
            if err.retriable() or err.code() in TRANSIENT_DELIVERY_CODES or self._problem is not None:
                return
            self._problem = f"delivery to {msg.topic()} failed: {err.str()}"
            log.error("%s", self._problem)
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
        if err.fatal():
            self._problem = self._problem or f"fatal Kafka producer error: {err.str()}"
            log.error("%s", self._problem)
        elif err.code() in OUTAGE_CODES:  # librdkafka reconnects and retries by itself
            self._outage_errors += 1
            if not self._brokers_down:
                self._brokers_down = True
                self._outage_since = time.monotonic()
                log.warning("Kafka unreachable (%s); retrying until it is back", err.str())
        else:
            meaning = security_failure(err)
            log.warning("Kafka: %s%s", f"{meaning}: " if meaning else "", err.str())

    def _back(self) -> None:
        """The first delivery after an outage: one line saying how long and how many errors."""
        self._brokers_down = False
        log.warning(
            "Kafka reachable again after %s (%d connection errors)",
            format_duration(time.monotonic() - self._outage_since),
            self._outage_errors,
        )
        self._outage_errors = 0

    # -- topic limits -------------------------------------------------------------------

    def _check_topic_limits(self, admin: AdminClient) -> None:
        """Stop (exit 2) before the first event when a topic would delete or reject events of the run."""
        if self.start is None or not self.topics:
            return
        resources = [ConfigResource(ResourceType.TOPIC, t) for t in self.topics]
        try:
            described = {
                res.name: {name: entry.value for name, entry in future.result().items()}
                for res, future in admin.describe_configs(resources, request_timeout=30).items()
            }
        except KafkaException as exc:
            log.warning("cannot check the topics' retention and timestamp limits: %s", describe(exc))
            return
        now = time.time()
        for topic in self.topics:
            problem = topic_limit_problem(described.get(topic, {}), self.start, self.end, now)
            if problem is None:
                continue
            setting, consequence = problem
            line = (
                f"topic {topic!r} has {setting}: it would {consequence}, and the oldest event "
                f"time of this run is {iso_utc(self.start)}"
            )
            if self.options.ignore_topic_limits:
                log.warning("%s; writing anyway (--ignore-topic-limits)", line)
                continue
            raise UsageError(
                f"{line}: change the topic's config (e.g. kafka-configs --alter --entity-type topics "
                f"--entity-name {topic} --add-config {setting.split('=')[0]}=...) or pass "
                "--ignore-topic-limits to write anyway"
            )


def default_transactional_id(topic: str, shard: str) -> str:
    """A stable transactional.id per main topic and shard: a restarted run fences the previous one.

    >>> default_transactional_id("transaction_fraud_detection", "1/4")
    'streamsim-transaction_fraud_detection-1-of-4'
    """
    return f"streamsim-{topic}-{shard.replace('/', '-of-')}"


def topic_limit_problem(
    config: Mapping[str, str | None], start: float, end: float | None, now: float
) -> tuple[str, str] | None:
    """(setting, what it would do) when a topic config deletes or rejects events in [start, end].

    Retention counts from the message timestamp (CreateTime): events older than
    ``now - retention.ms`` are deleted within minutes.

    >>> topic_limit_problem({"retention.ms": "604800000"}, start=0.0, end=None, now=30 * 86400.0)
    ('retention.ms=604800000 (7d)', 'delete events older than 1970-01-24T00:00:00.000000+00:00')
    >>> topic_limit_problem({"retention.ms": "-1"}, start=0.0, end=None, now=30 * 86400.0) is None
    True
    """

    def millis(name: str) -> int | None:
        value = config.get(name)
        try:
            return None if value is None else int(value)
        except ValueError:
            return None

    if (config.get("message.timestamp.type") or "CreateTime") != "CreateTime":
        return None  # LogAppendTime: the broker stamps messages, event time does not matter
    retention = millis("retention.ms")
    delete = "delete" in (config.get("cleanup.policy") or "delete")
    if delete and retention is not None and retention >= 0 and start < now - retention / 1000:
        return (
            f"retention.ms={retention} ({format_duration(retention / 1000)})",
            f"delete events older than {iso_utc(now - retention / 1000)}",
        )
    for name in ("message.timestamp.before.max.ms", "message.timestamp.difference.max.ms"):
        limit = millis(name)
        if limit is not None and start < now - limit / 1000:
            return (
                f"{name}={limit} ({format_duration(limit / 1000)})",
                f"reject events older than {iso_utc(now - limit / 1000)}",
            )
    if end is not None:
        for name in ("message.timestamp.after.max.ms", "message.timestamp.difference.max.ms"):
            limit = millis(name)
            if limit is not None and end > now + limit / 1000:
                return (
                    f"{name}={limit} ({format_duration(limit / 1000)})",
                    f"reject events later than {iso_utc(now + limit / 1000)} "
                    f"(the run ends at {iso_utc(end)})",
                )
    return None


def last_committed_sequence(config: dict[str, Any], topics: Sequence[str], shard: str) -> int:
    """The highest ``sequence`` header of ``shard`` committed in ``topics``; -1 when there is none.

    Reads every partition backwards from its end, in windows growing fourfold, with a
    read_committed consumer, until it finds a message of the shard (a producer writes a
    partition in order, so the last message of the shard there has its highest sequence).
    """
    consumer = new_client(
        Consumer,
        {
            **config,
            "group.id": "streamsim-resume",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "isolation.level": "read_committed",
            "fetch.wait.max.ms": 10,
        },
    )
    wanted = shard.encode()
    best = -1
    try:
        metadata = consumer.list_topics(timeout=30)
        # (topic, partition) -> [low, end of the window still to read]
        left: dict[tuple[str, int], list[int]] = {}
        for topic in topics:
            info = metadata.topics.get(topic)
            for partition in sorted(info.partitions) if info is not None else ():
                low, high = consumer.get_watermark_offsets(TopicPartition(topic, partition), timeout=30)
                if high > low:
                    left[topic, partition] = [low, high]
        window = 1000
        while left:
            found = _read_windows(consumer, left, window, wanted)
            for where, sequence in found.items():
                best = max(best, sequence)
                del left[where]
            for where, bounds in list(left.items()):
                bounds[1] = max(bounds[0], bounds[1] - window)
                if bounds[1] == bounds[0]:
                    del left[where]
            window *= 4
    except KafkaException as exc:
        raise RunFailure(
            f"cannot read back the last committed sequence (--resume): {describe(exc)}"
        ) from None
    finally:
        consumer.close()
    return best


def _read_windows(
    consumer: Consumer, left: dict[tuple[str, int], list[int]], window: int, shard: bytes
) -> dict[tuple[str, int], int]:
    """The highest sequence of ``shard`` in the last ``window`` offsets before each partition's bound."""
    consumer.assign([TopicPartition(t, p, max(low, stop - window)) for (t, p), (low, stop) in left.items()])
    found: dict[tuple[str, int], int] = {}
    pending = set(left)
    deadline = time.monotonic() + 120
    while pending:
        if time.monotonic() > deadline:
            raise RunFailure("cannot read back the last committed sequence (--resume): timed out")
        for msg in consumer.consume(1000, timeout=0.1):  # returns early only at the timeout
            where = (msg.topic() or "", msg.partition() or 0)
            err = msg.error()
            if err is not None:
                if err.code() != KafkaError._PARTITION_EOF:
                    raise KafkaException(err)
                pending.discard(where)
                continue
            offset = msg.offset()
            if where not in pending or offset is None or offset >= left[where][1]:
                pending.discard(where)  # past the window (read in an earlier one)
                continue
            headers = dict(msg.headers() or [])
            sequence = headers.get("sequence")
            if headers.get("shard") == shard and sequence is not None:
                found[where] = max(found.get(where, -1), int(sequence))
    consumer.unassign()
    return found
