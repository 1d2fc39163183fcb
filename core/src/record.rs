//! What a scenario produces: one event's values in its stream's field order, and its metadata.

use std::borrow::Cow;

use crate::digits::{digit_count, fill_digits, text8};
use crate::rng::uuid_text;
use crate::time::iso_string;

/// One field value. Strings known at compile time are borrowed, others owned.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// A measure rounded to a few decimal places: written from its digits, where a float's
    /// text needs a search for its shortest form.
    Decimal(Decimal),
    Static(&'static str),
    Str(String),
    /// An event time (seconds since the epoch, UTC), a string of ISO-8601 text in the output
    /// (`time::fill_iso_time`): formatted as it is written, with no String in between.
    Time(f64),
    /// A UUID, a string of its text in the output, formatted as it is written. Kept as two
    /// halves: a `u128` would align the whole enum, and every row, to 16 bytes.
    Uuid([u64; 2]),
    /// A short string that needs no escape, held inline (ids and names).
    Short(Short),
}

impl Value {
    pub fn uuid(bits: u128) -> Value {
        Value::Uuid([(bits >> 64) as u64, bits as u64])
    }

    /// A name known when the scenario starts (a place, a drift concept): inline when it is
    /// short and needs no escape, so each event copies it and writes it without a check.
    pub fn name(text: &'static str) -> Value {
        Short::new(text).map_or(Value::Static(text), Value::Short)
    }

    /// `prefix` followed by the decimal digits of `n`: inline when it fits.
    pub fn numbered(prefix: Short, n: u64) -> Value {
        match Short::numbered(prefix, n) {
            Some(short) => Value::Short(short),
            None => Value::Str(format!("{}{n}", prefix.as_str())),
        }
    }

    /// The text of a value that is a string in the output (None for the others).
    pub fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Value::Static(s) => Some(Cow::Borrowed(s)),
            Value::Str(s) => Some(Cow::Borrowed(s)),
            Value::Time(t) => Some(Cow::Owned(iso_string(*t))),
            Value::Uuid(halves) => Some(Cow::Owned(uuid_text(uuid_bits(*halves)))),
            Value::Short(s) => Some(Cow::Borrowed(s.as_str())),
            _ => None,
        }
    }
}

/// The bits of a [`Value::Uuid`].
pub fn uuid_bits(halves: [u64; 2]) -> u128 {
    (u128::from(halves[0]) << 64) | u128::from(halves[1])
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float(v)
    }
}
impl From<Decimal> for Value {
    fn from(v: Decimal) -> Self {
        Value::Decimal(v)
    }
}
impl From<&'static str> for Value {
    fn from(v: &'static str) -> Self {
        Value::Static(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Str(v)
    }
}
impl From<Short> for Value {
    fn from(v: Short) -> Self {
        Value::Short(v)
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Most decimal places a [`Decimal`] keeps.
pub const MAX_PLACES: u8 = 8;

/// `10^places` for every count of places a [`Decimal`] keeps.
const SCALES: [f64; MAX_PLACES as usize + 1] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];

/// A number rounded to a few decimal places (a price, a coordinate, a rounded measure), kept
/// as its count of units: 36.01 at two places is 3601 units. Its value is exactly that of
/// rounding in floating point, `(x * 10^places).round() / 10^places`, and the JSON writer
/// prints the units' digits with a point, which is the same text as the value's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decimal {
    /// A whole number held as a float, so that a value rounding to zero keeps its sign and a
    /// NaN stays a NaN, as they do when rounding in floating point.
    units: f64,
    places: u8,
}

impl Decimal {
    /// `x` rounded to `places` decimal places (at most [`MAX_PLACES`]). A number already so
    /// rounded comes back as the same value: `x * 10^places` is within far less than half a
    /// unit of its whole number.
    #[inline]
    pub fn round(x: f64, places: u8) -> Decimal {
        Decimal {
            units: (x * SCALES[usize::from(places)]).round(),
            places,
        }
    }

    /// `units` units of `10^-places` (`of_units(40730, 3)` is 40.73).
    pub fn of_units(units: i64, places: u8) -> Decimal {
        Decimal {
            units: units as f64,
            places,
        }
    }

