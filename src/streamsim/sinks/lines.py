"""JSON Lines output to a binary stream, buffered, shared by the stdout and file sinks."""

from __future__ import annotations

import gzip
from typing import IO, TYPE_CHECKING

from streamsim.sinks.base import Sink

if TYPE_CHECKING:
    from collections.abc import Sequence

    from streamsim.events import Record
    from streamsim.source import Batch

#: Records buffered before a write (batches from the runner are written whole).
BUFFER_RECORDS = 512


class LinesSink(Sink):
    """Writes each record's value and a newline; buffers up to ``BUFFER_RECORDS`` records."""

    def __init__(self) -> None:
        super().__init__()
        self._buffer: list[bytes] = []  # chunks of whole lines, each ending with a newline
        self._pending = 0  # records in the buffer
        self._stream: IO[bytes] | gzip.GzipFile | None = None

    def write(self, record: Record) -> None:
        self._buffer.append(record.value + b"\n")
        self._pending += 1
        self.accepted += 1
        if self._pending >= BUFFER_RECORDS:
            self.flush()

    def write_batch(self, batch: Batch, topics: Sequence[str], sequence: int) -> None:
        # Every stream's records, in run order, as one block of lines.
        self._buffer.append(batch.lines())
        self._pending += len(batch)
        self.accepted += len(batch)
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
