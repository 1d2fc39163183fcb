"""Regional weather over event time: one state per region, shared by every trip and shard.

The condition is a semi-Markov chain stepped every 15 minutes of event time:
each condition lasts a geometric spell (a few hours of clear sky, an hour of
heavy rain...), then the next one is drawn so that, in the long run, each
condition holds for its target share of the time in that month and hour. Those
shares come from the region's rainy-day normals and ``bad_weather_probability``.
Temperature follows the monthly normals with a daily cycle, a slowly wandering
anomaly (warm and cold spells), and cooler, flatter days under rain.
"""

from __future__ import annotations

import math
from bisect import bisect
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING

from streamsim.scenarios.eta_city import NORMAL_COUNT, NORMALS

if TYPE_CHECKING:
    from streamsim.regions import Climate, RegionClock
    from streamsim.rng import Rng

CONDITIONS = ("Clear", "Clouds", "Rain", "Heavy Rain", "Fog", "Thunderstorm")
CLEAR, CLOUDS, RAIN, HEAVY_RAIN, FOG, THUNDERSTORM = range(6)
BAD = (RAIN, HEAVY_RAIN, FOG, THUNDERSTORM)
WET = (RAIN, HEAVY_RAIN, THUNDERSTORM)
STEP = 900.0
#: Mean length of a spell of each condition, hours.
SPELL_HOURS = (8.0, 5.0, 2.0, 0.75, 3.0, 1.0)
LEAVE = tuple(min(1.0, STEP / (hours * 3600.0)) for hours in SPELL_HOURS)
#: Travel-time multipliers of each bad condition, drawn once per spell (FHWA road weather figures).
FACTORS = {RAIN: (1.05, 1.2), HEAVY_RAIN: (1.2, 1.5), FOG: (1.1, 1.3), THUNDERSTORM: (1.25, 1.6)}
#: Fog forms in the early morning, thunderstorms build in the afternoon (daily means are 1).
_FOG_HOURS = [2.5 if 3 <= h <= 8 else 1.0 if h in (2, 9, 10) else 0.3 for h in range(24)]
_THUNDER_HOURS = [2.0 if 13 <= h <= 20 else 0.5 for h in range(24)]
FOG_BY_HOUR = tuple(w * 24 / sum(_FOG_HOURS) for w in _FOG_HOURS)
THUNDER_BY_HOUR = tuple(w * 24 / sum(_THUNDER_HOURS) for w in _THUNDER_HOURS)
ANOMALY_SD = 2.5  # °C, day-to-day departures from the normals
ANOMALY_HOURS = 36.0  # how long a warm or cold spell lasts
_PHI = math.exp(-STEP / (ANOMALY_HOURS * 3600.0))
_DAYS_IN_MONTH = (31, 28.25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True, slots=True)
class Seasons:
    """Normals of one region, by day of the year: daily highs and lows, rainy-day shares."""

    highs: tuple[float, ...]
    lows: tuple[float, ...]
    rainy: tuple[float, ...]  # days with precipitation / days in the month, per month
    month_high: tuple[float, ...]

    @classmethod
    def of(cls, climate: Climate) -> Seasons:
        centers = [sum(_DAYS_IN_MONTH[:m]) + _DAYS_IN_MONTH[m] / 2 for m in range(12)]

        def daily(values: tuple[float, ...]) -> tuple[float, ...]:
            out = []
            for day in range(366):
                x = day + 0.5
                # Interpolate between the mid-months around the day; the year wraps around.
                m = sum(1 for c in centers if c <= x) - 1
                a, b = m % 12, (m + 1) % 12
                ca = centers[a] - (365.25 if m < 0 else 0.0)
                cb = centers[b] + (365.25 if m == 11 else 0.0)
                out.append(values[a] + (x - ca) / (cb - ca) * (values[b] - values[a]))
            return tuple(out)

        rainy = tuple(min(1.0, d / _DAYS_IN_MONTH[m]) for m, d in enumerate(climate.rainy_days))
        return cls(daily(climate.high_c), daily(climate.low_c), rainy, climate.high_c)


