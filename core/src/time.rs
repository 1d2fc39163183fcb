//! Event time: ISO-8601 formatting, local weekday and hour in a time zone, hourly profiles.
//!
//! Event times are `f64` seconds since the Unix epoch, UTC. Nothing here reads the wall clock.

use crate::digits::{ascii, digits8};
use chrono::{Datelike, Offset, TimeZone, Timelike};
use chrono_tz::Tz;
use std::collections::HashMap;

pub const HOUR: f64 = 3600.0;
pub const DAY: f64 = 86400.0;
pub const WEEK: f64 = 7.0 * DAY;

/// Microseconds since the epoch of an event time, rounded: the one instant both the JSON
/// `timestamp` and the Kafka message time come from.
#[inline]
pub fn micros(t: f64) -> i64 {
    (t * 1_000_000.0).round() as i64
}

/// (year, month, day) of a day number since 1970-01-01 (proleptic Gregorian).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Length of an event time's ISO-8601 text ([`TimeText`]).
pub const ISO_LEN: usize = 32;

/// Two digits of `digits` (bytes `from` and `from + 1`) moved to bytes `to` and `to + 1`.
fn pair(digits: u64, from: u32, to: u32) -> u64 {
    (digits >> (8 * from) & 0xFFFF) << (8 * to)
}

/// Eight bytes of text as a little-endian word.
const fn word(bytes: &[u8; 8]) -> u64 {
    u64::from_le_bytes(*bytes)
}

/// Writes event times as `2025-01-01T00:00:00.250000+00:00` (the original producers'
/// `datetime.isoformat()`), rounded to the microsecond; years outside 0-9999 are clamped to
/// them, as Python's datetime has no others.
///
/// The text is four 8-byte words. It keeps the first three of the latest second written:
/// a stream's events come in time order, most in the same second or day as the one before,
/// and then only the microseconds (or the clock) are new.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeText {
    second: i64,
    day: i64,
    /// The day's "DD", which starts the second word.
    day_of_month: u64,
    /// The second's first three words ("YYYY-MM-", then the day's and the clock's digits),
    /// with zeros where the microseconds go.
    head: [u64; 3],
}

impl Default for TimeText {
    fn default() -> Self {
        TimeText {
            second: i64::MIN,
            day: i64::MIN,
            day_of_month: 0,
            head: [0; 3],
        }
    }
}

impl TimeText {
    pub fn fill(&mut self, t: f64, text: &mut [u8; ISO_LEN]) {
        let us = micros(t);
        let second = us.div_euclid(1_000_000);
        if second != self.second {
            self.start_second(second);
        }
        // Each part's digits eight at a time ("00uuuuuu" here), then moved, two digits at a
        // time, into the text's words around its punctuation.
        let micro = ascii(digits8(us.rem_euclid(1_000_000) as u32));
        let words = [
            self.head[0],
            self.head[1],
            self.head[2] | pair(micro, 2, 4) | pair(micro, 4, 6),
            word(b"\0\0+00:00") | pair(micro, 6, 0),
        ];
        for (chunk, word) in text.chunks_exact_mut(8).zip(words) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
    }

    fn start_second(&mut self, second: i64) {
        self.second = second;
        let day = second.div_euclid(86_400);
        if day != self.day {
            self.day = day;
            let (y, m, d) = civil_from_days(day);
            let year = y.clamp(0, 9999) as u32;
            let date = ascii(digits8(year * 10_000 + m * 100 + d)); // "YYYYMMDD"
            self.head[0] = word(b"\0\0\0\0-\0\0-") | date & 0xFFFF_FFFF | pair(date, 4, 5);
            self.day_of_month = pair(date, 6, 0);
        }
        let rest = second.rem_euclid(86_400) as u32;
        let clock = ascii(digits8(
            rest / 3600 * 10_000 + rest % 3600 / 60 * 100 + rest % 60,
        ));
        self.head[1] =
            word(b"\0\0T\0\0:\0\0") | self.day_of_month | pair(clock, 2, 3) | pair(clock, 4, 6);
        self.head[2] = word(b":\0\0.\0\0\0\0") | pair(clock, 6, 1);
    }
}

/// The ISO-8601 text of one event time, as a String.
pub fn iso_string(t: f64) -> String {
    let mut text = [0; ISO_LEN];
    TimeText::default().fill(t, &mut text);
    String::from_utf8(text.to_vec()).expect("ASCII")
}

/// Weekday (Monday = 0), hour of day and UTC offset in a time zone, cached per UTC hour.
#[derive(Debug)]
pub struct LocalTime {
    zone: Option<Tz>,
    cache: HashMap<i64, (u32, u32, i32)>,
}

impl LocalTime {
    /// `tz` is an IANA name ("UTC", "America/Chicago"); daylight saving time is followed.
    pub fn new(tz: &str) -> Result<LocalTime, String> {
        let zone = if tz == "UTC" {
            None
        } else {
            Some(
                tz.parse::<Tz>()
                    .map_err(|_| format!("unknown time zone {tz:?}"))?,
            )
        };
        Ok(LocalTime {
            zone,
            cache: HashMap::new(),
        })
    }

