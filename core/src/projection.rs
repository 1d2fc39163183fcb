//! Field projection and JSON serialization of event rows.
//!
//! A stream declares its fields as dotted paths (`location.lat`) in emission order; a
//! projection is the subset to emit. It compiles to segments, each the constant text up to a
//! value (`,"location":{"lat":`) and that value's row index, so serializing an event is one
//! pass over its row with one block copy of constant text per value.

use crate::digits::{ascii, digit_count, digits8, fill_digits};
use crate::record::{uuid_bits, Decimal, Short, Value, SHORT_LEN};
use crate::rng::fill_uuid;
use crate::time::TimeText;

/// Constant text is copied as a block of this many bytes, then cut: a copy of known size is
/// a few vector moves, where a copy of any length is a call to `memcpy`. Longer text is split
/// over several segments.
const TEXT_BLOCK: usize = 64;

/// Constant text (at most [`TEXT_BLOCK`] bytes), then the index in the row of the value
/// that follows it (none: more text follows, or the object's end).
#[derive(Debug, Clone, PartialEq)]
struct Segment {
    /// The text, padded to the block.
    text: [u8; TEXT_BLOCK],
    len: usize,
    value: Option<usize>,
}

impl Segment {
    /// Segments of `text` followed by `value`.
    fn push(segments: &mut Vec<Segment>, text: &[u8], value: Option<usize>) {
        let pieces: Vec<&[u8]> = text.chunks(TEXT_BLOCK).collect();
        for (i, piece) in pieces.iter().enumerate() {
            let mut block = [0; TEXT_BLOCK];
            block[..piece.len()].copy_from_slice(piece);
            segments.push(Segment {
                text: block,
                len: piece.len(),
                value: if i + 1 == pieces.len() { value } else { None },
            });
        }
    }
}

/// The compiled selection of one stream's fields.
#[derive(Debug, Clone)]
pub struct Projection {
    segments: Vec<Segment>,
    /// The text of the latest time written.
    times: TimeText,
}

impl Projection {
    /// `paths` are the stream's fields in row order; `selected` the ones to emit (any order).
    pub fn new(paths: &[&str], selected: &[String]) -> Result<Projection, String> {
        for name in selected {
            if !paths.contains(&name.as_str()) {
                return Err(format!("unknown field {name:?}"));
            }
        }
        let mut segments = Vec::new();
        let mut text = vec![b'{'];
        let mut open: Vec<&str> = Vec::new(); // parents currently open
        let mut first = true; // no member written yet in the innermost open object
        for (index, path) in paths.iter().enumerate() {
            if !selected.iter().any(|s| s == path) {
                continue;
            }
            let parts: Vec<&str> = path.split('.').collect();
            let parents = &parts[..parts.len() - 1];
            let common = open.iter().zip(parents).take_while(|(a, b)| a == b).count();
            while open.len() > common {
                open.pop();
                text.push(b'}');
                first = false;
            }
            for parent in &parents[common..] {
                member_key(parent, &mut first, &mut text);
                text.push(b'{');
                open.push(parent);
                first = true;
            }
            member_key(parts[parts.len() - 1], &mut first, &mut text);
            Segment::push(&mut segments, &text, Some(index));
            text.clear();
        }
        text.extend(std::iter::repeat_n(b'}', open.len() + 1));
        Segment::push(&mut segments, &text, None);
        Ok(Projection {
            segments,
            times: TimeText::default(),
        })
    }

    /// Every field of the stream.
    pub fn all(paths: &[&str]) -> Projection {
        let selected: Vec<String> = paths.iter().map(|p| p.to_string()).collect();
        Projection::new(paths, &selected).expect("all paths are valid")
    }

    /// Appends the JSON object of `row` to `out`.
    pub fn write(&mut self, row: &[Value], out: &mut Vec<u8>) {
        for segment in &self.segments {
            let start = out.len();
            out.extend_from_slice(&segment.text);
            out.truncate(start + segment.len);
            if let Some(index) = segment.value {
                write_value(&row[index], &mut self.times, out);
            }
        }
    }
}

/// `"name":`, after a comma unless it is the object's first member.
fn member_key(name: &str, first: &mut bool, out: &mut Vec<u8>) {
    if !*first {
        out.push(b',');
    }
    *first = false;
    write_str(name, out);
    out.push(b':');
}

