"""Drivers who work shifts: who is on shift, who is free, who takes the next request.

Each driver has a weekly routine in the region's local time (a start time,
a shift length and two consecutive days off). A heap of shift starts and ends
and trip ends bucketed by minute keep the pool of free, on-shift drivers up to date, so
dispatching a request costs O(1) (and a shift change O(log n)) whatever the
fleet size.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import TYPE_CHECKING

from streamsim.rng import Weighted

if TYPE_CHECKING:
    from streamsim.regions import RegionClock
    from streamsim.rng import Rng

SHIFT_HOURS = (5.0, 11.0)
_END, _START = 0, 1
TICK = 60.0  # drivers are back in the pool at the first whole minute after their trip
#: Tries to find a free off-shift driver when every on-shift driver is busy.
_EXTRA_TRIES = 16


def shift_starts(need: Sequence[float], rounds: int = 50) -> list[float]:
    """Weights of shift start hours such that drivers on shift follow ``need`` hour by hour.

    Drivers on the road at hour h are the shifts started in the hours before it
    that are still running; the weights are found by Richardson-Lucy deconvolution
    (multiplicative updates that keep them non-negative; a few dozen rounds converge).

    >>> w = shift_starts([1.0] * 24)
    >>> max(w) / min(w) < 1.01
    True
    """
    low, high = SHIFT_HOURS
    # Share of shifts still running k hours after their start hour (lengths uniform in SHIFT_HOURS).
    running = [r for r in (min(1.0, (high - k - 0.5) / (high - low)) for k in range(24)) if r > 0]
    total = sum(running)
    spans = list(enumerate(running))
    weights = [1.0] * 24
    for _ in range(rounds):
        supply = [sum(weights[(h - k) % 24] * r for k, r in spans) for h in range(24)]
        weights = [
            w * sum(r * need[(s + k) % 24] / supply[(s + k) % 24] for k, r in spans) / total
            for s, w in enumerate(weights)
        ]
    return weights


class Fleet:
    """Shift schedules and availability of ``size`` drivers (numbered from 0).

    ``need`` gives the relative number of busy drivers per local hour of a
    weekday and of a weekend day (requests times trip length): shifts start where
    the hours they cover need the most drivers, so supply follows demand through
    the day. Each driver has a weekday and a weekend start time.
    """

    def __init__(
        self,
        size: int,
        need: tuple[Sequence[float], Sequence[float]],
        clock: RegionClock,
        rng: Rng,
        start: float,
    ) -> None:
        random = rng.random
        low, high = SHIFT_HOURS
        weekday, weekend = (Weighted(range(24), shift_starts(hours)) for hours in need)
        self._clock = clock
        self._start_minute = [
            (weekday.draw(random) * 60 + int(random() * 60), weekend.draw(random) * 60 + int(random() * 60))
            for _ in range(size)
        ]
        self._length = [(low + (high - low) * random()) * 3600.0 for _ in range(size)]
        self._day_off = [int(random() * 7) for _ in range(size)]  # and the day after
        self._random = random
        self.size = size
        self._on_shift = bytearray(size)
        self._busy = bytearray(size)
        self._idle: list[int] = []
        self._slot = [-1] * size
        self._free_at = [0.0] * size
        # Drivers coming back from trips, by the minute tick at which they are free again.
        self._returning: dict[int, list[int]] = {}
        self._tick = int(start // TICK)
        self._shift_day = [0] * size
        self._offsets: dict[int, float] = {}
        events: list[tuple[float, int, int]] = []
        today = int(clock.local(start) // 86400)
        for d in range(size):
            for day in (today - 1, today):  # a shift under way at the start?
                begin = self._shift_start(d, day) if self._works(d, day) else start + 1
                if begin <= start < begin + self._length[d]:
                    self._shift_day[d] = day
                    self._on_shift[d] = 1
                    self._add(d)
                    events.append((begin + self._length[d], _END, d))
                    break
            else:
                events.append(self._next_start(d, today - 1, start))
        heapq.heapify(events)
        self._events = events
        self.next_change = self._tick * TICK

    def _works(self, d: int, day: int) -> bool:
        weekday = (day + 3) % 7
        off = self._day_off[d]
        return weekday != off and weekday != (off + 1) % 7

    def _shift_start(self, d: int, day: int) -> float:
        """Event time of driver d's shift start on a local day (days since the epoch)."""
        offset = self._offsets.get(day)
        if offset is None:
            midnight = day * 86400.0
            offset = self._offsets[day] = self._clock.local(midnight) - midnight
        return day * 86400.0 + self._start_minute[d][(day + 3) % 7 >= 5] * 60.0 - offset

    def _next_start(self, d: int, after_day: int, t: float) -> tuple[float, int, int]:
        day = after_day + 1
        while not self._works(d, day) or self._shift_start(d, day) <= t:
            day += 1
        self._shift_day[d] = day
        return self._shift_start(d, day), _START, d

    def _add(self, d: int) -> None:
        self._slot[d] = len(self._idle)
        self._idle.append(d)

    def _remove(self, d: int) -> None:
        i = self._slot[d]
        last = self._idle.pop()
        if last != d:
            self._idle[i] = last
            self._slot[last] = i
        self._slot[d] = -1

    def advance(self, t: float) -> None:
        """Bring back the drivers whose trips ended and apply shift changes, up to ``t``."""
        returning, free_at, events = self._returning, self._free_at, self._events
        last = int(t // TICK)
        for tick in range(self._tick, last + 1):
            for d in returning.pop(tick, ()):
                if free_at[d] <= tick * TICK:  # else a queued request keeps them busy longer
                    self._busy[d] = 0
                    if self._on_shift[d]:
                        self._add(d)
        self._tick = last + 1
        # Shift changes are applied at the first request after each whole minute.
        while events[0][0] <= t:
            when, kind, d = heapq.heappop(events)
            if kind == _START:
                self._on_shift[d] = 1
                if not self._busy[d]:
                    self._add(d)
                heapq.heappush(events, (when + self._length[d], _END, d))
            else:
                self._on_shift[d] = 0
                if self._slot[d] >= 0:
                    self._remove(d)
                heapq.heappush(events, self._next_start(d, self._shift_day[d], when))
        self.next_change = self._tick * TICK

    def gauges(self) -> dict[str, float]:
        """Drivers on shift now, and trips in progress (busy drivers)."""
        return {"entities": float(sum(self._on_shift)), "sessions": float(sum(self._busy))}

    def take(self) -> int:
        """A free driver for a request now: one on shift if any, else one who logs on for it.

        When no free driver turns up (a fleet too small for the rate), the request
        waits for a busy driver: it starts when their current trip ends.
        """
        idle = self._idle
        random = self._random
        if idle:
            d = idle[int(random() * len(idle))]
            self._remove(d)
            return d
        d = int(random() * self.size)
        for _ in range(_EXTRA_TRIES):
            if not self._busy[d]:
                break
            d = int(random() * self.size)
        return d

    def release(self, d: int, now: float, busy_seconds: float) -> None:
        """Keep driver ``d`` busy for a request made at ``now`` (pick-up and trip).

        A driver who is still busy (a queued request) starts when the current trip ends.
        """
        free_at = max(now, self._free_at[d]) + busy_seconds
        self._free_at[d] = free_at
        self._busy[d] = 1
        tick = -int(-free_at // TICK)  # the first tick at or after free_at
        back = self._returning.get(tick)
        if back is None:
            self._returning[tick] = [d]
        else:
            back.append(d)
