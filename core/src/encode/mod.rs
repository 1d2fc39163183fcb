//! Binary value formats: Avro (`apache-avro`) and Protobuf (`prost-reflect`), encoded from the
//! rows the scenarios fill, so no event goes through JSON on its way to them.
//!
//! The schemas come from Python (generated from the field specifications, the single source
//! of every schema): an Avro schema as JSON, a Protobuf message as a `FileDescriptorProto`.
//! An encoder maps each scalar field of its schema to a position of the stream's row by its
//! dotted path, and writes the Confluent wire-format prefix (magic byte, schema id, message
//! indexes: fixed per stream, computed in Python) before each value when there is one.

pub mod avro;
pub mod protobuf;

use crate::record::Value;
use std::borrow::Cow;

/// One stream's encoder, not yet bound to a row layout.
#[derive(Debug, Clone)]
pub enum Format {
    Avro(avro::AvroEncoder),
    Protobuf(protobuf::ProtoEncoder),
}

#[derive(Debug, Clone)]
pub struct Encoder {
    format: Format,
    /// Bytes written before every value (the wire format's header; empty without a registry).
    prefix: Vec<u8>,
}

impl Encoder {
    pub fn avro(schema_json: &str, prefix: Vec<u8>) -> Result<Encoder, String> {
        Ok(Encoder {
            format: Format::Avro(avro::AvroEncoder::new(schema_json)?),
            prefix,
        })
    }

    pub fn protobuf(descriptor: &[u8], message: &str, prefix: Vec<u8>) -> Result<Encoder, String> {
        Ok(Encoder {
            format: Format::Protobuf(protobuf::ProtoEncoder::new(descriptor, message)?),
            prefix,
        })
    }

    /// Dotted paths of the schema's scalar fields.
    pub fn paths(&self) -> Vec<String> {
        match &self.format {
            Format::Avro(a) => a.paths(),
            Format::Protobuf(p) => p.paths(),
        }
    }

    /// Binds the encoder to rows whose values are in `fields` order.
    pub fn bind(self, fields: &[&str]) -> Result<RowEncoder, String> {
        let index = self
            .paths()
            .iter()
            .map(|path| {
                fields.iter().position(|f| f == path).ok_or_else(|| {
                    format!("the schema's field {path} is not a field of the stream")
                })
            })
            .collect::<Result<Vec<usize>, String>>()?;
        Ok(RowEncoder {
            encoder: self,
            index,
        })
    }

    /// Binds the encoder to JSON objects (the values of a scenario written in Python).
    pub fn for_json(self) -> RowEncoder {
        let index = (0..self.paths().len()).collect();
        RowEncoder {
            encoder: self,
            index,
        }
    }
}

/// An encoder with the row position of each of its fields.
#[derive(Debug, Clone)]
pub struct RowEncoder {
    encoder: Encoder,
    index: Vec<usize>,
}

impl RowEncoder {
    /// Encodes JSON objects, one value each (an encoder bound by `Encoder::for_json`).
    pub fn encode_json(&mut self, values: &[&[u8]]) -> Result<Vec<Vec<u8>>, String> {
        let paths = self.encoder.paths();
        let mut session = Session::new([Some(self)])?;
        let mut row = Vec::with_capacity(paths.len());
        let mut out = Vec::with_capacity(values.len());
        for value in values {
            json_row(value, &paths, &mut row)?;
            let mut encoded = Vec::new();
            session.encode(0, &row, &mut encoded)?;
            out.push(encoded);
        }
        Ok(out)
    }
}

enum Active<'a> {
    Avro(
        apache_avro::writer::datum::GenericDatumWriter<'a>,
        &'a avro::AvroEncoder,
        &'a [u8],
        &'a [usize],
    ),
    Protobuf(&'a protobuf::ProtoEncoder, &'a [u8], &'a [usize]),
}

/// The encoders of every stream while one batch is filled (Avro writers resolve their
/// schema's names once per batch, not per value).
pub struct Session<'a> {
    streams: Vec<Option<Active<'a>>>,
}

impl<'a> Session<'a> {
    /// `encoders[i]`: the encoder of stream `i`, if its values are encoded.
    pub fn new(
        encoders: impl IntoIterator<Item = Option<&'a mut RowEncoder>>,
    ) -> Result<Session<'a>, String> {
        let mut streams = Vec::new();
        for bound in encoders {
            streams.push(match bound {
                None => None,
                Some(RowEncoder { encoder, index }) => Some(match &mut encoder.format {
                    Format::Avro(a) => {
                        Active::Avro(avro::writer(a.schema())?, a, &encoder.prefix, index)
                    }
                    Format::Protobuf(p) => Active::Protobuf(p, &encoder.prefix, index),
                }),
            });
        }
        Ok(Session { streams })
    }

    /// Whether values of `stream` are encoded here.
    pub fn encodes(&self, stream: usize) -> bool {
        matches!(self.streams.get(stream), Some(Some(_)))
    }

    /// Appends the encoded value of `row` (a record of `stream`) to `out`.
    pub fn encode(
        &mut self,
        stream: usize,
        row: &[Value],
        out: &mut Vec<u8>,
    ) -> Result<(), String> {
        match self.streams.get_mut(stream) {
            Some(Some(Active::Avro(writer, encoder, prefix, index))) => {
                out.extend_from_slice(prefix);
                encoder.write(writer, row, index, out)
            }
            Some(Some(Active::Protobuf(encoder, prefix, index))) => {
                out.extend_from_slice(prefix);
                encoder.write(row, index, out)
            }
            _ => Err(format!("stream {stream} has no encoder")),
        }
    }
}