@dataclass(frozen=True, slots=True)
class WeatherRegime:
    """Transition tables for one ``bad_weather_probability``: per (month, local hour)."""

    cumulative: tuple[tuple[tuple[float, ...], ...], ...]  # next-condition weights, cumulated
    shares: tuple[tuple[tuple[float, ...], ...], ...]  # long-run share of each condition

    @classmethod
    def of(cls, seasons: Seasons, bad_probability: float) -> WeatherRegime:
        mean_rainy = sum(seasons.rainy) / 12 or 1.0
        cumulative, shares = [], []
        for month in range(12):
            # More bad weather in months with more rainy days; the yearly mean is the option.
            bad = min(0.9, bad_probability * seasons.rainy[month] / mean_rainy)
            high = seasons.month_high[month]
            fog = 0.25 if high < 15 else 0.15 if high < 25 else 0.08
            thunder = 0.02 if high < 15 else 0.1 if high < 25 else 0.2
            split = (0.6, 0.15, fog, thunder)
            split_total = sum(split)
            clouds = 0.25 + 0.5 * seasons.rainy[month]
            by_hour_cum, by_hour_share = [], []
            for hour in range(24):
                rain, heavy, fog_w, thunder_w = (
                    bad * s / split_total * m
                    for s, m in zip(split, (1.0, 1.0, FOG_BY_HOUR[hour], THUNDER_BY_HOUR[hour]), strict=True)
                )
                bad_here = min(0.95, rain + heavy + fog_w + thunder_w)
                scale = bad_here / (rain + heavy + fog_w + thunder_w) if bad_here > 0 else 0.0
                good = 1.0 - bad_here
                share = (
                    good * (1.0 - clouds),
                    good * clouds,
                    rain * scale,
                    heavy * scale,
                    fog_w * scale,
                    thunder_w * scale,
                )
                by_hour_share.append(share)
                # Spells of condition s last 1/LEAVE[s] steps: enter it in proportion to share * LEAVE.
                by_hour_cum.append(
                    tuple(accumulate(s * leave for s, leave in zip(share, LEAVE, strict=True)))
                )
            cumulative.append(tuple(by_hour_cum))
            shares.append(tuple(by_hour_share))
        return cls(tuple(cumulative), tuple(shares))


class Weather:
    """The current weather of a region, advanced step by step in event time.

    Draws come from a stream shared by all shards, and steps sit on a fixed
    15-minute grid of event time, so every shard sees the same weather.
    ``spell`` identifies the current spell: the step index at which it began.
    """

    def __init__(self, seasons: Seasons, clock: RegionClock, rng: Rng) -> None:
        self._seasons = seasons
        self._clock = clock
        self._random = rng.random
        self._uniform = rng.uniform
        self.next_step = math.inf  # set by start()
        self.condition = CLEAR
        self.name = CONDITIONS[CLEAR]
        self.factor = 1.0
        self.spell = 0
        self.temperature = 0.0
        self._anomaly = 0.0

    def start(self, t: float, regime: WeatherRegime) -> None:
        """Draw the weather at the start of the run from the long-run shares."""
        step = math.floor(t / STEP) * STEP
        local = self._clock.local(step)
        month, hour = self._clock.month(local), int((local % 86400) // 3600)
        cumulative = list(accumulate(regime.shares[month][hour]))
        condition = min(bisect(cumulative, self._random() * cumulative[-1]), THUNDERSTORM)
        self._anomaly = ANOMALY_SD * NORMALS[int(self._random() * NORMAL_COUNT)]
        self._enter(condition, step)
        self._temperature(local)
        self.next_step = step + STEP

    def advance(self, t: float, regime: WeatherRegime) -> None:
        """Step the weather up to event time ``t``."""
        random, clock = self._random, self._clock
        while t >= self.next_step:
            step = self.next_step
            self.next_step = step + STEP
            local = clock.local(step)
            u = random()
            leave = LEAVE[self.condition]
            if u < leave:
                cumulative = regime.cumulative[clock.month(local)][int((local % 86400) // 3600)]
                # Reuse the uniform: below `leave` it is uniform on [0, leave).
                condition = bisect(cumulative, u / leave * cumulative[-1])
                if condition != self.condition:
                    self._enter(min(condition, THUNDERSTORM), step)
            self._anomaly = (
                _PHI * self._anomaly
                + ANOMALY_SD * math.sqrt(1 - _PHI * _PHI) * NORMALS[int(random() * NORMAL_COUNT)]
            )
            self._temperature(local)

    def _enter(self, condition: int, step: float) -> None:
        self.condition = condition
        self.name = CONDITIONS[condition]
        self.spell = int(step // STEP)
        bounds = FACTORS.get(condition)
        self.factor = 1.0 if bounds is None else round(self._uniform(*bounds) * 100) / 100

    def _temperature(self, local: float) -> None:
        seasons = self._seasons
        day = self._clock.day_of_year(local)
        high, low = seasons.highs[day], seasons.lows[day]
        hour = (local % 86400) / 3600
        # Coolest near 06:00, warmest near 15:00.
        if 6.0 <= hour < 15.0:
            cycle = -math.cos(math.pi * (hour - 6.0) / 9.0)
        else:
            cycle = math.cos(math.pi * ((hour - 15.0) % 24.0) / 15.0)
        wet = self.condition in WET
        amplitude = (high - low) / 2 * (0.5 if wet else 1.0)
        value = (high + low) / 2 + amplitude * cycle + self._anomaly - (1.5 if wet else 0.0)
        self.temperature = round(value * 10) / 10
