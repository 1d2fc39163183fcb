//! The per-event loop: pull events from a scenario, project and serialize them into batches.
//!
//! Python asks for batches (a record count, a main-event budget and an event-time horizon)
//! and only touches batches; everything per event happens here.

use crate::encode::{self, Encoder, RowEncoder, Session};
use crate::projection::Projection;
use crate::record::Event;
use crate::scenario::{Config, Scenario, Spec};

/// Metadata of one serialized record of a batch; its value is `data[start..end]`.
#[derive(Debug, Clone)]
pub struct Meta {
    pub stream: usize,
    pub start: usize,
    pub end: usize,
    pub time: f64,
    /// The key is `keys[key_start..key_end]` of the batch.
    pub key_start: usize,
    pub key_end: usize,
    pub event_type: &'static str,
    pub label: Option<&'static str>,
    pub labeled_time: Option<f64>,
    pub phase: u32,
    /// With encoders: the encoded value is `encoded[encoded_start..encoded_end]`.
    pub encoded_start: usize,
    pub encoded_end: usize,
}

/// Records in run order, their values serialized back to back.
#[derive(Debug, Default)]
pub struct Batch {
    pub data: Vec<u8>,
    /// Every record's key, back to back (one buffer rather than a string per record).
    pub keys: String,
    pub records: Vec<Meta>,
    pub main: u64,
    /// Values in the run's binary format, back to back, when the engine has encoders.
    pub encoded: Option<Vec<u8>>,
    /// Binary values: `lines` prefixes each with its length (a varint) instead of a newline.
    pub delimited: bool,
}

impl Batch {
    pub fn value(&self, i: usize) -> &[u8] {
        let m = &self.records[i];
        &self.data[m.start..m.end]
    }

    pub fn key(&self, i: usize) -> &str {
        let m = &self.records[i];
        &self.keys[m.key_start..m.key_end]
    }

    /// The values of one stream (None: of every stream) in run order: JSON Lines, or each
    /// binary value after its length as a varint (protobuf's delimited stream format).
    pub fn lines(&self, stream: Option<usize>) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.data.len() + 2 * self.records.len());
        for m in self
            .records
            .iter()
            .filter(|m| stream.is_none_or(|s| m.stream == s))
        {
            let value = &self.data[m.start..m.end];
            if self.delimited {
                encode::write_length(value.len(), &mut out);
                out.extend_from_slice(value);
            } else {
                out.extend_from_slice(value);
                out.push(b'\n');
            }
        }
        out
    }

    /// The same records with their encoded values (None when the batch has none); the
    /// encoded values move out of this batch, which keeps its JSON.
    pub fn take_encoded(&mut self) -> Option<Batch> {
        let data = self.encoded.take()?;
        let records = self
            .records
            .iter()
            .map(|m| Meta {
                start: m.encoded_start,
                end: m.encoded_end,
                ..m.clone()
            })
            .collect();
        Some(Batch {
            data,
            keys: self.keys.clone(),
            records,
            main: self.main,
            encoded: None,
            delimited: true,
        })
    }
}

/// A drift phase the run entered: its index, when, and after how many main-stream events.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhaseChange {
    pub phase: u32,
    pub time: f64,
    pub main_events: u64,
}

/// A scenario with its projections, pulled event by event with one event of lookahead
/// (so a caller can ask when the next event is due before taking it).
pub struct Engine {
    scenario: Box<dyn Scenario>,
    fields: &'static [&'static [&'static str]],
    projections: Vec<Projection>,
    /// Per stream: the encoder of its values in a binary format (none: JSON only).
    encoders: Vec<Option<RowEncoder>>,
    ahead: Event,
    has_ahead: bool,
    ended: bool,
    phase: u32,
    pub main_events: u64,
    pub events: u64,
    pub phase_changes: Vec<PhaseChange>,
    /// The largest mean JSON size of a record in a batch so far, to size the next batch.
    record_bytes: usize,
}

impl Engine {
    /// `selected[i]` lists the fields to emit on stream `i` (None: all of them).
    pub fn new(
        spec: &'static Spec,
        config: &Config,
        selected: &[Option<Vec<String>>],
    ) -> Result<Engine, String> {
        let mut projections = Vec::new();
        for (i, fields) in spec.fields.iter().enumerate() {
            let projection = match selected.get(i).and_then(Option::as_ref) {
                None => Projection::all(fields),
                Some(names) => Projection::new(fields, names)
                    .map_err(|e| format!("stream {:?}: {e}", spec.streams[i]))?,
            };
            projections.push(projection);
        }
        Ok(Engine {
            scenario: (spec.build)(config)?,
            fields: spec.fields,
            projections,
            encoders: Vec::new(),
            ahead: Event::default(),
            has_ahead: false,
            ended: false,
            phase: 0,
            main_events: 0,
            events: 0,
            phase_changes: Vec::new(),
            record_bytes: 512,
        })
    }

