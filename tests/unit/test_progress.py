"""Progress reporting: a bar for bounded runs on a terminal, log lines with a sample otherwise."""

from __future__ import annotations

import io
import logging

import pytest

from streamsim.progress import Reporter


def test_bar_shows_the_larger_of_count_and_time_progress() -> None:
    out = io.StringIO()
    reporter = Reporter(bar=True, interval=60, start=0.0, end=1000.0, count=200, stream=out)
    reporter.report(events=50, main_events=50, t=600.0, sample=None)
    reporter.finish()
    text = out.getvalue()
    assert text.startswith("\r[##################------------]  60.0% 50 events")
    assert text.endswith("\n")


def test_without_a_terminal_it_logs_counts_and_a_sample(caplog: pytest.LogCaptureFixture) -> None:
    reporter = Reporter(bar=False, interval=60, start=0.0, end=None, count=None)
    with caplog.at_level(logging.INFO, logger="streamsim"):
        reporter.report(events=1234, main_events=1200, t=3600.0, sample=b'{"amount":1.5}')
    (record,) = caplog.records
    assert "1,234 events" in record.message
    assert "1970-01-01T01:00:00" in record.message
    assert 'sample: {"amount":1.5}' in record.message


def test_reports_are_due_only_after_the_interval() -> None:
    reporter = Reporter(bar=False, interval=3600, start=0.0, end=None, count=None)
    assert not reporter.due()
