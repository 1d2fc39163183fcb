"""Arrival processes in event time and pacing against a (fake) wall clock."""

from __future__ import annotations

import itertools
import logging
import random
from collections import Counter

import pytest

from streamsim.clock import HOUR, WEEK, LocalTime, Pacer, PoissonArrivals, Speed, weekly_profile
from streamsim.timeutil import parse_time

MONDAY = parse_time("2025-03-03T00:00:00Z")


def test_homogeneous_rate_and_exponential_gaps() -> None:
    arrivals = PoissonArrivals(5.0, random.Random(1), start=0.0)
    times = [arrivals.next() for _ in range(50_000)]
    assert times[-1] == pytest.approx(10_000, rel=0.03)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # Exponential gaps: the share longer than the mean is e^-1.
    assert sum(g > 0.2 for g in gaps) / len(gaps) == pytest.approx(0.368, abs=0.01)


def test_profiled_rate_follows_the_profile_and_keeps_the_weekly_mean() -> None:
    weekday = [0.0] * 6 + [1.0] * 12 + [3.0] * 6  # nothing at night, evening peak
    arrivals = PoissonArrivals(1.0, random.Random(2), start=MONDAY, intensity=weekly_profile(weekday))
    counts: Counter[int] = Counter()
    n = 0
    while (t := arrivals.next()) < MONDAY + WEEK:
        counts[int((t - MONDAY) // HOUR) % 24] += 1
        n += 1
    assert n == pytest.approx(WEEK, rel=0.02)  # mean rate 1/s over the week
    assert sum(counts[h] for h in range(6)) == 0
    assert counts[20] / counts[10] == pytest.approx(3.0, rel=0.1)


def test_local_time_profile_uses_the_time_zone() -> None:
    only_noon = [0.0] * 12 + [1.0] + [0.0] * 11
    arrivals = PoissonArrivals(
        0.1, random.Random(3), start=MONDAY, intensity=weekly_profile(only_noon, tz="Asia/Tokyo")
    )
    hours = {LocalTime("Asia/Tokyo").weekday_hour(arrivals.next())[1] for _ in range(1000)}
    assert hours == {12}


def test_profile_rejects_bad_weights() -> None:
    with pytest.raises(ValueError, match="24"):
        weekly_profile([1.0] * 23)
    with pytest.raises(ValueError, match="positive"):
        weekly_profile([0.0] * 24)


class FakeWall:
    """A wall clock that only moves when the pacer sleeps."""

    def __init__(self, now: float) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def wait(self, seconds: float) -> bool:
        self.sleeps.append(seconds)
        self.now += seconds
        return False


def test_realtime_backfills_then_hands_over_once(caplog: pytest.LogCaptureFixture) -> None:
    wall = FakeWall(now=MONDAY + 100)
    flushed: list[float] = []
    pacer = Pacer(
        Speed("realtime"),
        MONDAY,
        wait=wall.wait,
        now=lambda: wall.now,
        on_idle=lambda: flushed.append(wall.now),
    )
    with caplog.at_level(logging.INFO, logger="streamsim"):
        for t in range(0, 200, 5):
            assert pacer.pace(MONDAY + t)
    assert len(wall.sleeps) == 19  # events 105..195 each wait 5 s; 0..100 are backfilled
    assert pacer.handed_over_at == MONDAY + 105
    assert len(flushed) == len(wall.sleeps)  # the sink is flushed before every sleep
    assert sum("backfill done" in r.message for r in caplog.records) == 1


def test_factor_speed_paces_relative_to_the_run_start() -> None:
    wall = FakeWall(now=1000.0)
    pacer = Pacer(Speed("factor", 10.0), MONDAY, wait=wall.wait, now=lambda: wall.now)
    for t in range(0, 100, 10):
        pacer.pace(MONDAY + t)
    assert wall.now == pytest.approx(1000.0 + 9.0)


def test_max_speed_never_waits() -> None:
    wall = FakeWall(now=0.0)
    pacer = Pacer(Speed("max"), MONDAY, wait=wall.wait, now=lambda: wall.now)
    assert all(pacer.pace(MONDAY + 10**9 + t) for t in range(10))
    assert wall.sleeps == []


def test_pace_reports_a_stop_during_the_wait() -> None:
    pacer = Pacer(Speed("realtime"), MONDAY, wait=lambda s: True, now=lambda: MONDAY)
    assert pacer.pace(MONDAY + 1) is False


def test_a_long_wait_is_taken_in_slices_and_a_stop_ends_it() -> None:
    from streamsim.clock import MAX_WAIT_SECONDS

    wall = FakeWall(now=MONDAY)
    pacer = Pacer(Speed("factor", 0.001), MONDAY, wait=wall.wait, now=lambda: wall.now)
    assert pacer.pace(MONDAY)
    assert pacer.pace(MONDAY + 10 * HOUR)  # 10 hours of event time: 10,000 hours of wall time
    assert max(wall.sleeps) <= MAX_WAIT_SECONDS
    assert wall.now == pytest.approx(MONDAY + 10_000 * HOUR)

    slices: list[float] = []

    def wait(seconds: float) -> bool:
        slices.append(seconds)
        return len(slices) == 3  # a stop request arrives during the third slice

    stopping = Pacer(Speed("realtime"), MONDAY, wait=wait, now=lambda: MONDAY)
    assert stopping.pace(MONDAY + WEEK) is False  # stopped during the third slice
    assert slices == [MAX_WAIT_SECONDS] * 3


@pytest.mark.parametrize("scenario", ["fraud", "eta", "ecommerce"])
def test_the_lowest_rate_runs_without_spinning(scenario: str) -> None:
    from streamsim import simulate
    from streamsim.config import MIN_RATE
    from streamsim.sinks.memory import ListSink

    summary = simulate(
        scenario, seed=1, start="2025-03-03T00:00:00Z", rate=MIN_RATE, count=3, sink=ListSink()
    )
    assert summary.main_events == 3