/// JSON text of one value (non-finite numbers become null, as JSON has no NaN).
pub fn write_value(v: &Value, times: &mut TimeText, out: &mut Vec<u8>) {
    match v {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Int(i) => {
            if *i < 0 {
                out.push(b'-');
            }
            write_digits(i.unsigned_abs(), 1, out);
        }
        Value::Float(f) => write_float(*f, out),
        Value::Decimal(d) => write_decimal(*d, out),
        Value::Static(s) => write_str(s, out),
        Value::Str(s) => write_str(s, out),
        // ISO-8601 and UUID text need no escape.
        Value::Time(t) => write_quoted(out, |text| times.fill(*t, text)),
        Value::Uuid(halves) => write_quoted(out, |text| fill_uuid(uuid_bits(*halves), text)),
        Value::Short(s) => write_short(s, out),
    }
}

/// A [`Short`], quoted: its 16 bytes are copied whole, then the closing quote is written
/// over the first byte past the text and the rest cut.
fn write_short(s: &Short, out: &mut Vec<u8>) {
    let start = out.len();
    let text = placeholder::<{ SHORT_LEN + 2 }>(b'"', out);
    text[1..].copy_from_slice(s.padded());
    text[1 + s.len()] = b'"';
    out.truncate(start + s.len() + 2);
}

/// Shortest round-trip text of a float, always with a decimal point or exponent (`3.0`).
pub fn write_float(f: f64, out: &mut Vec<u8>) {
    if !f.is_finite() {
        out.extend_from_slice(b"null");
        return;
    }
    if !write_few_decimals(f, out) {
        out.extend_from_slice(ryu::Buffer::new().format_finite(f).as_bytes());
    }
}

/// The fast path's scale: values with at most eight decimal places take it.
const FEW_DECIMALS_SCALE: f64 = 1e8;

/// Writes `f` when it is exactly the double nearest some decimal with at most
/// eight places (prices, coordinates, rounded measures), in the same text as ryu:
/// integer arithmetic instead of ryu's general search. Returns false, writing nothing, for any
/// other value.
///
/// Why the text is ryu's: below 4.5e6 the scaled value `m` stays under 2^49, so decimals
/// 1e-8 apart are farther apart than one ulp of `f` and at most one of them rounds to `f`.
/// `m / 1e8` is correctly rounded (both operands are exact), so equality proves that decimal
/// parses back to `f`; any shorter round-trip text would be another such decimal, hence this
/// one with its trailing zeros dropped. From 1e-4 up ryu writes plain decimals, as here.
fn write_few_decimals(f: f64, out: &mut Vec<u8>) -> bool {
    let a = f.abs();
    if !(1e-4..4.5e6).contains(&a) {
        return false;
    }
    // Truncating `+ 0.5` rounds without a call to libm's `round`; a candidate off by one
    // fails the check below like any other value. Converted through i64 (m < 2^53), which is
    // one instruction each way where u64 takes a branchy sequence.
    let m = (a * FEW_DECIMALS_SCALE + 0.5) as i64;
    if m as f64 / FEW_DECIMALS_SCALE != a {
        return false;
    }
    // 4.5e14 < 10^15: the whole part has at most 7 digits, the fraction 8.
    let m = m as u64;
    let (whole, fraction) = ((m / 100_000_000) as u32, (m % 100_000_000) as u32);
    write_point(f < 0.0, digits8(whole), 8, digits8(fraction), out);
    true
}

/// A [`Decimal`], in the text ryu gives its value, from the digits of its units: no search
/// and no check. The value is the double nearest the decimal, so the argument of
/// [`write_few_decimals`] shows the text is ryu's wherever that function's range holds.
fn write_decimal(d: Decimal, out: &mut Vec<u8>) {
    // One copy of the digit code per count of places, each with its divisions by constants.
    match d.places() {
        0 => write_units::<0>(d, out),
        1 => write_units::<1>(d, out),
        2 => write_units::<2>(d, out),
        3 => write_units::<3>(d, out),
        4 => write_units::<4>(d, out),
        5 => write_units::<5>(d, out),
        6 => write_units::<6>(d, out),
        7 => write_units::<7>(d, out),
        _ => write_units::<8>(d, out),
    }
}