    /// The double nearest `units / 10^places`: the value rounded in floating point.
    #[inline]
    pub fn value(self) -> f64 {
        self.units / SCALES[usize::from(self.places)]
    }

    /// The value in units of `10^-places`: a whole number, or NaN or an infinity.
    pub fn units(self) -> f64 {
        self.units
    }

    pub fn places(self) -> u8 {
        self.places
    }
}

/// Longest text a [`Short`] holds: its 16 bytes end with the length, so `Value` stays 24.
pub const SHORT_LEN: usize = 15;

/// A string of at most [`SHORT_LEN`] bytes that needs no escape in JSON, held inline. Most
/// strings of an event are ids and names this short (`driver_3168`, `Sedan`): inline they
/// need no allocation or string pool, and the JSON writer copies them with no check.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Short {
    /// The text, zeros, and in the last byte the text's length: one 16-byte word to make
    /// and to copy.
    bytes: [u8; SHORT_LEN + 1],
}

impl Short {
    /// `text` when it fits and no byte of it needs an escape (a control character, `"`, `\`).
    pub const fn new(text: &str) -> Option<Short> {
        let text = text.as_bytes();
        if text.len() > SHORT_LEN {
            return None;
        }
        let mut bytes = [0; SHORT_LEN + 1];
        let mut i = 0;
        while i < text.len() {
            let b = text[i];
            if b < 0x20 || b == b'"' || b == b'\\' {
                return None;
            }
            bytes[i] = b;
            i += 1;
        }
        bytes[SHORT_LEN] = text.len() as u8;
        Some(Short { bytes })
    }

    /// A constant name, checked when the program is compiled (in a `const`).
    pub const fn of(text: &str) -> Short {
        match Short::new(text) {
            Some(short) => short,
            None => panic!("a name that is too long or needs an escape"),
        }
    }

    /// Shorts of a table of constant names, as [`Short::of`].
    pub const fn table<const N: usize>(names: [&str; N]) -> [Short; N] {
        let mut out = [Short::of(""); N];
        let mut i = 0;
        while i < N {
            out[i] = Short::of(names[i]);
            i += 1;
        }
        out
    }

    /// `prefix` followed by the decimal digits of `n` (None when they do not fit).
    pub fn numbered(prefix: Short, n: u64) -> Option<Short> {
        let at = prefix.len();
        let len = at + digit_count(n);
        if len > SHORT_LEN {
            return None;
        }
        let mut bytes = prefix.bytes;
        if n < 100_000_000 {
            // The prefix, the digits and the length joined as one 128-bit word, in registers.
            let digits = u128::from(text8(n as u32, len - at)) << (8 * at);
            let text = u128::from_le_bytes(bytes) & (u128::MAX >> 8) | digits;
            bytes = (text | (len as u128) << (8 * SHORT_LEN)).to_le_bytes();
        } else {
            fill_digits(n, &mut bytes[at..len]);
            bytes[SHORT_LEN] = len as u8;
        }
        Some(Short { bytes })
    }

    pub fn len(&self) -> usize {
        usize::from(self.bytes[SHORT_LEN])
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text's bytes, zeros, then its length: to be copied whole and cut.
    pub fn padded(&self) -> &[u8; SHORT_LEN + 1] {
        &self.bytes
    }

    pub fn as_str(&self) -> &str {
        let text = &self.bytes[..self.len()];
        // SAFETY: `bytes` is private and only `new` and `numbered` make it. `new` copies the
        // whole of a `&str` and records its length; `numbered` appends ASCII digits to such a
        // text. So `bytes[..len]` is always valid UTF-8.
        unsafe { std::str::from_utf8_unchecked(text) }
    }
}

impl std::fmt::Debug for Short {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Short({:?})", self.as_str())
    }
}

/// Most string buffers an event keeps for its next rows (more than any row holds).
const MAX_SPARE_TEXTS: usize = 64;

