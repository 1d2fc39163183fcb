"""Avro container files of one stream (needs the ``avro`` extra: fastavro).

The schema comes from the stream's field specifications: ``string``, ``double``, ``long``,
``boolean``; ``date-time`` strings become ``timestamp-micros``; dotted paths nested records;
nullable fields a union with ``null``. (A small generator of its own: the Avro serialization
format for Kafka has its own, with the Schema Registry; the two may share one later.)
The file is written as ``<name>.inprogress`` and renamed when complete.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from streamsim.errors import UsageError
from streamsim.sinks.file import IN_PROGRESS, FileWriter, decode, timestamp_paths

try:
    from fastavro import parse_schema
    from fastavro.write import Writer
except ImportError:  # pragma: no cover - depends on the installed extras
    raise UsageError(
        "Avro output needs fastavro: pip install '.[avro]' (from a clone of streamsim)"
    ) from None

if TYPE_CHECKING:
    from streamsim._core import RecordTuple
    from streamsim.schema import FieldSpec

_TYPES = {"string": "string", "number": "double", "integer": "long", "boolean": "boolean"}


def _name(text: str) -> str:
    """A valid Avro name."""
    name = re.sub(r"[^A-Za-z0-9_]", "_", text)
    return name if name and not name[0].isdigit() else "_" + name


def avro_schema(specs: Sequence[FieldSpec], name: str) -> dict[str, Any]:
    """The Avro record schema of a stream's records.

    >>> from streamsim.schema import FieldSpec
    >>> avro_schema([FieldSpec("loc.lat", "number", "lat", nullable=True)], "t")["fields"]
    [{'name': 'loc', 'type': {'type': 'record', 'name': 't_loc', 'fields': [{'name': 'lat', \
'type': ['null', 'double'], 'doc': 'lat'}]}}]
    """
    tree: dict[str, Any] = {}
    for spec in specs:
        node = tree
        *parents, leaf = spec.path.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = spec

    def record(node: dict[str, Any], record_name: str) -> dict[str, Any]:
        fields: list[dict[str, Any]] = []
        for key, child in node.items():
            if isinstance(child, dict):
                fields.append({"name": key, "type": record(child, f"{record_name}_{_name(key)}")})
                continue
            kind: Any = _TYPES.get(child.type, "string")
            if child.type == "string" and child.format == "date-time":
                kind = {"type": "long", "logicalType": "timestamp-micros"}
            if child.nullable:
                kind = ["null", kind]
            fields.append({"name": key, "type": kind, "doc": child.description})
        return {"type": "record", "name": record_name, "fields": fields}

    return record(tree, _name(name))


class AvroWriter(FileWriter):
    """One Avro object container file (deflate blocks) of one stream."""

    def __init__(self, path: Path, specs: Sequence[FieldSpec], name: str) -> None:
        super().__init__(path)
        self.schema = avro_schema(specs, name)
        self._times = timestamp_paths(specs)
        self._partial = path.with_name(path.name + IN_PROGRESS)
        self._file: IO[bytes] = open(self._partial, "wb")  # noqa: SIM115 - closed in close()
        self._writer = Writer(self._file, parse_schema(self.schema), codec="deflate")

    @property
    def size(self) -> int:
        return self._file.tell()

    def write(self, records: Sequence[RecordTuple]) -> None:
        for row in decode([r[6] for r in records], self._times):
            self._writer.write(row)

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.flush()
        self._file.close()
        os.replace(self._partial, self.path)