/// [`write_decimal`] of a decimal of `PLACES` places.
#[inline(always)]
fn write_units<const PLACES: u32>(d: Decimal, out: &mut Vec<u8>) {
    let scale = 10u64.pow(PLACES);
    let units = d.units().abs();
    // The range of `write_few_decimals`, from 1e-4 up to 4.5e6, in units; anything else
    // (zero, whose sign ryu writes, a huge or non-finite value) takes the general path.
    let lowest = (scale as f64 * 1e-4).max(1.0);
    if !(lowest..4.5e6 * scale as f64).contains(&units) {
        write_float(d.value(), out);
        return;
    }
    // Through i64 (units < 2^49): one instruction, where u64 takes a branchy sequence.
    let n = units as i64 as u64;
    let negative = d.units() < 0.0;
    if n < 100_000_000 {
        // All of the number in one word of digits: its last PLACES digits are the fraction.
        let digits = digits8(n as u32);
        let whole_len = 8 - PLACES as usize;
        let fraction = if PLACES == 0 {
            0
        } else {
            digits >> (8 * whole_len)
        };
        if whole_len == 0 {
            write_point(negative, 0, 1, fraction, out);
        } else {
            let whole = digits & (u64::MAX >> (8 * (8 - whole_len)));
            write_point(negative, whole, whole_len, fraction, out);
        }
    } else {
        // Nine digits or more: PLACES is at least 2, and the whole part below 4.5e6.
        let (whole, fraction) = ((n / scale) as u32, (n % scale) as u32);
        let fraction = digits8(fraction) >> (8 * (8 - PLACES));
        write_point(negative, digits8(whole), 8, fraction, out);
    }
}

/// Writes a number from its digits: `whole` and `fraction` are digit values (0-9) a byte
/// each, in text order from the low end (see [`digits8`]). The whole part's digits are the
/// low `whole_len` bytes (1 to 8), written without their leading zeros but one; the
/// fraction's are its nonzero-ended low bytes (trailing zeros are high zero bytes), written
/// without trailing zeros but one, as ryu writes `3.0` and `0.25`.
#[inline(always)]
fn write_point(negative: bool, whole: u64, whole_len: usize, fraction: u64, out: &mut Vec<u8>) {
    let skipped = (whole.trailing_zeros() as usize / 8).min(whole_len - 1);
    let count = whole_len - skipped;
    let places = if fraction == 0 {
        1
    } else {
        8 - fraction.leading_zeros() as usize / 8
    };
    // Written over room appended to `out`, then cut to length.
    let start = out.len();
    let text = placeholder::<32>(b'0', out);
    let sign = usize::from(negative);
    text[0] = b'-'; // overwritten by the digits when there is no sign
    let point = sign + count;
    text[sign..sign + 8].copy_from_slice(&ascii(whole >> (8 * skipped)).to_le_bytes());
    text[point] = b'.';
    text[point + 1..point + 9].copy_from_slice(&ascii(fraction).to_le_bytes());
    out.truncate(start + point + 1 + places);
}

/// The decimal digits of `n`, zero-padded to at least `width` digits (at most 20).
fn write_digits(n: u64, width: usize, out: &mut Vec<u8>) {
    let start = out.len();
    let count = digit_count(n).max(width);
    fill_digits(n, &mut placeholder::<20>(b'0', out)[..count]);
    out.truncate(start + count);
}

/// Appends `N` bytes of `fill` (a store of known size, no call to `memset`) and returns them
/// to be written over in place. Digits are formatted straight into the output because text
/// built byte by byte in a stack buffer and then copied out stalls the CPU: a wide load of
/// bytes just stored one by one waits until every store has landed.
fn placeholder<const N: usize>(fill: u8, out: &mut Vec<u8>) -> &mut [u8; N] {
    let start = out.len();
    out.extend_from_slice(&[fill; N]);
    (&mut out[start..])
        .try_into()
        .expect("exactly N bytes were appended")
}

/// A string of `N` bytes that need no escape, quoted: `fill` writes them in place.
fn write_quoted<const N: usize>(out: &mut Vec<u8>, fill: impl FnOnce(&mut [u8; N])) {
    out.push(b'"');
    fill(placeholder::<N>(b'"', out));
    out.push(b'"');
}

