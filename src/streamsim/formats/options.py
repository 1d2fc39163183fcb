"""Options of the serializer stage (--format, --key-format) and of the Schema Registry.

This module imports no serialization library, so ``--help``, config dumps and docs
work without the ``formats`` extra.
"""

from __future__ import annotations

import re
from typing import Annotated, ClassVar, Literal

from pydantic import BeforeValidator, Field, SecretStr, model_validator

from streamsim.config import Allowed, Options
from streamsim.sinks.kafka_options import ExistingFile

#: Value formats: json is the core's bytes; the others are encoded from them.
FORMATS = ("json", "avro", "protobuf", "jsonschema")
#: Formats that have schemas in a Schema Registry.
SCHEMA_FORMATS = ("avro", "protobuf", "jsonschema")

_URL = re.compile(r"https?://[^\s/?#]+(/[^\s?#]*)?")


def _parse_urls(value: object) -> str:
    urls = [part.strip().rstrip("/") for part in str(value).split(",") if part.strip()]
    if not urls or not all(_URL.fullmatch(url) for url in urls):
        raise ValueError("expected http(s)://host[:port][/path][,...], e.g. http://localhost:8081")
    return ",".join(urls)


RegistryUrls = Annotated[
    str, BeforeValidator(_parse_urls), Allowed("http(s)://host[:port][/path], comma-separated")
]


class FormatOptions(Options):
    """Serialization of message values and keys, and the Schema Registry that holds their schemas."""

    group_title: ClassVar[str] = "Format and Schema Registry"

    format: Literal["json", "avro", "protobuf", "jsonschema"] = Field(
        "json",
        description="Serialization of event values. json: the JSON text (unchanged by this option); "
        "avro, protobuf: binary, with schemas generated from the scenario's fields; jsonschema: JSON "
        "validated against its JSON Schema. With --schema-registry-url the values use the Confluent "
        "wire format (magic byte + schema id).",
        json_schema_extra={"metavar": "FORMAT"},
    )
    key_format: Literal["string", "avro", "protobuf", "jsonschema"] = Field(
        "string",
        description="Serialization of message keys: string (UTF-8 text) or a registry format "
        "(needs --schema-registry-url; the schema is registered under <topic>-key).",
        json_schema_extra={"metavar": "FORMAT"},
    )
    schema_registry_url: RegistryUrls | None = Field(
        None,
        description="Schema Registry (Confluent API) to register each stream's schema with, under "
        "<topic>-value, once at start. Without it avro and protobuf values carry no schema id.",
        json_schema_extra={"metavar": "URL"},
    )
    schema_registry_username: str | None = Field(
        None, min_length=1, description="Basic-auth user name of the Schema Registry."
    )
    schema_registry_password: SecretStr | None = Field(
        None, description="Basic-auth password of the Schema Registry. Never printed or logged."
    )
    schema_registry_ca_file: ExistingFile | None = Field(
        None, description="CA certificate(s) to verify the Schema Registry (PEM); default: the system's."
    )
    schema_registry_cert_file: ExistingFile | None = Field(
        None, description="Client certificate (PEM) for the Schema Registry, for mutual TLS."
    )
    schema_registry_key_file: ExistingFile | None = Field(
        None, description="Client private key (PEM) for the Schema Registry, for mutual TLS."
    )

    @model_validator(mode="after")
    def _consistent(self) -> FormatOptions:
        given = self.model_fields_set
        if self.key_format != "string" and self.schema_registry_url is None:
            raise ValueError(f"--key-format {self.key_format} needs --schema-registry-url")
        needs_url = [
            n
            for n in (
                "schema_registry_username",
                "schema_registry_password",
                "schema_registry_ca_file",
                "schema_registry_cert_file",
                "schema_registry_key_file",
            )
            if n in given
        ]
        if needs_url and self.schema_registry_url is None:
            raise ValueError(f"--{needs_url[0].replace('_', '-')} needs --schema-registry-url")
        if (self.schema_registry_username is None) != (self.schema_registry_password is None):
            raise ValueError("give both --schema-registry-username and --schema-registry-password")
        if (self.schema_registry_cert_file is None) != (self.schema_registry_key_file is None):
            raise ValueError("give both --schema-registry-cert-file and --schema-registry-key-file")
        return self

    @property
    def identity(self) -> bool:
        """Whether the stage leaves records as the core made them (JSON values, string keys)."""
        return self.format == "json" and self.key_format == "string"


class SchemaCommandOptions(Options):
    """What `streamsim schema` prints."""

    group_title: ClassVar[str] = "Schema"

    format: Literal["json", "avro", "protobuf", "jsonschema"] = Field(
        "jsonschema",
        description="Schema language: jsonschema (json is the same), avro (.avsc JSON) or protobuf "
        "(.proto text).",
        json_schema_extra={"metavar": "FORMAT"},
    )
    stream: str = Field(
        "main",
        min_length=1,
        description="Stream whose schema to print: main, a companion stream (labels, completed, "
        "sessions: as the scenario options enable them) or all.",
        json_schema_extra={"metavar": "NAME"},
    )
