"""Trusted delivery against a real broker: retention of backfills, exactly once, faults at shutdown."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import threading
import urllib.error
import urllib.request

import pytest
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic
from infra.kafka import Broker, broker, free_port

from kafka_support import (
    Message,
    events_in_summary,
    message_count,
    read_committed,
    streamsim,
    unique_topic,
)
from streamsim.registry import get_scenario
from support import START, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

PROCESS_TIMEOUT = 300  # a guard against hangs, not a timing assertion


def _finish(process: subprocess.Popen[str], timeout: float = PROCESS_TIMEOUT) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def _topic_config(bootstrap: str, topic: str) -> dict[str, str]:
    from confluent_kafka.admin._config import ConfigResource
    from confluent_kafka.admin._resource import ResourceType

    admin = AdminClient({"bootstrap.servers": bootstrap})
    [future] = admin.describe_configs([ConfigResource(ResourceType.TOPIC, topic)]).values()
    return {name: entry.value for name, entry in future.result(timeout=60).items()}


def _create(bootstrap: str, topic: str, **config: str) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(topic, 1, 1, config=config)])[topic].result(timeout=60)


def _committed_run(bootstrap: str, scenario: str, main: str) -> list[Message]:
    """What a read_committed consumer sees of every topic of a run, in sequence order."""
    topics = get_scenario(scenario)(seed=0, start=0.0).topics(main).values()
    existing = set(AdminClient({"bootstrap.servers": bootstrap}).list_topics(timeout=30).topics)
    messages = [m for t in topics if t in existing for m in read_committed(bootstrap, t)]
    return sorted(messages, key=lambda m: m.sequence)


def _assert_exactly_once(messages: list[Message], count: int) -> None:
    """0 lost, 0 duplicated: the sequences are exactly 0..count-1, each once."""
    sequences = [m.sequence for m in messages]
    duplicated = len(sequences) - len(set(sequences))
    lost = len(set(range(count)) - set(sequences))
    assert (lost, duplicated) == (0, 0), f"{lost} lost, {duplicated} duplicated of {count}"
    assert set(sequences) == set(range(count))


def _pid(b: Broker) -> int:
    """The pid of the broker running from ``b``'s folder now (a restart gives it a new one)."""
    running = broker.status(b.home)
    assert running is not None
    return running.pid


def _kill_and_restart(b: Broker) -> None:
    """SIGKILL the broker (no clean shutdown), then start it again on the same storage and port."""
    os.kill(_pid(b), signal.SIGKILL)
    wait_until(lambda: broker.status(b.home) is None, "the broker to be gone")
    broker.start(b.home, tied=True)


def _metric(port: int, name: str) -> float:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            text = response.read().decode()
    except (urllib.error.URLError, ConnectionError):
        return -1.0
    found = re.search(rf"^{name}(?:{{[^}}]*}})? (\S+)$", text, re.M)
    return float(found.group(1)) if found else -1.0


# -- backfilled data must not vanish --------------------------------------------------------------


def test_created_topics_keep_a_backfill_and_take_topic_config(bootstrap: str) -> None:
    topic = unique_topic("backfill")
    code, _, err = _finish(
        streamsim(
            "run", "fraud", "--seed", "3", "--start", "now-30d", "--speed", "max", "-n", "2000",
            "--sink", "kafka", "--bootstrap-servers", bootstrap, "--topic", topic,
            "--topic-config", "segment.bytes=1048576", "--topic-config", "compression.type=lz4",
        )
    )  # fmt: skip
    assert code == 0, err
    config = _topic_config(bootstrap, topic)
    assert config["retention.ms"] == "-1"
    assert (config["segment.bytes"], config["compression.type"]) == ("1048576", "lz4")
    assert message_count(bootstrap, topic) == 2000


def test_topic_config_overrides_the_retention(bootstrap: str) -> None:
    topic = unique_topic("retention")
    code, _, err = _finish(
        streamsim(
            "run", "eta", "--seed", "3", "--start", "now-1h", "--speed", "max", "-n", "10",
            "--sink", "kafka", "--bootstrap-servers", bootstrap, "--topic", topic,
            "--topic-config", "retention.ms=172800000",
        )
    )  # fmt: skip
    assert code == 0, err
    assert _topic_config(bootstrap, topic)["retention.ms"] == "172800000"


