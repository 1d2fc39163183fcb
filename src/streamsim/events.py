"""What scenarios produce and sinks receive."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

MAIN_STREAM = ""


@dataclass(slots=True)
class Event:
    """One simulated event, as Python scenarios (plug-ins) yield it and iteration returns it.

    ``time`` is the event time (epoch seconds, UTC). ``stream`` names the output
    stream: ``""`` is the scenario's main topic; any other name is a companion
    stream written to ``<topic>_<stream>`` (for example delayed labels).
    ``label`` is the event's label value as text, when it carries one, for
    summaries and metrics (a small set of values, such as ``"0"`` and ``"1"``:
    each becomes a metric series). ``labeled_time``, on an event that delivers
    a label later than the event it labels (a chargeback, a trip's end), is the
    event time of that labeled event; metrics report ``time - labeled_time`` as
    the label delay. ``phase`` is the drift phase in effect for a main-stream
    event (0 before the first phase): the runner reports drift points from it.
    """

    time: float
    key: str
    event_type: str
    fields: dict[str, Any]
    stream: str = MAIN_STREAM
    label: str | None = None
    labeled_time: float | None = None
    phase: int = 0


class Record(NamedTuple):
    """A serialized event on its way to a sink.

    ``sequence`` numbers the records of one run (one shard) from 0 without gaps,
    so a consumer can check that nothing was lost or duplicated.
    """

    topic: str
    key: str
    value: bytes
    time: float
    event_type: str
    sequence: int
    stream: str = MAIN_STREAM
    label: str | None = None
    labeled_time: float | None = None

    @property
    def event(self) -> Event:
        """The record as an :class:`Event`, its fields decoded from the value (for tests and tools)."""
        return Event(
            self.time,
            self.key,
            self.event_type,
            orjson.loads(self.value),
            self.stream,
            self.label,
            self.labeled_time,
        )