    /// Encodes the values of stream `i` with `encoders[i]` too, from the rows themselves
    /// (batches then carry both the JSON and the encoded values).
    pub fn set_encoders(&mut self, encoders: Vec<Option<Encoder>>) -> Result<(), String> {
        let mut bound = Vec::with_capacity(encoders.len());
        for (i, encoder) in encoders.into_iter().enumerate() {
            bound.push(match encoder {
                None => None,
                Some(e) => {
                    let fields = self
                        .fields
                        .get(i)
                        .ok_or_else(|| format!("the scenario has no stream {i}"))?;
                    Some(e.bind(fields)?)
                }
            });
        }
        self.encoders = bound;
        Ok(())
    }

    fn look_ahead(&mut self) -> bool {
        if !self.has_ahead && !self.ended {
            self.has_ahead = self.scenario.next(&mut self.ahead);
            self.ended = !self.has_ahead;
        }
        self.has_ahead
    }

    /// Event time of the next event (None once the scenario has ended).
    pub fn peek_time(&mut self) -> Option<f64> {
        if self.look_ahead() {
            Some(self.ahead.time)
        } else {
            None
        }
    }

    /// Takes the next event, counting it; the caller reads it from `self.ahead`.
    fn take(&mut self) -> bool {
        if !self.look_ahead() {
            return false;
        }
        self.has_ahead = false;
        self.events += 1;
        if self.ahead.stream == 0 {
            self.main_events += 1;
            if self.ahead.phase != self.phase {
                self.phase = self.ahead.phase;
                self.phase_changes.push(PhaseChange {
                    phase: self.phase,
                    time: self.ahead.time,
                    main_events: self.main_events,
                });
            }
        }
        true
    }

    /// Appends to `batch` up to `max_records` records with event time before `until`,
    /// stopping after `max_main` main-stream events (0: no main-event budget).
    /// An event the encoders refuse (a value its schema does not allow) is an error.
    pub fn fill(
        &mut self,
        batch: &mut Batch,
        max_records: usize,
        max_main: u64,
        until: f64,
    ) -> Result<(), String> {
        // Room for the batch up front, at the size records had so far: growing a buffer
        // copies what it holds.
        let expected = max_records.min(4096);
        batch
            .data
            .reserve(expected * (self.record_bytes + self.record_bytes / 8));
        batch.records.reserve(expected);
        let (records, bytes) = (batch.records.len(), batch.data.len());
        let mut encoders = std::mem::take(&mut self.encoders);
        let result = self.fill_with(&mut encoders, batch, max_records, max_main, until);
        self.encoders = encoders;
        if batch.records.len() > records {
            let mean = (batch.data.len() - bytes) / (batch.records.len() - records);
            self.record_bytes = self.record_bytes.max(mean);
        }
        result
    }

    fn fill_with(
        &mut self,
        encoders: &mut [Option<RowEncoder>],
        batch: &mut Batch,
        max_records: usize,
        max_main: u64,
        until: f64,
    ) -> Result<(), String> {
        let encoding = encoders.iter().any(Option::is_some);
        let mut session = Session::new(encoders.iter_mut().map(Option::as_mut))?;
        let mut encoded = batch.encoded.take().unwrap_or_default();
        if encoding {
            encoded.reserve(max_records.min(4096) * 256);
        }
        let mut taken = 0usize;
        while taken < max_records {
            if max_main > 0 && batch.main >= max_main {
                break;
            }
            match self.peek_time() {
                Some(t) if t < until => {}
                _ => break,
            }
            self.take();
            let e = &self.ahead;
            let start = batch.data.len();
            self.projections[e.stream].write(&e.row, &mut batch.data);
            let encoded_start = encoded.len();
            if session.encodes(e.stream) {
                session.encode(e.stream, &e.row, &mut encoded)?;
            }
            let key_start = batch.keys.len();
            batch.keys.push_str(&e.key);
            if e.stream == 0 {
                batch.main += 1;
            }
            batch.records.push(Meta {
                stream: e.stream,
                start,
                end: batch.data.len(),
                time: e.time,
                key_start,
                key_end: batch.keys.len(),
                event_type: e.event_type,
                label: e.label,
                labeled_time: e.labeled_time,
                phase: e.phase,
                encoded_start,
                encoded_end: encoded.len(),
            });
            taken += 1;
        }
        if encoding {
            batch.encoded = Some(encoded);
        }
        Ok(())
    }

    /// Generates and discards the next `n` records (fast-forward); returns how many existed.
    pub fn skip(&mut self, n: u64) -> u64 {
        let mut skipped = 0;
        while skipped < n && self.take() {
            skipped += 1;
        }
        skipped
    }

    pub fn gauges(&self) -> Vec<(&'static str, f64)> {
        self.scenario.gauges()
    }

