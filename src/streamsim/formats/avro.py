"""The ``avro`` format: fastavro's schemaless records (with a registry: confluent-kafka's AvroSerializer)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import orjson

from streamsim.formats.schemas import StreamSchema, avro_schema

try:
    import fastavro
except ModuleNotFoundError:  # pragma: no cover - depends on the installation
    from streamsim.formats import missing_extra

    raise missing_extra("--format avro") from None


def parsed_schema(stream: StreamSchema) -> Any:
    """The stream's Avro schema, parsed by fastavro."""
    return fastavro.parse_schema(avro_schema(stream))


def schemaless_encoder(stream: StreamSchema) -> Callable[[bytes, str], bytes]:
    """Encodes a JSON value as one schemaless Avro record of the stream's schema."""
    schema = parsed_schema(stream)
    write, loads = fastavro.schemaless_writer, orjson.loads

    def encode(value: bytes, topic: str) -> bytes:
        out = io.BytesIO()
        write(out, schema, loads(value))
        return out.getvalue()

    return encode


def decode(data: bytes, stream: StreamSchema) -> Any:
    """One schemaless record back into a dict (for tests and readers)."""
    schema = parsed_schema(stream)
    return fastavro.schemaless_reader(io.BytesIO(data), schema, schema)
