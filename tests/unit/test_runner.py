"""The run loop: limits, shutdown on signals, closed pipes and delivery accounting."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from streamsim import simulate
from streamsim.api import resolve_for, run_groups
from streamsim.config import Resolved, Value
from streamsim.errors import RunFailure
from streamsim.events import Record
from streamsim.registry import get_scenario
from streamsim.runner import execute, plan
from streamsim.sinks.base import Sink, WriteInterrupted
from streamsim.sinks.memory import ListSink
from streamsim.sinks.null import NullSink
from streamsim.timeutil import parse_time
from support import START, STREAMSIM, run_in_memory, wait_until


def test_count_limits_main_events() -> None:
    assert len(run_in_memory("fraud", seed=1, count=123).records) == 123


def test_duration_and_until_limit_event_time() -> None:
    start = parse_time(START)
    by_duration = run_in_memory("ecommerce", seed=1, duration="15m").records
    assert by_duration and all(start <= r.event.time < start + 900 for r in by_duration)
    by_until = run_in_memory("ecommerce", seed=1, until="2025-03-03T00:15:00Z").records
    assert [r.value for r in by_until] == [r.value for r in by_duration]
    both = run_in_memory("ecommerce", seed=1, duration="1h", until="2025-03-03T00:15:00Z").records
    assert len(both) == len(by_duration)


def test_summary_counts_types_and_labels() -> None:
    summary = simulate("fraud", seed=3, count=2000, start=START, fraud_probability=0.1, sink=_Discard())
    assert summary.events == summary.main_events == 2000
    assert summary.by_type == {"transaction": 2000}
    assert summary.labels["is_fraud=0"] + summary.labels["is_fraud=1"] == 2000
    assert 120 < summary.labels["is_fraud=1"] < 290
    assert summary.complete


class _Discard(NullSink):
    """Counts like the null sink, record by record (a subclass so tests can override write)."""

    write_batch = Sink.write_batch


class _Failing(_Discard):
    """Accepts everything and reports every tenth record as failed."""

    def write(self, record: Record) -> None:
        self.accepted += 1
        if record.sequence % 10 == 0:
            self.failed += 1
        else:
            self.delivered += 1


def test_failed_deliveries_are_reported_not_swallowed() -> None:
    with pytest.raises(RunFailure, match="10 of 100 events were not delivered"):
        simulate("eta", seed=1, count=100, start=START, sink=_Failing())


def test_delivery_failure_exits_1_from_the_cli(tmp_path: Path) -> None:
    directory = tmp_path / "a-directory"
    directory.mkdir()
    result = subprocess.run(
        [*STREAMSIM, "run", "eta", "--speed", "max", "-n", "5", "--sink", "file", "-o", str(directory)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("streamsim: error: cannot open output file")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_stops_flushes_and_exits_0(tmp_path: Path, sig: signal.Signals) -> None:
    out = tmp_path / "events.jsonl"
    proc = subprocess.Popen(
        [
            *STREAMSIM,
            "run",
            "ecommerce",
            "--rate",
            "200",
            "--speed",
            "realtime",
            "--sink",
            "file",
            "-o",
            str(out),
            "--seed",
            "5",
        ],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The file sink buffers 512 records; realtime pacing flushes before each wait.
        wait_until(lambda: out.exists() and out.read_bytes().count(b"\n") >= 20, "out to have 20 lines")
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    summary = next(line for line in err.splitlines() if "done: ecommerce:" in line)
    reported = int(summary.split("ecommerce: ")[1].split(" events")[0].replace(",", ""))
    assert "stopped by signal" in summary
    assert out.read_bytes().count(b"\n") == reported
    assert "undelivered 0" in summary


def test_closed_pipe_ends_quietly() -> None:
    proc = subprocess.Popen(
        [*STREAMSIM, "run", "fraud", "--speed", "max"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait(timeout=30) == 0
    assert "stdout was closed by its reader" in err
    assert "Traceback" not in err


def test_backfill_then_live_from_the_cli(tmp_path: Path) -> None:
    # Backfill two seconds, then stream live; however long start-up takes, the run catches up
    # with the wall clock once and then keeps producing. Waits for conditions, not for time.
    out, err = tmp_path / "events.jsonl", tmp_path / "stderr.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        proc = subprocess.Popen(
            [*STREAMSIM, "run", "eta", "--start", "now-2s", "--rate", "40", "--seed", "2"],
            stdout=stdout,
            stderr=stderr,
        )
        try:
            wait_until(lambda: b"backfill done" in err.read_bytes(), "the handover to live streaming")
            handed_over = len(out.read_bytes().splitlines())
            wait_until(lambda: len(out.read_bytes().splitlines()) > handed_over + 5, "live events")
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=60) == 0
    assert err.read_text().count("backfill done") == 1
    assert handed_over > 0  # the two seconds before the start were backfilled first


def test_stop_event_ends_a_run_from_another_thread() -> None:
    from streamsim.api import resolve_for, run_groups
    from streamsim.config import Value
    from streamsim.registry import get_scenario
    from streamsim.runner import execute, plan

    cls = get_scenario("eta")
    given = {"speed": Value("realtime", "test"), "rate": Value("20", "test")}
    sink = _Discard()
    stop = threading.Event()
    timer = threading.Timer(0.3, stop.set)
    timer.start()
    summary = execute(
        plan(resolve_for(cls, run_groups(cls), given), cls, sink), stop=stop, install_signals=False
    )
    timer.join()
    assert summary.stop_reason == "stopped by signal"
    assert summary.events == sink.delivered


def test_python_dash_m_entry_point() -> None:
    result = subprocess.run(
        [*STREAMSIM, "--version"], capture_output=True, text=True, timeout=60, env={**os.environ}
    )
    assert result.returncode == 0 and "streamsim" in result.stdout


class _Resuming(ListSink):
    """A sink that, like Kafka's with --resume, learns at open that a previous run delivered some."""

    def __init__(self, delivered_before: int) -> None:
        super().__init__()
        self.delivered_before = delivered_before

    def open(self) -> None:
        self.resume_from = self.delivered_before


