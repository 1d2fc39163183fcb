"""The serializer stage: every format decodes, with the library's own reader, to the JSON of the same seed."""

from __future__ import annotations

import io
from typing import Any

import fastavro
import orjson
import pytest

from streamsim import simulate
from streamsim.errors import UsageError
from streamsim.events import Record
from streamsim.formats import EncodedBatch, read_delimited, stream_schemas, varint
from streamsim.formats import avro as avro_format
from streamsim.formats import protobuf as protobuf_format
from streamsim.formats.binary import encoder
from streamsim.formats.schemas import StreamSchema, avro_schema, json_schema, proto_text
from streamsim.registry import get_scenario
from streamsim.runner import build_projection
from streamsim.schema import FieldSpec, Level, Projection
from streamsim.sinks.memory import ListSink

START = "2025-03-03T08:00:00Z"
#: Options that turn every companion stream on.
COMPANIONS: dict[str, dict[str, Any]] = {
    "fraud": {"label_mode": "delayed"},
    "eta": {"label_mode": "delayed"},
    "ecommerce": {"session_outcomes": True},
}
CASES = [
    (scenario, options)
    for scenario, companion in COMPANIONS.items()
    for options in ({}, companion, {**companion, "schema": "classic"}, {**companion, "schema": "full"})
]


def run(scenario: str, count: int = 150, **options: Any) -> list[Record]:
    sink = ListSink()
    simulate(scenario, seed=7, start=START, count=count, sink=sink, **options)
    return sink.records


def schemas_of(scenario: str, **options: Any) -> dict[str, StreamSchema]:
    """The run's stream schemas, by topic (as a run with these options builds them)."""
    from streamsim.api import resolve_for, run_groups
    from streamsim.config import Value
    from streamsim.runner import build_scenario

    cls = get_scenario(scenario)
    given = {k: Value(v, k) for k, v in {"seed": 7, "start": START, **options}.items()}
    resolved = resolve_for(cls, run_groups(cls), given)
    instance = build_scenario(resolved, cls)
    topics = instance.topics()
    return {topics[s.stream]: s for s in stream_schemas(instance, build_projection(resolved, instance))}


def _same(decoded: Any, expected: Any) -> None:
    """Equal as JSON values (floats exactly: Avro and Protobuf doubles carry them bit for bit)."""
    assert decoded == expected
    if isinstance(expected, dict):
        for key, value in expected.items():
            _same(decoded[key], value)


@pytest.mark.parametrize(("scenario", "options"), CASES)
def test_avro_records_decode_to_the_json_of_the_same_seed(scenario: str, options: dict[str, Any]) -> None:
    json_records = run(scenario, **options)
    avro_records = run(scenario, format="avro", **options)
    schemas = schemas_of(scenario, **options)
    assert len(schemas) == len({r.topic for r in json_records}) or len(schemas) >= 1
    assert [(r.topic, r.key) for r in avro_records] == [(r.topic, r.key) for r in json_records]
    parsed = {topic: fastavro.parse_schema(avro_schema(s)) for topic, s in schemas.items()}
    for j, a in zip(json_records, avro_records, strict=True):
        decoded = fastavro.schemaless_reader(io.BytesIO(a.value), parsed[a.topic], parsed[a.topic])
        _same(decoded, orjson.loads(j.value))


@pytest.mark.parametrize(("scenario", "options"), CASES)
def test_protobuf_messages_decode_to_the_json_of_the_same_seed(
    scenario: str, options: dict[str, Any]
) -> None:
    json_records = run(scenario, **options)
    pb_records = run(scenario, format="protobuf", **options)
    classes = {
        topic: protobuf_format.message_class(s) for topic, s in schemas_of(scenario, **options).items()
    }
    for j, p in zip(json_records, pb_records, strict=True):
        message = classes[p.topic].FromString(p.value)
        _same(protobuf_format.to_dict(message), orjson.loads(j.value))


@pytest.mark.parametrize("scenario", list(COMPANIONS))
def test_jsonschema_writes_the_json_bytes_after_validating_them(scenario: str) -> None:
    options = COMPANIONS[scenario]
    assert [r.value for r in run(scenario, format="jsonschema", **options)] == [
        r.value for r in run(scenario, **options)
    ]


def test_json_is_the_default_and_its_bytes_do_not_change() -> None:
    assert [r.value for r in run("fraud", format="json")] == [r.value for r in run("fraud")]


