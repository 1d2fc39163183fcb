//! streamsim's native core: everything done once per event.
//!
//! The Python package validates options and hands this core a typed configuration; the
//! core runs the scenario (entities, behaviour, drift, labels), projects and serializes each
//! event, and returns batches of records. Layout: `rng`, `time`, `arrivals`, `timeline`,
//! `drift` are the shared machinery; `scenarios/<name>/` holds one package per scenario;
//! `record` -> `projection` -> `stream` turn scenario events into serialized batches; this
//! file is the Python binding.

pub mod arrivals;
pub mod catalog;
pub mod digits;
pub mod drift;
pub mod encode;
pub mod geo;
pub mod projection;
pub mod record;
pub mod rng;
pub mod scenario;
pub mod scenarios;
pub mod stream;
pub mod time;
pub mod timeline;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList, PyTuple};
use std::sync::Mutex;

/// Version of the engine's output: bumped whenever the same seed and options give other events.
pub const ENGINE_VERSION: u32 = 3;

fn value_error(message: String) -> PyErr {
    PyValueError::new_err(message)
}

/// A running native scenario: pulls, projects and serializes its events in batches.
#[pyclass(module = "streamsim._core")]
struct NativeStream {
    // A Mutex makes the stream Sync for Python; only the thread holding the object uses it.
    engine: Mutex<stream::Engine>,
}

#[pymethods]
impl NativeStream {
    /// `config` is the JSON of a `scenario::Config`; `selected[i]` the fields emitted on
    /// stream `i` (None for all).
    #[new]
    fn new(scenario: &str, config: &str, selected: Vec<Option<Vec<String>>>) -> PyResult<Self> {
        let spec = scenario::find(scenario).map_err(value_error)?;
        let config: scenario::Config = serde_json::from_str(config)
            .map_err(|e| value_error(format!("invalid configuration: {e}")))?;
        let engine = stream::Engine::new(spec, &config, &selected).map_err(value_error)?;
        Ok(NativeStream {
            engine: Mutex::new(engine),
        })
    }

    /// Up to `max_records` records with event time before `until`, stopping after
    /// `max_main` main-stream events (0: no such budget).
    #[pyo3(signature = (max_records, max_main=0, until=f64::INFINITY))]
    fn next_batch(
        &mut self,
        py: Python<'_>,
        max_records: usize,
        max_main: u64,
        until: f64,
    ) -> PyResult<NativeBatch> {
        let engine = self.engine.get_mut().expect("not poisoned");
        let batch = py
            .detach(|| {
                let mut batch = stream::Batch::default();
                engine
                    .fill(&mut batch, max_records, max_main, until)
                    .map(|()| batch)
            })
            .map_err(value_error)?;
        Ok(NativeBatch { batch })
    }

    /// Encodes each stream's values with `encoders[i]` too (None: JSON only); every batch
    /// then also carries them (`NativeBatch.encoded`).
    fn set_encoders(&mut self, encoders: Vec<Option<PyRef<'_, Encoder>>>) -> PyResult<()> {
        let encoders = encoders
            .into_iter()
            .map(|e| e.map(|e| e.encoder.clone()))
            .collect();
        self.engine
            .get_mut()
            .expect("not poisoned")
            .set_encoders(encoders)
            .map_err(value_error)
    }

    /// Event time of the next record, None once the scenario has ended.
    fn peek_time(&mut self) -> Option<f64> {
        self.engine.get_mut().expect("not poisoned").peek_time()
    }

    /// Generates and discards the next `n` records; returns how many there were.
    fn skip(&mut self, py: Python<'_>, n: u64) -> u64 {
        let engine = self.engine.get_mut().expect("not poisoned");
        py.detach(|| engine.skip(n))
    }

    /// Live sizes of the stream for metrics, e.g. {"entities": 1200.0}.
    fn gauges(&self) -> Vec<(&'static str, f64)> {
        self.engine.lock().expect("not poisoned").gauges()
    }

    /// Ends the main stream: the next batches carry only the labels still due (`--drain-labels`).
    fn drain(&mut self) {
        self.engine.get_mut().expect("not poisoned").drain();
    }

    /// Main events emitted whose label (or outcome) is still due.
    fn pending_labels(&self) -> u64 {
        self.engine.lock().expect("not poisoned").pending_labels()
    }

    /// Drift phases entered since the last call: (phase, event time, main events so far).
    fn take_phase_changes(&mut self) -> Vec<(u32, f64, u64)> {
        self.engine
            .get_mut()
            .expect("not poisoned")
            .phase_changes
            .drain(..)
            .map(|c| (c.phase, c.time, c.main_events))
            .collect()
    }

    #[getter]
    fn events(&self) -> u64 {
        self.engine.lock().expect("not poisoned").events
    }

    #[getter]
    fn main_events(&self) -> u64 {
        self.engine.lock().expect("not poisoned").main_events
    }
}

/// Serialized records in run order.
#[pyclass(module = "streamsim._core")]
struct NativeBatch {
    batch: stream::Batch,
}

#[pymethods]
impl NativeBatch {
    fn __len__(&self) -> usize {
        self.batch.records.len()
    }

    /// Main-stream records in this batch.
    #[getter]
    fn main(&self) -> u64 {
        self.batch.main
    }

    /// Bytes of all values.
    #[getter]
    fn size(&self) -> usize {
        self.batch.data.len()
    }

    /// Event time of the last record (None for an empty batch).
    #[getter]
    fn last_time(&self) -> Option<f64> {
        self.batch.records.last().map(|m| m.time)
    }

    #[getter]
    fn first_time(&self) -> Option<f64> {
        self.batch.records.first().map(|m| m.time)
    }

