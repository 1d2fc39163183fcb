"""Avro, Protobuf and JSON Schema documents generated from a stream's field specifications.

The same :class:`~streamsim.schema.FieldSpec` lists that ``streamsim schema`` and the
projection use describe every stream (the main one and its companions). Dotted paths
become nested records (Avro) or messages (Protobuf) or objects (JSON Schema).

Evolution: the schemas of the three presets are compatible evolutions of each other.
Every field above the ``classic`` level has a default (``null`` for a nullable field,
otherwise the zero value of its type: ``""``, ``0``, ``0.0``, ``false`` or the first
symbol of an enum), so a reader with the ``standard`` (or ``full``) schema reads data
written with ``classic``: BACKWARD compatibility, Schema Registry's default level.
Protobuf field numbers come from a field's position in the scenario's full list, so
they never change between presets or with ``--fields``/``--exclude-fields``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from streamsim.schema import JSON_SCHEMA_DIALECT, FieldSpec, Level

#: Namespace of the Avro records and package of the Protobuf messages (``streamsim.<scenario>``).
NAMESPACE = "streamsim"
_AVRO_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_AVRO_PRIMITIVE = {"string": "string", "number": "double", "integer": "long", "boolean": "boolean"}
_ZERO: dict[str, Any] = {"string": "", "number": 0.0, "integer": 0, "boolean": False}


@dataclass
class Node:
    """A record of the stream: its leaves (specs) and nested records, in emission order."""

    name: str
    children: dict[str, FieldSpec | Node] = field(default_factory=dict)
    #: Position of each child among the children of the same record in the full field list (from 1).
    numbers: dict[str, int] = field(default_factory=dict)

    @property
    def level(self) -> Level:
        """The lowest level of the fields below: a nested record is as old as its oldest field."""
        return min(child.level for child in self.children.values())


def _tree(specs: list[FieldSpec], name: str) -> Node:
    root = Node(name)
    for spec in specs:
        node = root
        *parents, leaf = spec.path.split(".")
        for part in parents:
            child = node.children.get(part)
            if child is None:
                child = node.children[part] = Node(part)
                node.numbers[part] = len(node.numbers) + 1
            assert isinstance(child, Node)
            node = child
        node.children[leaf] = spec
        node.numbers[leaf] = len(node.numbers) + 1
    return root


@dataclass(frozen=True)
class StreamSchema:
    """What the schemas of one stream are made from.

    ``specs`` are the emitted fields (the projection of the main stream, or all
    fields of a companion stream); ``all_specs`` the scenario's full list for that
    stream, which fixes Protobuf field numbers. ``name`` is the record/message name
    (from the scenario's default topic, so it does not change with ``--topic``).
    """

    scenario: str
    stream: str
    name: str
    specs: tuple[FieldSpec, ...]
    all_specs: tuple[FieldSpec, ...]
    description: str = ""

    @classmethod
    def of(
        cls,
        scenario: str,
        stream: str,
        base_topic: str,
        specs: list[FieldSpec] | tuple[FieldSpec, ...],
        all_specs: list[FieldSpec] | tuple[FieldSpec, ...] | None = None,
        description: str = "",
    ) -> StreamSchema:
        topic = base_topic if not stream else f"{base_topic}_{stream}"
        return cls(
            scenario,
            stream,
            record_name(topic),
            tuple(specs),
            tuple(all_specs if all_specs is not None else specs),
            description,
        )

    @property
    def namespace(self) -> str:
        return f"{NAMESPACE}.{self.scenario}"

    def tree(self) -> Node:
        """The emitted fields as nested records, numbered as in the full list."""
        full = _tree(list(self.all_specs), self.name)
        wanted = {spec.path for spec in self.specs}
        return _select(full, wanted, "")


def _select(node: Node, wanted: set[str], prefix: str) -> Node:
    out = Node(node.name)
    for key, child in node.children.items():
        path = prefix + key
        if isinstance(child, Node):
            sub = _select(child, wanted, path + ".")
            if sub.children:
                out.children[key], out.numbers[key] = sub, node.numbers[key]
        elif path in wanted:
            out.children[key], out.numbers[key] = child, node.numbers[key]
    return out


def record_name(topic: str) -> str:
    """A record or message name from a topic name, in CamelCase.

    >>> record_name("transaction_fraud_detection_labels")
    'TransactionFraudDetectionLabels'
    """
    parts = re.split(r"[^A-Za-z0-9]+", topic)
    name = "".join(part[:1].upper() + part[1:] for part in parts if part)
    return name if name[:1].isalpha() else "S" + name


# -- Avro ---------------------------------------------------------------------------------


def avro_schema(stream: StreamSchema) -> dict[str, Any]:
    """The Avro record schema of a stream (fields in emission order)."""
    schema = _avro_record(stream.tree(), stream.namespace, stream.description)
    return schema


def _avro_record(node: Node, namespace: str, doc: str = "") -> dict[str, Any]:
    fullname = f"{namespace}.{node.name}"
    fields = []
    for key, child in node.children.items():
        if isinstance(child, Node):
            entry: dict[str, Any] = {"name": key, "type": _avro_record(child, fullname)}
            if child.level > Level.CLASSIC:
                entry["default"] = _avro_default(entry["type"])
        else:
            entry = _avro_field(key, child, fullname)
        fields.append(entry)
    record: dict[str, Any] = {"type": "record", "name": node.name, "namespace": namespace}
    if doc:
        record["doc"] = doc
    record["fields"] = fields
    return record


def _avro_field(key: str, spec: FieldSpec, namespace: str) -> dict[str, Any]:
    kind: Any = _AVRO_PRIMITIVE[spec.type]
    symbols = [v for v in spec.enum or () if v is not None]
    if spec.type == "string" and symbols and all(_AVRO_NAME.fullmatch(str(v)) for v in symbols):
        kind = {"type": "enum", "name": key, "namespace": namespace, "symbols": [str(v) for v in symbols]}
    entry: dict[str, Any] = {"name": key, "type": ["null", kind] if spec.nullable else kind}
    if spec.description:
        entry["doc"] = spec.description
    if spec.nullable:
        entry["default"] = None
    elif spec.level > Level.CLASSIC:
        entry["default"] = _avro_default(kind)
    return entry


def _avro_default(kind: Any) -> Any:
    if isinstance(kind, list):  # a union: its first branch (always null here)
        return None
    if isinstance(kind, dict):
        if kind["type"] == "enum":
            return kind["symbols"][0]
        return {f["name"]: f.get("default", _avro_default(f["type"])) for f in kind["fields"]}
    return {"string": "", "double": 0.0, "long": 0, "boolean": False}[kind]


# -- JSON Schema --------------------------------------------------------------------------


def json_schema(stream: StreamSchema, title: str = "") -> dict[str, Any]:
    """JSON Schema (2020-12) of a stream: closed objects, every emitted field required.

    Fields above the classic level carry a ``default``, as in the Avro schema.
    """
    root = _json_object(stream.tree())
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": title or stream.name,
        "description": stream.description,
        **root,
    }


def _json_object(node: Node) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for key, child in node.children.items():
        if isinstance(child, Node):
            properties[key] = _json_object(child)
        else:
            properties[key] = child.json_schema()
            if child.level > Level.CLASSIC:
                properties[key]["default"] = None if child.nullable else _json_default(child)
    return {
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
        "required": list(properties),
    }


def _json_default(spec: FieldSpec) -> Any:
    if spec.enum:
        return next(v for v in spec.enum if v is not None)
    return _ZERO[spec.type]


# -- Protobuf -----------------------------------------------------------------------------

_PROTO_SCALAR = {"string": "string", "number": "double", "integer": "int64", "boolean": "bool"}


def proto_file_name(stream: StreamSchema) -> str:
    return f"streamsim/{stream.scenario}/{stream.name}.proto"


def proto_text(stream: StreamSchema) -> str:
    """The ``.proto`` (proto3) source of a stream's message.

    Nullable fields are ``optional`` (explicit presence: unset means null); enums are
    strings (their values are listed in the comment), so a value added later stays readable.
    """
    lines = [
        'syntax = "proto3";',
        "",
        f"package {stream.namespace};",
        "",
    ]
    if stream.description:
        lines.append(f"// {stream.description}")
    lines += _proto_message(stream.tree(), "")
    return "\n".join(lines) + "\n"


def _proto_message(node: Node, indent: str) -> list[str]:
    lines = [f"{indent}message {node.name} {{"]
    inner = indent + "  "
    for key, child in node.children.items():
        number = node.numbers[key]
        if isinstance(child, Node):
            lines += _proto_message(Node(message_name(key), child.children, child.numbers), inner)
            lines.append(f"{inner}{message_name(key)} {key} = {number};")
            continue
        comment = child.description
        if child.enum:
            comment += " One of: " + ", ".join(str(v) for v in child.enum if v is not None) + "."
        label = "optional " if child.nullable else ""
        lines.append(f"{inner}// {comment.strip()}")
        lines.append(f"{inner}{label}{_PROTO_SCALAR[child.type]} {key} = {number};")
    lines.append(f"{indent}}}")
    return lines


def message_name(key: str) -> str:
    """The nested message type of a dotted path's parent part: ``device_info`` -> ``DeviceInfo``."""
    return record_name(key)
