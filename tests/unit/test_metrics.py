"""Prometheus metrics and health endpoints (--metrics-port), scraped over real HTTP."""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from streamsim import __version__, simulate
from streamsim.config import EngineOptions, LogOptions
from streamsim.errors import RunFailure, UsageError
from streamsim.events import Record
from streamsim.metrics import METRICS, STALL_SECONDS, Health, MetricsServer
from streamsim.observe import LABEL_DELAY_BOUNDS, Tally
from streamsim.registry import get_scenario
from streamsim.sinks.memory import ListSink
from support import START, STREAMSIM, wait_until

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def total(samples: Samples, metric: str, /, **labels: str) -> float:
    """Sum of the samples of ``metric`` whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(value for (name, got), value in samples.items() if name == metric and wanted <= got)


@pytest.fixture
def running(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int, Path]]:
    """`streamsim run fraud` in real time into a file, with metrics on a free port."""
    port, out = free_port(), tmp_path / "events.jsonl"
    command = [*STREAMSIM, "run", "fraud", "--seed", "7", "--rate", "300", "--sink", "file", "-o", str(out)]
    command += ["--metrics-port", str(port), "--metrics-host", "127.0.0.1"]
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    try:
        yield proc, port, out
    finally:
        proc.kill()
        proc.communicate()


def scrape_when_up(port: int) -> Samples:
    def attempt() -> Samples | None:
        try:
            return parse(get(port, "/metrics")[1])
        except OSError:
            return None  # not listening yet

    samples: Samples = wait_until(attempt, "the metrics endpoint")
    return samples


def test_counters_move_with_the_events(running: tuple[subprocess.Popen[str], int, Path]) -> None:
    proc, port, out = running
    scrape_when_up(port)
    first = wait_until(
        lambda: (s := parse(get(port, "/metrics")[1])) and total(s, "streamsim_events_total") > 0 and s,
        "events to be counted",
    )
    events = total(first, "streamsim_events_total")
    later = wait_until(
        lambda: (s := parse(get(port, "/metrics")[1])) and total(s, "streamsim_events_total") > events and s,
        "the event counter to move",
    )
    assert later[("streamsim_run_info", frozenset({**_run_labels(), "seed": "7"}.items()))] == 1
    n = total(later, "streamsim_events_total", scenario="fraud", topic="transaction_fraud_detection")
    assert n == total(later, "streamsim_events_total")  # one topic, one scenario
    assert n == total(later, "streamsim_labels_total")  # every fraud event carries its label
    assert total(later, "streamsim_event_bytes_total") > 100 * n  # a fraud event is several hundred bytes
    # Delivery counters are read at each scrape, event counters as the loop last reported them
    # (about once a second): what was delivered shows up among the events at the next report.
    delivered = total(later, "streamsim_delivered_total")
    wait_until(
        lambda: total(parse(get(port, "/metrics")[1]), "streamsim_events_total") >= delivered, "a report"
    )
    assert total(later, "streamsim_ready") == 1
    assert get(port, "/healthz") == (200, "producing\n")
    assert get(port, "/readyz") == (200, "ready\n")
    assert get(port, "/nothing-here")[0] == 404

    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    summary = next(line for line in err.splitlines() if "done: fraud:" in line)
    produced = int(summary.split("fraud: ")[1].split(" events")[0].replace(",", ""))
    assert produced >= n
    assert out.read_bytes().count(b"\n") == produced


def _run_labels() -> dict[str, str]:
    return {"scenario": "fraud", "shard": "0/1", "sink": "file", "speed": "realtime", "version": __version__}


class ScrapingSink(ListSink):
    """Keeps every record and, when the run closes it, scrapes the still-running metrics server."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.port = port
        self.metrics: Samples = {}
        self.health: dict[str, tuple[int, str]] = {}

    def close(self) -> None:
        self.metrics = parse(get(self.port, "/metrics")[1])
        self.health = {path: get(self.port, path) for path in ("/healthz", "/readyz")}


def test_final_counts_equal_what_the_sink_received() -> None:
    sink = ScrapingSink(free_port())
    summary = simulate(
        "fraud", seed=3, start=START, count=3000, fraud_probability=0.1, sink=sink, metrics_port=sink.port
    )
    records, m = sink.records, sink.metrics
    assert total(m, "streamsim_events_total") == summary.events == len(records) == 3000
    for label in ("0", "1"):
        expected = sum(r.event.label == label for r in records)
        assert expected > 0
        assert total(m, "streamsim_events_total", label=label, event_type="transaction") == expected
        assert total(m, "streamsim_labels_total", label=label) == expected
    assert total(m, "streamsim_event_bytes_total") == sum(len(r.value) for r in records)
    assert total(m, "streamsim_delivered_total") == 3000
    assert total(m, "streamsim_delivery_failures_total") == 0
    assert total(m, "streamsim_event_time_seconds") == records[-1].event.time
    # The run is over while the sink closes: alive (finishing), no longer ready.
    assert sink.health["/healthz"][0] == 200
    assert sink.health["/readyz"] == (503, "run finished\n")


