"""Simulated time: arrival processes in event time, and pacing against the wall clock.

Scenarios draw event times from :class:`PoissonArrivals` (never from the wall
clock); the runner's :class:`Pacer` decides when each event is released. So
output depends only on seed, start, options and shard, never on pacing.
"""

from __future__ import annotations

import logging
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from streamsim.timeutil import format_duration, iso_utc

log = logging.getLogger("streamsim")


@dataclass(frozen=True, slots=True)
class Speed:
    """Pacing: ``realtime`` (event time follows the wall clock), ``max``, or a factor."""

    mode: Literal["realtime", "max", "factor"]
    factor: float = 1.0

    def __str__(self) -> str:
        return f"{self.factor:g}x" if self.mode == "factor" else self.mode


#: Bounds of a --speed factor: slower than real time by at most 1000, faster by at most 10^9.
MIN_SPEED, MAX_SPEED = 1e-3, 1e9
SPEED_HELP = "realtime, max, or a factor from 0.001 to 1e9 such as 10 or 10x (10 times faster than real time)"


def parse_speed(value: object) -> Speed:
    """A --speed value: realtime, max, or a factor such as 10 or 10x (ValueError otherwise)."""
    if isinstance(value, Speed):
        return value
    text = str(value).strip().lower()
    if text in ("realtime", "max"):
        return Speed(text)  # type: ignore[arg-type]
    try:
        factor = float(text.removesuffix("x").removeprefix("x"))
    except ValueError:
        raise ValueError(f"expected {SPEED_HELP}") from None
    if not (math.isfinite(factor) and MIN_SPEED <= factor <= MAX_SPEED):
        raise ValueError(f"expected {SPEED_HELP}")
    return Speed("factor", factor)


HOUR = 3600.0
DAY = 86400.0
WEEK = 7 * DAY

#: Longest single sleep of the pacer: a long wait is taken in slices, so that it stays within
#: what the platform can sleep and a stop request always ends it.
MAX_WAIT_SECONDS = 3600.0

#: An intensity profile: rate multiplier for the UTC hour with this index (floor(t / 3600)).
Intensity = Callable[[int], float]


