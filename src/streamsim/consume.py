"""`streamsim consume`: print the events of a Kafka topic as JSON lines."""

from __future__ import annotations

import time
from typing import IO, Any, ClassVar

import orjson
from pydantic import Field, model_validator

from streamsim.config import DurationValue, Options
from streamsim.errors import RunFailure
from streamsim.sinks.kafka_options import KafkaOptions

#: Messages fetched per poll; output is flushed after each batch.
BATCH = 500


class ConsumeOptions(Options):
    """What to read and when to stop."""

    group_title: ClassVar[str] = "Consume"

    topic: str | None = Field(
        None, min_length=1, description="Topic to read.", json_schema_extra={"metavar": "NAME"}
    )
    from_beginning: bool = Field(
        False, description="Start at the oldest message of each partition instead of the newest."
    )
    count: int | None = Field(
        None,
        ge=1,
        description="Stop after this many messages.",
        json_schema_extra={"metavar": "N", "short": "-n"},
    )
    idle_timeout: DurationValue | None = Field(
        None,
        description="Stop when no message arrives for this long. Default: wait for more until interrupted.",
        json_schema_extra={"metavar": "DURATION"},
    )
    metadata: bool = Field(
        False,
        description="Print each message as {topic, partition, offset, timestamp, key, headers, value} "
        "instead of its value alone.",
    )

    @model_validator(mode="after")
    def _topic_given(self) -> ConsumeOptions:
        if self.topic is None:
            raise ValueError("streamsim consume needs --topic NAME")
        return self


def consume(kafka: KafkaOptions, options: ConsumeOptions, out: IO[bytes]) -> int:
    """Write the topic's messages to ``out``, one JSON document a line; returns how many."""
    # Through the sink module: its guarded import names the extra when confluent-kafka is missing.
    from streamsim.sinks.kafka import (
        OFFSET_BEGINNING,
        OFFSET_END,
        Consumer,
        TopicPartition,
        connect,
        new_client,
    )

    topic = options.topic
    assert topic is not None  # checked by ConsumeOptions
    config = kafka.client_config()
    _, topics = connect(config, kafka.connect_timeout)
    if topic not in topics:
        raise RunFailure(f"topic {topic!r} does not exist at {config['bootstrap.servers']}")
    consumer = new_client(
        Consumer,
        # Partitions are assigned, not subscribed: the group id is required but nothing is committed.
        {**config, "group.id": "streamsim-consume", "enable.auto.commit": False},
    )
    try:
        partitions = consumer.list_topics(topic, timeout=kafka.connect_timeout).topics[topic].partitions
        start = OFFSET_BEGINNING if options.from_beginning else OFFSET_END
        consumer.assign([TopicPartition(topic, p, start) for p in sorted(partitions)])
        return _copy(consumer, options, out)
    finally:
        consumer.close()


def _copy(consumer: Any, options: ConsumeOptions, out: IO[bytes]) -> int:
    from streamsim.sinks.kafka import describe

    seen = 0
    idle_since = time.monotonic()
    while options.count is None or seen < options.count:
        wanted = BATCH if options.count is None else min(BATCH, options.count - seen)
        messages = consumer.consume(wanted, timeout=0.5)
        if not messages:
            if options.idle_timeout is not None and time.monotonic() - idle_since >= options.idle_timeout:
                break
            continue
        idle_since = time.monotonic()
        lines = []
        for msg in messages:
            if msg.error():
                raise RunFailure(f"cannot read {options.topic!r}: {describe(msg.error())}")
            lines.append(_render(msg) if options.metadata else msg.value())
        out.write(b"\n".join(lines) + b"\n")
        out.flush()
        seen += len(lines)
    return seen


def _render(msg: Any) -> bytes:
    """A message with its metadata; the value is embedded as it is (byte for byte)."""
    key = msg.key()
    return orjson.dumps(
        {
            "topic": msg.topic(),
            "partition": msg.partition(),
            "offset": msg.offset(),
            "timestamp": msg.timestamp()[1],
            "key": None if key is None else key.decode("utf-8", "replace"),
            "headers": {
                k: None if v is None else v.decode("utf-8", "replace") for k, v in msg.headers() or []
            },
            "value": orjson.Fragment(msg.value()),
        }
    )