def test_an_existing_topic_that_would_delete_the_backfill_is_refused_before_the_first_event(
    bootstrap: str,
) -> None:
    topic = unique_topic("short-retention")
    _create(bootstrap, topic)  # Kafka's default retention: 7 days
    args = [
        "run", "fraud", "--seed", "3", "--start", "2025-01-01T00:00:00Z", "--speed", "max", "-n", "500",
        "--sink", "kafka", "--bootstrap-servers", bootstrap, "--topic", topic,
    ]  # fmt: skip
    code, _, err = _finish(streamsim(*args))
    assert code == 2, err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"streamsim: error: topic {topic!r} has retention.ms=604800000 (7d)")
    assert "oldest event time of this run is 2025-01-01T00:00:00" in last
    assert "change the topic's config" in last and "--ignore-topic-limits" in last
    assert message_count(bootstrap, topic) == 0
    # The explicit override only warns.
    code, _, err = _finish(streamsim(*args, "--ignore-topic-limits"))
    assert code == 0, err
    assert "WARNING topic" in err and "writing anyway (--ignore-topic-limits)" in err
    assert message_count(bootstrap, topic) == 500


def test_an_existing_topic_that_would_reject_old_timestamps_is_refused(bootstrap: str) -> None:
    topic = unique_topic("before-max")
    _create(bootstrap, topic, **{"retention.ms": "-1", "message.timestamp.before.max.ms": "86400000"})
    code, _, err = _finish(
        streamsim(
            "run", "eta", "--seed", "3", "--start", "now-2d", "--speed", "max", "-n", "10",
            "--sink", "kafka", "--bootstrap-servers", bootstrap, "--topic", topic,
        )
    )  # fmt: skip
    assert code == 2, err
    last = err.strip().splitlines()[-1]
    assert f"topic {topic!r} has message.timestamp.before.max.ms=86400000 (1d)" in last
    assert "reject events older than" in last
    assert message_count(bootstrap, topic) == 0


# -- exactly once --------------------------------------------------------------------------------


def _eos_run(bootstrap: str, topic: str, *extra: str) -> subprocess.Popen[str]:
    return streamsim(
        "run", "ecommerce", "--seed", "9", "--start", START, "--speed", "max", "--sink", "kafka",
        "--bootstrap-servers", bootstrap, "--topic", topic, "--exactly-once",
        "--transaction-events", "2000", *extra,
    )  # fmt: skip


def test_exactly_once_across_a_broker_sigkill_and_restart(bootstrap: str, restartable_broker: Broker) -> None:
    topic = unique_topic("eos-kill")
    process = _eos_run(bootstrap, topic)
    try:
        wait_until(lambda: message_count(bootstrap, topic) >= 5000, "the run to be under way")
        _kill_and_restart(restartable_broker)
        before = message_count(bootstrap, topic)
        wait_until(lambda: message_count(bootstrap, topic) > before + 5000, "the run to go on")
    finally:
        # Reaped on every path: a run left behind by a failure would outlive this test.
        process.send_signal(signal.SIGTERM)
        code, _, err = _finish(process)
    assert code == 0, err
    _assert_exactly_once(_committed_run(bootstrap, "ecommerce", topic), events_in_summary(err))
    # The outage is logged once, and its end once: not a line per librdkafka error.
    assert 1 <= err.count("Kafka unreachable") <= 3, err
    assert "Kafka reachable again" in err


@pytest.mark.slow
def test_exactly_once_across_a_broker_frozen_for_30_seconds(
    bootstrap: str, restartable_broker: Broker
) -> None:
    topic = unique_topic("eos-stop")
    process = _eos_run(bootstrap, topic)
    pid = _pid(restartable_broker)
    try:
        wait_until(lambda: message_count(bootstrap, topic) >= 5000, "the run to be under way")
        os.kill(pid, signal.SIGSTOP)
        try:
            threading.Event().wait(30)  # the fault under test lasts 30 s (no condition to wait for)
        finally:
            os.kill(pid, signal.SIGCONT)
        before = message_count(bootstrap, topic)
        wait_until(lambda: message_count(bootstrap, topic) > before + 5000, "the run to go on")
    finally:
        # Reaped on every path: a run left behind by a failure would outlive this test.
        process.send_signal(signal.SIGTERM)
        code, _, err = _finish(process)
    assert code == 0, err
    _assert_exactly_once(_committed_run(bootstrap, "ecommerce", topic), events_in_summary(err))


