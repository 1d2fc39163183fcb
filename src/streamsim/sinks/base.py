"""The sink lifecycle shared by every sink: open -> write -> flush -> close."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, Self

from streamsim.events import Record

if TYPE_CHECKING:
    from collections.abc import Callable

    from streamsim.config import Resolved
    from streamsim.scenarios.base import Scenario
    from streamsim.source import Batch


class SinkClosed(Exception):
    """The consumer went away (e.g. the reader of a pipe exited): stop generating quietly."""


class WriteInterrupted(Exception):
    """``write`` gave up waiting for room because the run is stopping; the record was not accepted."""


class Sink(ABC):
    """Receives records in order.

    ``write`` accepts a record (it may buffer); ``flush`` blocks until everything
    accepted is delivered or has failed; ``close`` flushes and releases
    resources. ``delivered`` and ``failed`` count records by outcome: a sink
    never drops a record silently.

    For metrics, a sink that measures delivery latency calls
    ``self.observe_latency(seconds)`` for each delivered record (a no-op
    unless ``--metrics-port`` is on); :meth:`queue_length` and
    :meth:`connected` are asked from the metrics server's thread.
    """

    name: ClassVar[str]
    #: Stream names by index, for the records built by :meth:`write_batch` (set by the runner).
    stream_names: Sequence[str] = ("",)
    resume_from: int = 0  # see __init__ (also the default of sinks that do not call it)

    def __init__(self) -> None:
        self.delivered = 0
        self.failed = 0
        self.accepted = 0
        #: Seconds from accepting a record to its acknowledgement, reported by the sink for
        #: each delivered record; the metrics server replaces this no-op with its histogram.
        self.observe_latency: Callable[[float], None] = _ignore
        #: Set when the run is asked to stop (a signal): a sink waiting for room in ``write``
        #: raises :class:`WriteInterrupted` instead of waiting on. The runner sets its own event.
        self.stopping = threading.Event()
        #: Records a previous run already delivered (``--resume``), known after ``open``: the
        #: runner fast-forwards past the first ``resume_from`` records and never writes them.
        self.resume_from = 0

    @classmethod
    @abstractmethod
    def from_config(cls, resolved: Resolved, topics: Sequence[str], scenario: Scenario[Any]) -> Self:
        """Build the sink from validated options; ``topics`` are all topics the run may write.

        ``scenario`` is the run's scenario, for sinks that describe the stream (Kafka headers).
        """

    def open(self) -> None:  # noqa: B027 - optional hook
        """Acquire resources (connections, files)."""

    @abstractmethod
    def write(self, record: Record) -> None:
        """Accept one record."""

    def write_batch(self, batch: Batch, topics: Sequence[str], sequence: int) -> None:
        """Accept every record of a batch, numbered from ``sequence``; ``topics[i]`` is stream i's topic.

        The runner hands sinks batches; this default writes them record by record.
        Sinks that can take a batch whole (lines, null) override it.
        """
        write, names = self.write, self.stream_names
        for stream, key, event_type, label, t, labeled_time, value, _ in batch.records():
            write(
                Record(
                    topics[stream], key, value, t, event_type, sequence, names[stream], label, labeled_time
                )
            )
            sequence += 1

    @abstractmethod
    def flush(self) -> None:
        """Deliver everything accepted so far."""

    def close(self) -> None:
        """Flush and release resources."""
        self.flush()

    def queue_length(self) -> int:
        """Records accepted and waiting in a local buffer or producer queue.

        Called from the metrics server's thread: must be thread-safe and must not block.
        """
        return 0

    def connected(self) -> bool:
        """Whether the destination is reachable now (part of readiness); remote sinks override it.

        Called from the metrics server's thread: must be thread-safe and must not block.
        """
        return True

    @property
    def undelivered(self) -> int:
        """Accepted records neither delivered nor failed yet."""
        return self.accepted - self.delivered - self.failed

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _ignore(seconds: float) -> None:
    """The default of :attr:`Sink.observe_latency`: metrics are off."""
