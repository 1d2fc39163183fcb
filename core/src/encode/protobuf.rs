//! Protobuf values: the stream's message descriptor (a `FileDescriptorProto` built in Python)
//! is read with `prost-reflect`, and each event is written with `prost`'s field encoders in
//! field-number order, as the code prost generates for a message would write it.
//!
//! Presence follows proto3 as protobuf's Python classes (upb) apply it: an `optional` field is
//! written when set (null leaves it unset); an implicit one unless it holds its type's zero
//! (`""`, `0`, `false`, or a double whose bits are all zero: upb writes `-0.0`); a nested
//! message always (a JSON object is always there, and upb marks a message given as a dict as
//! present, even an empty one).

use super::{as_bool, as_f64, as_i64, as_str, is_null};
use crate::record::Value;
use prost::bytes::BufMut;
use prost::encoding::{self, WireType};
use prost_reflect::{DescriptorPool, Kind, MessageDescriptor};
use std::borrow::Cow;

#[derive(Debug, Clone, Copy)]
enum Scalar {
    String,
    Double,
    Int64,
    Bool,
}

#[derive(Debug, Clone)]
enum Field {
    Leaf {
        number: u32,
        /// Leaf position (`paths`), mapped to the row by the caller's index.
        leaf: usize,
        kind: Scalar,
        /// proto3 `optional`: written whenever it is set.
        presence: bool,
    },
    Message {
        number: u32,
        fields: Vec<Field>,
    },
}

/// A stream's message: its fields in number order, and the dotted path of each scalar.
#[derive(Debug, Clone)]
pub struct ProtoEncoder {
    fields: Vec<Field>,
    paths: Vec<String>,
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
        let mut paths = Vec::new();
        let fields = plan(&desc, "", &mut paths)?;
        Ok(ProtoEncoder { fields, paths })
    }

    pub fn paths(&self) -> Vec<String> {
        self.paths.clone()
    }

    /// Appends the serialized message of `row` (`index[i]`: the row position of leaf `i`).
    pub fn write(&self, row: &[Value], index: &[usize], out: &mut Vec<u8>) -> Result<(), String> {
        let rows = Rows {
            row,
            index,
            paths: &self.paths,
        };
        // Checks every value first, so writing cannot fail half-way.
        rows.len(&self.fields)?;
        rows.write(&self.fields, out);
        Ok(())
    }
}

fn plan(
    desc: &MessageDescriptor,
    prefix: &str,
    paths: &mut Vec<String>,
) -> Result<Vec<Field>, String> {
    let mut fields: Vec<_> = desc.fields().collect();
    fields.sort_by_key(|f| f.number());
    let mut out = Vec::with_capacity(fields.len());
    for field in fields {
        let path = format!("{prefix}{}", field.name());
        if field.is_list() || field.is_map() {
            return Err(format!("field {path}: repeated fields are not supported"));
        }
        let kind = match field.kind() {
            Kind::Message(nested) => {
                out.push(Field::Message {
                    number: field.number(),
                    fields: plan(&nested, &format!("{path}."), paths)?,
                });
                continue;
            }
            Kind::String => Scalar::String,
            Kind::Double => Scalar::Double,
            Kind::Int64 => Scalar::Int64,
            Kind::Bool => Scalar::Bool,
            other => return Err(format!("field {path}: unsupported Protobuf type {other:?}")),
        };
        paths.push(path);
        out.push(Field::Leaf {
            number: field.number(),
            leaf: paths.len() - 1,
            kind,
            presence: field.supports_presence(),
        });
    }
    Ok(out)
}

/// A scalar to write, or none (unset, or an implicit field at its zero).
enum Present<'a> {
    Str(Cow<'a, str>),
    Double(f64),
    Int64(i64),
    Bool(bool),
}

struct Rows<'a> {
    row: &'a [Value],
    index: &'a [usize],
    paths: &'a [String],
}

impl<'a> Rows<'a> {
    fn present(
        &self,
        leaf: usize,
        kind: Scalar,
        presence: bool,
    ) -> Result<Option<Present<'a>>, String> {
        let value = &self.row[self.index[leaf]];
        if is_null(value) {
            return Ok(None);
        }
        let field = |e: String| format!("field {}: {e}", self.paths[leaf]);
        let present = match kind {
            Scalar::String => Present::Str(as_str(value).map_err(field)?),
            Scalar::Double => Present::Double(as_f64(value).map_err(field)?),
            Scalar::Int64 => Present::Int64(as_i64(value).map_err(field)?),
            Scalar::Bool => Present::Bool(as_bool(value).map_err(field)?),
        };
        let zero = match &present {
            Present::Str(s) => s.is_empty(),
            Present::Double(d) => d.to_bits() == 0,
            Present::Int64(i) => *i == 0,
            Present::Bool(b) => !*b,
        };
        Ok((presence || !zero).then_some(present))
    }

    /// Encoded length of `fields` (their keys included).
    fn len(&self, fields: &[Field]) -> Result<usize, String> {
        let mut total = 0;
        for field in fields {
            total += match field {
                Field::Message { number, fields } => {
                    let inner = self.len(fields)?;
                    encoding::key_len(*number) + encoding::encoded_len_varint(inner as u64) + inner
                }
                Field::Leaf {
                    number,
                    leaf,
                    kind,
                    presence,
                } => match self.present(*leaf, *kind, *presence)? {
                    None => 0,
                    Some(Present::Str(s)) => {
                        encoding::key_len(*number)
                            + encoding::encoded_len_varint(s.len() as u64)
                            + s.len()
                    }
                    Some(Present::Double(d)) => encoding::double::encoded_len(*number, &d),
                    Some(Present::Int64(i)) => encoding::int64::encoded_len(*number, &i),
                    Some(Present::Bool(b)) => encoding::bool::encoded_len(*number, &b),
                },
            };
        }
        Ok(total)
    }

    /// Writes `fields` (already checked by `len`).
    fn write(&self, fields: &[Field], out: &mut impl BufMut) {
        for field in fields {
            match field {
                Field::Message { number, fields } => {
                    let inner = self.len(fields).expect("checked");
                    encoding::encode_key(*number, WireType::LengthDelimited, out);
                    encoding::encode_varint(inner as u64, out);
                    self.write(fields, out);
                }
                Field::Leaf {
                    number,
                    leaf,
                    kind,
                    presence,
                } => match self.present(*leaf, *kind, *presence).expect("checked") {
                    None => {}
                    Some(Present::Str(s)) => {
                        encoding::encode_key(*number, WireType::LengthDelimited, out);
                        encoding::encode_varint(s.len() as u64, out);
                        out.put_slice(s.as_bytes());
                    }
                    Some(Present::Double(d)) => encoding::double::encode(*number, &d, out),
                    Some(Present::Int64(i)) => encoding::int64::encode(*number, &i, out),
                    Some(Present::Bool(b)) => encoding::bool::encode(*number, &b, out),
                },
            }
        }
    }
}
