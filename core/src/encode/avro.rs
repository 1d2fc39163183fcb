//! Avro values with the `apache-avro` crate: a record template of the stream's schema whose
//! leaves are overwritten for each event, then written by the crate's datum writer.

use super::{as_bool, as_f64, as_i64, as_str, is_null};
use crate::record::Value;
use apache_avro::schema::RecordSchema;
use apache_avro::types::Value as Avro;
use apache_avro::writer::datum::GenericDatumWriter;
use apache_avro::Schema;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    String,
    Enum,
    Long,
    Double,
    Boolean,
}

/// One scalar field of the record: where it sits in the template and how it is typed.
#[derive(Debug, Clone)]
struct Leaf {
    path: String,
    /// Field positions from the root record down to this field.
    position: Vec<usize>,
    kind: Kind,
    /// `["null", T]`: the union's branch is chosen per event.
    nullable: bool,
    symbols: Vec<String>,
}

/// The record of one event, rewritten in place (field names and buffers are allocated once).
#[derive(Debug, Clone)]
pub struct Filler {
    record: Avro,
    leaves: Vec<Leaf>,
}

/// A stream's Avro schema (as Python generated it) and its record template.
#[derive(Debug, Clone)]
pub struct AvroEncoder {
    schema: Schema,
    filler: Filler,
}

impl AvroEncoder {
    pub fn new(schema_json: &str) -> Result<AvroEncoder, String> {
        let schema =
            Schema::parse_str(schema_json).map_err(|e| format!("invalid Avro schema: {e}"))?;
        let Schema::Record(root) = &schema else {
            return Err("the Avro schema of a stream must be a record".into());
        };
        let mut leaves = Vec::new();
        let record = template(root, "", &mut Vec::new(), &mut leaves)?;
        Ok(AvroEncoder {
            filler: Filler { record, leaves },
            schema,
        })
    }

    /// Dotted paths of the record's scalar fields, in the order `Filler::fill` takes them.
    pub fn paths(&self) -> Vec<String> {
        self.filler.leaves.iter().map(|l| l.path.clone()).collect()
    }

    /// The schema (for a datum writer) and the template, borrowed apart.
    pub fn parts(&mut self) -> (&Schema, &mut Filler) {
        (&self.schema, &mut self.filler)
    }
}

/// A writer of raw Avro data for `schema`: names resolved once, no validation per value
/// (the template has the schema's shape by construction, and `fill` checks each value).
pub fn writer(schema: &Schema) -> Result<GenericDatumWriter<'_>, String> {
    GenericDatumWriter::builder(schema)
        .validate(false)
        .build()
        .map_err(|e| format!("Avro schema: {e}"))
}

impl Filler {
    /// Sets every leaf from the row (`index[i]`: the row position of leaf `i`), then writes.
    pub fn write(
        &mut self,
        writer: &GenericDatumWriter<'_>,
        row: &[Value],
        index: &[usize],
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        for (leaf, &i) in self.leaves.iter().zip(index) {
            let slot = slot(&mut self.record, &leaf.position);
            set(slot, leaf, &row[i]).map_err(|e| format!("field {}: {e}", leaf.path))?;
        }
        writer
            .write_value_ref(out, &self.record)
            .map_err(|e| format!("Avro: {e}"))?;
        Ok(())
    }
}

fn template(
    record: &RecordSchema,
    prefix: &str,
    position: &mut Vec<usize>,
    leaves: &mut Vec<Leaf>,
) -> Result<Avro, String> {
    let mut fields = Vec::with_capacity(record.fields.len());
    for (i, field) in record.fields.iter().enumerate() {
        let path = format!("{prefix}{}", field.name);
        position.push(i);
        let (schema, nullable) = match &field.schema {
            Schema::Union(union) => match union.variants() {
                [Schema::Null, inner] => (inner, true),
                _ => return Err(format!("field {path}: only [\"null\", T] unions are supported")),
            },
            other => (other, false),
        };
        let value = match schema {
            Schema::Record(nested) if !nullable => {
                template(nested, &format!("{path}."), position, leaves)?
            }
            scalar => {
                let (kind, value, symbols) = match scalar {
                    Schema::String => (Kind::String, Avro::String(String::new()), Vec::new()),
                    Schema::Enum(e) => (Kind::Enum, Avro::Enum(0, String::new()), e.symbols.clone()),
                    Schema::Long => (Kind::Long, Avro::Long(0), Vec::new()),
                    Schema::Double => (Kind::Double, Avro::Double(0.0), Vec::new()),
                    Schema::Boolean => (Kind::Boolean, Avro::Boolean(false), Vec::new()),
                    other => return Err(format!("field {path}: unsupported Avro type {other:?}")),
                };
                leaves.push(Leaf {
                    path: path.clone(),
                    position: position.clone(),
                    kind,
                    nullable,
                    symbols,
                });
                if nullable {
                    Avro::Union(1, Box::new(value))
                } else {
                    value
                }
            }
        };
        position.pop();
        fields.push((field.name.clone(), value));
    }
    Ok(Avro::Record(fields))
}

fn slot<'v>(mut value: &'v mut Avro, position: &[usize]) -> &'v mut Avro {
    for &i in position {
        value = match value {
            Avro::Record(fields) => &mut fields[i].1,
            _ => unreachable!("the template follows the schema"),
        };
    }
    value
}

fn set(slot: &mut Avro, leaf: &Leaf, value: &Value) -> Result<(), String> {
    let target = if leaf.nullable {
        let Avro::Union(branch, inner) = slot else {
            unreachable!("nullable leaves are unions in the template")
        };
        if is_null(value) {
            *branch = 0;
            **inner = Avro::Null;
            return Ok(());
        }
        *branch = 1;
        &mut **inner
    } else if is_null(value) {
        return Err("null where the schema has no null".into());
    } else {
        slot
    };
    match leaf.kind {
        Kind::String => {
            let text = as_str(value)?;
            match target {
                Avro::String(s) => {
                    s.clear();
                    s.push_str(text);
                }
                other => *other = Avro::String(text.to_owned()),
            }
        }
        Kind::Enum => {
            let text = as_str(value)?;
            let index = leaf
                .symbols
                .iter()
                .position(|s| s == text)
                .ok_or_else(|| format!("{text:?} is not a symbol of its enum"))?;
            *target = Avro::Enum(index as u32, String::new());
        }
        Kind::Long => *target = Avro::Long(as_i64(value)?),
        Kind::Double => *target = Avro::Double(as_f64(value)?),
        Kind::Boolean => *target = Avro::Boolean(as_bool(value)?),
    }
    Ok(())
}
