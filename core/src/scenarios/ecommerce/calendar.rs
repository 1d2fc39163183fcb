//! When shoppers come: a weekly rhythm and a holiday calendar, in the shop's local time.

use super::intmap::IntMap;
use crate::time::{civil_from_days, LocalTime, DAY, HOUR};

pub const TIME_ZONE: &str = "America/Chicago"; // Houston, as the original's locations
/// Share of a day's sessions by local hour: quiet 2-5 am, building from 7 am, peak 8-9 pm
/// (SaleCycle 2020 Ecommerce Stats Report; Compete's hourly retail visits).
pub const HOURLY_VISITS: [f64; 24] = [
    1.2, 0.8, 0.5, 0.4, 0.4, 0.6, 1.2, 2.2, 3.0, 3.4, 3.7, 3.9, 4.1, 4.0, 3.9, 3.9, 4.0, 4.3, 4.6,
    5.0, 5.4, 5.2, 4.0, 2.4,
];
/// Share of a week's sessions by weekday, Monday first: busiest on Monday, quietest on
/// Saturday (Doofinder's weekly distribution of online shopping activity).
pub const WEEKDAY_SHARES: [f64; 7] = [16.1, 15.5, 15.0, 14.2, 13.4, 12.0, 13.8];

// Indices into `options::HOLIDAYS`.
const THANKSGIVING: u8 = 0;
const BLACK_FRIDAY: u8 = 1;
const CYBER_WEEKEND: u8 = 2;
const CYBER_MONDAY: u8 = 3;
const CHRISTMAS_SEASON: u8 = 4;
const CHRISTMAS: u8 = 5;
const AFTER_CHRISTMAS: u8 = 6;

/// Day of November of US Thanksgiving (the fourth Thursday) in `year`.
pub fn thanksgiving_day(year: i64) -> u32 {
    // Weekday of November 1st (Monday = 0) from its day number (1970-01-01 was a Thursday).
    let days = days_from_civil(year, 11, 1);
    let weekday = (days + 3).rem_euclid(7);
    1 + ((3 - weekday).rem_euclid(7) + 21) as u32
}

/// Day number since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The shopping-calendar period of a local date, if any (an index into `HOLIDAYS`).
pub fn holiday_of(year: i64, month: u32, day: u32) -> Option<u8> {
    match month {
        12 => Some(match day {
            1..=23 => CHRISTMAS_SEASON,
            24 | 25 => CHRISTMAS,
            _ => AFTER_CHRISTMAS,
        }),
        11 => {
            let turkey = thanksgiving_day(year);
            match day.checked_sub(turkey) {
                Some(0) => Some(THANKSGIVING),
                Some(1) => Some(BLACK_FRIDAY),
                Some(2) | Some(3) => Some(CYBER_WEEKEND),
                Some(4) => Some(CYBER_MONDAY),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Local weekday, hour and holiday of each UTC hour, cached.
pub struct Calendar {
    local: LocalTime,
    hours: IntMap<i64, (u32, u32, Option<u8>)>,
}

impl Calendar {
    pub fn new() -> Calendar {
        Calendar {
            local: LocalTime::new(TIME_ZONE).expect("a known zone"),
            hours: IntMap::default(),
        }
    }

    /// (weekday with Monday = 0, local hour, holiday) of the UTC hour `floor(t / 3600)`.
    pub fn hour(&mut self, hour: i64) -> (u32, u32, Option<u8>) {
        if let Some(&found) = self.hours.get(&hour) {
            return found;
        }
        if self.hours.len() > 8192 {
            self.hours.clear();
        }
        let t = hour as f64 * HOUR;
        let (weekday, local_hour) = self.local.weekday_hour(t);
        let local = t + self.local.offset_seconds(t);
        let (y, m, d) = civil_from_days((local / DAY).floor() as i64);
        // Cyber Monday (Thanksgiving + 4) can fall on December 1st or 2nd.
        let holiday = if m == 12 && d <= 2 && thanksgiving_day(y) + 4 == 30 + d {
            Some(CYBER_MONDAY)
        } else if m == 12 && d == 1 && thanksgiving_day(y) + 3 == 31 {
            Some(CYBER_WEEKEND)
        } else {
            holiday_of(y, m, d)
        };
        let found = (weekday, local_hour, holiday);
        self.hours.insert(hour, found);
        found
    }

    pub fn at(&mut self, t: f64) -> (u32, u32, Option<u8>) {
        self.hour((t / HOUR).floor() as i64)
    }

    /// Session-start multiplier of the UTC hour: the weekly rhythm times the holiday's traffic.
    pub fn intensity(&mut self, hour: i64, week: &[f64; 168], traffic: Option<&[f64; 7]>) -> f64 {
        let (weekday, local_hour, holiday) = self.hour(hour);
        let mut factor = week[(weekday * 24 + local_hour) as usize];
        if let (Some(h), Some(traffic)) = (holiday, traffic) {
            factor *= traffic[h as usize];
        }
        factor
    }
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thanksgiving_and_its_weekend() {
        assert_eq!(thanksgiving_day(2025), 27);
        assert_eq!(thanksgiving_day(2024), 28);
        assert_eq!(thanksgiving_day(2023), 23);
        assert_eq!(holiday_of(2025, 11, 28), Some(BLACK_FRIDAY));
        assert_eq!(holiday_of(2025, 12, 10), Some(CHRISTMAS_SEASON));
        assert_eq!(holiday_of(2025, 11, 20), None);
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2025, 1, 1), 20089);
    }

    #[test]
    fn local_dates_of_the_shop() {
        let mut c = Calendar::new();
        // 2025-11-28T18:00Z: Friday noon in Houston.
        assert_eq!(c.at(1_764_352_800.0), (4, 12, Some(BLACK_FRIDAY)));
        // 2025-12-01T18:00Z: Cyber Monday (Thanksgiving + 4 is December 1st in 2025).
        assert_eq!(c.at(1_764_612_000.0), (0, 12, Some(CYBER_MONDAY)));
        // 2025-11-30T18:00Z: Sunday of the cyber weekend.
        assert_eq!(c.at(1_764_525_600.0).2, Some(CYBER_WEEKEND));
        // 2024-12-02T18:00Z: Cyber Monday 2024 (Thanksgiving November 28th).
        assert_eq!(c.at(1_733_162_400.0).2, Some(CYBER_MONDAY));
        // 2024-12-01T18:00Z: Sunday of the cyber weekend 2024.
        assert_eq!(c.at(1_733_076_000.0).2, Some(CYBER_WEEKEND));
    }
}