@pytest.mark.parametrize("scenario", list(COMPANIONS))
def test_standard_and_full_avro_schemas_are_backward_compatible_evolutions_of_classic(scenario: str) -> None:
    """A reader with the newer schema reads data written with the older one (Avro's schema resolution)."""
    options = COMPANIONS[scenario]
    classic_records = run(scenario, count=30, format="avro", schema="classic", **options)
    old = schemas_of(scenario, schema="classic", **options)
    for newer in ("standard", "full"):
        new = schemas_of(scenario, schema=newer, **options)
        for record in classic_records:
            writer = fastavro.parse_schema(avro_schema(old[record.topic]))
            reader = fastavro.parse_schema(avro_schema(new[record.topic]))
            decoded: Any = fastavro.schemaless_reader(io.BytesIO(record.value), writer, reader)
            original: Any = fastavro.schemaless_reader(io.BytesIO(record.value), writer, writer)
            assert {k: decoded[k] for k in original} == original
            assert set(decoded) == {f["name"] for f in avro_schema(new[record.topic])["fields"]}


def test_every_field_after_classic_has_a_default() -> None:
    for scenario, options in COMPANIONS.items():
        for stream in schemas_of(scenario, schema="full", **options).values():
            for entry in avro_schema(stream)["fields"]:
                spec = next(s for s in stream.specs if s.path.split(".")[0] == entry["name"])
                # A group (device_info) is present even when its members are null.
                if spec.level > Level.CLASSIC or (spec.nullable and "." not in spec.path):
                    assert "default" in entry, (scenario, entry["name"])


def test_protobuf_field_numbers_do_not_depend_on_the_preset_or_the_selection() -> None:
    classic = schemas_of("fraud", schema="classic")["transaction_fraud_detection"]
    picked = schemas_of("fraud", fields="amount,is_fraud")["transaction_fraud_detection"]
    full = schemas_of("fraud", schema="full")["transaction_fraud_detection"]

    def numbers(stream: StreamSchema) -> dict[str, int]:
        cls = protobuf_format.message_class(stream)
        return {f.name: f.number for f in cls.DESCRIPTOR.fields}

    assert numbers(classic).items() <= numbers(full).items()
    assert numbers(picked).items() <= numbers(full).items()
    # Data written with classic reads with full: the classic fields come back.
    record = run("fraud", count=1, format="protobuf", schema="classic")[0]
    full_message = protobuf_format.message_class(full).FromString(record.value)
    classic_message = protobuf_format.message_class(classic).FromString(record.value)
    back = protobuf_format.to_dict(full_message)
    assert {k: back[k] for k in numbers(classic)} == protobuf_format.to_dict(classic_message)


SPECS = [
    FieldSpec("id", "string", "Id.", Level.CLASSIC),
    FieldSpec("where.lat", "number", "Latitude.", Level.CLASSIC),
    FieldSpec("where.lon", "number", "Longitude.", Level.CLASSIC),
    FieldSpec("extra", "integer", "New.", Level.STANDARD, nullable=True),
    FieldSpec("kind", "string", "Kind.", Level.STANDARD, enum=("a_b", "c")),
    FieldSpec("url", "string", "Referrer.", Level.FULL, enum=("https://x", None), nullable=True),
]


def test_schemas_nest_dotted_paths_and_map_nullable_and_enums() -> None:
    stream = StreamSchema.of("demo", "", "demo_topic", Projection(SPECS, "full").selected, SPECS, "Demo.")
    avro = avro_schema(stream)
    assert avro["name"] == "DemoTopic" and avro["namespace"] == "streamsim.demo"
    fields = {f["name"]: f for f in avro["fields"]}
    assert fields["where"]["type"]["type"] == "record"
    assert [f["name"] for f in fields["where"]["type"]["fields"]] == ["lat", "lon"]
    assert fields["extra"]["type"] == ["null", "long"] and fields["extra"]["default"] is None
    assert fields["kind"]["type"]["symbols"] == ["a_b", "c"] and fields["kind"]["default"] == "a_b"
    assert fields["url"]["type"] == ["null", "string"]  # not valid Avro symbols: a string
    assert "default" not in fields["id"]
    text = proto_text(stream)
    assert "message DemoTopic {" in text and "message Where {" in text
    assert "optional int64 extra = 3;" in text and "Where where = 2;" in text
    js = json_schema(stream)
    assert js["properties"]["kind"]["default"] == "a_b" and "default" not in js["properties"]["id"]
    event = {"id": "x", "where": {"lat": 1.5, "lon": -2.0}, "extra": None, "kind": "c", "url": None}
    raw = orjson.dumps(event)
    assert avro_format.decode(encoder("avro", stream).encode_json([raw])[0], stream) == event
    assert protobuf_format.decode(encoder("protobuf", stream).encode_json([raw])[0], stream) == event


def test_binary_values_are_varint_delimited_on_stdout_and_files() -> None:
    values = [b"", b"a" * 300, b"\n\x00"]
    batch = EncodedBatch([(0, "k", "e", None, 0.0, None, v, 0) for v in values], delimited=True)
    assert batch.lines().startswith(varint(0) + varint(300))
    assert read_delimited(batch.lines()) == values


