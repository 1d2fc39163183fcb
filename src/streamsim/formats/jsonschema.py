"""The ``jsonschema`` format: JSON validated against the stream's JSON Schema.

Without a registry the value is the core's JSON text, unchanged, after validation;
with one, confluent-kafka's JSONSerializer writes the Confluent wire format.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson

from streamsim.errors import RunFailure
from streamsim.formats.schemas import StreamSchema, json_schema

try:
    import jsonschema
except ModuleNotFoundError:  # pragma: no cover - depends on the installation
    from streamsim.formats import missing_extra

    raise missing_extra("--format jsonschema") from None


def validating_encoder(stream: StreamSchema) -> Callable[[bytes, str], bytes]:
    """Returns the JSON value unchanged once it is valid for the stream's schema."""
    validator = jsonschema.Draft202012Validator(json_schema(stream))
    loads = orjson.loads

    def encode(value: bytes, topic: str) -> bytes:
        event = loads(value)
        if validator.is_valid(event):
            return value
        error = jsonschema.exceptions.best_match(validator.iter_errors(event))
        if error is not None:
            raise RunFailure(f"an event for {topic} does not match its JSON Schema: {error.message}")
        return value

    return encode
