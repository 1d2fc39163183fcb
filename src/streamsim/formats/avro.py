"""Reading the ``avro`` format back with fastavro (the core writes it: :mod:`streamsim.formats.binary`)."""

from __future__ import annotations

import io
from typing import Any

from streamsim.formats.schemas import StreamSchema, avro_schema

try:
    import fastavro
except ModuleNotFoundError:  # pragma: no cover - depends on the installation
    from streamsim.formats import missing_extra

    raise missing_extra("--format avro") from None


def parsed_schema(stream: StreamSchema) -> Any:
    """The stream's Avro schema, parsed by fastavro."""
    return fastavro.parse_schema(avro_schema(stream))


def decode(data: bytes, stream: StreamSchema) -> Any:
    """One schemaless record back into a dict (for tests and readers)."""
    schema = parsed_schema(stream)
    return fastavro.schemaless_reader(io.BytesIO(data), schema, schema)
