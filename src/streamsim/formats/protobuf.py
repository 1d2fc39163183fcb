"""The ``protobuf`` format: a message class built at run time from the stream's fields.

The ``.proto`` of a stream (``streamsim schema --format protobuf``) is also built
as a ``FileDescriptorProto``, loaded into its own descriptor pool, and the message
class comes from protobuf's message factory: no code generation step, no protoc.
Nullable fields are proto3 ``optional`` (unset means null); nested dotted paths are
nested messages; enums are strings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import orjson

from streamsim.formats.schemas import _PROTO_SCALAR, Node, StreamSchema, message_name, proto_file_name

try:
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    from google.protobuf.message import Message
except ModuleNotFoundError:  # pragma: no cover - depends on the installation
    from streamsim.formats import missing_extra

    raise missing_extra("--format protobuf") from None

_FD = descriptor_pb2.FieldDescriptorProto
_TYPES = {
    "string": _FD.TYPE_STRING,
    "double": _FD.TYPE_DOUBLE,
    "int64": _FD.TYPE_INT64,
    "bool": _FD.TYPE_BOOL,
}


def file_descriptor(stream: StreamSchema) -> descriptor_pb2.FileDescriptorProto:
    """The stream's ``.proto`` file as a descriptor (the same as :func:`~.schemas.proto_text`)."""
    proto = descriptor_pb2.FileDescriptorProto(
        name=proto_file_name(stream), package=stream.namespace, syntax="proto3"
    )
    _message(proto.message_type.add(), stream.tree(), f".{stream.namespace}.{stream.name}")
    return proto


def _message(message: descriptor_pb2.DescriptorProto, node: Node, full_name: str) -> None:
    message.name = full_name.rsplit(".", 1)[1]
    for key, child in node.children.items():
        field = message.field.add(name=key, number=node.numbers[key], label=_FD.LABEL_OPTIONAL)
        if isinstance(child, Node):
            nested = f"{full_name}.{message_name(key)}"
            _message(message.nested_type.add(), child, nested)
            field.type, field.type_name = _FD.TYPE_MESSAGE, nested
            continue
        field.type = _TYPES[_PROTO_SCALAR[child.type]]
        if child.nullable:  # proto3 optional: a synthetic oneof gives the field presence
            field.proto3_optional = True
            field.oneof_index = len(message.oneof_decl)
            message.oneof_decl.add(name=f"_{key}")
    # Synthetic oneofs must come after real ones; there are none, so their order is the fields'.


def message_class(stream: StreamSchema) -> type[Message]:
    """The stream's message class, from a descriptor pool of its own."""
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file_descriptor(stream))
    descriptor = pool.FindMessageTypeByName(f"{stream.namespace}.{stream.name}")
    return cast("type[Message]", message_factory.GetMessageClass(descriptor))


def from_dict(cls: type[Message], value: dict[str, Any]) -> Message:
    """A message from a JSON value (None leaves a field unset; nested dicts become messages)."""
    return cls(**_clean(value))


def _clean(value: dict[str, Any]) -> dict[str, Any]:
    return {k: _clean(v) if isinstance(v, dict) else v for k, v in value.items() if v is not None}


def to_dict(message: Message) -> dict[str, Any]:
    """A message back into the JSON value it came from (unset optional fields are None)."""
    out: dict[str, Any] = {}
    for field in message.DESCRIPTOR.fields:
        if field.message_type is not None:
            out[field.name] = to_dict(getattr(message, field.name))
        elif field.has_presence and not message.HasField(field.name):
            out[field.name] = None
        else:
            out[field.name] = getattr(message, field.name)
    return out


def message_encoder(stream: StreamSchema) -> Callable[[bytes, str], bytes]:
    """Encodes a JSON value as the stream's serialized message."""
    cls, loads = message_class(stream), orjson.loads

    def encode(value: bytes, topic: str) -> bytes:
        data: bytes = from_dict(cls, loads(value)).SerializeToString()
        return data

    return encode


def decode(data: bytes, stream: StreamSchema) -> dict[str, Any]:
    """One serialized message back into a dict (for tests and readers)."""
    cls = message_class(stream)
    return to_dict(cls.FromString(data))


def key_message_class() -> type[Message]:
    """``streamsim.Key {string key = 1}``: message keys in the protobuf key format."""
    proto = descriptor_pb2.FileDescriptorProto(
        name="streamsim/key.proto", package="streamsim", syntax="proto3"
    )
    message = proto.message_type.add(name="Key")
    message.field.add(name="key", number=1, label=_FD.LABEL_OPTIONAL, type=_FD.TYPE_STRING)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(proto)
    return cast("type[Message]", message_factory.GetMessageClass(pool.FindMessageTypeByName("streamsim.Key")))
