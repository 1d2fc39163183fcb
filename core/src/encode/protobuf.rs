//! Protobuf values with `prost-reflect`: a dynamic message of the stream's descriptor (built in
//! Python as a `FileDescriptorProto`) whose fields are set for each event, encoded by `prost`.

use super::{as_bool, as_f64, as_i64, as_str, is_null};
use crate::record::Value;
use prost::Message;
use prost_reflect::{DescriptorPool, DynamicMessage, FieldDescriptor, Kind, MessageDescriptor};

type Proto = prost_reflect::Value;

#[derive(Debug, Clone)]
struct Leaf {
    path: String,
    /// The nested message fields from the root down to this field's message.
    parents: Vec<FieldDescriptor>,
    field: FieldDescriptor,
}

/// A stream's message, rewritten in place for each event.
#[derive(Debug, Clone)]
pub struct ProtoEncoder {
    message: DynamicMessage,
    leaves: Vec<Leaf>,
}

impl ProtoEncoder {
    /// `descriptor`: a serialized `FileDescriptorProto`; `name`: the message's full name.
    pub fn new(descriptor: &[u8], name: &str) -> Result<ProtoEncoder, String> {
        let mut pool = DescriptorPool::new();
        pool.decode_file_descriptor_proto(descriptor)
            .map_err(|e| format!("invalid Protobuf descriptor: {e}"))?;
        let desc = pool
            .get_message_by_name(name)
            .ok_or_else(|| format!("no message {name} in the descriptor"))?;
        let mut message = DynamicMessage::new(desc.clone());
        let mut leaves = Vec::new();
        walk(&desc, &mut message, "", &mut Vec::new(), &mut leaves)?;
        Ok(ProtoEncoder { message, leaves })
    }

    pub fn paths(&self) -> Vec<String> {
        self.leaves.iter().map(|l| l.path.clone()).collect()
    }

    /// Sets every field from the row (`index[i]`: the row position of leaf `i`) and appends
    /// the serialized message to `out`.
    pub fn write(&mut self, row: &[Value], index: &[usize], out: &mut Vec<u8>) -> Result<(), String> {
        for (leaf, &i) in self.leaves.iter().zip(index) {
            let mut message = &mut self.message;
            for parent in &leaf.parents {
                message = match message.get_field_mut(parent) {
                    Proto::Message(nested) => nested,
                    _ => unreachable!("parents are message fields"),
                };
            }
            set(message, &leaf.field, &row[i]).map_err(|e| format!("field {}: {e}", leaf.path))?;
        }
        self.message
            .encode(out)
            .map_err(|e| format!("Protobuf: {e}"))
    }
}

/// Nested messages are set once (a nested object is always present in the JSON, and protobuf's
/// Python classes mark a message given as a dict as present, even an empty one).
fn walk(
    desc: &MessageDescriptor,
    message: &mut DynamicMessage,
    prefix: &str,
    parents: &mut Vec<FieldDescriptor>,
    leaves: &mut Vec<Leaf>,
) -> Result<(), String> {
    for field in desc.fields() {
        let path = format!("{prefix}{}", field.name());
        if field.is_list() || field.is_map() {
            return Err(format!("field {path}: repeated fields are not supported"));
        }
        match field.kind() {
            Kind::Message(nested_desc) => {
                let Proto::Message(nested) = message.get_field_mut(&field) else {
                    unreachable!("a message field holds a message")
                };
                parents.push(field.clone());
                walk(&nested_desc, nested, &format!("{path}."), parents, leaves)?;
                parents.pop();
            }
            Kind::String | Kind::Double | Kind::Int64 | Kind::Bool => leaves.push(Leaf {
                path,
                parents: parents.clone(),
                field,
            }),
            other => return Err(format!("field {path}: unsupported Protobuf type {other:?}")),
        }
    }
    Ok(())
}

/// Null leaves the field unset (proto3 `optional`: absent means null), as the Python classes did.
fn set(message: &mut DynamicMessage, field: &FieldDescriptor, value: &Value) -> Result<(), String> {
    if is_null(value) {
        message.clear_field(field);
        return Ok(());
    }
    let slot = message.get_field_mut(field);
    match field.kind() {
        Kind::String => {
            let text = as_str(value)?;
            match slot {
                Proto::String(s) => {
                    s.clear();
                    s.push_str(text);
                }
                other => *other = Proto::String(text.to_owned()),
            }
        }
        Kind::Double => *slot = Proto::F64(as_f64(value)?),
        Kind::Int64 => *slot = Proto::I64(as_i64(value)?),
        Kind::Bool => *slot = Proto::Bool(as_bool(value)?),
        _ => unreachable!("leaves are scalars of these kinds"),
    }
    Ok(())
}