def _server() -> tuple[MetricsServer, ListSink]:
    sink = ListSink()
    scenario = get_scenario("ecommerce")(seed=1, start=0.0)
    server = MetricsServer(scenario, EngineOptions(), sink)
    server.started(scenario, sink, scenario.topics())
    return server, sink


def test_label_delays_latencies_gauges_and_drift_are_exported() -> None:
    server, sink = _server()
    tally = Tally(time=1000.0, drift_phase=2, drift_name="holiday", gauges={"entities": 1200, "sessions": 37})
    tally.kinds[("", "purchase", "1")] = [2, 300]
    for delay in (30.0, 3 * 86400.0, 400 * 86400.0):  # a minute, days, beyond the last bound
        tally.label_delays.observe(delay)
    for latency in (0.002, 0.002, 0.5):
        sink.observe_latency(latency)
    server.progress(tally)
    m = parse(server.respond("/metrics", "")[2].decode())

    def bucket(name: str, le: str) -> float:
        return total(m, f"{name}_bucket", scenario="ecommerce", le=le)

    assert bucket("streamsim_label_delay_seconds", "60.0") == 1
    assert bucket("streamsim_label_delay_seconds", "604800.0") == 2
    assert bucket("streamsim_label_delay_seconds", "+Inf") == 3
    assert total(m, "streamsim_label_delay_seconds_count") == 3
    assert (
        len([k for k in m if k[0] == "streamsim_label_delay_seconds_bucket"]) == len(LABEL_DELAY_BOUNDS) + 1
    )
    assert bucket("streamsim_delivery_latency_seconds", "0.001") == 0
    assert bucket("streamsim_delivery_latency_seconds", "0.0025") == 2
    assert total(m, "streamsim_delivery_latency_seconds_count") == 3
    assert total(m, "streamsim_delivery_latency_seconds_sum") == pytest.approx(0.504)
    assert total(m, "streamsim_active", kind="entities") == 1200
    assert total(m, "streamsim_active", kind="sessions") == 37
    assert total(m, "streamsim_drift_phase", name="holiday") == 2
    assert total(m, "streamsim_clock_lag_seconds") > 0  # event time 1000 s after 1970 is far behind
    topic = "e_commerce_customer_interactions"
    assert total(m, "streamsim_events_total", topic=topic, event_type="purchase", label="1") == 2
    assert total(m, "streamsim_event_bytes_total", topic=topic) == 300
    assert {name for spec in METRICS for name in spec.samples} <= {name for name, _ in m}  # as documented


def test_queue_length_and_undelivered_come_from_the_sink() -> None:
    class Queued(ListSink):
        def queue_length(self) -> int:
            return 42

        def write(self, record: Record) -> None:
            self.accepted += 1  # accepted, not yet delivered

    scenario = get_scenario("eta")(seed=1, start=0.0)
    sink = Queued()
    server = MetricsServer(scenario, EngineOptions(), sink)
    for record in simulate_records("eta", 5):
        sink.write(record)
    m = parse(server.respond("/metrics", "")[2].decode())
    assert total(m, "streamsim_producer_queue_length") == 42
    assert total(m, "streamsim_undelivered") == 5
    assert total(m, "streamsim_delivered_total") == 0


def simulate_records(scenario: str, n: int) -> list[Record]:
    sink = ListSink()
    simulate(scenario, seed=1, start=START, count=n, sink=sink)
    return sink.records


def test_openmetrics_is_served_when_asked_for() -> None:
    server, _ = _server()
    status, content_type, body = server.respond("/metrics", "application/openmetrics-text; version=1.0.0")
    assert status == 200 and content_type.startswith("application/openmetrics-text")
    assert body.rstrip().endswith(b"# EOF")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_liveness_fails_only_when_the_loop_is_stuck() -> None:
    clock = FakeClock()
    health = Health(clock)
    clock.now += 10 * STALL_SECONDS
    assert health.alive()[0]  # still opening the sink (e.g. retrying a broker): not stuck
    health.started = True
    health.beat()
    clock.now += STALL_SECONDS - 1
    assert health.alive() == (True, "producing")
    clock.now += 2
    assert not health.alive()[0]
    health.beat()
    health.idle(3 * STALL_SECONDS)  # waiting for an event due in a long while is not being stuck
    clock.now += 3 * STALL_SECONDS + STALL_SECONDS / 2
    assert health.alive()[0]
    clock.now += STALL_SECONDS
    assert health.alive() == (False, f"stuck: no progress for {1.5 * STALL_SECONDS:.0f}s")
    health.finished = True
    assert health.alive()[0]


def test_readiness_needs_an_open_connected_sink() -> None:
    class Disconnected(ListSink):
        def connected(self) -> bool:
            return False

    health = Health(FakeClock())
    assert health.ready(ListSink()) == (False, "sink not open yet")
    health.started = True
    assert health.ready(ListSink()) == (True, "ready")
    assert health.ready(Disconnected()) == (False, "list sink not connected")


