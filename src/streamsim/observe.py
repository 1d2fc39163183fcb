"""What a run reports to an observer (the metrics server), without depending on one.

The run loop counts what it produces in a :class:`Tally` and hands it to a
:class:`RunObserver` at progress points (about once a second, and at the end),
never per event. Sinks report delivery latencies into a :class:`Buckets`
histogram through :attr:`streamsim.sinks.base.Sink.observe_latency`, and
answer :meth:`~streamsim.sinks.base.Sink.queue_length` and
:meth:`~streamsim.sinks.base.Sink.connected` when asked. Nothing here imports
prometheus-client: :mod:`streamsim.metrics` turns these into Prometheus
metrics only when ``--metrics-port`` is given.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from streamsim.scenarios.base import Scenario
    from streamsim.sinks.base import Sink

#: Upper bounds (seconds) of the delivery-latency histogram: from a millisecond to a minute.
LATENCY_BOUNDS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

_MINUTE, _HOUR, _DAY = 60.0, 3600.0, 86400.0
#: Upper bounds (seconds of event time) of the label-delay histogram: a trip's end after minutes,
#: a chargeback after weeks or months.
LABEL_DELAY_BOUNDS = (
    _MINUTE,
    5 * _MINUTE,
    15 * _MINUTE,
    30 * _MINUTE,
    _HOUR,
    3 * _HOUR,
    6 * _HOUR,
    12 * _HOUR,
    _DAY,
    2 * _DAY,
    7 * _DAY,
    14 * _DAY,
    30 * _DAY,
    60 * _DAY,
    90 * _DAY,
    180 * _DAY,
)


class Buckets:
    """A histogram with fixed upper bounds, cheap enough to update once per event.

    One thread observes; another may read :meth:`snapshot` at any time (a list
    copy is atomic, so the buckets are always consistent with each other; the
    sum may miss the observation being made at that instant).

    >>> b = Buckets((1.0, 5.0))
    >>> for x in (0.5, 1.0, 3.0, 9.0):
    ...     b.observe(x)
    >>> b.snapshot()
    ([2, 3, 4], 13.5)
    """

    __slots__ = ("bounds", "counts", "total")

    def __init__(self, bounds: Sequence[float]) -> None:
        self.bounds = tuple(bounds)
        self.counts = [0] * (len(self.bounds) + 1)  # the last one counts values above every bound
        self.total = 0.0

    def observe(self, value: float) -> None:
        self.counts[bisect_left(self.bounds, value)] += 1
        self.total += value

    def snapshot(self) -> tuple[list[int], float]:
        """Cumulative counts per bound (the last one is +Inf: all observations), and their sum."""
        counts = list(self.counts)
        cumulative, running = [], 0
        for count in counts:
            running += count
            cumulative.append(running)
        return cumulative, self.total


#: Events and bytes by (stream, event type, label value) of one run: ``[events, bytes]``.
Kinds = dict[tuple[str, str, str | None], list[int]]


@dataclass
class Tally:
    """What the run loop has produced so far (cumulative), as an observer sees it at progress points."""

    kinds: Kinds = field(default_factory=dict)
    label_delays: Buckets = field(default_factory=lambda: Buckets(LABEL_DELAY_BOUNDS))
    time: float | None = None  # event time of the latest event
    drift_phase: int = 0  # 0 until the first phase of a drift schedule begins
    drift_name: str = ""
    gauges: dict[str, float] = field(default_factory=dict)  # live sizes of the stream (entities...)


class RunObserver(Protocol):
    """Receives a run's progress. Every method is called from the run loop's thread."""

    def started(self, scenario: Scenario[Any], sink: Sink, topics: Mapping[str, str]) -> None:
        """The sink is open and the loop is about to produce."""

    def progress(self, tally: Tally) -> None:
        """The loop's counts so far (about once a second while producing, and once at the end).

        ``tally`` keeps changing after the call returns: copy what is kept.
        """

    def idle(self, seconds: float) -> None:
        """The loop is about to wait this long for the next event to be due (pacing)."""

    def finished(self) -> None:
        """The loop ended; the sink is about to be flushed and closed."""
