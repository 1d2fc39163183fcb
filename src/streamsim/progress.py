"""Progress on stderr: a bar for bounded runs on a terminal, else periodic log lines."""

from __future__ import annotations

import logging
import sys
import time
from typing import TextIO

from streamsim.timeutil import format_duration, iso_utc

log = logging.getLogger("streamsim")

BAR_WIDTH = 30
BAR_REFRESH_SECONDS = 0.2


class Reporter:
    """Reports how a run is going.

    With ``bar=True`` (bounded run, stderr is a terminal) it redraws one line;
    otherwise it logs a line with counts and a sample event every
    ``interval`` seconds, as the original producers printed a sample every 60 s.
    """

    def __init__(
        self,
        *,
        bar: bool,
        interval: float,
        start: float,
        end: float | None,
        count: int | None,
        stream: TextIO | None = None,
    ) -> None:
        self.bar = bar
        self.interval = BAR_REFRESH_SECONDS if bar else interval
        self.start, self.end, self.count = start, end, count
        self.stream = stream or sys.stderr
        self._wall0 = time.monotonic()
        self._next = self._wall0 + self.interval
        self._drawn = False

    def due(self) -> bool:
        return time.monotonic() >= self._next

    def report(self, events: int, main_events: int, t: float, sample: bytes | None) -> None:
        now = time.monotonic()
        self._next = now + self.interval
        rate = events / max(now - self._wall0, 1e-9)
        if self.bar:
            self._draw(main_events, t, rate)
            return
        text = sample.decode() if sample is not None else "-"
        log.info("%s events (%.0f/s), event time %s; sample: %s", f"{events:,}", rate, iso_utc(t), text)

    def _fraction(self, main_events: int, t: float) -> float:
        fractions = []
        if self.count:
            fractions.append(main_events / self.count)
        if self.end is not None and self.end > self.start:
            fractions.append((t - self.start) / (self.end - self.start))
        return min(1.0, max([0.0, *fractions]))

    def _draw(self, main_events: int, t: float, rate: float) -> None:
        fraction = self._fraction(main_events, t)
        filled = int(fraction * BAR_WIDTH)
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        elapsed = format_duration(max(t - self.start, 0.0))
        self.stream.write(
            f"\r[{bar}] {fraction:6.1%} {main_events:,} events, {elapsed} of event time, {rate:,.0f}/s "
        )
        self.stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
