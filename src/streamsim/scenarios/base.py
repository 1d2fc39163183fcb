"""The scenario contract: a seeded, pausable, time-ordered stream of events."""

from __future__ import annotations

import heapq
import inspect
import itertools
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from streamsim.drift import Drift
from streamsim.events import MAIN_STREAM, Event
from streamsim.parameters import ScenarioOptions
from streamsim.registry import register_scenario
from streamsim.rng import RngTree, Shard

if TYPE_CHECKING:
    from streamsim.schema import FieldSpec, Projection
    from streamsim.source import Source

OptionsT = TypeVar("OptionsT", bound=ScenarioOptions)
WHOLE = Shard()  # the unsharded population


class Scenario(ABC, Generic[OptionsT]):
    """Base of every scenario; subclasses register themselves by ``name``.

    A scenario is a description of a run: iterating it starts a fresh,
    independent stream (``list(s) == list(s)``), and one iterator can be
    consumed in pieces (taking 3 events then 2 equals taking 5). Events come in
    non-decreasing event time. All randomness comes from one
    :class:`~streamsim.rng.RngTree` created when iteration starts.

    Every constructor argument is stored under its own name, so ``repr`` and
    config dumps come from the signature.
    """

    name: ClassVar[str]
    description: ClassVar[str]  # one line, for `streamsim list`
    topic: ClassVar[str]  # default main topic (the original producer's)
    key_doc: ClassVar[str]  # which entity keys the messages, for docs and `list`
    #: Version of what a seed produces (Kafka header `schema_version`): 2 since the native engine.
    schema_version: ClassVar[int] = 2
    label_name: ClassVar[str] = "label"  # what Event.label values mean, for summaries
    Options: ClassVar[type[ScenarioOptions]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            register_scenario(cls)

    def __init__(
        self,
        options: OptionsT | None = None,
        *,
        seed: int,
        start: float,
        shard: Shard = WHOLE,
        rate: float | None = None,
    ) -> None:
        self.options: OptionsT = options if options is not None else self.Options()  # type: ignore[assignment]
        self.seed = seed
        self.start = start
        self.shard = shard
        self.rate = rate
        self._live_gauges: Callable[[], dict[str, float]] | None = None

    def __repr__(self) -> str:
        params = inspect.signature(type(self).__init__).parameters
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in list(params)[1:])
        return f"{type(self).__name__}({args})"

    # -- what a scenario must provide -------------------------------------

    @abstractmethod
    def default_rate(self) -> float:
        """Mean main-stream events per second when ``rate`` is not given."""

    @abstractmethod
    def field_specs(self) -> dict[str, list[FieldSpec]]:
        """Fields of each output stream (``""`` is the main stream), in emission order."""

    @abstractmethod
    def _generate(self, rng: RngTree) -> Iterator[Event]:
        """The event stream of one run."""

    # -- what every scenario gets ------------------------------------------

    @property
    def effective_rate(self) -> float:
        return self.rate if self.rate is not None else self.default_rate()

    def topics(self, main: str | None = None) -> dict[str, str]:
        """Topic of each stream: the main topic and ``<topic>_<stream>`` for companions."""
        base = main or self.topic
        return {s: base if s == MAIN_STREAM else f"{base}_{s}" for s in self.field_specs()}

    def __iter__(self) -> Iterator[Event]:
        return self._generate(RngTree(self.seed, self.shard))

    def stream_names(self) -> list[str]:
        """Every output stream, the main stream (``""``) first."""
        return [MAIN_STREAM, *(s for s in self.field_specs() if s != MAIN_STREAM)]

    def source(self, projection: Projection) -> Source:
        """A fresh run of this scenario as batches of serialized records (main stream projected)."""
        from streamsim.source import PythonSource

        return PythonSource(self, self.stream_names(), projection)

    def gauges(self) -> dict[str, float]:
        """Live sizes of the stream being iterated, for metrics: e.g. ``{"entities": 1200, "sessions": 37}``.

        Keys name what is counted (``entities``: persistent entities active now,
        ``sessions``: open sessions or trips); each becomes the ``kind`` label of
        ``streamsim_active``. The runner asks between two events, about once a
        second, from the loop's thread. A running stream publishes its own with
        :meth:`_expose`; nothing before that.
        """
        live = self._live_gauges
        return live() if live is not None else {}

    def _expose(self, gauges: Callable[[], dict[str, float]]) -> None:
        """Called by a stream as it starts: what :meth:`gauges` reports from now on (the latest wins)."""
        self._live_gauges = gauges

    def _drift(self, rng: RngTree, build: Callable[[OptionsT], R]) -> Drift[R]:
        """The run's drift controller: ``build`` turns options into the scenario's regime."""
        return Drift(self.options, self.options.schedule, build, rng.stream("drift"), start=self.start)


T = TypeVar("T")
R = TypeVar("R")


class Timeline(Generic[T]):
    """Items scheduled at future event times, popped in time order (ties in insertion order).

    >>> tl: Timeline[str] = Timeline()
    >>> tl.schedule(5.0, "b"); tl.schedule(1.0, "a"); tl.schedule(5.0, "c")
    >>> tl.next_time(), [tl.pop() for _ in range(len(tl))]
    (1.0, [(1.0, 'a'), (5.0, 'b'), (5.0, 'c')])
    """

    __slots__ = ("_counter", "_heap")

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, T]] = []
        self._counter = itertools.count()

    def schedule(self, t: float, item: T) -> None:
        heapq.heappush(self._heap, (t, next(self._counter), item))

    def next_time(self) -> float:
        """Time of the earliest item (infinity when empty)."""
        return self._heap[0][0] if self._heap else float("inf")

    def pop(self) -> tuple[float, T]:
        t, _, item = heapq.heappop(self._heap)
        return t, item

    def __len__(self) -> int:
        return len(self._heap)
