"""The ``avro`` and ``protobuf`` formats: values encoded by the native core.

Each stream's schema is generated here, in Python, from its field specifications (an Avro
schema, a Protobuf ``FileDescriptorProto``) and handed to a :class:`streamsim._core.Encoder`,
which encodes with the ``apache-avro`` and ``prost-reflect`` crates. A built-in scenario's
stream encodes its rows directly (:meth:`BinarySerializer.bind`), so its batches carry the
encoded values beside the JSON; records of a scenario written in Python come as JSON and
are encoded in bulk by the same encoders. With a Schema Registry each value starts with the
Confluent wire format's header (:func:`wire_prefix`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, cast

import orjson

from streamsim._core import Encoder
from streamsim.formats import EncodedBatch, KeyEncoder
from streamsim.formats.schemas import StreamSchema, avro_schema

if TYPE_CHECKING:
    from streamsim._core import RecordTuple
    from streamsim.source import Batch

#: Formats the core encodes.
BINARY_FORMATS = ("avro", "protobuf")


def encoder(fmt: str, stream: StreamSchema, prefix: bytes = b"") -> Encoder:
    """The core's encoder of one stream's values in ``fmt`` (avro or protobuf)."""
    if fmt == "avro":
        return Encoder("avro", orjson.dumps(avro_schema(stream)), prefix)
    from streamsim.formats.protobuf import file_descriptor

    descriptor = file_descriptor(stream).SerializeToString()
    return Encoder("protobuf", descriptor, prefix, f"{stream.namespace}.{stream.name}")


def wire_prefix(fmt: str, schema_id: int) -> bytes:
    """The Confluent wire format's header: magic byte 0 and the schema id (4 bytes, big-endian);
    Protobuf adds the message indexes, ``[0]`` (the file's first message) written as one 0 byte.

    >>> wire_prefix("avro", 258), wire_prefix("protobuf", 1)
    (b'\\x00\\x00\\x00\\x01\\x02', b'\\x00\\x00\\x00\\x00\\x01\\x00')
    """
    header = b"\x00" + schema_id.to_bytes(4, "big")
    return header + b"\x00" if fmt == "protobuf" else header


class BinarySerializer:
    """Avro or Protobuf values from the core's encoders, one per stream (by stream index)."""

    def __init__(
        self,
        encoders: Sequence[Encoder],
        topics: Sequence[str],
        *,
        keys: Sequence[KeyEncoder] | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._encoders = list(encoders)
        self._topics = list(topics)
        self._keys = list(keys) if keys is not None else None
        self._on_close = on_close

    def bind(self, source: object) -> None:
        """Lets a native source encode its rows itself (sources without encoders send JSON)."""
        set_encoders = getattr(source, "set_encoders", None)
        if set_encoders is not None:
            set_encoders(self._encoders)

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()

    def __call__(self, batch: Batch) -> Batch:
        encoded = getattr(batch, "encoded", None)  # a native batch encoded in the core
        out: Batch | None = encoded() if encoded is not None else None
        if out is None:
            out = self._from_json(batch.records())
        if self._keys is not None:
            out = self._with_keys(out.records())
        return out

    def _from_json(self, records: list[RecordTuple]) -> EncodedBatch:
        """Records of a Python source: their JSON values encoded in one call per stream."""
        positions: dict[int, list[int]] = {}
        for i, record in enumerate(records):
            positions.setdefault(record[0], []).append(i)
        values: list[bytes] = [b""] * len(records)
        for stream, where in positions.items():
            encoded = self._encoders[stream].encode_json([records[i][6] for i in where])
            for i, value in zip(where, encoded, strict=True):
                values[i] = value
        out = [(s, k, e, lb, t, lt, values[i], ph) for i, (s, k, e, lb, t, lt, _, ph) in enumerate(records)]
        return EncodedBatch(out, delimited=True)

    def _with_keys(self, records: list[RecordTuple]) -> EncodedBatch:
        keys, topics = self._keys, self._topics
        assert keys is not None
        # An encoded key is bytes where records carry text: Kafka takes either.
        out = [
            (s, cast(str, keys[s](k, topics[s])), e, lb, t, lt, v, ph)
            for s, k, e, lb, t, lt, v, ph in records
        ]
        return EncodedBatch(out, delimited=True)
