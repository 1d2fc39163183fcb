"""The core's Avro and Protobuf encoders write, byte for byte, what the libraries' Python encoders
write (fastavro's schemaless writer; protobuf's message classes) for the same JSON values.

The reference encoders below are the Python path the core replaced: each JSON value decoded
by orjson, then encoded by the library. Every scenario and stream is compared at each preset
and with field selections, on the native path (rows encoded in the core) and on the path of
scenarios written in Python (JSON encoded in bulk by the same encoders).
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import fastavro
import orjson
import pytest
from test_formats import COMPANIONS, START, schemas_of

from support import load_example

if TYPE_CHECKING:
    from streamsim._core import RecordTuple

from streamsim import simulate
from streamsim._core import Encoder, NativeStream
from streamsim.events import Record
from streamsim.formats import protobuf as protobuf_format
from streamsim.formats import varint
from streamsim.formats.binary import BinarySerializer, encoder, wire_prefix
from streamsim.formats.schemas import StreamSchema, avro_schema
from streamsim.schema import FieldSpec, Level, Projection
from streamsim.sinks.memory import ListSink
from streamsim.source import RecordBatch

Reference = Callable[[bytes], bytes]

#: Presets and field selections of the main stream, each with every companion stream on.
SELECTIONS: list[dict[str, Any]] = [
    {"schema": "classic"},
    {"schema": "standard"},
    {"schema": "full"},
    {"schema": "full", "exclude_fields": "timestamp"},
]
FIELDS = {
    "fraud": "transaction_id,amount,device_info.os,location.lat,fraud_type,cvv_provided",
    "eta": "trip_id,origin.lat,destination.lon,weather,vehicle_type,hour_of_day",
    "ecommerce": "event_id,event_type,device_info.browser,price,search_query,review_rating",
}
CASES = [
    (scenario, {**COMPANIONS[scenario], **selection})
    for scenario in COMPANIONS
    for selection in [*SELECTIONS, {"fields": FIELDS[scenario]}]
]


def avro_reference(stream: StreamSchema) -> Reference:
    schema = fastavro.parse_schema(avro_schema(stream))

    def encode(value: bytes) -> bytes:
        out = io.BytesIO()
        fastavro.schemaless_writer(out, schema, orjson.loads(value))
        return out.getvalue()

    return encode


def _present(value: dict[str, Any]) -> dict[str, Any]:
    return {k: _present(v) if isinstance(v, dict) else v for k, v in value.items() if v is not None}


def protobuf_reference(stream: StreamSchema) -> Reference:
    cls = protobuf_format.message_class(stream)

    def encode(value: bytes) -> bytes:
        data: bytes = cls(**_present(orjson.loads(value))).SerializeToString()
        return data

    return encode


REFERENCES = {"avro": avro_reference, "protobuf": protobuf_reference}


def run(scenario: str, count: int = 300, **options: Any) -> list[Record]:
    sink = ListSink()
    simulate(scenario, seed=11, start=START, count=count, sink=sink, **options)
    return sink.records


@pytest.mark.parametrize("fmt", ["avro", "protobuf"])
@pytest.mark.parametrize(("scenario", "options"), CASES)
def test_native_values_are_the_bytes_of_the_python_encoders(
    fmt: str, scenario: str, options: dict[str, Any]
) -> None:
    json_records = run(scenario, **options)
    encoded = run(scenario, format=fmt, **options)
    references = {topic: REFERENCES[fmt](s) for topic, s in schemas_of(scenario, **options).items()}
    assert len({r.topic for r in encoded}) >= 1
    assert [(r.topic, r.key, r.time) for r in encoded] == [(r.topic, r.key, r.time) for r in json_records]
    for j, e in zip(json_records, encoded, strict=True):
        assert e.value == references[e.topic](j.value), (e.topic, j.value)


def test_a_native_source_encodes_its_rows_itself() -> None:
    """The runner binds the serializer to a built-in scenario's stream: batches come encoded."""
    from streamsim.api import resolve_for, run_groups
    from streamsim.config import Value
    from streamsim.formats import stream_schemas
    from streamsim.registry import get_scenario
    from streamsim.runner import build_projection, build_scenario

    cls = get_scenario("eta")
    given = {k: Value(v, k) for k, v in {"seed": 7, "start": START, "label_mode": "delayed"}.items()}
    resolved = resolve_for(cls, run_groups(cls), given)
    scenario = build_scenario(resolved, cls)
    projection = build_projection(resolved, scenario)
    schemas = stream_schemas(scenario, projection)
    serializer = BinarySerializer([encoder("avro", s) for s in schemas], ["a", "b"])
    source = cast(NativeStream, scenario.source(projection))
    serializer.bind(source)
    batch = source.next_batch(500)
    json_values = [(r[0], r[6]) for r in batch.records()]
    encoded = batch.encoded()
    assert encoded is not None and batch.encoded() is None  # the values moved out once
    assert encoded.size == sum(len(r[6]) for r in encoded.records()) and len(encoded) == len(batch)
    assert [r[6] for r in encoded.records()] == [avro_reference(schemas[s])(v) for s, v in json_values]
    assert encoded.lines() == b"".join(varint(len(r[6])) + r[6] for r in encoded.records())