@pytest.mark.parametrize("scenario", ["fraud", "ecommerce"])
def test_resuming_skips_what_was_delivered_and_continues_the_same_stream(scenario: str) -> None:
    full = run_in_memory(scenario, seed=4, count=3000).records
    sink = _Resuming(1234)
    summary = simulate(scenario, seed=4, start=START, count=3000, sink=sink)
    # The sink never sees the skipped records; the rest are the very same, with the same sequences.
    assert [(r.sequence, r.value) for r in sink.records] == [(r.sequence, r.value) for r in full[1234:]]
    assert (summary.events, summary.skipped, summary.delivered) == (len(full), 1234, len(full) - 1234)
    assert "resumed after 1,234 events delivered before" in summary.line()


def test_resuming_a_complete_run_writes_nothing() -> None:
    full = run_in_memory("eta", seed=4, count=100).records
    sink = _Resuming(len(full))
    summary = simulate("eta", seed=4, start=START, count=100, sink=sink)
    assert sink.records == [] and summary.events == len(full) and summary.complete


class _FailingMidRun(_Discard):
    """Like a Kafka sink after a delivery failure: the next write stops the run."""

    def write(self, record: Record) -> None:
        self.accepted += 1
        if record.sequence >= 50:
            self.failed += 1
            raise RunFailure("delivery to t failed: too large")
        self.delivered += 1


def test_a_failure_mid_run_still_summarises_the_counts(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="streamsim"), pytest.raises(RunFailure) as raised:
        simulate("eta", seed=1, start=START, sink=_FailingMidRun())
    assert str(raised.value) == "1 of 51 events were not delivered (1 failed, 0 undelivered)"
    [done] = [r.getMessage() for r in caplog.records if r.getMessage().startswith("done:")]
    assert "(delivery failed)" in done and "delivered 50, failed 1, undelivered 0" in done


class _FullQueue(_Discard):
    """A sink whose queue is full after 20 records: it waits for room until the run is stopping,
    and delivers what it accepted when flushed at the end."""

    def write(self, record: Record) -> None:
        if record.sequence >= 20:
            self.stopping.wait()
            raise WriteInterrupted
        self.accepted += 1

    def flush(self) -> None:
        self.delivered = self.accepted


def test_a_stop_while_the_sink_waits_for_room_ends_generation_at_once() -> None:
    stop = threading.Event()
    sink = _FullQueue()

    def signal_when_full() -> None:
        wait_until(lambda: sink.accepted >= 20, "a full queue")
        stop.set()

    signaller = threading.Thread(target=signal_when_full)
    signaller.start()
    summary = execute(plan(_resolved("eta"), get_scenario("eta"), sink), stop=stop, install_signals=False)
    signaller.join()
    assert summary.stop_reason == "stopped by signal"
    assert summary.events == sink.accepted == summary.delivered == 20  # the interrupted one: not accepted
    assert summary.complete


def _resolved(scenario: str, **options: object) -> Resolved:
    cls = get_scenario(scenario)
    given = {"seed": 1, "start": START, "speed": "max", **options}
    values = {k: Value(v, k) for k, v in given.items() if v is not None}
    return resolve_for(cls, run_groups(cls), values, None)