/// One simulated event, reused from event to event to avoid allocations.
///
/// `row` holds the values of every field of the event's stream, in the order of that
/// stream's field list (`Scenario::fields`); projection picks what is emitted.
#[derive(Debug, Default)]
pub struct Event {
    /// Index of the output stream in `Scenario::streams()` (0 is the main stream).
    pub stream: usize,
    /// Event time, seconds since the epoch (UTC).
    pub time: f64,
    /// The Kafka message key: the entity whose order matters.
    pub key: String,
    pub event_type: &'static str,
    /// The label value as text when the event carries one ("0"/"1"), for summaries and metrics.
    pub label: Option<&'static str>,
    /// On an event that delivers a label late: the event time of the event it labels.
    pub labeled_time: Option<f64>,
    /// Drift phase in effect (main-stream events; 0 before the first phase).
    pub phase: u32,
    pub row: Vec<Value>,
    /// String buffers of earlier rows, handed out again by [`Event::text`]: a steady stream
    /// allocates no strings.
    spare: Vec<String>,
    /// Buffers handed out since the row was last cleared.
    lent: usize,
}

impl Event {
    /// Starts a new event of `stream` (clears the row, keeping its strings' buffers).
    pub fn begin(&mut self, stream: usize, time: f64, event_type: &'static str) {
        self.stream = stream;
        self.time = time;
        self.event_type = event_type;
        self.key.clear();
        self.label = None;
        self.labeled_time = None;
        self.phase = 0;
        if self.lent == 0 {
            // No buffer of the pool is in the row: dropping it is all there is to do.
            self.row.clear();
            return;
        }
        self.lent = 0;
        for value in self.row.drain(..) {
            // Strings made elsewhere come back too: past the cap they are freed, so the pool
            // stays as small as a row's strings.
            if let Value::Str(text) = value {
                if self.spare.len() < MAX_SPARE_TEXTS {
                    self.spare.push(text);
                }
            }
        }
    }

    /// An empty string for a value of this event, on a buffer of an earlier one if there is.
    pub fn text(&mut self) -> String {
        self.lent += 1;
        match self.spare.pop() {
            Some(mut text) => {
                text.clear();
                text
            }
            None => String::with_capacity(64),
        }
    }

    /// A string holding `content`, as [`Event::text`].
    pub fn text_from(&mut self, content: &str) -> String {
        let mut text = self.text();
        text.push_str(content);
        text
    }

    /// Appends the next field's value (fields in the stream's declared order).
    #[inline]
    pub fn push(&mut self, v: impl Into<Value>) {
        self.row.push(v.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Numbered ids read as `format!` writes them, inline when they fit.
    #[test]
    fn numbered_ids_are_prefix_and_digits() {
        let mut numbers = vec![0, 9, 10, 99_999_999, 100_000_000, u64::MAX];
        let mut n = 1u64;
        while let Some(next) = n.checked_mul(7) {
            numbers.extend([n - 1, n]);
            n = next;
        }
        for prefix in ["", "a", "driver_", "vehicle_", "fourteen_bytes"] {
            for &n in &numbers {
                let expected = format!("{prefix}{n}");
                let value = Value::numbered(Short::of(prefix), n);
                assert_eq!(value.text().unwrap(), expected);
                assert_eq!(
                    matches!(value, Value::Short(_)),
                    expected.len() <= SHORT_LEN
                );
            }
        }
    }

    /// A Short holds any text of up to 15 bytes that needs no escape, and nothing else.
    #[test]
    fn shorts_hold_short_plain_text() {
        for text in ["", "Sedan", "São Paulo", "fifteen_bytes__"] {
            assert_eq!(Short::new(text).unwrap().as_str(), text);
            assert_eq!(Value::name(text), Value::Short(Short::of(text)));
        }
        for text in ["sixteen_bytes___", "a\"b", "back\\slash", "tab\t"] {
            assert_eq!(Short::new(text), None);
            assert_eq!(Value::name(text), Value::Static(text));
        }
    }

    /// Rows holding strings made elsewhere do not grow the pool past its cap; its own
    /// buffers come back.
    #[test]
    fn the_string_pool_is_bounded() {
        let mut event = Event::default();
        for i in 0..1000 {
            event.begin(0, i as f64, "x");
            let reused = event.text_from("id");
            event.push(reused);
            event.push(format!("made elsewhere {i}"));
            event.push(Value::Str(String::from("and another")));
        }
        event.begin(0, 1000.0, "x");
        assert!(event.spare.len() <= MAX_SPARE_TEXTS);
        assert!(event.text().capacity() > 0);
    }
}
