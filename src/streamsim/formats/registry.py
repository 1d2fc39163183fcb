"""Schema Registry: client set-up, registration at start, and the wire-format serializers.

Uses confluent-kafka's ``SchemaRegistryClient``, and its JSON Schema serializer and key
serializers, which write the Confluent wire format (magic byte 0, the 4-byte schema id,
then the payload; Protobuf adds its message indexes); Avro and Protobuf values are the
core's, after the same header (:mod:`streamsim.formats.binary`). Subjects follow the topic
name strategy: ``<topic>-value`` (and ``<topic>-key`` with a registry ``--key-format``). Each
stream's schema is registered once, when the run starts; the values are then written with
that schema's id (``use.schema.id``, ``auto.register.schemas`` off), so a run never changes
a subject after start-up and its messages carry the schema it started with.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Sequence
from typing import Any

import orjson

from streamsim.errors import RunFailure, UsageError
from streamsim.formats import KeyEncoder, RecordSerializer, Serializer, ValueEncoder, missing_extra
from streamsim.formats.options import FormatOptions
from streamsim.formats.schemas import StreamSchema, avro_schema, json_schema

try:
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
    from confluent_kafka.schema_registry.error import SchemaRegistryError
    from confluent_kafka.serialization import MessageField, SerializationContext
except ModuleNotFoundError:  # pragma: no cover - depends on the installation
    raise missing_extra("--schema-registry-url") from None

log = logging.getLogger("streamsim.formats")

#: Schema types of the registry, by format.
SCHEMA_TYPES = {"avro": "AVRO", "protobuf": "PROTOBUF", "jsonschema": "JSON"}


def client_config(options: FormatOptions) -> dict[str, Any]:
    """``SchemaRegistryClient`` settings from the options (secrets included: never log this)."""
    assert options.schema_registry_url is not None
    config: dict[str, Any] = {"url": options.schema_registry_url}
    if options.schema_registry_username is not None and options.schema_registry_password is not None:
        password = options.schema_registry_password.get_secret_value()
        config["basic.auth.user.info"] = f"{options.schema_registry_username}:{password}"
    if options.schema_registry_ca_file is not None:
        config["ssl.ca.location"] = str(options.schema_registry_ca_file)
    if options.schema_registry_cert_file is not None:
        config["ssl.certificate.location"] = str(options.schema_registry_cert_file)
    if options.schema_registry_key_file is not None:
        config["ssl.key.location"] = str(options.schema_registry_key_file)
    return config


def new_client(options: FormatOptions) -> SchemaRegistryClient:
    try:
        return SchemaRegistryClient(client_config(options))
    except (ValueError, TypeError) as exc:
        raise UsageError(f"invalid Schema Registry configuration: {exc}") from None


def registry_schema(fmt: str, stream: StreamSchema) -> Schema:
    """The registry's form of a stream's schema in format ``fmt``."""
    if fmt == "avro":
        return Schema(orjson.dumps(avro_schema(stream)).decode(), "AVRO")
    if fmt == "jsonschema":
        return Schema(orjson.dumps(json_schema(stream)).decode(), "JSON")
    from streamsim.formats.protobuf import message_class

    return Schema(_descriptor_text(message_class(stream)), "PROTOBUF")


def _descriptor_text(cls: Any) -> str:
    """A message's ``.proto`` as the Python serializers send it: the FileDescriptorProto in base64."""
    return base64.standard_b64encode(cls.DESCRIPTOR.file.serialized_pb).decode("ascii")


def key_schema(fmt: str) -> Schema:
    """The schema of message keys (entity ids: strings) in a registry format."""
    if fmt == "avro":
        return Schema('"string"', "AVRO")
    if fmt == "jsonschema":
        return Schema(KEY_JSON_SCHEMA, "JSON")
    from streamsim.formats.protobuf import key_message_class

    return Schema(_descriptor_text(key_message_class()), "PROTOBUF")


KEY_JSON_SCHEMA = '{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "string"}'


def register(client: SchemaRegistryClient, subject: str, schema: Schema, url: str) -> int:
    """Register ``schema`` under ``subject`` (a no-op returning the id when it is there already)."""
    try:
        schema_id: int = client.register_schema(subject, schema)
    except SchemaRegistryError as exc:
        raise RunFailure(
            f"Schema Registry at {url} refused the schema of {subject}: {exc.error_message} "
            f"(HTTP {exc.http_status_code}, error {exc.error_code}); an incompatible earlier schema "
            "may be registered under this subject"
        ) from None
    except Exception as exc:  # connection refused, TLS, timeouts: httpx's errors
        raise RunFailure(f"Schema Registry at {url} is not reachable: {exc}") from None
    log.info("registered %s schema of %s (id %d)", schema.schema_type, subject, schema_id)
    return schema_id


