"""The serializer stage: between the source's batches (JSON values) and the sink.

A :class:`Serializer` takes a :class:`~streamsim.source.Batch` whose values are the
core's JSON and returns a batch whose values (and, with ``--key-format``, keys) are
encoded in the run's format. ``json`` is the identity: the core's bytes go to the sink
untouched, so choosing a format never changes JSON output. Avro and Protobuf values are
encoded by the native core from the rows themselves (:mod:`streamsim.formats.binary`);
JSON Schema validation and registry keys use the libraries' own code (jsonschema,
confluent-kafka's Schema Registry serializers). Every schema is generated from the
scenario's field specifications (:mod:`streamsim.formats.schemas`).

Without a Schema Registry: ``avro`` values are schemaless Avro records (the writer's
schema is the one ``streamsim schema --format avro`` prints), ``protobuf`` values plain
serialized messages, ``jsonschema`` values the JSON text, validated. With one, all three
use the Confluent wire format (magic byte 0, 4-byte schema id, payload).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, cast

from streamsim.errors import UsageError
from streamsim.formats.options import FORMATS, SCHEMA_FORMATS, FormatOptions
from streamsim.formats.schemas import StreamSchema
from streamsim.source import RecordBatch

if TYPE_CHECKING:
    from streamsim._core import RecordTuple
    from streamsim.source import Batch

__all__ = [
    "FORMATS",
    "SCHEMA_FORMATS",
    "EncodedBatch",
    "FormatOptions",
    "RecordSerializer",
    "Serializer",
    "bind",
    "identity",
    "stream_schemas",
]

#: How an extra's absence is reported.
EXTRA_HINT = "pip install 'streamsim[formats]'"


class Serializer(Protocol):
    """The serializer stage of a run: JSON records in, encoded records out."""

    def __call__(self, batch: Batch) -> Batch: ...


def bind(serializer: Serializer, source: object) -> None:
    """Lets the serializer prepare the run's source (the core then encodes Avro and Protobuf itself)."""
    prepare = getattr(serializer, "bind", None)
    if prepare is not None:
        prepare(source)


@contextmanager
def closing(serializer: Serializer) -> Iterator[Serializer]:
    """Releases what a serializer holds (a Schema Registry client's connections) when the run ends."""
    try:
        yield serializer
    finally:
        release = getattr(serializer, "close", None)
        if release is not None:
            release()


def identity(batch: Batch) -> Batch:
    """The ``json`` format: the core's bytes, untouched."""
    return batch


def missing_extra(what: str) -> UsageError:
    return UsageError(f"{what} needs the formats extra: {EXTRA_HINT}")


#: Encodes one stream's JSON value into bytes; ``topic`` is where it goes.
ValueEncoder = Callable[[bytes, str], bytes]
#: Encodes a message key.
KeyEncoder = Callable[[str, str], bytes]


class EncodedBatch(RecordBatch):
    """A :class:`~streamsim.source.Batch` of encoded records.

    ``lines()`` (what the stdout and file sinks write) frames binary values with
    their length as a varint, as protobuf's delimited streams do (``delimited``);
    JSON values stay one per line.
    """

    __slots__ = ("_delimited",)

    def __init__(self, records: list[RecordTuple], delimited: bool) -> None:
        super().__init__(records)
        self._delimited = delimited

    def lines(self, stream: int | None = None) -> bytes:
        if not self._delimited:
            return super().lines(stream)
        values = [r[6] for r in self.records() if stream is None or r[0] == stream]
        return b"".join(varint(len(value)) + value for value in values)


def varint(n: int) -> bytes:
    """``n`` as an unsigned LEB128 varint (protobuf's length prefix).

    >>> varint(1), varint(300)
    (b'\\x01', b'\\xac\\x02')
    """
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def read_delimited(data: bytes) -> list[bytes]:
    """The values of a varint-delimited stream (what a binary format writes to stdout or a file)."""
    out, i = [], 0
    while i < len(data):
        n = shift = 0
        while True:
            byte = data[i]
            i += 1
            n |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        out.append(data[i : i + n])
        i += n
    return out


class RecordSerializer:
    """Encodes the values (and keys) of each stream with per-stream encoders."""

    def __init__(
        self,
        values: Sequence[ValueEncoder],
        topics: Sequence[str],
        *,
        keys: Sequence[KeyEncoder] | None = None,
        delimited: bool = True,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self._on_close = on_close
        self._values = list(values)
        self._keys = list(keys) if keys is not None else None
        self._topics = list(topics)
        self._delimited = delimited

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()

    def __call__(self, batch: Batch) -> Batch:
        values, keys, topics = self._values, self._keys, self._topics
        out: list[RecordTuple] = []
        for stream, key, event_type, label, t, labeled, value, phase in batch.records():
            topic = topics[stream]
            encoded = values[stream](value, topic)
            # An encoded key is bytes where records carry text: Kafka takes either.
            new_key = key if keys is None else cast(str, keys[stream](key, topic))
            out.append((stream, new_key, event_type, label, t, labeled, encoded, phase))
        return EncodedBatch(out, self._delimited)


def stream_schemas(scenario: Any, projection: Any) -> list[StreamSchema]:
    """The schema inputs of every stream of a run, in stream order (main first).

    The main stream's fields are the projection's (``--schema``, ``--fields``,
    ``--exclude-fields``); companion streams carry all their fields.
    """
    specs = scenario.field_specs()
    out = []
    for name in scenario.stream_names():
        all_specs = specs[name]
        emitted = projection.selected if name == "" else all_specs
        description = scenario.description if name == "" else f"{scenario.description} ({name} stream)"
        out.append(
            StreamSchema.of(scenario.name, name, type(scenario).topic, emitted, all_specs, description)
        )
    return out


def build(options: FormatOptions, schemas: Sequence[StreamSchema], topics: Sequence[str]) -> Serializer:
    """The serializer of a run: ``schemas`` and ``topics`` by stream index.

    With a Schema Registry, each stream's schema is registered under ``<topic>-value``
    (and ``<topic>-key`` with a registry ``--key-format``) here, once, before any event.
    """
    if options.identity:
        return identity
    if options.schema_registry_url is not None:
        from streamsim.formats.registry import registry_serializer

        return registry_serializer(options, schemas, topics)
    if options.format in ("avro", "protobuf"):
        from streamsim.formats.binary import BinarySerializer, encoder

        return BinarySerializer([encoder(options.format, schema) for schema in schemas], topics)
    if options.format == "jsonschema":
        from streamsim.formats.jsonschema import validating_encoder

        return RecordSerializer([validating_encoder(s) for s in schemas], topics, delimited=False)
    from streamsim.formats.json import json_encoder

    return RecordSerializer([json_encoder() for _ in schemas], topics, delimited=False)