@pytest.mark.parametrize("fmt", ["avro", "protobuf"])
@pytest.mark.parametrize(("scenario", "options"), CASES[::3])
def test_json_values_encode_to_the_same_bytes(fmt: str, scenario: str, options: dict[str, Any]) -> None:
    """The path of scenarios written in Python: JSON values encoded in bulk by the same encoders."""
    json_records = run(scenario, count=100, **options)
    schemas = schemas_of(scenario, **options)
    for topic, stream in schemas.items():
        values = [r.value for r in json_records if r.topic == topic]
        reference = REFERENCES[fmt](stream)
        assert encoder(fmt, stream).encode_json(values) == [reference(v) for v in values]


SPECS = [
    FieldSpec("id", "string", "Id.", Level.CLASSIC),
    FieldSpec("where.lat", "number", "Latitude.", Level.CLASSIC, nullable=True),
    FieldSpec("where.lon", "number", "Longitude.", Level.CLASSIC),
    FieldSpec("where.deep.name", "string", "Nested twice.", Level.CLASSIC, nullable=True),
    FieldSpec("extra", "integer", "New.", Level.STANDARD, nullable=True),
    FieldSpec("kind", "string", "Kind.", Level.STANDARD, enum=("a_b", "c")),
    FieldSpec("maybe", "string", "Kind or null.", Level.STANDARD, enum=("x", "y", None), nullable=True),
    FieldSpec("url", "string", "Referrer.", Level.FULL, enum=("https://x", None), nullable=True),
    FieldSpec("flag", "boolean", "Flag.", Level.FULL),
    FieldSpec("n", "integer", "Count.", Level.FULL),
    FieldSpec("ratio", "number", "Ratio.", Level.FULL, nullable=True),
]
EVENTS: list[dict[str, Any]] = [
    {
        "id": "x",
        "where": {"lat": 1.5, "lon": -2.0, "deep": {"name": 'é"\n'}},
        "extra": None,
        "kind": "c",
        "maybe": None,
        "url": None,
        "flag": False,
        "n": 0,
        "ratio": None,
    },
    {
        "id": "",
        "where": {"lat": None, "lon": 0.0, "deep": {"name": None}},
        "extra": -(2**62),
        "kind": "a_b",
        "maybe": "y",
        "url": "https://x",
        "flag": True,
        "n": 2**40,
        "ratio": 3,  # an integer where the schema has a double: JSON writes 3
    },
    {
        "id": "y" * 300,
        "where": {"lat": 0.0, "lon": 1e-300, "deep": {"name": ""}},
        "extra": 0,
        "kind": "a_b",
        "maybe": "x",
        "url": None,
        "flag": False,
        "n": -1,
        "ratio": 0.1,
    },
    {  # -0.0 is not zero to protobuf's Python classes (upb compares bits): written
        "id": "z",
        "where": {"lat": -0.0, "lon": -0.0, "deep": {"name": "d"}},
        "extra": 1,
        "kind": "c",
        "maybe": None,
        "url": "https://x",
        "flag": True,
        "n": 7,
        "ratio": -0.0,
    },
]


@pytest.mark.parametrize("fmt", ["avro", "protobuf"])
@pytest.mark.parametrize(
    "selection", [{}, {"exclude": ["where.lat", "maybe"]}, {"fields": ["where.deep.name", "n"]}]
)
def test_nulls_nested_records_enums_and_edge_values(fmt: str, selection: dict[str, Any]) -> None:
    projection = Projection(SPECS, "full", **selection)
    stream = StreamSchema.of("demo", "", "demo_topic", projection.selected, SPECS, "Demo.")
    values = [orjson.dumps(projection.function(event)) for event in EVENTS]
    reference = REFERENCES[fmt](stream)
    assert encoder(fmt, stream).encode_json(values) == [reference(v) for v in values]


