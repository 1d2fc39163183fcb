"""JSON Lines output to a binary stream, buffered, shared by the stdout and file sinks."""

from __future__ import annotations

import gzip
from typing import IO, TYPE_CHECKING

from streamsim.sinks.base import Sink

if TYPE_CHECKING:
    from streamsim.events import Record

BUFFER_RECORDS = 512


class LinesSink(Sink):
    """Writes each record's value and a newline; buffers up to ``BUFFER_RECORDS``."""

    def __init__(self) -> None:
        super().__init__()
        self._buffer: list[bytes] = []
        self._stream: IO[bytes] | gzip.GzipFile | None = None

    def write(self, record: Record) -> None:
        self._buffer.append(record.value)
        self.accepted += 1
        if len(self._buffer) >= BUFFER_RECORDS:
            self.flush()

    def queue_length(self) -> int:
        return len(self._buffer)

    def flush(self) -> None:
        if self._stream is None:
            return
        if self._buffer:
            pending = len(self._buffer)
            self._buffer.append(b"")  # so the join ends with a newline
            data = b"\n".join(self._buffer)
            self._buffer.clear()
            try:
                self._stream.write(data)
            except BaseException:
                self.failed += pending
                raise
            self.delivered += pending
        self._stream.flush()