def test_avro_to_a_file_reads_back_with_fastavro(tmp_path: Any) -> None:
    path = tmp_path / "out.bin"
    simulate("fraud", seed=7, start=START, count=20, sink="file", output=path, format="avro")
    stream = next(iter(schemas_of("fraud").values()))
    decoded = [avro_format.decode(v, stream) for v in read_delimited(path.read_bytes())]
    assert decoded == [orjson.loads(r.value) for r in run("fraud", count=20)]


def test_registry_options_are_checked_and_secrets_masked() -> None:
    with pytest.raises(UsageError, match="--key-format avro needs --schema-registry-url"):
        simulate("fraud", count=1, key_format="avro", sink=ListSink())
    with pytest.raises(UsageError, match="--schema-registry-username needs --schema-registry-url"):
        simulate("fraud", count=1, schema_registry_username="u", sink=ListSink())
    with pytest.raises(UsageError, match=r"invalid value for .*schema_registry_url"):
        simulate("fraud", count=1, format="avro", schema_registry_url="localhost:8081", sink=ListSink())
    from streamsim.api import resolve_for, run_groups
    from streamsim.config import Value

    cls = get_scenario("fraud")
    given = {
        "format": Value("avro", "--format"),
        "schema_registry_url": Value("http://localhost:8081", "--schema-registry-url"),
        "schema_registry_username": Value("user", "--schema-registry-username"),
        "schema_registry_password": Value("s3cret", "--schema-registry-password"),
    }
    dump = resolve_for(cls, run_groups(cls), given).dump()
    assert dump["schema_registry_password"] == "***"
    assert "s3cret" not in str(dump)


def test_an_unreachable_registry_stops_the_run_at_start() -> None:
    from infra.kafka import free_port

    from streamsim.errors import RunFailure

    sink = ListSink()
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RunFailure, match=f"Schema Registry at {url} is not reachable"):
        simulate("fraud", count=1, format="avro", schema_registry_url=url, sink=sink)
    assert sink.records == []


@pytest.mark.parametrize(
    ("args", "check"),
    [
        (["--format", "avro"], lambda out: orjson.loads(out)["type"] == "record"),
        (["--format", "protobuf"], lambda out: "message TransactionFraudDetection {" in out),
        (["--format", "jsonschema"], lambda out: orjson.loads(out)["title"] == "transaction_fraud_detection"),
        (
            ["--label-mode", "delayed", "--stream", "labels", "--format", "avro"],
            lambda out: orjson.loads(out)["name"] == "TransactionFraudDetectionLabels",
        ),
        (
            ["--label-mode", "delayed", "--stream", "_labels", "--format", "protobuf"],
            lambda out: "message TransactionFraudDetectionLabels {" in out,
        ),
        (
            ["--label-mode", "delayed", "--stream", "all", "--format", "avro"],
            lambda out: list(orjson.loads(out)) == ["main", "labels"],
        ),
    ],
)
def test_schema_command_prints_each_format_and_stream(args: list[str], check: Any) -> None:
    from click.testing import CliRunner

    from streamsim.cli import cli

    result = CliRunner().invoke(cli, ["schema", "fraud", *args])
    assert result.exit_code == 0, result.output
    assert check(result.output)


def test_schema_command_names_the_streams_when_one_is_unknown() -> None:
    from click.testing import CliRunner

    from streamsim.cli import cli

    result = CliRunner().invoke(cli, ["schema", "fraud", "--stream", "labels"])
    assert result.exit_code == 2
    assert "--stream: 'labels'; this scenario with these options has: main, all" in result.output


def test_field_selection_applies_to_every_format() -> None:
    """--fields shapes the main stream's schema and its encoded values alike."""
    records = run("eta", count=5, format="avro", fields="trip_id,origin.lat,weather")
    stream = schemas_of("eta", fields="trip_id,origin.lat,weather")["estimated_time_of_arrival"]
    assert [f["name"] for f in avro_schema(stream)["fields"]] == ["trip_id", "origin", "weather"]
    assert [avro_format.decode(r.value, stream) for r in records] == [
        orjson.loads(r.value) for r in run("eta", count=5, fields="trip_id,origin.lat,weather")
    ]


def test_a_missing_extra_fails_loudly_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    # as if protobuf were not installed (Avro needs no extra to write: the core encodes it)
    monkeypatch.setitem(sys.modules, "google.protobuf", None)
    monkeypatch.delitem(sys.modules, "streamsim.formats.protobuf", raising=False)
    with pytest.raises(
        UsageError, match=r"--format protobuf needs the formats extra: pip install 'streamsim\[formats\]'"
    ):
        simulate("fraud", count=1, format="protobuf", sink=ListSink())
