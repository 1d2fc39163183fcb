"""When shoppers come: a weekly rhythm and a holiday calendar, in the shop's local time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from streamsim.clock import HOUR

TIME_ZONE = "America/Chicago"  # Houston, as the original's locations
#: Share of a day's sessions by local hour: quiet 2-5 am, building from 7 am, peak 8-9 pm
#: (SaleCycle 2020 Ecommerce Stats Report; Compete's hourly retail visits).
HOURLY_VISITS = (
    *(1.2, 0.8, 0.5, 0.4, 0.4, 0.6),
    *(1.2, 2.2, 3.0, 3.4, 3.7, 3.9),
    *(4.1, 4.0, 3.9, 3.9, 4.0, 4.3),
    *(4.6, 5.0, 5.4, 5.2, 4.0, 2.4),
)
#: Share of a week's sessions by weekday, Monday first: busiest on Monday, quietest on
#: Saturday (Doofinder's weekly distribution of online shopping activity).
WEEKDAY_SHARES = (16.1, 15.5, 15.0, 14.2, 13.4, 12.0, 13.8)


def weekly_rhythm(seasonality: bool) -> tuple[float, ...]:
    """168 multipliers (weekday * 24 + local hour) averaging 1 over a week; all 1 without seasonality.

    >>> week = weekly_rhythm(True)
    >>> round(sum(week) / len(week), 9), week[2] < 0.3 < 1.5 < week[20]  # Monday 2 am, Monday 8 pm
    (1.0, True)
    """
    if not seasonality:
        return (1.0,) * 168
    raw = [day * hour for day in WEEKDAY_SHARES for hour in HOURLY_VISITS]
    mean = sum(raw) / len(raw)
    return tuple(w / mean for w in raw)


def thanksgiving(year: int) -> date:
    """US Thanksgiving: the fourth Thursday of November.

    >>> thanksgiving(2025), thanksgiving(2024)
    (datetime.date(2025, 11, 27), datetime.date(2024, 11, 28))
    """
    first = date(year, 11, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 21)


def holiday_dates(year: int) -> dict[date, str]:
    """The shopping calendar of a year: each special local date and its period's name.

    >>> days = holiday_dates(2025)
    >>> days[date(2025, 11, 28)], days[date(2025, 12, 1)], days[date(2025, 12, 10)]
    ('black_friday', 'cyber_monday', 'christmas_season')
    """
    out: dict[date, str] = {}
    for day in range(1, 24):
        out[date(year, 12, day)] = "christmas_season"
    for day in (24, 25):
        out[date(year, 12, day)] = "christmas"
    for day in range(26, 32):
        out[date(year, 12, day)] = "after_christmas"
    turkey = thanksgiving(year)
    out[turkey] = "thanksgiving"
    out[turkey + timedelta(days=1)] = "black_friday"
    out[turkey + timedelta(days=2)] = out[turkey + timedelta(days=3)] = "cyber_weekend"
    out[turkey + timedelta(days=4)] = "cyber_monday"
    return out


class Calendar:
    """Local weekday, hour and holiday of each UTC hour, cached (cheap on hot paths).

    >>> from streamsim.timeutil import parse_time
    >>> Calendar().at(parse_time("2025-11-28T18:00:00Z"))  # Friday noon in Houston
    (4, 12, 'black_friday')
    """

    def __init__(self, tz: str = TIME_ZONE) -> None:
        self.zone = ZoneInfo(tz)
        self._hours: dict[int, tuple[int, int, str | None]] = {}
        self._years: dict[int, dict[date, str]] = {}

    def hour(self, hour: int) -> tuple[int, int, str | None]:
        """(weekday with Monday = 0, local hour, holiday or None) of the UTC hour ``floor(t / 3600)``."""
        found = self._hours.get(hour)
        if found is None:
            if len(self._hours) > 8192:
                self._hours.clear()
            local = datetime.fromtimestamp(hour * HOUR, self.zone)
            days = self._years.get(local.year)
            if days is None:
                days = self._years[local.year] = holiday_dates(local.year)
            found = self._hours[hour] = (local.weekday(), local.hour, days.get(local.date()))
        return found

    def at(self, t: float) -> tuple[int, int, str | None]:
        return self.hour(int(t // HOUR))

    def intensity(self, week: tuple[float, ...], traffic: dict[str, float] | None) -> Callable[[int], float]:
        """Session-start multiplier of each UTC hour: the weekly rhythm times the holiday's traffic."""

        def multiplier(hour: int) -> float:
            weekday, local_hour, holiday = self.hour(hour)
            factor = week[weekday * 24 + local_hour]
            if holiday is not None and traffic is not None:
                factor *= traffic[holiday]
            return factor

        return multiplier