def test_values_the_schema_does_not_allow_are_errors() -> None:
    stream = StreamSchema.of("demo", "", "demo_topic", SPECS, SPECS, "Demo.")
    good = EVENTS[0]
    with pytest.raises(ValueError, match='"z" is not a symbol of its enum'):
        encoder("avro", stream).encode_json([orjson.dumps({**good, "kind": "z"})])
    with pytest.raises(ValueError, match="null where the schema has no null"):
        encoder("avro", stream).encode_json([orjson.dumps({**good, "id": None})])
    with pytest.raises(ValueError, match="field n: expected an integer"):
        encoder("protobuf", stream).encode_json([orjson.dumps({**good, "n": 1.5})])
    with pytest.raises(ValueError, match="field m: unsupported Avro type"):
        Encoder("avro", b'{"type": "record", "name": "R", "fields": [{"name": "m", "type": "bytes"}]}', b"")


def test_non_finite_numbers_are_null_as_in_json() -> None:
    """JSON writes NaN as null: so do the encoders, from the core's rows (here through JSON)."""
    stream = StreamSchema.of("demo", "", "demo_topic", SPECS, SPECS, "Demo.")
    value = orjson.dumps({**EVENTS[0], "ratio": math.nan})  # orjson writes null
    assert encoder("avro", stream).encode_json([value]) == [avro_reference(stream)(value)]


@pytest.mark.parametrize("fmt", ["avro", "protobuf"])
def test_the_wire_format_header_comes_before_each_value(fmt: str) -> None:
    stream = next(iter(schemas_of("fraud").values()))
    values = [r.value for r in run("fraud", count=20)]
    plain = encoder(fmt, stream).encode_json(values)
    framed = encoder(fmt, stream, wire_prefix(fmt, 77)).encode_json(values)
    header = b"\x00\x00\x00\x00\x4d" + (b"\x00" if fmt == "protobuf" else b"")
    assert framed == [header + v for v in plain]


def test_a_python_batch_is_encoded_in_run_order_with_keys() -> None:
    fraud = schemas_of("fraud", label_mode="delayed")
    streams = list(fraud.values())
    records = [r for r in run("fraud", count=50, label_mode="delayed")]
    topics = list(fraud)
    tuples: list[RecordTuple] = [
        (topics.index(r.topic), r.key, "e", None, r.time, None, r.value, 0) for r in records
    ]
    serializer = BinarySerializer(
        [encoder("avro", s) for s in streams], topics, keys=[lambda k, t: k.encode()] * len(streams)
    )
    out = serializer(RecordBatch(tuples)).records()
    keys: list[object] = [r[1] for r in out]  # bytes where records carry text
    assert keys == [r.key.encode() for r in records]
    assert [r[6] for r in out] == [avro_reference(fraud[r.topic])(r.value) for r in records]


@functools.cache
def _plugin() -> Any:
    module = load_example("plugin")
    # Defining the class registered it: only the tests that ask for it see it (monkeypatch).
    from streamsim import registry

    registry._scenarios.pop(module.CoinFlips.name)
    return module


@pytest.mark.parametrize("fmt", ["avro", "protobuf"])
def test_a_scenario_written_in_python_writes_the_same_bytes(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamsim import registry
    from streamsim.formats import stream_schemas

    plugin = _plugin()
    monkeypatch.setitem(registry._scenarios, plugin.CoinFlips.name, plugin.CoinFlips)
    options: dict[str, Any] = {"seed": 3, "start": START, "count": 200, "schema": "full"}
    json_sink, encoded_sink = ListSink(), ListSink()
    simulate("coinflips", sink=json_sink, **options)
    simulate("coinflips", sink=encoded_sink, format=fmt, **options)
    scenario = plugin.CoinFlips(plugin.CoinFlipOptions(), seed=3, start=0.0)
    stream = stream_schemas(scenario, Projection(scenario.field_specs()[""], "full"))[0]
    reference = REFERENCES[fmt](stream)
    assert [r.value for r in encoded_sink.records] == [reference(r.value) for r in json_sink.records]
