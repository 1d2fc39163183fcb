"""Parquet files of one stream, with typed columns (needs the ``parquet`` extra: pyarrow).

The schema comes from the stream's field specifications: ``string`` -> string, ``number`` ->
float64, ``integer`` -> int64, ``boolean`` -> bool, ``date-time`` strings -> timestamp (UTC,
microseconds); dotted paths (``location.lat``) become nested structs; nullable fields are
nullable columns. Rows are written a row group at a time as they arrive, so memory stays
bounded however long the run; the file is written as ``<name>.inprogress`` and renamed when
complete (its footer written), so a reader listing ``*.parquet`` only sees complete files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from streamsim.errors import UsageError
from streamsim.sinks.file import IN_PROGRESS, FileWriter, decode, timestamp_paths

try:
    import pyarrow as pa
    import pyarrow.parquet as pq
except ImportError:  # pragma: no cover - depends on the installed extras
    raise UsageError(
        "Parquet output needs pyarrow: pip install '.[parquet]' (from a clone of streamsim)"
    ) from None

if TYPE_CHECKING:
    from streamsim._core import RecordTuple
    from streamsim.schema import FieldSpec

_TYPES: dict[str, Callable[[], Any]] = {
    "string": pa.string,
    "number": pa.float64,
    "integer": pa.int64,
    "boolean": pa.bool_,
}
TIMESTAMP = pa.timestamp("us", tz="UTC")


def _leaf_type(spec: FieldSpec) -> Any:
    if spec.type == "string" and spec.format == "date-time":
        return TIMESTAMP
    return _TYPES.get(spec.type, pa.string)()


def arrow_schema(specs: Sequence[FieldSpec]) -> pa.Schema:
    """The Arrow schema of a stream's records.

    >>> from streamsim.schema import FieldSpec
    >>> arrow_schema([FieldSpec("id", "string", "id"), FieldSpec("loc.lat", "number", "lat"),
    ...               FieldSpec("n", "integer", "n", nullable=True)])
    id: string not null
    loc: struct<lat: double not null> not null
      child 0, lat: double not null
    n: int64
    """
    tree: dict[str, Any] = {}
    for spec in specs:
        node = tree
        *parents, leaf = spec.path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = spec

    def fields(node: dict[str, Any]) -> list[pa.Field]:
        out = []
        for name, child in node.items():
            if isinstance(child, dict):
                out.append(pa.field(name, pa.struct(fields(child)), nullable=False))
            else:
                out.append(pa.field(name, _leaf_type(child), nullable=child.nullable))
        return out

    return pa.schema(fields(tree))


class ParquetWriter(FileWriter):
    """One Parquet file of one stream, a row group written each time ``row_group_size`` rows are in."""

    def __init__(self, path: Path, specs: Sequence[FieldSpec], row_group_size: int) -> None:
        super().__init__(path)
        self.schema = arrow_schema(specs)
        self._times = timestamp_paths(specs)
        self._rows = row_group_size
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._partial = path.with_name(path.name + IN_PROGRESS)
        self._writer = pq.ParquetWriter(self._partial, self.schema, compression="zstd")
        self._size = 0

    @property
    def size(self) -> int:
        """Bytes on disk, plus the JSON size of the rows waiting for their row group (more than
        they take in Parquet: a file rolled by size ends a little early rather than late)."""
        return self._size + self._pending_bytes

    def write(self, records: Sequence[RecordTuple]) -> None:
        values = [r[6] for r in records]
        self._pending += values
        self._pending_bytes += sum(map(len, values))
        while len(self._pending) >= self._rows:
            self._write_group(self._pending[: self._rows])
            del self._pending[: self._rows]
            self._pending_bytes = sum(map(len, self._pending))

    def _write_group(self, values: Sequence[bytes]) -> None:
        table = pa.Table.from_pylist(decode(values, self._times), schema=self.schema)
        self._writer.write_table(table, row_group_size=len(values))
        self._size = os.path.getsize(self._partial)

    def flush(self) -> None:
        """Rows wait for their row group to fill: nothing is written before."""

    def close(self) -> None:
        if self._pending:
            self._write_group(self._pending)
            self._pending, self._pending_bytes = [], 0
        self._writer.close()
        os.replace(self._partial, self.path)