    /// Ends the main stream: what follows is the labels still due (see `Scenario::drain`).
    /// A main event held as lookahead lies beyond the run's limit, so it is dropped.
    pub fn drain(&mut self) {
        let retract = self.has_ahead && self.ahead.stream == 0;
        if retract {
            self.has_ahead = false;
        }
        if !self.scenario.drain(retract) {
            self.has_ahead = false;
            self.ended = true;
        }
    }

    pub fn pending_labels(&self) -> u64 {
        self.scenario.pending_labels()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    /// Main events at t = 1, 2, 3...; after every second one, a companion event.
    struct Ticks {
        n: u64,
        companion_due: bool,
        draining: bool,
    }

    impl Scenario for Ticks {
        fn next(&mut self, e: &mut Event) -> bool {
            if self.companion_due {
                self.companion_due = false;
                e.begin(1, self.n as f64, "tock");
                e.push(self.n as i64);
                return true;
            }
            if self.draining {
                return false;
            }
            self.n += 1;
            self.companion_due = self.n.is_multiple_of(2);
            e.begin(0, self.n as f64, "tick");
            e.key = format!("k{}", self.n);
            e.phase = u32::from(self.n >= 4);
            e.push(self.n as i64);
            e.push("x");
            true
        }

        fn drain(&mut self, retract_last_main: bool) -> bool {
            if retract_last_main {
                self.n -= 1;
                self.companion_due = false;
            }
            self.draining = true;
            true
        }

        fn pending_labels(&self) -> u64 {
            u64::from(self.companion_due)
        }
    }

    static SPEC: Spec = Spec {
        name: "ticks",
        streams: &["", "tocks"],
        fields: &[&["n", "s"], &["n"]],
        build: |_| {
            Ok(Box::new(Ticks {
                n: 0,
                companion_due: false,
                draining: false,
            }))
        },
    };

    fn engine(selected: &[Option<Vec<String>>]) -> Engine {
        let config: Config =
            serde_json::from_str(r#"{"seed": 1, "start": 0.0, "rate": 1.0, "options": {}}"#)
                .unwrap();
        Engine::new(&SPEC, &config, selected).unwrap()
    }

    #[test]
    fn budgets_horizon_and_projection() {
        let mut e = engine(&[Some(vec!["n".into()]), None]);
        let mut b = Batch::default();
        e.fill(&mut b, 100, 3, f64::INFINITY).unwrap();
        assert_eq!(b.main, 3);
        assert_eq!(
            b.lines(None),
            b"{\"n\":1}\n{\"n\":2}\n{\"n\":2}\n{\"n\":3}\n".to_vec()
        );
        assert_eq!(b.lines(Some(1)), b"{\"n\":2}\n".to_vec());
        let mut b = Batch::default();
        e.fill(&mut b, 100, 0, 5.0).unwrap(); // events before t = 5: 4, its companion
        assert_eq!(
            b.records.iter().map(|m| m.time).collect::<Vec<_>>(),
            vec![4.0, 4.0]
        );
        assert_eq!(e.peek_time(), Some(5.0));
        assert_eq!(
            e.phase_changes,
            vec![PhaseChange {
                phase: 1,
                time: 4.0,
                main_events: 4
            }]
        );
    }

    #[test]
    fn pausable_and_skippable() {
        let mut whole = engine(&[]);
        let mut b = Batch::default();
        whole.fill(&mut b, 5, 0, f64::INFINITY).unwrap();
        let mut parts = engine(&[]);
        let mut p = Batch::default();
        parts.fill(&mut p, 3, 0, f64::INFINITY).unwrap();
        parts.fill(&mut p, 2, 0, f64::INFINITY).unwrap();
        assert_eq!(b.data, p.data);
        let mut skipped = engine(&[]);
        assert_eq!(skipped.skip(3), 3);
        let mut rest = Batch::default();
        skipped.fill(&mut rest, 2, 0, f64::INFINITY).unwrap();
        assert_eq!(rest.data, b.data[b.records[3].start..].to_vec());
    }

    #[test]
    fn draining_emits_the_labels_due_and_drops_a_main_lookahead() {
        // Stopped by the main-event budget: the companion of event 2 is still due.
        let mut e = engine(&[]);
        let mut b = Batch::default();
        e.fill(&mut b, 100, 2, f64::INFINITY).unwrap();
        assert_eq!(e.pending_labels(), 1);
        e.drain();
        let mut rest = Batch::default();
        e.fill(&mut rest, 100, 0, f64::INFINITY).unwrap();
        assert_eq!(rest.main, 0);
        assert_eq!(rest.lines(None), b"{\"n\":2}\n".to_vec());
        assert_eq!((e.pending_labels(), e.peek_time()), (0, None));

        // Stopped by the horizon with main event 5 as lookahead: it was never emitted.
        let mut e = engine(&[]);
        e.fill(&mut Batch::default(), 100, 0, 5.0).unwrap();
        assert_eq!(e.peek_time(), Some(5.0));
        e.drain();
        assert_eq!(e.peek_time(), None);
        assert_eq!(e.main_events, 4);
    }
}
