//! Avro values with the `apache-avro` crate: each event's row is handed to the crate's
//! schema-aware serializer as records of positional fields (serde tuples), so the crate
//! writes every field by the schema's own order and types without a per-event value tree.

use super::{as_bool, as_f64, as_i64, as_str, is_null};
use crate::record::Value;
use apache_avro::schema::RecordSchema;
use apache_avro::writer::datum::GenericDatumWriter;
use apache_avro::Schema;
use serde::ser::{Error as _, SerializeMap, SerializeTuple};
use serde::{Serialize, Serializer};
use std::collections::BTreeSet;
use std::sync::{Mutex, OnceLock};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    String,
    Enum,
    Long,
    Double,
    Boolean,
}

/// One field of a record: a scalar (leaf `leaf` of the row) or a nested record.
#[derive(Debug, Clone)]
enum Field {
    Leaf {
        leaf: usize,
        kind: Kind,
        /// `["null", T]`: null or the value.
        nullable: bool,
        /// An enum's symbols (the serializer takes them as `'static` variant names).
        symbols: Vec<&'static str>,
    },
    Record(Vec<(String, Field)>),
}

/// A stream's Avro schema (as Python generated it) and where each field's value comes from.
#[derive(Debug, Clone)]
pub struct AvroEncoder {
    schema: Schema,
    fields: Vec<(String, Field)>,
    paths: Vec<String>,
}

impl AvroEncoder {
    pub fn new(schema_json: &str) -> Result<AvroEncoder, String> {
        let schema =
            Schema::parse_str(schema_json).map_err(|e| format!("invalid Avro schema: {e}"))?;
        let Schema::Record(root) = &schema else {
            return Err("the Avro schema of a stream must be a record".into());
        };
        let mut paths = Vec::new();
        let fields = plan(root, "", &mut paths)?;
        Ok(AvroEncoder {
            schema,
            fields,
            paths,
        })
    }

    /// Dotted paths of the record's scalar fields, in leaf order.
    pub fn paths(&self) -> Vec<String> {
        self.paths.clone()
    }

    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// Appends the Avro record of `row` (`index[i]`: the row position of leaf `i`) to `out`.
    pub fn write(
        &self,
        writer: &GenericDatumWriter<'_>,
        row: &[Value],
        index: &[usize],
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        let record = Record {
            fields: &self.fields,
            row,
            index,
        };
        writer
            .write_ser(out, &record)
            .map_err(|e| format!("Avro: {e}"))?;
        Ok(())
    }
}

/// A writer of raw Avro data for `schema`, its names resolved once (per batch).
pub fn writer(schema: &Schema) -> Result<GenericDatumWriter<'_>, String> {
    GenericDatumWriter::builder(schema)
        .validate(false)
        .human_readable(false)
        .build()
        .map_err(|e| format!("Avro schema: {e}"))
}

fn plan(
    record: &RecordSchema,
    prefix: &str,
    paths: &mut Vec<String>,
) -> Result<Vec<(String, Field)>, String> {
    let mut fields = Vec::with_capacity(record.fields.len());
    for field in &record.fields {
        let path = format!("{prefix}{}", field.name);
        let (schema, nullable) = match &field.schema {
            Schema::Union(union) => match union.variants() {
                [Schema::Null, inner] => (inner, true),
                _ => {
                    return Err(format!(
                        "field {path}: only [\"null\", T] unions are supported"
                    ))
                }
            },
            other => (other, false),
        };
        let planned = match schema {
            Schema::Record(nested) if !nullable => {
                Field::Record(plan(nested, &format!("{path}."), paths)?)
            }
            scalar => {
                let (kind, symbols) = match scalar {
                    Schema::String => (Kind::String, Vec::new()),
                    Schema::Enum(e) => (Kind::Enum, e.symbols.iter().map(|s| intern(s)).collect()),
                    Schema::Long => (Kind::Long, Vec::new()),
                    Schema::Double => (Kind::Double, Vec::new()),
                    Schema::Boolean => (Kind::Boolean, Vec::new()),
                    other => return Err(format!("field {path}: unsupported Avro type {other:?}")),
                };
                paths.push(path);
                Field::Leaf {
                    leaf: paths.len() - 1,
                    kind,
                    nullable,
                    symbols,
                }
            }
        };
        fields.push((field.name.clone(), planned));
    }
    Ok(fields)
}

/// Enum symbols as `'static` names (serde's unit variants): one copy per distinct symbol for
/// the life of the process, a set bounded by the scenarios' enums.
fn intern(symbol: &str) -> &'static str {
    static SYMBOLS: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut symbols = SYMBOLS
        .get_or_init(Default::default)
        .lock()
        .expect("not poisoned");
    if let Some(known) = symbols.get(symbol) {
        return known;
    }
    let leaked: &'static str = Box::leak(symbol.to_owned().into_boxed_str());
    symbols.insert(leaked);
    leaked
}

/// One record of an event: its fields in schema order.
struct Record<'a> {
    fields: &'a [(String, Field)],
    row: &'a [Value],
    index: &'a [usize],
}

impl Serialize for Record<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // The crate writes a tuple of several elements as a record's fields in order; a tuple
        // of one element would be that element itself, so a one-field record is a map.
        if let [(name, field)] = self.fields {
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry(name, &self.with(field))?;
            return map.end();
        }
        let mut tuple = serializer.serialize_tuple(self.fields.len())?;
        for (_, field) in self.fields {
            tuple.serialize_element(&self.with(field))?;
        }
        tuple.end()
    }
}

impl<'a> Record<'a> {
    fn with(&self, field: &'a Field) -> FieldValue<'a> {
        FieldValue {
            field,
            row: self.row,
            index: self.index,
        }
    }
}

struct FieldValue<'a> {
    field: &'a Field,
    row: &'a [Value],
    index: &'a [usize],
}

impl Serialize for FieldValue<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.field {
            Field::Record(fields) => Record {
                fields,
                row: self.row,
                index: self.index,
            }
            .serialize(serializer),
            Field::Leaf {
                leaf,
                kind,
                nullable,
                symbols,
            } => {
                let value = &self.row[self.index[*leaf]];
                let scalar = Scalar {
                    kind: *kind,
                    symbols,
                    value,
                };
                match (is_null(value), nullable) {
                    (true, true) => serializer.serialize_none(),
                    (false, true) => serializer.serialize_some(&scalar),
                    (true, false) => Err(S::Error::custom("null where the schema has no null")),
                    (false, false) => scalar.serialize(serializer),
                }
            }
        }
    }
}

struct Scalar<'a> {
    kind: Kind,
    symbols: &'a [&'static str],
    value: &'a Value,
}

impl Serialize for Scalar<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v = self.value;
        match self.kind {
            Kind::String => serializer.serialize_str(&as_str(v).map_err(S::Error::custom)?),
            Kind::Enum => {
                let text = as_str(v).map_err(S::Error::custom)?;
                let index = self
                    .symbols
                    .iter()
                    .position(|s| *s == text)
                    .ok_or_else(|| {
                        S::Error::custom(format!("{text:?} is not a symbol of its enum"))
                    })?;
                serializer.serialize_unit_variant("", index as u32, self.symbols[index])
            }
            Kind::Long => serializer.serialize_i64(as_i64(v).map_err(S::Error::custom)?),
            Kind::Double => serializer.serialize_f64(as_f64(v).map_err(S::Error::custom)?),
            Kind::Boolean => serializer.serialize_bool(as_bool(v).map_err(S::Error::custom)?),
        }
    }
}
