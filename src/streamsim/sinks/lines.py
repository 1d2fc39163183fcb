"""JSON Lines output to a binary stream, buffered, shared by the stdout and file sinks.

A line output carries one stream or several. With one, each line is the record's value, as
the scenario's topic carries it. With several, each line is an envelope that names the stream,
so that a reader never has to guess it from the fields present::

    {"stream":"labels","topic":"transaction_fraud_detection_labels","key":"u1","time":...,"value":{...}}

The main stream's name in an envelope is ``main``.
"""

from __future__ import annotations

import gzip
from typing import IO, TYPE_CHECKING

import orjson

from streamsim.errors import UsageError
from streamsim.events import MAIN_STREAM
from streamsim.sinks.base import Sink

if TYPE_CHECKING:
    from collections.abc import Sequence

    from streamsim.events import Record
    from streamsim.source import Batch

#: Records buffered before a write (batches from the runner are written whole).
BUFFER_RECORDS = 512
#: How the main stream (``""``) is named in ``--streams`` and in envelopes.
MAIN_NAME = "main"


def public_name(stream: str) -> str:
    """A stream's name as users write it (``main`` for the main stream)."""
    return MAIN_NAME if stream == MAIN_STREAM else stream


def select_streams(requested: Sequence[str] | None, available: Sequence[str], default: str) -> list[int]:
    """Indexes of the streams ``--streams`` selects among ``available`` (``default``: main or all)."""
    names = list(requested) if requested else [default]
    public = [public_name(s) for s in available]
    if "all" in names:
        return list(range(len(available)))
    chosen: list[int] = []
    for name in names:
        if name not in public:
            raise UsageError(
                f"invalid value for --streams: {name!r} (allowed: main, all, or streams of this run: "
                f"{', '.join(public)})"
            )
        if public.index(name) not in chosen:
            chosen.append(public.index(name))
    return sorted(chosen)


def envelope(stream: str, topic: str, key: str, time: float, value: bytes) -> bytes:
    """One line of a multi-stream output (without the newline)."""
    head = orjson.dumps({"stream": public_name(stream), "topic": topic, "key": key, "time": time})
    return head[:-1] + b',"value":' + value + b"}"


class LinesSink(Sink):
    """Writes the selected streams' records, one a line; buffers up to ``BUFFER_RECORDS`` records.

    ``streams`` is what ``--streams`` asked for (None: this sink's ``default_streams``).
    Records of streams not selected are counted as delivered: the run produced them and this
    output was asked not to carry them.
    """

    default_streams = "all"

    def __init__(self, streams: Sequence[str] | None = None) -> None:
        super().__init__()
        self.streams = list(streams) if streams else None
        self._buffer: list[bytes] = []  # chunks of whole lines, each ending with a newline
        self._pending = 0  # records in the buffer
        self._skipped = 0  # records of streams this output does not carry
        self._stream: IO[bytes] | gzip.GzipFile | None = None
        self._selected: list[int] | None = None  # stream indexes, once the stream names are known
        self._names: Sequence[str] = ()

    def selected(self) -> list[int]:
        """Indexes of the streams this output carries (from the run's stream names)."""
        if self._selected is None or self._names is not self.stream_names:
            self._names = self.stream_names
            self._selected = select_streams(self.streams, self.stream_names, self.default_streams)
        return self._selected

    @property
    def enveloped(self) -> bool:
        return len(self.selected()) > 1

    def write(self, record: Record) -> None:
        self.accepted += 1
        names = list(self.stream_names)
        index = names.index(record.stream) if record.stream in names else 0
        if index not in self.selected():
            self.delivered += 1
            return
        value = record.value
        if self.enveloped:
            value = envelope(record.stream, record.topic, record.key, record.time, value)
        self._buffer.append(value + b"\n")
        self._pending += 1
        if self._pending >= BUFFER_RECORDS:
            self.flush()

    def write_batch(self, batch: Batch, topics: Sequence[str], sequence: int) -> None:
        selected = self.selected()
        n = len(batch)
        self.accepted += n
        if len(selected) == len(self.stream_names) == 1:
            chunk, carried = batch.lines(), n  # the usual case: one stream, written whole
        elif len(selected) == 1:
            chunk = batch.lines(selected[0])
            carried = sum(1 for r in batch.records() if r[0] == selected[0]) if chunk else 0
        else:
            names, wanted = self.stream_names, set(selected)
            lines = [
                envelope(names[r[0]], topics[r[0]], r[1], r[4], r[6]) + b"\n"
                for r in batch.records()
                if r[0] in wanted
            ]
            chunk, carried = b"".join(lines), len(lines)
        self.delivered += n - carried  # records of streams this output does not carry
        if chunk:
            self._buffer.append(chunk)
            self._pending += carried
        self.flush()

    def queue_length(self) -> int:
        return self._pending

    def flush(self) -> None:
        if self._stream is None:
            return
        if self._buffer:
            pending, data = self._pending, b"".join(self._buffer)
            self._buffer.clear()
            self._pending = 0
            try:
                self._stream.write(data)
            except BaseException:
                self.failed += pending
                raise
            self.delivered += pending
        self._stream.flush()
