"""Sources: what the runner pulls batches of serialized records from.

A built-in scenario's source is its native stream (``streamsim._core.NativeStream``):
simulation, projection and JSON happen in the core, per event. A Python scenario (a
plug-in) gets a :class:`PythonSource`, which does the same in Python at Python speed.
Both satisfy :class:`Source`, and their batches :class:`Batch`, so the runner and the
sinks never know which kind of scenario they serve.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import orjson

from streamsim.events import MAIN_STREAM

if TYPE_CHECKING:
    from streamsim._core import RecordTuple
    from streamsim.events import Event
    from streamsim.scenarios.base import Scenario
    from streamsim.schema import Projection


class Batch(Protocol):
    """Records in run order; record tuples are (stream index, key, event type, label, time,
    labeled time, value, drift phase)."""

    def __len__(self) -> int: ...
    @property
    def main(self) -> int: ...
    @property
    def size(self) -> int: ...
    @property
    def last_time(self) -> float | None: ...
    def records(self) -> list[RecordTuple]: ...
    def lines(self, stream: int | None = None) -> bytes: ...
    def last_value(self, stream: int) -> bytes | None: ...
    def tally(self) -> list[tuple[int, str, str | None, int, int]]: ...
    def label_delays(self) -> list[float]: ...


class Source(Protocol):
    """A running stream of records, pulled batch by batch (pausable: the next batch goes on)."""

    def next_batch(self, max_records: int, max_main: int = 0, until: float = math.inf) -> Batch:
        """Up to ``max_records`` records with event time before ``until``, stopping after
        ``max_main`` main-stream records (0: no such budget)."""
        ...

    def peek_time(self) -> float | None:
        """Event time of the next record (None once the stream has ended)."""
        ...

    def skip(self, n: int) -> int:
        """Generates and discards the next ``n`` records; returns how many there were."""
        ...

    def gauges(self) -> list[tuple[str, float]]:
        """Live sizes of the stream for metrics (``entities``, ``sessions``...)."""
        ...

    def take_phase_changes(self) -> list[tuple[int, float, int]]:
        """Drift phases entered since the last call: (phase, event time, main events so far)."""
        ...

    def drain(self) -> None:
        """Ends the main stream: what follows is only the labels still due for the main
        events already taken, in event-time order; then the stream ends (``--drain-labels``)."""
        ...

    def pending_labels(self) -> int:
        """Main events taken whose label (or outcome) has not been emitted yet."""
        ...


class Limits:
    """A run's main-event budget and event-time end, and what reaching them does: the run stops,
    or with ``drain_labels`` the main stream ends and the labels still due follow (then no limit
    is left). One place for the runner and for :func:`streamsim.stream`."""

    def __init__(self, count: int | None, end: float | None, drain_labels: bool) -> None:
        self.count = count or 0  # 0: no budget
        self.end = math.inf if end is None else end
        self.drain_labels = drain_labels
        self.reached: str | None = None  # the limit the run reached
        self.drained = False

    def budget(self, main: int) -> int:
        """The main events the next batch may take, given ``main`` taken so far (0: no budget)."""
        return self.count - main if self.count else 0

    def upcoming(self, source: Source, main: int) -> float | None:
        """Event time of the next record to take, or None where the run ends: at a limit (now in
        ``reached``), or where the stream ends. At a limit with ``drain_labels`` the source is
        drained, and the labels still due are what comes next."""
        while True:
            limit = "reached --count" if self.count and main >= self.count else None
            upcoming = None if limit else source.peek_time()
            if upcoming is not None and upcoming >= self.end:
                limit = "reached --duration/--until"
            if limit is None:
                return upcoming
            self.reached = limit
            if not self.drain_labels:
                return None
            logging.getLogger("streamsim").info(
                "%s: draining the %s labels still due", limit, f"{source.pending_labels():,}"
            )
            source.drain()
            self.count, self.end, self.drain_labels, self.drained = 0, math.inf, False, True

    @property
    def stop_reason(self) -> str:
        """Why the run ended, once ``upcoming`` returned None."""
        if self.reached is None:
            return "scenario ended"
        return f"{self.reached}, labels drained" if self.drained else self.reached


class RecordBatch:
    """A :class:`Batch` of records serialized in Python."""

    __slots__ = ("_records", "main", "size")

    def __init__(self, records: list[RecordTuple]) -> None:
        self._records = records
        self.main = sum(1 for r in records if r[0] == 0)
        self.size = sum(len(r[6]) for r in records)

    def __len__(self) -> int:
        return len(self._records)

    @property
    def last_time(self) -> float | None:
        return self._records[-1][4] if self._records else None

    def records(self) -> list[RecordTuple]:
        return self._records

    def lines(self, stream: int | None = None) -> bytes:
        values = [r[6] for r in self._records if stream is None or r[0] == stream]
        return b"".join(value + b"\n" for value in values)

    def last_value(self, stream: int) -> bytes | None:
        return next((r[6] for r in reversed(self._records) if r[0] == stream), None)

    def tally(self) -> list[tuple[int, str, str | None, int, int]]:
        counts: dict[tuple[int, str, str | None], list[int]] = {}
        for stream, _, event_type, label, _, _, value, _ in self._records:
            kind = counts.setdefault((stream, event_type, label), [0, 0])
            kind[0] += 1
            kind[1] += len(value)
        return [(*key, n, size) for key, (n, size) in counts.items()]

    def label_delays(self) -> list[float]:
        return [r[4] - r[5] for r in self._records if r[5] is not None]


class PythonSource:
    """The :class:`Source` of a scenario written in Python: its events, projected and serialized."""

    def __init__(self, scenario: Scenario[Any], streams: Sequence[str], projection: Projection) -> None:
        self._events: Iterator[Event] = iter(scenario)
        self._index = {name: i for i, name in enumerate(streams)}
        self._project = projection.function
        self._scenario = scenario
        self._ahead: Event | None = None
        self._ended = False
        self._phase = 0
        self._main = 0
        self._changes: list[tuple[int, float, int]] = []

    def peek_time(self) -> float | None:
        if self._ahead is None and not self._ended:
            self._ahead = next(self._events, None)
            self._ended = self._ahead is None
        return None if self._ahead is None else self._ahead.time

    def _take(self) -> Event | None:
        if self.peek_time() is None:
            return None
        event, self._ahead = self._ahead, None
        assert event is not None
        if event.stream == MAIN_STREAM:
            self._main += 1
            if event.phase != self._phase:
                self._phase = event.phase
                self._changes.append((event.phase, event.time, self._main))
        return event

    def next_batch(self, max_records: int, max_main: int = 0, until: float = math.inf) -> RecordBatch:
        out: list[RecordTuple] = []
        main = 0
        dumps, project = orjson.dumps, self._project
        while len(out) < max_records and not (max_main and main >= max_main):
            t = self.peek_time()
            if t is None or t >= until:
                break
            event = self._take()
            assert event is not None
            index = self._index[event.stream]
            if index == 0:
                main += 1
                value = dumps(project(event.fields))
            else:
                value = dumps(event.fields)
            out.append(
                (index, event.key, event.event_type, event.label, t, event.labeled_time, value, event.phase)
            )
        return RecordBatch(out)

    def skip(self, n: int) -> int:
        skipped = 0
        while skipped < n and self._take() is not None:
            skipped += 1
        return skipped

    def gauges(self) -> list[tuple[str, float]]:
        return list(self._scenario.gauges().items())

    def take_phase_changes(self) -> list[tuple[int, float, int]]:
        changes, self._changes = self._changes, []
        return changes

    def drain(self) -> None:
        # A Python scenario has no hook to drain its companion streams: it ends here.
        self._ended, self._ahead = True, None

    def pending_labels(self) -> int:
        return 0