def _serializer_conf(schema_id: int, **extra: Any) -> dict[str, Any]:
    """The serializers write with the schema registered at start, by id, and never register."""
    return {"auto.register.schemas": False, "use.schema.id": schema_id, **extra}


def value_encoder(client: SchemaRegistryClient, stream: StreamSchema, schema_id: int) -> ValueEncoder:
    """confluent-kafka's JSON Schema serializer for one stream's values, as a :data:`ValueEncoder`."""
    from confluent_kafka.schema_registry.json_schema import JSONSerializer

    js = JSONSerializer(orjson.dumps(json_schema(stream)).decode(), client, conf=_serializer_conf(schema_id))
    return _with_context(js, orjson.loads, MessageField.VALUE)


def key_encoder(client: SchemaRegistryClient, fmt: str, schema_id: int) -> KeyEncoder:
    """A library serializer for message keys (strings)."""
    if fmt == "avro":
        from confluent_kafka.schema_registry.avro import AvroSerializer

        return _with_context(
            AvroSerializer(client, '"string"', conf=_serializer_conf(schema_id)), str, MessageField.KEY
        )
    if fmt == "jsonschema":
        from confluent_kafka.schema_registry.json_schema import JSONSerializer

        js = JSONSerializer(KEY_JSON_SCHEMA, client, conf=_serializer_conf(schema_id))
        return _with_context(js, str, MessageField.KEY)
    from confluent_kafka.schema_registry.protobuf import ProtobufSerializer

    from streamsim.formats.protobuf import key_message_class

    cls = key_message_class()
    pb = ProtobufSerializer(cls, client, conf=_serializer_conf(schema_id, **{"use.deprecated.format": False}))
    return _with_context(pb, lambda key: cls(key=key), MessageField.KEY)


def _with_context(
    serializer: Any, convert: Callable[[Any], Any], field: MessageField
) -> Callable[[Any, str], bytes]:
    contexts: dict[str, SerializationContext] = {}

    def encode(value: Any, topic: str) -> bytes:
        context = contexts.get(topic)
        if context is None:
            context = contexts[topic] = SerializationContext(topic, field)
        data: bytes = serializer(convert(value), context)
        return data

    return encode


def registry_serializer(
    options: FormatOptions, schemas: Sequence[StreamSchema], topics: Sequence[str]
) -> Serializer:
    """Registers every stream's schemas now and returns the wire-format serializer of the run."""
    client = new_client(options)
    try:
        return _registered(client, options, schemas, topics)
    except BaseException:
        client.close()
        raise


def _registered(
    client: SchemaRegistryClient,
    options: FormatOptions,
    schemas: Sequence[StreamSchema],
    topics: Sequence[str],
) -> Serializer:
    url = options.schema_registry_url or ""
    fmt = options.format
    if fmt in ("avro", "protobuf"):
        from streamsim.formats.binary import BinarySerializer, encoder, wire_prefix

        encoders = []
        for stream, topic in zip(schemas, topics, strict=True):
            schema_id = register(client, f"{topic}-value", registry_schema(fmt, stream), url)
            encoders.append(encoder(fmt, stream, wire_prefix(fmt, schema_id)))
        keys = _key_encoders(client, options, topics)
        return BinarySerializer(encoders, topics, keys=keys, on_close=client.close)
    values: list[ValueEncoder] = []
    for stream, topic in zip(schemas, topics, strict=True):
        if fmt == "json":
            from streamsim.formats.json import json_encoder

            values.append(json_encoder())
            continue
        schema_id = register(client, f"{topic}-value", registry_schema(fmt, stream), url)
        values.append(value_encoder(client, stream, schema_id))
    keys = _key_encoders(client, options, topics)
    return RecordSerializer(values, topics, keys=keys, delimited=fmt in SCHEMA_TYPES, on_close=client.close)


def _key_encoders(
    client: SchemaRegistryClient, options: FormatOptions, topics: Sequence[str]
) -> list[KeyEncoder] | None:
    """Registers each topic's key schema (with a registry --key-format) and returns the key encoders."""
    if options.key_format == "string":
        return None
    url = options.schema_registry_url or ""
    keys = []
    for topic in topics:
        schema_id = register(client, f"{topic}-key", key_schema(options.key_format), url)
        keys.append(key_encoder(client, options.key_format, schema_id))
    return keys
