"""What `streamsim schema` prints: a stream's schema as JSON Schema, Avro or Protobuf."""

from __future__ import annotations

from typing import Any

import orjson

from streamsim.config import Resolved
from streamsim.errors import UsageError
from streamsim.events import MAIN_STREAM
from streamsim.formats import stream_schemas
from streamsim.formats.schemas import StreamSchema, avro_schema, json_schema, proto_text

MAIN_NAME = "main"


def schema_text(fmt: str, stream: StreamSchema, title: str = "") -> bytes:
    """One stream's schema document: JSON (JSON Schema, Avro) or ``.proto`` text."""
    if fmt == "avro":
        return orjson.dumps(avro_schema(stream), option=orjson.OPT_INDENT_2) + b"\n"
    if fmt == "protobuf":
        return proto_text(stream).encode()
    return orjson.dumps(json_schema(stream, title), option=orjson.OPT_INDENT_2) + b"\n"


def print_schemas(cls: Any, resolved: Resolved, fmt: str, stream: str) -> bytes:
    """The schema of ``stream`` (main, a companion's name, or all) of a scenario, as printed."""
    from streamsim.runner import build_projection

    scenario = cls(resolved.get(cls.Options), seed=0, start=0.0)
    schemas = stream_schemas(scenario, build_projection(resolved, scenario))
    names = [s.stream or MAIN_NAME for s in schemas]
    titles = {MAIN_STREAM: cls.topic}
    if stream == "all":
        chosen = schemas
    else:
        wanted = MAIN_STREAM if stream == MAIN_NAME else stream.removeprefix("_")
        chosen = [s for s in schemas if s.stream == wanted]
        if not chosen:
            raise UsageError(
                f"invalid value for --stream: {stream!r}; this scenario with these options has: "
                f"{', '.join([*names, 'all'])}"
            )
    if len(chosen) > 1 and fmt != "protobuf":  # one JSON document: the schemas by stream name
        combined = {
            one.stream or MAIN_NAME: orjson.loads(schema_text(fmt, one, titles.get(one.stream, "")))
            for one in chosen
        }
        return orjson.dumps(combined, option=orjson.OPT_INDENT_2) + b"\n"
    documents = []
    for one in chosen:
        title = titles.get(one.stream, f"{cls.topic}_{one.stream}")
        text = schema_text(fmt, one, title)
        if len(chosen) > 1:
            text = f"// stream {one.stream or MAIN_NAME}: {title}\n".encode() + text
        documents.append(text)
    return b"\n".join(documents)