/// The values at `paths` of a JSON object (a missing field is null).
fn json_row(json: &[u8], paths: &[String], row: &mut Vec<Value>) -> Result<(), String> {
    let object: serde_json::Value =
        serde_json::from_slice(json).map_err(|e| format!("invalid JSON value: {e}"))?;
    row.clear();
    for path in paths {
        let mut node = &object;
        for part in path.split('.') {
            node = node.get(part).unwrap_or(&serde_json::Value::Null);
        }
        row.push(match node {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Str(s.clone()),
            other => return Err(format!("field {path}: unsupported JSON value {other}")),
        });
    }
    Ok(())
}

/// Null, or a number JSON writes as null (NaN, infinities).
fn is_null(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Float(f) => !f.is_finite(),
        Value::Decimal(d) => !d.units().is_finite(),
        _ => false,
    }
}

fn as_str(value: &Value) -> Result<Cow<'_, str>, String> {
    value
        .text()
        .ok_or_else(|| format!("expected a string, got {value:?}"))
}

fn as_i64(value: &Value) -> Result<i64, String> {
    match value {
        Value::Int(i) => Ok(*i),
        other => Err(format!("expected an integer, got {other:?}")),
    }
}

/// Integers are doubles where the schema says so (JSON writes `3` for them).
fn as_f64(value: &Value) -> Result<f64, String> {
    match value {
        Value::Float(f) => Ok(*f),
        Value::Decimal(d) => Ok(d.value()),
        Value::Int(i) => Ok(*i as f64),
        other => Err(format!("expected a number, got {other:?}")),
    }
}

fn as_bool(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        other => Err(format!("expected a boolean, got {other:?}")),
    }
}

/// `n` as a varint: the length prefix of delimited binary values on stdout and in files.
pub fn write_length(n: usize, out: &mut Vec<u8>) {
    prost::encoding::encode_varint(n as u64, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"{"type": "record", "name": "R", "namespace": "t", "fields": [
        {"name": "s", "type": "string"},
        {"name": "loc", "type": {"type": "record", "name": "loc", "fields": [
            {"name": "lat", "type": ["null", "double"], "default": null}]}},
        {"name": "k", "type": {"type": "enum", "name": "k", "symbols": ["a", "b"]}},
        {"name": "n", "type": "long"}]}"#;

    #[test]
    fn avro_fields_follow_the_schema_by_path_with_the_prefix_first() {
        let encoder = Encoder::avro(SCHEMA, vec![0, 0, 0, 0, 7]).unwrap();
        assert_eq!(encoder.paths(), ["s", "loc.lat", "k", "n"]);
        // Rows in another order: the binding maps each field by its path.
        let mut bound = encoder.bind(&["n", "k", "loc.lat", "s"]).unwrap();
        let row = [
            Value::Int(-1),
            Value::Static("b"),
            Value::Null,
            Value::Str("é".into()),
        ];
        let mut session = Session::new([Some(&mut bound)]).unwrap();
        let mut out = Vec::new();
        session.encode(0, &row, &mut out).unwrap();
        // "é" (2 bytes: length 4 zigzag), null branch 0, enum index 1 (2), -1 (1).
        assert_eq!(out, [0, 0, 0, 0, 7, 4, 0xc3, 0xa9, 0, 2, 1]);
    }

    #[test]
    fn values_the_schema_refuses_are_errors() {
        let encoder = Encoder::avro(SCHEMA, Vec::new()).unwrap();
        assert!(encoder.clone().bind(&["s", "k", "n"]).is_err()); // loc.lat is missing
        let mut bound = encoder.for_json();
        let bad = br#"{"s": "x", "loc": {"lat": 1.0}, "k": "c", "n": 1}"#;
        assert!(bound
            .encode_json(&[bad])
            .unwrap_err()
            .contains("not a symbol"));
        let good = br#"{"s": "x", "loc": {"lat": 1}, "k": "a", "n": 1}"#;
        let lat = 1.0f64.to_le_bytes();
        let expected = [&[2, b'x', 2][..], &lat, &[0, 2]].concat();
        assert_eq!(bound.encode_json(&[good]).unwrap(), [expected]);
    }

    #[test]
    fn json_rows_read_nested_paths() {
        let mut row = Vec::new();
        let paths = ["a.b".to_string(), "c".to_string(), "d".to_string()];
        json_row(br#"{"a": {"b": 2.5}, "c": 3}"#, &paths, &mut row).unwrap();
        assert_eq!(row, [Value::Float(2.5), Value::Int(3), Value::Null]);
    }
}
