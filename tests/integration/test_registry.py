"""Avro, Protobuf and JSON Schema into Kafka with a real Schema Registry: the Confluent wire format,
read back with confluent-kafka's own deserializers (schemas fetched from the registry) and compared
with the JSON output of the same seed."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONDeserializer
from confluent_kafka.schema_registry.protobuf import ProtobufDeserializer
from confluent_kafka.serialization import MessageField, SerializationContext

from kafka_support import read_topic, unique_topic
from streamsim import simulate
from streamsim.formats import protobuf as protobuf_format
from streamsim.formats import stream_schemas
from streamsim.registry import get_scenario
from streamsim.schema import Projection
from streamsim.sinks.memory import ListSink
from support import START

pytestmark = [pytest.mark.integration, pytest.mark.kafka, pytest.mark.registry]

SEED = 5
COUNT = 200
COMPANIONS: dict[str, dict[str, Any]] = {
    "fraud": {"label_mode": "delayed"},
    "eta": {"label_mode": "delayed"},
    "ecommerce": {"session_outcomes": True},
}


def _deserializer(fmt: str, client: SchemaRegistryClient, stream: Any) -> Any:
    if fmt == "avro":
        return AvroDeserializer(client)
    if fmt == "jsonschema":
        return JSONDeserializer(None, schema_registry_client=client)
    cls = protobuf_format.message_class(stream)
    pb = ProtobufDeserializer(cls, {"use.deprecated.format": False})
    return lambda data, ctx: protobuf_format.to_dict(pb(data, ctx))


def _key_deserializer(fmt: str, client: SchemaRegistryClient) -> Any:
    if fmt == "avro":
        return AvroDeserializer(client)
    if fmt == "jsonschema":
        return JSONDeserializer(None, schema_registry_client=client)
    pb = ProtobufDeserializer(protobuf_format.key_message_class(), {"use.deprecated.format": False})
    return lambda data, ctx: pb(data, ctx).key


@pytest.mark.parametrize("fmt", ["avro", "protobuf", "jsonschema"])
@pytest.mark.parametrize("scenario", list(COMPANIONS))
def test_every_stream_round_trips_through_the_registry(
    bootstrap: str, schema_registry: str, scenario: str, fmt: str
) -> None:
    options = COMPANIONS[scenario]
    topic = unique_topic(f"sr-{scenario}-{fmt}")
    expected = ListSink()
    simulate(scenario, seed=SEED, start=START, count=COUNT, sink=expected, topic=topic, **options)
    simulate(
        scenario,
        seed=SEED,
        start=START,
        count=COUNT,
        sink="kafka",
        bootstrap_servers=bootstrap,
        topic=topic,
        format=fmt,
        key_format=fmt,
        schema_registry_url=schema_registry,
        **options,
    )
    with SchemaRegistryClient({"url": schema_registry}) as client:
        _check_topics(bootstrap, client, scenario, fmt, topic, expected)


def _check_topics(
    bootstrap: str, client: SchemaRegistryClient, scenario: str, fmt: str, topic: str, expected: ListSink
) -> None:
    """Every message of every stream's topic, deserialized, equals the JSON record of the same sequence."""
    options = COMPANIONS[scenario]
    cls = get_scenario(scenario)
    instance = cls(cls.Options(**options), seed=SEED, start=0.0)
    projection = Projection(instance.field_specs()[""])
    schemas = {instance.topics(topic)[s.stream]: s for s in stream_schemas(instance, projection)}
    by_topic: dict[str, list[Any]] = {}
    for record in expected.records:
        by_topic.setdefault(record.topic, []).append(record)
    for stream_topic, records in by_topic.items():
        assert client.get_latest_version(f"{stream_topic}-value").schema_id is not None
        assert client.get_latest_version(f"{stream_topic}-key").schema_id is not None
        decode = _deserializer(fmt, client, schemas[stream_topic])
        keys = _key_deserializer(fmt, client)
        got = read_topic(bootstrap, stream_topic)
        assert len(got) == len(records)
        got.sort(key=lambda m: m.sequence)
        want = {r.sequence: r for r in records}
        for message in got:
            record = want[message.sequence]
            value = decode(message.value, SerializationContext(stream_topic, MessageField.VALUE))
            assert message.value[0] == 0  # the Confluent wire format's magic byte
            assert value == orjson.loads(record.value)
            assert message.key is not None and message.key[0] == 0
            assert keys(message.key, SerializationContext(stream_topic, MessageField.KEY)) == record.key


def test_a_later_preset_registers_as_a_compatible_new_version(bootstrap: str, schema_registry: str) -> None:
    """classic, then standard, then full on one subject at BACKWARD compatibility: each is accepted,
    while a field added without a default is refused (the rule is enforced)."""
    topic = unique_topic("sr-evolve")
    subject = f"{topic}-value"
    with SchemaRegistryClient({"url": schema_registry}) as client:
        _evolve(bootstrap, schema_registry, client, topic, subject)


def _evolve(
    bootstrap: str, schema_registry: str, client: SchemaRegistryClient, topic: str, subject: str
) -> None:
    for preset in ("classic", "standard", "full"):
        simulate(
            "fraud",
            seed=SEED,
            start=START,
            count=5,
            sink="kafka",
            bootstrap_servers=bootstrap,
            topic=topic,
            format="avro",
            schema=preset,
            schema_registry_url=schema_registry,
        )
        if preset == "classic":
            client.set_compatibility(subject, "BACKWARD")
    assert len(client.get_versions(subject)) == 3
    latest = orjson.loads(client.get_latest_version(subject).schema.schema_str or "{}")
    latest["fields"].append({"name": "added_without_default", "type": "string"})
    with pytest.raises(SchemaRegistryError):
        client.register_schema(subject, Schema(orjson.dumps(latest).decode(), "AVRO"))