def test_resume_after_a_sigkill_of_streamsim_continues_after_the_last_commit(bootstrap: str) -> None:
    topic = unique_topic("eos-resume")
    count = ["-n", "12000"]
    process = _eos_run(bootstrap, topic, *count)
    wait_until(lambda: message_count(bootstrap, topic) >= 3000, "the run to be under way")
    process.kill()  # SIGKILL: no flush, no commit of the open transaction
    _finish(process)
    code, _, err = _finish(_eos_run(bootstrap, topic, *count, "--resume"))
    assert code == 0, err
    found = re.search(r"resuming shard 0/1 after sequence (\d+)", err)
    assert found, err
    assert int(found.group(1)) >= 1999  # at least one transaction was committed before the kill
    events = events_in_summary(err)
    _assert_exactly_once(_committed_run(bootstrap, "ecommerce", topic), events)
    # A complete run resumed again writes nothing more.
    code, _, err = _finish(_eos_run(bootstrap, topic, *count, "--resume"))
    assert code == 0, err
    assert "delivered 0, failed 0, undelivered 0" in err
    _assert_exactly_once(_committed_run(bootstrap, "ecommerce", topic), events)


def test_resume_needs_the_seed_and_start_of_the_run_it_resumes(bootstrap: str) -> None:
    code, _, err = _finish(
        streamsim(
            "run", "eta", "--sink", "kafka", "--bootstrap-servers", bootstrap, "--exactly-once", "--resume",
        )
    )  # fmt: skip
    assert code == 2
    assert err.strip().splitlines()[-1] == (
        "streamsim: error: --resume needs --seed and --start, the same as the run it resumes "
        "(so the stream is the same)"
    )


# -- shutdown under faults ----------------------------------------------------------------------


@pytest.mark.parametrize("mode", [[], ["--exactly-once"]], ids=["default", "exactly-once"])
def test_sigterm_with_a_full_queue_and_a_frozen_broker_ends_within_the_flush_timeout(
    bootstrap: str, restartable_broker: Broker, mode: list[str]
) -> None:
    topic, port = unique_topic("frozen"), free_port()
    process = streamsim(
        "run", "eta", *mode, "--seed", "4", "--start", START, "--speed", "max", "--sink", "kafka",
        "--bootstrap-servers", bootstrap, "--topic", topic, "--flush-timeout", "2s",
        # No message timeout: without the signal ending the wait for room, the run never ends.
        "--kafka-config", "message.timeout.ms=0", "--kafka-config", "queue.buffering.max.messages=200",
        "--metrics-port", str(port), "--metrics-host", "127.0.0.1",
    )  # fmt: skip
    pid = _pid(restartable_broker)
    try:
        wait_until(lambda: message_count(bootstrap, topic) >= 1000, "the run to be under way")
        os.kill(pid, signal.SIGSTOP)
        try:
            wait_until(lambda: _metric(port, "streamsim_producer_queue_length") >= 200, "a full queue")
            process.send_signal(signal.SIGTERM)
            code, _, err = _finish(process)
        finally:
            os.kill(pid, signal.SIGCONT)
    finally:
        process.kill()  # no-op once it has exited
    assert code == 1, err
    assert "stopped by signal" in err
    n = r"([\d,]+)"
    found = re.search(rf"delivered {n}, failed {n}, undelivered {n}", err)
    assert found, err
    delivered, failed, undelivered = (int(found.group(i).replace(",", "")) for i in (1, 2, 3))
    assert failed + undelivered > 0
    assert delivered + failed + undelivered == events_in_summary(err)
    assert "not delivered" in err.strip().splitlines()[-1]


@pytest.mark.parametrize("mode", [[], ["--exactly-once"]], ids=["default", "exactly-once"])
def test_a_delivery_failure_mid_run_still_prints_the_summary(bootstrap: str, mode: list[str]) -> None:
    topic = unique_topic("too-large-mid-run")
    _create(bootstrap, topic, **{"max.message.bytes": "64", "retention.ms": "-1"})
    code, _, err = _finish(
        streamsim(
            "run", "fraud", *mode, "--seed", "1", "--start", START, "--speed", "max",
            "--sink", "kafka", "--bootstrap-servers", bootstrap, "--topic", topic,
        )
    )  # fmt: skip
    assert code == 1, err
    assert err.count(f"delivery to {topic} failed: Broker: Message size too large") == 1
    summary = re.search(r"done: fraud: [\d,]+ events \(delivery failed\).*delivered 0, failed [1-9]", err)
    assert summary, err
    last = err.strip().splitlines()[-1]
    assert re.fullmatch(r"streamsim: error: [\d,]+ of [\d,]+ events were not delivered .*", last), last
    assert "Traceback" not in err