/// Bytes that need an escape in a JSON string: control characters, `"` and `\\`.
const NEEDS_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// Whether any byte needs an escape, eight bytes at a time: a byte below 0x20 or equal to
/// `"` or `\` sets the high bit of its lane (the classic "has zero byte" test on `w ^ c`,
/// and `w - 0x20` for the control characters).
fn needs_escape(bytes: &[u8]) -> bool {
    let (words, rest) = bytes.as_chunks::<8>();
    let found = words
        .iter()
        .fold(0, |found, word| found | escapes(u64::from_le_bytes(*word)));
    found != 0 || rest.iter().any(|&b| NEEDS_ESCAPE[b as usize])
}

/// Nonzero when a byte of `w` needs an escape (see [`needs_escape`]).
fn escapes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let has_zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGHS;
    (w.wrapping_sub(ONES * 0x20) & !w & HIGHS)
        | has_zero(w ^ (ONES * u64::from(b'"')))
        | has_zero(w ^ (ONES * u64::from(b'\\')))
}

/// The longest string [`write_short_str`] takes.
const SHORT: usize = 32;

/// Writes a string of 4 to [`SHORT`] bytes that needs no escape, quoted, and returns true;
/// returns false, writing nothing, for any other string. The string is read as overlapping
/// words (8-byte words at 0, 8, 16 and its last 8 bytes, each offset capped so the word stays
/// inside it; below 8 bytes, 4-byte words at 0 and its last 4), checked for escapes word by
/// word, and the words are stored into the output at the same offsets: a few register
/// moves, where a copy of any length is a call to `memcpy` and a byte loop for its tail.
/// Most strings of an event (ids, names, zones, categories) are this short.
fn write_short_str(bytes: &[u8], out: &mut Vec<u8>) -> bool {
    let len = bytes.len();
    if (4..8).contains(&len) {
        let last = len - 4;
        let (first, end) = (word4(bytes, 0), word4(bytes, last));
        // Spaces in the upper half: they need no escape.
        let padded = |word: u32| u64::from(word) | 0x2020_2020 << 32;
        if escapes(padded(first)) | escapes(padded(end)) != 0 {
            return false;
        }
        let start = out.len();
        let text = placeholder::<10>(b'"', out);
        text[1..5].copy_from_slice(&first.to_le_bytes());
        text[1 + last..5 + last].copy_from_slice(&end.to_le_bytes());
        // The closing quote is the placeholder's own, just past the words.
        out.truncate(start + len + 2);
        return true;
    }
    if !(8..=SHORT).contains(&len) {
        return false;
    }
    let last = len - 8;
    let (second, third) = (last.min(8), last.min(16));
    let words = [
        word8(bytes, 0),
        word8(bytes, second),
        word8(bytes, third),
        word8(bytes, last),
    ];
    if escapes(words[0]) | escapes(words[1]) | escapes(words[2]) | escapes(words[3]) != 0 {
        return false;
    }
    let start = out.len();
    let text = placeholder::<{ SHORT + 2 }>(b'"', out);
    for (at, word) in [0, second, third, last].into_iter().zip(words) {
        text[1 + at..9 + at].copy_from_slice(&word.to_le_bytes());
    }
    // The closing quote is the placeholder's own, just past the words.
    out.truncate(start + len + 2);
    true
}

/// The 4 bytes of `bytes` from `at`, as a little-endian word.
#[inline]
fn word4(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(word)
}

/// The 8 bytes of `bytes` from `at`, as a little-endian word.
#[inline]
fn word8(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 8];
    word.copy_from_slice(&bytes[at..at + 8]);
    u64::from_le_bytes(word)
}

