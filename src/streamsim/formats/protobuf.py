"""The ``protobuf`` format's schema: a stream's message as a ``FileDescriptorProto``.

The ``.proto`` of a stream (``streamsim schema --format protobuf``) is also built
as a ``FileDescriptorProto``: the core's encoder loads it (:mod:`streamsim.formats.binary`),
and readers get a message class from protobuf's message factory (its own descriptor pool):
no code generation step, no protoc.
Nullable fields are proto3 ``optional`` (unset means null); nested dotted paths are
nested messages; enums are strings.
"""

from __future__ import annotations

from typing import Any, cast

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
