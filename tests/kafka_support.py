"""Helpers for tests against a real Kafka broker: read topics back, run the CLI, probe conditions."""

from __future__ import annotations

import calendar
import os
import re
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Any

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaError, KafkaException, TopicPartition

#: The SCRAM-SHA-512 user of the secured test broker (a test credential).
SCRAM_USER, SCRAM_PASSWORD = "streamsim", "pw-4b1d7e9a-never-shown"

READ_TIMEOUT = 120.0  # generous: the machine is shared and slow at times


@dataclass(frozen=True)
class Message:
    topic: str
    partition: int
    offset: int
    timestamp: int
    key: bytes | None
    value: bytes
    headers: dict[str, str]

    @property
    def sequence(self) -> int:
        return int(self.headers["sequence"])


def unique_topic(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def _consumer(bootstrap: str) -> Consumer:
    return Consumer(
        {"bootstrap.servers": bootstrap, "group.id": "streamsim-tests", "enable.auto.commit": False}
    )


def end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    """High watermark of each partition (how many messages each holds; nothing is ever deleted here)."""
    consumer = _consumer(bootstrap)
    try:
        partitions = consumer.list_topics(topic, timeout=30).topics[topic].partitions
        return {
            p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=30)[1]
            for p in sorted(partitions)
        }
    finally:
        consumer.close()


def message_count(bootstrap: str, topic: str) -> int:
    try:
        return sum(end_offsets(bootstrap, topic).values())
    except (KeyError, KafkaException):  # the topic does not exist, or has no leader, yet
        return 0


def read_topic(bootstrap: str, topic: str) -> list[Message]:
    """Every message of a topic, partition by partition in offset order (read up to the high watermarks)."""
    ends = end_offsets(bootstrap, topic)
    consumer = _consumer(bootstrap)
    out: list[Message] = []
    try:
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in ends])
        deadline = time.monotonic() + READ_TIMEOUT
        while len(out) < sum(ends.values()):
            assert time.monotonic() < deadline, f"read {len(out)} of {sum(ends.values())} messages of {topic}"
            for msg in consumer.consume(1000, timeout=1.0):
                assert msg.error() is None, msg.error()
                out.append(_message(msg))
    finally:
        consumer.close()
    return sorted(out, key=lambda m: (m.partition, m.offset))


def read_committed(bootstrap: str, topic: str, **config: Any) -> list[Message]:
    """Every committed message of a topic, as a read_committed consumer sees it (aborted ones skipped).

    Reads each partition up to its end (the last stable offset), partition by partition in offset order.
    """
    consumer = Consumer(
        {
            "bootstrap.servers": bootstrap,
            "group.id": "streamsim-tests",
            "enable.auto.commit": False,
            "enable.partition.eof": True,
            "isolation.level": "read_committed",
            **config,
        }
    )
    out: list[Message] = []
    try:
        partitions = consumer.list_topics(topic, timeout=30).topics[topic].partitions
        consumer.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions])
        pending = set(partitions)
        deadline = time.monotonic() + READ_TIMEOUT
        while pending:
            assert time.monotonic() < deadline, f"read {len(out)} messages of {topic}, then nothing"
            for msg in consumer.consume(1000, timeout=0.2):
                error = msg.error()
                if error is not None and error.code() == KafkaError._PARTITION_EOF:
                    pending.discard(msg.partition())
                    continue
                assert error is None, error
                out.append(_message(msg))
    finally:
        consumer.close()
    return sorted(out, key=lambda m: (m.partition, m.offset))


def iso_millis(text: str) -> int:
    """Milliseconds since the epoch of an ISO-8601 UTC time as the events print it, truncated (exact)."""
    found = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?\+00:00", text)
    assert found, text
    *parts, fraction = found.groups()
    seconds = calendar.timegm((*(int(p) for p in parts), 0, 0, 0))
    return seconds * 1000 + int((fraction or "0").ljust(6, "0")) // 1000


def _message(msg: Any) -> Message:
    return Message(
        topic=msg.topic(),
        partition=msg.partition(),
        offset=msg.offset(),
        timestamp=msg.timestamp()[1],
        key=msg.key(),
        value=msg.value(),
        headers={k: v.decode() for k, v in msg.headers() or []},
    )


def streamsim(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """The CLI in a child process (so signals and exit statuses are real); ``env`` adds variables."""
    return subprocess.Popen(
        [sys.executable, "-m", "streamsim", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def events_in_summary(stderr: str) -> int:
    """The event count of a run's closing `done:` log line."""
    found = re.search(r" done: \w+: ([\d,]+) events", stderr)
    assert found, stderr
    return int(found.group(1).replace(",", ""))