def test_busy_port_is_a_clear_run_failure() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RunFailure, match=rf"cannot serve metrics on 127.0.0.1:{port} \(--metrics-port\)"):
            simulate("eta", seed=1, count=5, sink=ListSink(), metrics_port=port, metrics_host="127.0.0.1")


def test_missing_extra_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "streamsim.metrics")
    monkeypatch.setitem(sys.modules, "prometheus_client", None)  # what an installation without it does
    with pytest.raises(
        UsageError, match=r"--metrics-port needs prometheus-client: pip install prometheus-client"
    ):
        simulate("eta", seed=1, count=5, sink=ListSink(), metrics_port=free_port())


def test_metrics_off_by_default_and_with_port_0() -> None:
    for port in (None, 0):
        assert simulate("eta", seed=1, count=5, sink=ListSink(), metrics_port=port).events == 5


def test_bad_port_exits_2_naming_the_option() -> None:
    result = subprocess.run(
        [*STREAMSIM, "run", "eta", "--metrics-port", "70000"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "streamsim: error: invalid value for --metrics-port: '70000' (allowed: an integer from 0 to 65535)"
    )


def test_a_failing_scrape_is_one_log_line_and_the_server_goes_on(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    class Broken(ListSink):
        def queue_length(self) -> int:
            raise RuntimeError("queue unavailable")

    scenario, port = get_scenario("eta")(seed=1, start=0.0), free_port()
    with MetricsServer.serve("127.0.0.1", port, scenario, EngineOptions(), Broken()):
        with pytest.raises(http.client.RemoteDisconnected):  # closed without an answer
            get(port, "/metrics")
        assert get(port, "/healthz")[0] == 200
    assert "metrics server: a request from 127.0.0.1 failed: queue unavailable" in caplog.text
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    ("scenario", "kinds"), [("eta", {"entities", "sessions"}), ("ecommerce", {"entities", "sessions"})]
)
def test_running_scenarios_expose_live_gauges(scenario: str, kinds: set[str]) -> None:
    import itertools

    from streamsim.timeutil import parse_time

    instance = get_scenario(scenario)(seed=1, start=parse_time(START))
    assert instance.gauges() == {}
    stream = iter(instance)
    list(itertools.islice(stream, 3000))
    gauges = instance.gauges()
    assert set(gauges) == kinds
    assert all(value > 0 for value in gauges.values())


def test_companion_label_events_carry_the_time_of_what_they_label() -> None:
    from datetime import datetime

    sink = ListSink()
    simulate("eta", seed=4, start=START, duration="2h", label_mode="delayed", sink=sink)
    requested = {r.event.fields["trip_id"]: r.event.time for r in sink.records if r.event.stream == ""}
    completed = [r.event for r in sink.records if r.event.stream != ""]
    assert completed
    assert all(e.labeled_time == requested[e.fields["trip_id"]] for e in completed)

    sink = ListSink()
    simulate("ecommerce", seed=4, start=START, duration="2h", session_outcomes=True, sink=sink)
    ended = [r.event for r in sink.records if r.event.stream != ""]
    assert ended
    for event in ended:
        assert event.labeled_time == pytest.approx(
            datetime.fromisoformat(event.fields["session_start"]).timestamp(), abs=1e-6
        )


def test_slow_and_idle_clients_do_not_delay_a_probe() -> None:
    """50 clients that connect and send nothing, or a byte now and then, while a probe comes in."""
    scenario, port = get_scenario("eta")(seed=1, start=0.0), free_port()
    with MetricsServer.serve("127.0.0.1", port, scenario, EngineOptions(), ListSink()):
        clients = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(50)]
        try:
            for client in clients[::2]:
                client.sendall(b"G")  # a request line that never ends
            began = time.monotonic()
            status, body = get(port, "/healthz")
            latency = time.monotonic() - began
            for client in clients[1::2]:
                client.sendall(b"G")
        finally:
            for client in clients:
                client.close()
    assert (status, body) == (200, "starting: opening the sink\n")
    assert latency < 1.0  # generous: an unloaded server answers in a few milliseconds


def test_a_client_that_trickles_its_request_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    import streamsim.metrics

    monkeypatch.setattr(streamsim.metrics, "REQUEST_TIMEOUT", 0.5)
    scenario, port = get_scenario("eta")(seed=1, start=0.0), free_port()
    with MetricsServer.serve("127.0.0.1", port, scenario, EngineOptions(), ListSink()):
        with socket.create_connection(("127.0.0.1", port), timeout=30) as client:
            client.settimeout(0.1)

            def closed_by_server() -> bool:
                try:
                    client.sendall(b"G")  # a byte at a time: each read alone is quick enough
                    return client.recv(1) == b""
                except TimeoutError:
                    return False
                except OSError:  # reset: the server shut the connection
                    return True

            wait_until(closed_by_server, "the server to cut the slow client off", timeout=30)
        assert get(port, "/healthz")[0] == 200


def test_metrics_listen_on_this_machine_only_by_default() -> None:
    assert LogOptions().metrics_host == "127.0.0.1"
