"""Event-time formatting and parsing of user-given times and durations.

Event times are floats: seconds since the Unix epoch, UTC.
"""

from __future__ import annotations

import math
import re
import time
from datetime import UTC, datetime, timedelta

_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, "w": 604800.0}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
#: Longest duration accepted anywhere (limits, timeouts, drift phases): 100 years.
MAX_DURATION = 100 * 365.25 * 86400.0
#: Event times are between these (Kafka message timestamps are milliseconds from 1970 on; the
#: upper end leaves a run centuries to go before dates stop being printable).
MIN_TIME = 0.0  # 1970-01-01T00:00:00Z
MAX_TIME = 32503680000.0  # 3000-01-01T00:00:00Z
DURATION_HELP = "a duration such as 90s, 15m, 2h, 7d, 1w or 1d12h, up to 100 years"
TIME_HELP = (
    "an ISO-8601 time such as 2025-01-31T08:00:00Z, 'now', or 'now-7d' / 'now+1h', "
    "from 1970-01-01 to 3000-01-01"
)


class IsoFormatter:
    """Formats event times as ISO-8601 UTC with microseconds, caching the whole-second part.

    The format is the one the original producers emitted
    (``datetime.now(timezone.utc).isoformat()``). One formatter per stream:
    consecutive events mostly share their second.

    >>> IsoFormatter()(0.25)
    '1970-01-01T00:00:00.250000+00:00'
    """

    __slots__ = ("_prefix", "_second")

    def __init__(self) -> None:
        self._second = -1
        self._prefix = ""

    def __call__(self, t: float) -> str:
        second, micro = divmod(round(t * 1_000_000), 1_000_000)
        if second != self._second:
            self._second = second
            self._prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        return f"{self._prefix}.{micro:06d}+00:00"


def epoch_millis(t: float) -> int:
    """Milliseconds since the epoch of the instant :class:`IsoFormatter` prints for ``t``.

    Both come from the time rounded to microseconds, so the printed time truncated to
    milliseconds is always this value (a Kafka message timestamp and its JSON agree).

    >>> epoch_millis(0.0009995), IsoFormatter()(0.0009995)
    (1, '1970-01-01T00:00:00.001000+00:00')
    """
    return round(t * 1_000_000) // 1000


def iso_utc(t: float) -> str:
    """Format one event time (see :class:`IsoFormatter` for hot loops).

    >>> iso_utc(1735689600.5)
    '2025-01-01T00:00:00.500000+00:00'
    """
    return IsoFormatter()(t)


def parse_duration(text: str, *, allow_zero: bool = False) -> float:
    """Parse a duration like ``90m`` or ``1d12h`` into seconds.

    >>> parse_duration("1d12h")
    129600.0
    >>> parse_duration("45")
    45.0
    """
    s = text.strip().lower().replace(" ", "")
    if not s:
        raise ValueError(f"expected {DURATION_HELP}")
    try:
        seconds = float(s)  # a bare number means seconds
    except ValueError:
        pos, seconds = 0, 0.0
        for match in _DURATION_PART.finditer(s):
            if match.start() != pos:
                break
            seconds += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
            pos = match.end()
        if pos != len(s):
            raise ValueError(f"expected {DURATION_HELP}") from None
    return check_duration(seconds, allow_zero=allow_zero)


def check_duration(seconds: float, *, allow_zero: bool = False) -> float:
    """``seconds`` if it is a valid duration (finite, positive, at most :data:`MAX_DURATION`).

    >>> check_duration(float("nan"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: expected a positive duration, ...
    """
    if not math.isfinite(seconds) or seconds < 0 or (seconds == 0 and not allow_zero):
        raise ValueError(f"expected a positive duration, {DURATION_HELP}")
    if seconds > MAX_DURATION:
        raise ValueError(f"expected {DURATION_HELP}")
    return float(seconds)


def check_time(t: float) -> float:
    """``t`` if it is a valid event time (between :data:`MIN_TIME` and :data:`MAX_TIME`).

    >>> check_time(-1.0)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: expected an ISO-8601 time ...
    """
    if not (math.isfinite(t) and MIN_TIME <= t <= MAX_TIME):
        raise ValueError(f"expected {TIME_HELP}")
    return float(t)


#: The extended ISO-8601 date (2025-01-31) every accepted time starts with.
_EXTENDED_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]|$)")


def parse_time(text: str, now: float | None = None) -> float:
    """Parse a user-given time into epoch seconds (UTC; naive times are UTC).

    >>> parse_time("2025-01-01T00:00:00Z")
    1735689600.0
    >>> parse_time("now-1d", now=86400.0)
    0.0
    >>> parse_time("20390404409010000")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: expected an ISO-8601 time ...
    """
    s = text.strip()
    reference = time.time() if now is None else now
    low = s.lower()
    if low == "now":
        return check_time(reference)
    if low.startswith(("now-", "now+")):
        sign = -1.0 if low[3] == "-" else 1.0
        try:
            offset = parse_duration(low[4:])
        except ValueError:
            raise ValueError(f"expected {TIME_HELP}") from None
        return check_time(reference + sign * offset)
    if not _EXTENDED_DATE.match(s):  # Python also reads basic forms, where a typo can still parse
        raise ValueError(f"expected {TIME_HELP}")
    try:
        parsed = datetime.fromisoformat(s.replace("z", "Z").replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"expected {TIME_HELP}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return check_time(parsed.timestamp())
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00
        raise ValueError(f"expected {TIME_HELP}") from None


def format_duration(seconds: float) -> str:
    """Human-readable duration for logs.

    >>> format_duration(93784)
    '1d 2h 3m 4s'
    >>> format_duration(2.5)
    '2.5s'
    """
    if seconds < 60:
        return f"{seconds:.3g}s"
    td = timedelta(seconds=round(seconds))
    parts = []
    days, rest = td.days, td.seconds
    for value, unit in ((days, "d"), (rest // 3600, "h"), (rest % 3600 // 60, "m"), (rest % 60, "s")):
        if value:
            parts.append(f"{value}{unit}")
    return " ".join(parts)