/// A JSON string with the escapes JSON requires.
pub fn write_str(s: &str, out: &mut Vec<u8>) {
    let bytes = s.as_bytes();
    if write_short_str(bytes, out) {
        return;
    }
    // Most strings need no escape: one branch-free pass, then a single copy.
    if !needs_escape(bytes) {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    out.push(b'"');
    let mut start = 0;
    // Copy the runs between the bytes that need an escape.
    while let Some(offset) = bytes[start..]
        .iter()
        .position(|&b| NEEDS_ESCAPE[b as usize])
    {
        let i = start + offset;
        out.extend_from_slice(&bytes[start..i]);
        match bytes[i] {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xF) as usize]);
            }
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATHS: &[&str] = &["id", "loc.lat", "loc.lon", "dev.os", "secret"];

    fn row() -> Vec<Value> {
        vec![
            Value::Static("a\"b"),
            Value::Float(1.5),
            Value::Float(2.0),
            Value::Null,
            Value::Int(1),
        ]
    }

    fn json(mut p: Projection) -> String {
        let mut out = Vec::new();
        p.write(&row(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn writes_nested_objects_in_order() {
        assert_eq!(
            json(Projection::all(PATHS)),
            r#"{"id":"a\"b","loc":{"lat":1.5,"lon":2.0},"dev":{"os":null},"secret":1}"#
        );
        let some = Projection::new(PATHS, &["secret".into(), "loc.lon".into()]).unwrap();
        assert_eq!(json(some), r#"{"loc":{"lon":2.0},"secret":1}"#);
        assert!(Projection::new(PATHS, &["nope".into()]).is_err());
        assert_eq!(json(Projection::new(PATHS, &[]).unwrap()), "{}");
        // Constant text longer than a block, and than two, is split over segments.
        for name in ["a_field_name_longer_than_one_block", &"long".repeat(40)] {
            let path = format!("{name}.x");
            let mut nested = Projection::all(&[&path, "y"]);
            let mut out = Vec::new();
            nested.write(&[Value::Int(7), Value::Int(8)], &mut out);
            let expected = format!(r#"{{"{name}":{{"x":7}},"y":8}}"#);
            assert_eq!(String::from_utf8(out).unwrap(), expected);
        }
    }

    /// Times and UUIDs, formatted in place, are the strings of their text.
    #[test]
    fn writes_times_and_uuids_as_strings() {
        let bits = 0x0123_4567_89ab_4def_8123_4567_89ab_cdef_u128;
        for (value, text) in [
            (Value::uuid(bits), crate::rng::uuid_text(bits)),
            (Value::uuid(u128::MAX), crate::rng::uuid_text(u128::MAX)),
            (
                Value::Time(1.7e9 + 0.25),
                crate::time::iso_string(1.7e9 + 0.25),
            ),
        ] {
            let mut out = b"[".to_vec();
            write_value(&value, &mut TimeText::default(), &mut out);
            assert_eq!(out, format!("[\"{text}\"").into_bytes());
        }
        assert_eq!(
            crate::rng::uuid_text(bits),
            "01234567-89ab-4def-8123-456789abcdef"
        );
    }

    /// A stream of pseudo-random words for the number tests.
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// The fast path writes exactly ryu's text, over values with few and many decimals.
    #[test]
    fn few_decimals_match_ryu() {
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        let mut fast = 0;
        for i in 0..2_000_000u64 {
            let places = (i % 12) as i32;
            let magnitude = 10f64.powi((next() % 12) as i32 - 5);
            let raw = (next() >> 11) as f64 / (1u64 << 53) as f64 * magnitude;
            let rounded = (raw * 10f64.powi(places)).round() / 10f64.powi(places);
            let value = match i % 5 {
                0 => raw,
                1 => -rounded,
                _ => rounded,
            };
            let mut out = Vec::new();
            fast += usize::from(write_few_decimals(value, &mut out));
            let mut expected = Vec::new();
            expected.extend_from_slice(ryu::Buffer::new().format_finite(value).as_bytes());
            out.clear();
            write_float(value, &mut out);
            assert_eq!(out, expected, "{value:e}");
        }
        assert!(fast > 800_000, "the fast path took {fast} values");
        for edge in [
            0.0,
            -0.0,
            1e-4,
            9.9999e-5,
            0.0001,
            0.001,
            1.0,
            10.0,
            4.5e6,
            4_499_999.999_999_999,
            0.1 + 0.2,
            1e-9,
            123.456_789_012_3,
            2.5,
            -7.0,
        ] {
            let mut out = Vec::new();
            write_float(edge, &mut out);
            assert_eq!(
                out,
                ryu::Buffer::new().format_finite(edge).as_bytes(),
                "{edge:e}"
            );
        }
    }

    /// A Decimal writes the text ryu gives its value, at every count of places, over values
    /// small and large, negative, zero and not finite; and rounding its value again gives it
    /// back.
    #[test]
    fn decimals_match_ryu() {
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        let mut values = vec![0.0, -0.0, f64::NAN, f64::INFINITY, -f64::INFINITY, 1e300];
        // The edges of the digit paths and of the range: 1e-4 up to 4.5e6, 10^8 units.
        values.extend([
            1e-4,
            9e-5,
            4.5e6,
            4_499_999.999,
            99_999_999.0,
            100_000_000.0,
        ]);
        for _ in 0..300_000 {
            let magnitude = 10f64.powi((next() % 16) as i32 - 8);
            let x = (next() >> 11) as f64 / (1u64 << 53) as f64 * magnitude;
            values.push(if next().is_multiple_of(3) { -x } else { x });
        }
        for x in values {
            for places in 0..=crate::record::MAX_PLACES {
                let d = Decimal::round(x, places);
                let expected = if d.value().is_finite() {
                    ryu::Buffer::new().format_finite(d.value()).to_string()
                } else {
                    "null".to_string()
                };
                let mut out = Vec::new();
                write_value(&Value::Decimal(d), &mut TimeText::default(), &mut out);
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    expected,
                    "{x:e} at {places}"
                );
                let again = Decimal::round(d.value(), places);
                assert_eq!(again.value().to_bits(), d.value().to_bits(), "{x:e}");
            }
        }
    }

    #[test]
    fn escape_check_matches_the_table() {
        let mut state = 7u64;
        for len in 0..40 {
            for _ in 0..2000 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        state = state
                            .wrapping_mul(6_364_136_223_846_793_005)
                            .wrapping_add(1);
                        // Mostly printable, sometimes any byte.
                        let b = (state >> 33) as u8;
                        if state >> 60 == 0 {
                            b
                        } else {
                            b' ' + b % 95
                        }
                    })
                    .collect();
                let expected = bytes.iter().any(|&b| NEEDS_ESCAPE[b as usize]);
                assert_eq!(needs_escape(&bytes), expected, "{bytes:?}");
            }
        }
    }

    /// A Short is written as the same string through the general path.
    #[test]
    fn shorts_write_as_strings() {
        for text in [
            "",
            "a",
            "SUV",
            "Sedan",
            "São Paulo",
            "driver_3168",
            "fifteen_bytes__",
        ] {
            let (mut short, mut general) = (Vec::new(), Vec::new());
            write_value(&Value::name(text), &mut TimeText::default(), &mut short);
            write_str(text, &mut general);
            assert_eq!(short, general, "{text}");
        }
    }

    /// Strings of every length up to twice the short path's, with and without escapes,
    /// read back as the same string.
    #[test]
    fn strings_of_every_length_round_trip() {
        let mut state = 11u64;
        for len in 0..=2 * SHORT {
            for _ in 0..500 {
                let text: String = (0..len)
                    .map(|_| {
                        state = state
                            .wrapping_mul(6_364_136_223_846_793_005)
                            .wrapping_add(1);
                        let c = (state >> 33) as u8;
                        if state >> 61 == 0 {
                            char::from(c % 0x80) // sometimes a control character or quote
                        } else {
                            char::from(b' ' + c % 95)
                        }
                    })
                    .collect();
                let mut out = b"x".to_vec();
                write_str(&text, &mut out);
                let back: String = serde_json::from_slice(&out[1..]).unwrap();
                assert_eq!(back, text);
                assert_eq!(out.len() == len + 3, !needs_escape(text.as_bytes()));
            }
        }
    }

    #[test]
    fn integers_match_itoa() {
        for i in [
            0,
            1,
            -1,
            9,
            10,
            99,
            100,
            12345,
            i64::MAX,
            i64::MIN,
            -1_000_000_007,
        ] {
            let mut out = Vec::new();
            write_value(&Value::Int(i), &mut TimeText::default(), &mut out);
            assert_eq!(out, i.to_string().as_bytes());
        }
        let mut out = Vec::new();
        write_digits(5, 3, &mut out);
        write_digits(u64::MAX, 1, &mut out);
        write_digits(0, 1, &mut out);
        write_digits(42, 8, &mut out);
        write_digits(99_999_999, 2, &mut out);
        write_digits(100_000_000, 1, &mut out);
        assert_eq!(
            out,
            format!("005{}00000004299999999100000000", u64::MAX).as_bytes()
        );
    }

    #[test]
    fn output_is_valid_json() {
        let text = json(Projection::all(PATHS));
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["loc"]["lon"], 2.0);
        let mut out = Vec::new();
        write_str("tab\tctl\u{1}é", &mut out);
        let back: String = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, "tab\tctl\u{1}é");
    }
}