class PoissonArrivals:
    """Arrival times of a Poisson process with a piecewise-constant (hourly) intensity.

    ``rate`` is the mean number of events per second; ``intensity`` multiplies
    it hour by hour (profiles from :func:`weekly_profile` average 1 over a
    week, so ``rate`` stays the long-run mean). Sampling is exact: the
    exponential waiting "mass" is spent hour by hour.

    >>> arrivals = PoissonArrivals(2.0, random.Random(1), start=0.0)
    >>> times = [arrivals.next() for _ in range(10_000)]
    >>> 4_500 < times[-1] < 5_500 and times == sorted(times)
    True
    """

    __slots__ = ("_cache", "_intensity", "_rng", "rate", "t")

    def __init__(
        self, rate: float, rng: random.Random, *, start: float, intensity: Intensity | None = None
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.t = start
        self._rng = rng
        self._intensity = intensity
        self._cache: dict[int, float] = {}

    def _rate_in_hour(self, hour: int) -> float:
        cached = self._cache.get(hour)
        if cached is None:
            assert self._intensity is not None
            if len(self._cache) > 1024:
                self._cache.clear()
            cached = self._cache[hour] = self.rate * self._intensity(hour)
        return cached

    def next(self) -> float:
        """The next arrival time."""
        if self._intensity is None:
            self.t += self._rng.expovariate(self.rate)
            return self.t
        mass = self._rng.expovariate(1.0)
        t = self.t
        while True:
            hour = int(t // HOUR)
            rate = self._rate_in_hour(hour)
            hour_end = (hour + 1) * HOUR
            if rate > 0:
                step = mass / rate
                if t + step < hour_end:
                    self.t = t + step
                    return self.t
                mass -= rate * (hour_end - t)
            t = hour_end


def weekly_profile(
    weekday: Sequence[float], weekend: Sequence[float] | None = None, *, tz: str = "UTC"
) -> Intensity:
    """Intensity from 24 hourly weights for weekdays (and optionally weekends), in local time.

    Weights are relative; the result averages 1 over a week. ``tz`` is an IANA
    time zone (daylight saving time is followed).

    >>> flat = weekly_profile([1.0] * 24)
    >>> flat(0), flat(100)
    (1.0, 1.0)
    >>> night_quiet = weekly_profile([0.0] * 6 + [1.0] * 18)
    >>> night_quiet(3), round(night_quiet(12), 3)
    (0.0, 1.333)
    """
    weekend = weekday if weekend is None else weekend
    if len(weekday) != 24 or len(weekend) != 24:
        raise ValueError("profiles need 24 hourly weights")
    if min(*weekday, *weekend) < 0:
        raise ValueError("profile weights must be >= 0")
    mean = (5 * sum(weekday) + 2 * sum(weekend)) / (7 * 24)
    if mean <= 0:
        raise ValueError("a profile needs some positive weight")
    week = [w / mean for w in weekday] * 5 + [w / mean for w in weekend] * 2
    local = LocalTime(tz)

    def intensity(hour: int) -> float:
        weekday_index, local_hour = local.weekday_hour(hour * HOUR)
        return week[weekday_index * 24 + local_hour]

    return intensity


class LocalTime:
    """Weekday and hour in a time zone, cached per UTC hour (cheap on hot paths).

    >>> LocalTime("America/Chicago").weekday_hour(1735689600.0)  # 2025-01-01T00:00Z
    (1, 18)
    """

    def __init__(self, tz: str = "UTC") -> None:
        self.zone = UTC if tz == "UTC" else ZoneInfo(tz)
        self._weekday_hour = lru_cache(maxsize=4096)(self._compute)

    def _compute(self, hour: int) -> tuple[int, int]:
        local = datetime.fromtimestamp(hour * HOUR, self.zone)
        return local.weekday(), local.hour

    def weekday_hour(self, t: float) -> tuple[int, int]:
        """(weekday with Monday = 0, hour of day) at event time ``t``."""
        return self._weekday_hour(int(t // HOUR))

    def offset_seconds(self, t: float) -> float:
        offset = datetime.fromtimestamp(t, self.zone).utcoffset()
        return 0.0 if offset is None else offset.total_seconds()


class Pacer:
    """Releases events when the wall clock reaches them.

    ``realtime``: event time *is* wall time, so a start in the past is
    backfilled at full speed and the run hands over to live streaming once it
    catches up (logged once). A factor ``x``: event time runs ``x`` times as
    fast as the wall clock from the moment the run starts. ``max``: never waits.
    ``wait(seconds)`` sleeps and returns True if the run was asked to stop;
    ``on_idle`` runs before each sleep (the runner flushes the sink there).
    """

    def __init__(
        self,
        speed: Speed,
        start: float,
        *,
        wait: Callable[[float], bool],
        now: Callable[[], float] = time.time,
        on_idle: Callable[[], None] = lambda: None,
    ) -> None:
        self.speed = speed
        self.start = start
        self._wait = wait
        self._now = now
        self._on_idle = on_idle
        self._wall0: float | None = None
        self.handed_over_at: float | None = None  # event time at which backfill ended

    def due_until(self) -> float:
        """The latest event time that is due now (everything up to it may go out at once)."""
        if self.speed.mode == "max":
            return float("inf")
        now = self._now()
        if self.speed.mode == "realtime":
            return now
        if self._wall0 is None:
            return self.start
        return self.start + (now - self._wall0) * self.speed.factor

    def pace(self, t: float) -> bool:
        """Wait until event time ``t`` is due; False if asked to stop meanwhile."""
        if self.speed.mode == "max":
            return True
        now = self._now()
        if self.speed.mode == "realtime":
            due = t
        else:
            if self._wall0 is None:
                self._wall0 = now
            due = self._wall0 + (t - self.start) / self.speed.factor
        delay = due - now
        if delay <= 0:
            return True
        if self.handed_over_at is None:
            self.handed_over_at = t
            if self.speed.mode == "realtime" and now - self.start > 1.0:
                log.info(
                    "backfill done: caught up with the wall clock at %s (%s of event time); "
                    "streaming in real time from here",
                    iso_utc(t),
                    format_duration(t - self.start),
                )
        self._on_idle()
        while delay > 0:
            if self._wait(min(delay, MAX_WAIT_SECONDS)):
                return False
            delay = due - self._now()
        return True
