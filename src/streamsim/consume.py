"""`streamsim consume`: print the events of a Kafka topic as JSON lines."""

from __future__ import annotations

import base64
import threading
import time
from typing import IO, Any, ClassVar

import orjson
from pydantic import Field, model_validator

from streamsim.config import DurationValue, Options, TopicName
from streamsim.errors import RunFailure
from streamsim.sinks.kafka_options import KafkaOptions

#: Messages fetched per poll; output is flushed after each batch.
BATCH = 500
#: Key of the object that stands for a value that is not JSON: its bytes in base64.
RAW_KEY = "_raw_base64"


class ConsumeOptions(Options):
    """What to read and when to stop."""

    group_title: ClassVar[str] = "Consume"

    topic: TopicName | None = Field(None, description="Topic to read.", json_schema_extra={"metavar": "NAME"})
    from_beginning: bool = Field(
        False, description="Start at the oldest message of each partition instead of the newest."
    )
    count: int | None = Field(
        None,
        ge=1,
        le=2**63 - 1,
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


def consume(kafka: KafkaOptions, options: ConsumeOptions, out: IO[bytes]) -> tuple[int, str]:
    """Write the topic's messages to ``out``, one JSON document a line.

    Returns how many messages were written and why it stopped. SIGINT/SIGTERM while
    messages are read stop it cleanly (what was read stays printed); during start-up they
    interrupt it.
    """
    # Through the sink module: its guarded import names the extra when confluent-kafka is missing.
    from streamsim.runner import stop_on_signals
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
        stop = threading.Event()
        with stop_on_signals(stop):
            return _copy(consumer, options, out, stop)
    finally:
        consumer.close()


def _copy(consumer: Any, options: ConsumeOptions, out: IO[bytes], stop: threading.Event) -> tuple[int, str]:
    from streamsim.sinks.kafka import describe

    seen = 0
    idle_since = time.monotonic()
    while options.count is None or seen < options.count:
        if stop.is_set():
            return seen, "stopped by signal"
        wanted = BATCH if options.count is None else min(BATCH, options.count - seen)
        messages = consumer.consume(wanted, timeout=0.5)
        if not messages:
            if options.idle_timeout is not None and time.monotonic() - idle_since >= options.idle_timeout:
                return seen, "reached --idle-timeout"
            continue
        idle_since = time.monotonic()
        lines = []
        for msg in messages:
            if msg.error():
                raise RunFailure(f"cannot read {options.topic!r}: {describe(msg.error())}")
            lines.append(_render(msg) if options.metadata else format_value(msg.value()))
        out.write(b"\n".join(lines) + b"\n")
        out.flush()
        seen += len(lines)
    return seen, "reached --count"


def format_value(value: bytes | None) -> bytes:
    """A message value as one line of JSON: the value itself when it is one line of JSON.

    A tombstone (no value) is ``null``; a value that is not JSON (or not UTF-8) is
    ``{"_raw_base64": ...}``, its bytes in base64; JSON spread over several lines is
    rewritten compactly on one line.

    >>> format_value(b'{"a": 1}'), format_value(None), format_value(b"\\xff")
    (b'{"a": 1}', b'null', b'{"_raw_base64":"/w=="}')
    """
    if value is None:
        return b"null"
    try:
        document = orjson.loads(value)
    except orjson.JSONDecodeError:
        return orjson.dumps({RAW_KEY: base64.b64encode(value).decode("ascii")})
    if b"\n" in value or b"\r" in value:
        return orjson.dumps(document)
    return value


def _render(msg: Any) -> bytes:
    """A message with its metadata; the value is embedded as :func:`format_value` prints it."""
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
            "value": orjson.Fragment(format_value(msg.value())),
        }
    )
