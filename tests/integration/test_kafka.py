"""The Kafka sink against a real broker: content, keys, headers, order, and faults."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections import defaultdict

import orjson
import pytest
from confluent_kafka.admin import AdminClient
from confluent_kafka.cimpl import NewTopic
from infra.kafka import Broker, broker, free_port

from kafka_support import (
    Message,
    events_in_summary,
    iso_millis,
    message_count,
    read_topic,
    streamsim,
    unique_topic,
)
from streamsim.registry import get_scenario
from streamsim.sinks.memory import ListSink
from streamsim.timeutil import epoch_millis
from support import START, run_in_memory, wait_until

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

SEED = 11
COUNT = 1500
PROCESS_TIMEOUT = 300  # a guard against hangs, not a timing assertion


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=PROCESS_TIMEOUT)
    return process.returncode, out, err


def _topics(scenario: str, main: str) -> dict[str, str]:
    return get_scenario(scenario)(seed=SEED, start=0.0).topics(main)


def _read_run(bootstrap: str, scenario: str, main: str) -> list[Message]:
    """Every message a run wrote to the scenario's topics, in the run's order (by sequence header)."""
    messages = [m for topic in _topics(scenario, main).values() for m in read_topic(bootstrap, topic)]
    return sorted(messages, key=lambda m: m.sequence)


def _assert_contiguous(messages: list[Message], count: int) -> None:
    """Nothing lost, nothing duplicated: sequences are exactly 0..count-1."""
    sequences = sorted(m.sequence for m in messages)
    assert len(sequences) == len(set(sequences)), "duplicated messages"
    assert sequences == list(range(count)), "lost messages"


def test_each_scenario_round_trips_byte_identical_with_keys_headers_and_order(
    bootstrap: str, scenario_name: str
) -> None:
    topic = unique_topic(scenario_name)
    common = ["--seed", str(SEED), "--start", START, "--speed", "max", "-n", str(COUNT)]
    code, _, err = _finish(
        streamsim(
            "run",
            scenario_name,
            *common,
            "--sink",
            "kafka",
            "--bootstrap-servers",
            bootstrap,
            "--topic",
            topic,
        )
    )
    assert code == 0, err
    code, stdout, err = _finish(streamsim("run", scenario_name, *common))
    assert code == 0, err
    expected: ListSink = run_in_memory(scenario_name, seed=SEED, count=COUNT)

    messages = _read_run(bootstrap, scenario_name, topic)
    _assert_contiguous(messages, len(expected.records))
    # Values: the very bytes the stdout sink prints for the same seed, in the same order.
    assert [m.value for m in messages] == [line.encode() for line in stdout.splitlines()]
    cls = get_scenario(scenario_name)
    for message, record in zip(messages, expected.records, strict=True):
        assert message.topic == record.topic.replace(cls.topic, topic, 1)
        assert message.key == record.event.key.encode()
        # The message time is the JSON timestamp's instant, truncated to milliseconds.
        assert message.timestamp == epoch_millis(record.event.time)
        printed = orjson.loads(message.value).get("timestamp")
        if printed is not None:
            assert message.timestamp == iso_millis(printed)
        assert message.headers == {
            "scenario": scenario_name,
            "event_type": record.event.event_type,
            "schema_version": str(cls.schema_version),
            "shard": "0/1",
            "sequence": str(record.sequence),
        }
    # Per-key order: one partition per key, and the key's events in run order within it.
    by_key: dict[tuple[str, bytes | None], list[Message]] = defaultdict(list)
    for message in sorted(messages, key=lambda m: (m.topic, m.partition, m.offset)):
        by_key[message.topic, message.key].append(message)
    for key_messages in by_key.values():
        assert len({m.partition for m in key_messages}) == 1
        sequences = [m.sequence for m in key_messages]
        assert sequences == sorted(sequences)
    # Created with the default partitions, and keys spread over them.
    assert len({m.partition for m in messages if m.topic == topic}) == 3


def test_an_existing_topic_is_used_as_it_is(bootstrap: str) -> None:
    topic = unique_topic("existing")
    admin = AdminClient({"bootstrap.servers": bootstrap})
    # Retention that keeps the run's (past) event times; otherwise streamsim refuses the topic.
    admin.create_topics([NewTopic(topic, 1, 1, config={"retention.ms": "-1"})])[topic].result(timeout=60)
    # Event time in the past: the topic keeps Kafka's default limit on future timestamps.
    code, _, err = _finish(
        streamsim(
            "run", "eta", "--seed", "3", "--start", START, "--speed", "max", "-n", "200",
            "--sink", "kafka", "--bootstrap-servers", bootstrap, "--topic", topic, "--partitions", "6",
        )
    )  # fmt: skip
    assert code == 0, err
    assert "created topic" not in err
    metadata = admin.list_topics(topic, timeout=30)
    assert len(metadata.topics[topic].partitions) == 1
    assert message_count(bootstrap, topic) == 200


def test_consume_prints_the_values_and_metadata(bootstrap: str) -> None:
    topic = unique_topic("consume")
    common = ["--seed", "5", "--start", START, "--speed", "max", "-n", "50"]
    code, _, err = _finish(
        streamsim(
            "run", "fraud", *common, "--sink", "kafka", "--bootstrap-servers", bootstrap, "--topic", topic
        )
    )
    assert code == 0, err
    _, printed, _ = _finish(streamsim("run", "fraud", *common))
    code, out, err = _finish(
        streamsim(
            "consume", "--bootstrap-servers", bootstrap, "--topic", topic, "--from-beginning", "-n", "50"
        )
    )
    assert code == 0, err
    assert sorted(out.splitlines()) == sorted(printed.splitlines())
    code, out, err = _finish(
        streamsim(
            "consume", "--bootstrap-servers", bootstrap, "--topic", topic, "--from-beginning", "-n", "1",
            "--metadata",
        )
    )  # fmt: skip
    assert code == 0, err
    import json

    [line] = out.splitlines()
    message = json.loads(line)
    assert message["topic"] == topic and message["headers"]["scenario"] == "fraud"
    assert message["key"] == message["value"]["user_id"]


def test_unreachable_broker_exits_1_after_the_connect_timeout() -> None:
    nobody = f"localhost:{free_port()}"
    code, out, err = _finish(
        streamsim(
            "run", "fraud", "--speed", "max", "-n", "10", "--sink", "kafka",
            "--bootstrap-servers", nobody, "--connect-timeout", "3s",
        )
    )  # fmt: skip
    assert code == 1
    assert out == ""
    assert "not reachable (attempt 1" in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("streamsim: error: Kafka at " + nobody + " is not reachable")
    assert "Traceback" not in err


def test_sigterm_mid_run_leaves_every_generated_event_in_the_topic(bootstrap: str) -> None:
    topic = unique_topic("sigterm")
    process = streamsim(
        "run", "fraud", "--seed", "8", "--speed", "max", "--sink", "kafka",
        "--bootstrap-servers", bootstrap, "--topic", topic,
    )  # fmt: skip
    wait_until(lambda: message_count(bootstrap, topic) >= 2000, "the run to be under way")
    process.send_signal(signal.SIGTERM)
    code, _, err = _finish(process)
    assert code == 0, err
    generated = events_in_summary(err)
    assert generated >= 2000
    _assert_contiguous(read_topic(bootstrap, topic), generated)


def test_broker_stopped_and_restarted_mid_run_loses_and_duplicates_nothing(
    bootstrap: str, restartable_broker: Broker
) -> None:
    topic = unique_topic("restart")
    process = streamsim(
        "run", "ecommerce", "--seed", "9", "--speed", "max", "--sink", "kafka",
        "--bootstrap-servers", bootstrap, "--topic", topic,
    )  # fmt: skip
    try:
        wait_until(lambda: message_count(bootstrap, topic) >= 2000, "the run to be under way")
        broker.stop(restartable_broker.home)
        assert process.poll() is None, "the run should wait for the broker, not end"
        broker.start(restartable_broker.home, tied=True)  # same storage and port
        before = message_count(bootstrap, topic)
        wait_until(lambda: message_count(bootstrap, topic) > before + 2000, "the run to resume")
    finally:
        # Reaped on every path: a run left behind by a failure would outlive this test.
        process.send_signal(signal.SIGTERM)
        code, _, err = _finish(process)
    assert code == 0, err
    _assert_contiguous(read_topic(bootstrap, topic), events_in_summary(err))
    # One warning when the outage starts and one when it ends, not a line per librdkafka error.
    warnings = [line for line in err.splitlines() if " WARNING Kafka" in line]
    assert 2 <= len(warnings) <= 6, "\n".join(warnings)
    assert "Kafka reachable again after" in warnings[-1]


def test_broker_gone_at_shutdown_reports_the_undelivered_events_and_exits_1(
    bootstrap: str, restartable_broker: Broker
) -> None:
    topic = unique_topic("gone")
    process = streamsim(
        "run", "eta", "--seed", "4", "--speed", "max", "--sink", "kafka", "--flush-timeout", "2s",
        "--bootstrap-servers", bootstrap, "--topic", topic,
    )  # fmt: skip
    try:
        wait_until(lambda: message_count(bootstrap, topic) >= 1000, "the run to be under way")
        broker.stop(restartable_broker.home)
        process.send_signal(signal.SIGTERM)
        code, _, err = _finish(process)
    finally:
        process.kill()  # no-op once it has exited
        broker.start(restartable_broker.home, tied=True)
    assert code == 1
    n = r"([\d,]+)"
    found = re.search(
        rf"error: {n} of {n} events were not delivered \({n} failed, {n} undelivered\)$", err.strip()
    )
    assert found, err
    lost, generated, failed, undelivered = (int(found.group(i).replace(",", "")) for i in (1, 2, 3, 4))
    # Depending on timing, librdkafka reports the events in flight as failed (transport errors)
    # or leaves them undelivered at the flush timeout: either way they are counted.
    assert lost == failed + undelivered > 0
    assert generated == events_in_summary(err)
    # What was reported delivered is in the topic; the rest was reported, not silently lost
    # (a batch in flight when the broker stopped may have been stored without an answer).
    # (right after the restart the partitions may have no leader yet: wait until they answer)
    wait_until(lambda: message_count(bootstrap, topic) >= generated - lost, "the delivered events")
    assert message_count(bootstrap, topic) <= generated


def test_undelivered_events_are_reported_and_exit_1(bootstrap: str) -> None:
    topic = unique_topic("too-large")
    admin = AdminClient({"bootstrap.servers": bootstrap})
    # The broker refuses every batch of this topic: each accepted event fails delivery.
    config = {"max.message.bytes": "64", "retention.ms": "-1"}
    admin.create_topics([NewTopic(topic, 1, 1, config=config)])[topic].result(timeout=60)
    code, _, err = _finish(
        streamsim(
            "run", "fraud", "--seed", "1", "--start", START, "--speed", "max", "-n", "100",
            "--sink", "kafka", "--bootstrap-servers", bootstrap, "--topic", topic,
        )
    )  # fmt: skip
    assert code == 1
    assert f"delivery to {topic} failed: Broker: Message size too large" in err
    last = err.strip().splitlines()[-1]
    assert last == "streamsim: error: 100 of 100 events were not delivered (100 failed, 0 undelivered)"
    assert "Traceback" not in err
    assert message_count(bootstrap, topic) == 0


def test_python_api_writes_to_kafka(bootstrap: str) -> None:
    from streamsim import simulate

    topic = unique_topic("api")
    summary = simulate(
        "eta", seed=2, start=START, count=100, sink="kafka", bootstrap_servers=bootstrap, topic=topic
    )
    assert summary.delivered == summary.events == message_count(bootstrap, topic) == 100


def test_the_broker_scripts_report_status(restartable_broker: Broker) -> None:
    code = subprocess.run(
        [sys.executable, "-m", "infra.kafka", "status", "--dir", str(restartable_broker.home)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert code.returncode == 0
    assert f"running at localhost:{restartable_broker.port}" in code.stdout


def test_metrics_report_kafka_delivery_latency_queue_and_readiness(bootstrap: str) -> None:
    import urllib.error
    import urllib.request

    from prometheus_client.parser import text_string_to_metric_families

    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                return response.status, response.read().decode()
        except (urllib.error.URLError, ConnectionError) as exc:
            return getattr(exc, "code", 0), ""

    def samples() -> dict[str, float]:
        status, text = get("/metrics")
        if status != 200:
            return {}
        out: dict[str, float] = defaultdict(float)
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                out[sample.name] += sample.value
        return out

    port, topic = free_port(), unique_topic("metrics")
    process = streamsim(
        "run", "eta", "--seed", "2", "--rate", "200", "--sink", "kafka", "--bootstrap-servers", bootstrap,
        "--topic", topic, "--metrics-port", str(port), "--metrics-host", "127.0.0.1",
    )  # fmt: skip
    try:
        wait_until(lambda: samples().get("streamsim_delivery_latency_seconds_count", 0) >= 20, "latencies")
        wait_until(lambda: get("/readyz")[0] == 200, "readiness")
        scraped = samples()
        assert scraped["streamsim_delivery_latency_seconds_sum"] > 0
        assert "streamsim_producer_queue_length" in scraped
    finally:
        process.send_signal(signal.SIGTERM)
        code, _, err = _finish(process)
    assert code == 0, err