    /// The same records with their values in the binary format of the stream's encoders
    /// (once: the values move to the new batch); None without encoders.
    fn encoded(&mut self) -> Option<NativeBatch> {
        self.batch.take_encoded().map(|batch| NativeBatch { batch })
    }

    /// Every record as (stream, key, event_type, label, time, labeled_time, value, phase).
    fn records<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let items = self
            .batch
            .records
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let value = PyBytes::new(py, self.batch.value(i));
                (
                    m.stream,
                    self.batch.key(i),
                    m.event_type,
                    m.label,
                    m.time,
                    m.labeled_time,
                    value,
                    m.phase,
                )
                    .into_pyobject(py)
            })
            .collect::<PyResult<Vec<Bound<'py, PyTuple>>>>()?;
        PyList::new(py, items)
    }

    /// The values of one stream (None: every stream) in run order: JSON Lines, or binary
    /// values each after its length as a varint.
    #[pyo3(signature = (stream=None))]
    fn lines<'py>(&self, py: Python<'py>, stream: Option<usize>) -> Bound<'py, PyBytes> {
        PyBytes::new(py, &self.batch.lines(stream))
    }

    /// The value of the last record of a stream in this batch (for progress logs).
    fn last_value<'py>(&self, py: Python<'py>, stream: usize) -> Option<Bound<'py, PyBytes>> {
        let i = self
            .batch
            .records
            .iter()
            .rposition(|m| m.stream == stream)?;
        Some(PyBytes::new(py, self.batch.value(i)))
    }

    /// Counts per (stream, event_type, label): (stream, event_type, label, records, bytes).
    fn tally(&self) -> Vec<(usize, &'static str, Option<&'static str>, u64, u64)> {
        let mut out: Vec<(usize, &'static str, Option<&'static str>, u64, u64)> = Vec::new();
        for m in &self.batch.records {
            let size = (m.end - m.start) as u64;
            match out
                .iter_mut()
                .find(|o| o.0 == m.stream && o.1 == m.event_type && o.2 == m.label)
            {
                Some(o) => {
                    o.3 += 1;
                    o.4 += size;
                }
                None => out.push((m.stream, m.event_type, m.label, 1, size)),
            }
        }
        out
    }

    /// Label delays (time - labeled_time) of the records that deliver a label late.
    fn label_delays(&self) -> Vec<f64> {
        self.batch
            .records
            .iter()
            .filter_map(|m| m.labeled_time.map(|l| m.time - l))
            .collect()
    }
}

/// The encoder of one stream's values in a binary format: Avro from the schema's JSON, or
/// Protobuf from a serialized `FileDescriptorProto` and the message's full name. `prefix` is
/// written before each value (the Confluent wire format's header, or nothing).
#[pyclass(module = "streamsim._core")]
struct Encoder {
    encoder: encode::Encoder,
    /// The same, bound to JSON objects (for scenarios written in Python).
    json: encode::RowEncoder,
}

#[pymethods]
impl Encoder {
    #[new]
    #[pyo3(signature = (format, schema, prefix, message=None))]
    fn new(format: &str, schema: &[u8], prefix: Vec<u8>, message: Option<&str>) -> PyResult<Self> {
        let encoder = match format {
            "avro" => {
                let text = std::str::from_utf8(schema)
                    .map_err(|e| value_error(format!("Avro schema: {e}")))?;
                encode::Encoder::avro(text, prefix)
            }
            "protobuf" => encode::Encoder::protobuf(schema, message.unwrap_or_default(), prefix),
            other => Err(format!("no native encoder for {other:?}")),
        }
        .map_err(value_error)?;
        let json = encoder.clone().for_json();
        Ok(Encoder { encoder, json })
    }

    /// Dotted paths of the schema's scalar fields.
    fn paths(&self) -> Vec<String> {
        self.encoder.paths()
    }

    /// Encodes JSON objects (values of a scenario written in Python), one value each.
    fn encode_json<'py>(
        &mut self,
        py: Python<'py>,
        values: Vec<Vec<u8>>,
    ) -> PyResult<Vec<Bound<'py, PyBytes>>> {
        let slices: Vec<&[u8]> = values.iter().map(Vec::as_slice).collect();
        let encoded = self.json.encode_json(&slices).map_err(value_error)?;
        Ok(encoded.iter().map(|v| PyBytes::new(py, v)).collect())
    }
}

/// Each stream of a scenario with its field paths in row order.
type StreamFields = Vec<(&'static str, Vec<&'static str>)>;

/// The built-in native scenarios: name -> [(stream, [field paths in row order])].
#[pyfunction]
fn native_scenarios() -> Vec<(&'static str, StreamFields)> {
    scenario::registry()
        .into_iter()
        .map(|s| {
            let streams = s
                .streams
                .iter()
                .zip(s.fields)
                .map(|(n, f)| (*n, f.to_vec()))
                .collect();
            (s.name, streams)
        })
        .collect()
}

/// When the fraud scenario labels a transaction of event time `t` legitimate (its maturity
/// job), for a maturity horizon and dispute window in seconds.
#[pyfunction]
fn fraud_maturity(t: f64, horizon: f64, window: f64) -> f64 {
    scenarios::fraud::labels::Maturity::new(horizon, window).at(t)
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeStream>()?;
    m.add_class::<NativeBatch>()?;
    m.add_class::<Encoder>()?;
    m.add_function(wrap_pyfunction!(native_scenarios, m)?)?;
    m.add_function(wrap_pyfunction!(fraud_maturity, m)?)?;
    m.add("ENGINE_VERSION", ENGINE_VERSION)?;
    Ok(())
}