    fn compute(&self, hour: i64) -> (u32, u32, i32) {
        let secs = hour * 3600;
        match self.zone {
            None => {
                let days = secs.div_euclid(86_400);
                // 1970-01-01 was a Thursday (Monday = 0 -> Thursday = 3).
                let weekday = (days + 3).rem_euclid(7) as u32;
                (weekday, (secs.rem_euclid(86_400) / 3600) as u32, 0)
            }
            Some(zone) => {
                let local = zone
                    .timestamp_opt(secs, 0)
                    .single()
                    .expect("a UTC instant is unambiguous");
                let offset = local.offset().fix().local_minus_utc();
                (local.weekday().num_days_from_monday(), local.hour(), offset)
            }
        }
    }

    fn lookup(&mut self, t: f64) -> (u32, u32, i32) {
        let hour = (t / HOUR).floor() as i64;
        if let Some(&v) = self.cache.get(&hour) {
            return v;
        }
        if self.cache.len() > 4096 {
            self.cache.clear();
        }
        let v = self.compute(hour);
        self.cache.insert(hour, v);
        v
    }

    /// (weekday with Monday = 0, local hour of day) at event time `t`.
    pub fn weekday_hour(&mut self, t: f64) -> (u32, u32) {
        let (w, h, _) = self.lookup(t);
        (w, h)
    }

    /// Seconds east of UTC at event time `t` (whole hours and half hours alike).
    pub fn offset_seconds(&mut self, t: f64) -> f64 {
        self.lookup(t).2 as f64
    }
}

/// An hourly intensity over the week in local time: 24 weights for weekdays and 24 for
/// weekends, normalised to average 1 over a week.
#[derive(Debug)]
pub struct WeeklyProfile {
    week: [f64; 168],
    local: LocalTime,
}

impl WeeklyProfile {
    pub fn new(
        weekday: &[f64],
        weekend: Option<&[f64]>,
        tz: &str,
    ) -> Result<WeeklyProfile, String> {
        let weekend = weekend.unwrap_or(weekday);
        if weekday.len() != 24 || weekend.len() != 24 {
            return Err("profiles need 24 hourly weights".into());
        }
        let mean = (5.0 * weekday.iter().sum::<f64>() + 2.0 * weekend.iter().sum::<f64>()) / 168.0;
        if mean <= 0.0 || weekday.iter().chain(weekend).any(|&w| w < 0.0) {
            return Err("profile weights must be >= 0 with some positive".into());
        }
        let mut week = [0.0; 168];
        for day in 0..7 {
            let source = if day < 5 { weekday } else { weekend };
            for h in 0..24 {
                week[day * 24 + h] = source[h] / mean;
            }
        }
        Ok(WeeklyProfile {
            week,
            local: LocalTime::new(tz)?,
        })
    }

    /// The multiplier for the UTC hour with this index (`floor(t / 3600)`).
    pub fn at_hour(&mut self, hour: i64) -> f64 {
        let (w, h) = self.local.weekday_hour(hour as f64 * HOUR);
        self.week[(w * 24 + h) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_python_isoformat() {
        assert_eq!(iso_string(0.25), "1970-01-01T00:00:00.250000+00:00");
        assert_eq!(
            iso_string(1_735_689_600.5),
            "2025-01-01T00:00:00.500000+00:00"
        );
        assert_eq!(
            iso_string(951_782_400.0),
            "2000-02-29T00:00:00.000000+00:00"
        );
        // Rounds to the microsecond, carrying into the second.
        assert_eq!(iso_string(1.999_999_9), "1970-01-01T00:00:02.000000+00:00");
        // Every day and hour over two centuries, against chrono's calendar.
        for second in (0..4_102_444_800_i64).step_by(86_400 + 3_601) {
            let expected = chrono::DateTime::from_timestamp(second, 0)
                .unwrap()
                .format("%Y-%m-%dT%H:%M:%S.000000+00:00")
                .to_string();
            assert_eq!(iso_string(second as f64), expected);
        }
    }

    /// One `TimeText` over times in order and out of it (same second, next second, next day,
    /// back in time, before 1970) writes what a fresh one writes.
    #[test]
    fn kept_text_matches_fresh_text() {
        let mut times = TimeText::default();
        let mut t = -86_400.0 * 3.0 - 0.75;
        let mut r = crate::rng::Rng::new(9);
        for _ in 0..20_000 {
            t += match r.below(4) {
                0 => r.random() * 0.3,
                1 => r.random() * 90.0,
                2 => r.random() * 200_000.0,
                _ => -r.random() * 100_000.0,
            };
            let mut text = [0; ISO_LEN];
            times.fill(t, &mut text);
            assert_eq!(std::str::from_utf8(&text).unwrap(), iso_string(t), "{t}");
        }
    }

    #[test]
    fn local_time_follows_the_zone() {
        let mut chicago = LocalTime::new("America/Chicago").unwrap();
        assert_eq!(chicago.weekday_hour(1_735_689_600.0), (1, 18)); // 2025-01-01T00:00Z
        assert_eq!(chicago.offset_seconds(1_735_689_600.0), -6.0 * 3600.0);
        let mut utc = LocalTime::new("UTC").unwrap();
        assert_eq!(utc.weekday_hour(1_735_689_600.0), (2, 0)); // a Wednesday
        assert!(LocalTime::new("Mars/Olympus").is_err());
    }

    #[test]
    fn weekly_profile_averages_one() {
        let mut quiet: Vec<f64> = vec![0.0; 6];
        quiet.extend([1.0; 18]);
        let mut p = WeeklyProfile::new(&quiet, None, "UTC").unwrap();
        let mean: f64 = (0..168).map(|h| p.at_hour(h)).sum::<f64>() / 168.0;
        assert!((mean - 1.0).abs() < 1e-9);
    }
}
