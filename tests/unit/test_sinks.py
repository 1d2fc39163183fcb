"""Sink lifecycle and accounting."""

from __future__ import annotations

import gzip
from pathlib import Path

from streamsim.events import Record
from streamsim.sinks.file import FileSink
from streamsim.sinks.lines import BUFFER_RECORDS
from streamsim.sinks.memory import ListSink


def _records(n: int) -> list[Record]:
    return [Record("t", "k", b'{"i":%d}' % i, float(i), "e", i) for i in range(n)]


def test_file_sink_buffers_then_delivers_everything_on_close(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "out.jsonl"
    sink = FileSink(path)
    with sink:
        for record in _records(BUFFER_RECORDS + 3):
            sink.write(record)
        assert sink.delivered == BUFFER_RECORDS and sink.undelivered == 3
    assert sink.delivered == BUFFER_RECORDS + 3 and sink.undelivered == 0
    assert path.read_bytes().splitlines()[-1] == b'{"i":%d}' % (BUFFER_RECORDS + 2)


def test_file_sink_gzips_by_extension(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl.gz"
    with FileSink(path) as sink:
        for record in _records(10):
            sink.write(record)
    with gzip.open(path) as f:
        assert f.read().count(b"\n") == 10


def test_list_sink_decodes_values() -> None:
    sink = ListSink()
    for record in _records(3):
        sink.write(record)
    assert sink.events == [{"i": 0}, {"i": 1}, {"i": 2}]
    assert sink.delivered == sink.accepted == 3
