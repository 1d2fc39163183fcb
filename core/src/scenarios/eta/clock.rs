//! A region's local calendar at event times: offsets per UTC hour (half-hour zones too).

use crate::time::{civil_from_days, LocalTime, DAY, HOUR};

pub struct RegionClock {
    local: LocalTime,
    /// The UTC hour of the latest lookup and its offset (most lookups fall in the same hour).
    hour: i64,
    offset: f64,
    day: i64,
    calendar: (usize, usize),
}

/// Days before the first of each month in a common year.
const MONTH_START: [usize; 12] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

impl RegionClock {
    pub fn new(time_zone: &str) -> Result<RegionClock, String> {
        Ok(RegionClock {
            local: LocalTime::new(time_zone)?,
            hour: i64::MIN,
            offset: 0.0,
            day: i64::MIN,
            calendar: (0, 0),
        })
    }

    /// Local wall-clock seconds since the epoch (the event time shifted by the UTC offset).
    #[inline]
    pub fn local(&mut self, t: f64) -> f64 {
        let hour = (t / HOUR).floor() as i64;
        if hour != self.hour {
            self.hour = hour;
            self.offset = self.local.offset_seconds(t);
        }
        t + self.offset
    }

    /// (month with January = 0, day of the year with 1 January = 0) of a local time.
    pub fn calendar(&mut self, local: f64) -> (usize, usize) {
        let day = (local / DAY).floor() as i64;
        if day != self.day {
            let (y, m, d) = civil_from_days(day);
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            let m = m as usize - 1;
            let yday = MONTH_START[m] + d as usize - 1 + usize::from(leap && m >= 2);
            self.day = day;
            self.calendar = (m, yday);
        }
        self.calendar
    }
}

/// (weekday with Monday = 0, hour of day, seconds into the day) of a local time.
#[inline]
pub fn weekday_hour(local: f64) -> (usize, usize, f64) {
    let day = (local / DAY).floor();
    let seconds = local - day * DAY;
    (
        (day as i64 + 3).rem_euclid(7) as usize,
        ((seconds / HOUR) as usize).min(23),
        seconds,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_hour_zones_and_calendar() {
        let mut clock = RegionClock::new("Asia/Kolkata").unwrap();
        let local = clock.local(1_735_689_600.0); // 2025-01-01T00:00Z = 05:30 in Mumbai
        assert_eq!(weekday_hour(local).0, 2);
        assert_eq!(weekday_hour(local).1, 5);
        assert_eq!(clock.calendar(local), (0, 0));
        let mut utc = RegionClock::new("UTC").unwrap();
        assert_eq!(utc.calendar(951_782_400.0), (1, 59)); // 2000-02-29
        assert_eq!(utc.calendar(951_868_800.0), (2, 60)); // 2000-03-01
    }
}
