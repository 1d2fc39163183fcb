//! Regional weather over event time: one state per region, shared by every trip and shard.
//!
//! Two processes nest. Each local day is rainy or dry, a two-state Markov chain with
//! persistence (wet days tend to follow wet days) whose long-run share of rainy days is the
//! region's rainy-day normal for the month. Within the day, the condition is a semi-Markov
//! chain stepped every 15 minutes of event time: each condition lasts a geometric spell (a few
//! hours of clear sky, three hours of rain...), then the next one is drawn so that, in the long
//! run, each condition holds its target share of the time in that month and hour. Rain, heavy
//! rain and thunderstorms fall on rainy days only, in a few long spells, so the share of time in
//! bad weather (`bad_weather_probability`, spread over the months by the rainy-day normals)
//! comes from the right number of rainy days. Temperature follows the monthly normals with a
//! daily cycle, a slowly wandering anomaly (warm and cold spells), and cooler, flatter days
//! under rain.

use super::clock::{weekday_hour, RegionClock};
use super::regions::Climate;
use crate::record::{Decimal, Short};
use crate::rng::Rng;
use std::f64::consts::PI;

const CONDITIONS: [&str; 6] = [
    "Clear",
    "Clouds",
    "Rain",
    "Heavy Rain",
    "Fog",
    "Thunderstorm",
];
const CONDITION_NAMES: [Short; CONDITIONS.len()] = Short::table(CONDITIONS);
const CLEAR: usize = 0;
const RAIN: usize = 2;
const HEAVY_RAIN: usize = 3;
const THUNDERSTORM: usize = 5;
pub const STEP: f64 = 900.0;
/// Mean length of a spell of each condition on a dry day and on a rainy day, hours: dry
/// spells are shorter on rainy days, so that the rain of a rainy day comes in a few spells of
/// a few hours and a rainy day seldom stays dry.
const SPELL_HOURS: [[f64; 6]; 2] = [
    [8.0, 5.0, 3.0, 1.0, 3.0, 1.0],
    [2.0, 2.0, 3.0, 1.0, 2.0, 1.0],
];
/// Persistence of rainy days: lag-1 correlation of the daily rainy/dry chain, so that
/// P(rainy | rainy yesterday) = p + RAIN_PERSISTENCE (1 - p) and P(rainy | dry) = p (1 - RAIN_PERSISTENCE).
const RAIN_PERSISTENCE: f64 = 0.35;
/// At most this share of a rainy day is wet; more bad weather than that makes more rainy days.
const MAX_WET_SHARE: f64 = 0.6;

/// Travel-time multipliers of each condition, drawn once per spell (FHWA road weather figures).
const FACTORS: [Option<(f64, f64)>; 6] = [
    None,
    None,
    Some((1.05, 1.2)),
    Some((1.2, 1.5)),
    Some((1.1, 1.3)),
    Some((1.25, 1.6)),
];
const ANOMALY_SD: f64 = 2.5;
const ANOMALY_HOURS: f64 = 36.0;
const DAYS_IN_MONTH: [f64; 12] = [
    31.0, 28.25, 31.0, 30.0, 31.0, 30.0, 31.0, 31.0, 30.0, 31.0, 30.0, 31.0,
];

fn leave(condition: usize, rainy_day: bool) -> f64 {
    (STEP / (SPELL_HOURS[usize::from(rainy_day)][condition] * 3600.0)).min(1.0)
}

fn is_wet(condition: usize) -> bool {
    matches!(condition, RAIN | HEAVY_RAIN | THUNDERSTORM)
}

/// Fog forms in the early morning, thunderstorms build in the afternoon (daily means are 1).
fn by_hour() -> ([f64; 24], [f64; 24]) {
    let mut fog = [0.0; 24];
    let mut thunder = [0.0; 24];
    for h in 0..24 {
        fog[h] = if (3..=8).contains(&h) {
            2.5
        } else if matches!(h, 2 | 9 | 10) {
            1.0
        } else {
            0.3
        };
        thunder[h] = if (13..=20).contains(&h) { 2.0 } else { 0.5 };
    }
    let (fs, ts): (f64, f64) = (fog.iter().sum(), thunder.iter().sum());
    for h in 0..24 {
        fog[h] *= 24.0 / fs;
        thunder[h] *= 24.0 / ts;
    }
    (fog, thunder)
}

/// Normals of one region by day of the year: daily highs and lows, rainy-day shares.
#[derive(Debug, Clone)]
pub struct Seasons {
    pub highs: Vec<f64>,
    pub lows: Vec<f64>,
    pub rainy: [f64; 12],
    pub month_high: [f64; 12],
}

impl Seasons {
    pub fn of(climate: &Climate) -> Seasons {
        let mut centers = [0.0; 12];
        let mut before = 0.0;
        for m in 0..12 {
            centers[m] = before + DAYS_IN_MONTH[m] / 2.0;
            before += DAYS_IN_MONTH[m];
        }
        let daily = |values: &[f64]| -> Vec<f64> {
            (0..366)
                .map(|day| {
                    let x = day as f64 + 0.5;
                    // Interpolate between the mid-months around the day; the year wraps around.
                    let m = centers.iter().filter(|&&c| c <= x).count() as i64 - 1;
                    let (a, b) = (m.rem_euclid(12) as usize, (m + 1).rem_euclid(12) as usize);
                    let ca = centers[a] - if m < 0 { 365.25 } else { 0.0 };
                    let cb = centers[b] + if m == 11 { 365.25 } else { 0.0 };
                    values[a] + (x - ca) / (cb - ca) * (values[b] - values[a])
                })
                .collect()
        };
        let mut rainy = [0.0; 12];
        let mut month_high = [0.0; 12];
        for m in 0..12 {
            rainy[m] = (climate.rainy_days[m] / DAYS_IN_MONTH[m]).min(1.0);
            month_high[m] = climate.high_c[m];
        }
        Seasons {
            highs: daily(&climate.high_c),
            lows: daily(&climate.low_c),
            rainy,
            month_high,
        }
    }
}

/// Transition tables for one `bad_weather_probability`, per day kind (dry, rainy), month and
/// local hour.
#[derive(Debug, Clone)]
pub struct WeatherRegime {
    /// Long-run share of rainy days in each month.
    pub rainy_day: [f64; 12],
    /// Next-condition weights, cumulated: `[(rainy * 12 + month) * 24 + hour][condition]`.
    cumulative: Vec<[f64; 6]>,
    /// Long-run share of each condition on that kind of day.
    shares: Vec<[f64; 6]>,
}

fn table_index(rainy_day: bool, month: usize, hour: usize) -> usize {
    (usize::from(rainy_day) * 12 + month) * 24 + hour
}

impl WeatherRegime {
    pub fn of(seasons: &Seasons, bad_probability: f64) -> WeatherRegime {
        let (fog_by_hour, thunder_by_hour) = by_hour();
        let mean_rainy = match seasons.rainy.iter().sum::<f64>() / 12.0 {
            m if m > 0.0 => m,
            _ => 1.0,
        };
        let mut cumulative = vec![[0.0; 6]; 576];
        let mut shares = vec![[0.0; 6]; 576];
        let mut rainy_day = [0.0; 12];
        for (month, rainy_share) in rainy_day.iter_mut().enumerate() {
            // More bad weather in months with more rainy days; the yearly mean is the option.
            let bad = (bad_probability * seasons.rainy[month] / mean_rainy).min(0.9);
            let high = seasons.month_high[month];
            let fog = if high < 15.0 {
                0.25
            } else if high < 25.0 {
                0.15
            } else {
                0.08
            };
            let thunder = if high < 15.0 {
                0.02
            } else if high < 25.0 {
                0.1
            } else {
                0.2
            };
            let split = [0.6, 0.15, fog, thunder];
            let split_total: f64 = split.iter().sum();
            // Long-run shares by hour of rain, heavy rain, fog and thunderstorm.
            let mut bad_by_hour = [[0.0; 4]; 24];
            for (hour, out) in bad_by_hour.iter_mut().enumerate() {
                let m = [1.0, 1.0, fog_by_hour[hour], thunder_by_hour[hour]];
                let w: Vec<f64> = (0..4)
                    .map(|i| bad * split[i] / split_total * m[i])
                    .collect();
                let sum: f64 = w.iter().sum();
                let scale = if sum > 0.0 { sum.min(0.95) / sum } else { 0.0 };
                for i in 0..4 {
                    out[i] = w[i] * scale;
                }
            }
            let wet_mean = bad_by_hour.iter().map(|w| w[0] + w[1] + w[3]).sum::<f64>() / 24.0;
            // Rain falls on the normal's share of days, or on more if the option asks for
            // more wet hours than rainy days can hold.
            let p = seasons.rainy[month]
                .max(wet_mean / MAX_WET_SHARE)
                .clamp(0.0, 1.0);
            *rainy_share = p;
            for rainy in [false, true] {
                let clouds = if rainy {
                    0.6
                } else {
                    0.25 + 0.3 * seasons.rainy[month]
                };
                for (hour, w) in bad_by_hour.iter().enumerate() {
                    let fog_share = w[2];
                    let mut wet = [0.0; 3];
                    if rainy && p > 0.0 {
                        let total = (w[0] + w[1] + w[3]) / p;
                        let room = (0.95 - fog_share).max(0.0);
                        let scale = if total > room { room / total } else { 1.0 };
                        wet = [w[0], w[1], w[3]].map(|x| x / p * scale);
                    }
                    let good = 1.0 - fog_share - wet.iter().sum::<f64>();
                    let share = [
                        good * (1.0 - clouds),
                        good * clouds,
                        wet[0],
                        wet[1],
                        fog_share,
                        wet[2],
                    ];
                    // Spells of condition s last 1/leave(s) steps: enter in proportion to share * leave.
                    let mut cum = [0.0; 6];
                    let mut total = 0.0;
                    for s in 0..6 {
                        total += share[s] * leave(s, rainy);
                        cum[s] = total;
                    }
                    let i = table_index(rainy, month, hour);
                    cumulative[i] = cum;
                    shares[i] = share;
                }
            }
        }
        WeatherRegime {
            rainy_day,
            cumulative,
            shares,
        }
    }
}

/// First index whose cumulative weight exceeds `x` (bisect_right), capped at the last.
fn bisect(cum: &[f64; 6], x: f64) -> usize {
    cum.iter().position(|&c| c > x).unwrap_or(5)
}

/// The current weather of a region, advanced step by step in event time.
///
/// Draws come from a stream shared by all shards and steps sit on a fixed 15-minute grid,
/// so every shard sees the same weather. `spell` identifies the current spell: the step
/// index at which it began.
pub struct Weather {
    rng: Rng,
    phi: f64,
    pub next_step: f64,
    pub condition: usize,
    pub factor: Decimal,
    pub spell: i64,
    pub temperature: Decimal,
    anomaly: f64,
    /// Whether the current local day is a rainy one, and which day it is.
    pub rainy_day: bool,
    day: i64,
}

impl Weather {
    /// The weather at the start of the run, drawn from the long-run shares.
    pub fn start(
        t: f64,
        regime: &WeatherRegime,
        seasons: &Seasons,
        clock: &mut RegionClock,
        rng: Rng,
    ) -> Weather {
        let mut w = Weather {
            rng,
            phi: (-STEP / (ANOMALY_HOURS * 3600.0)).exp(),
            next_step: f64::INFINITY,
            condition: CLEAR,
            factor: Decimal::round(1.0, 2),
            spell: 0,
            temperature: Decimal::round(0.0, 1),
            anomaly: 0.0,
            rainy_day: false,
            day: 0,
        };
        let step = (t / STEP).floor() * STEP;
        let local = clock.local(step);
        let (month, _) = clock.calendar(local);
        let hour = weekday_hour(local).1;
        w.day = (local / 86400.0).floor() as i64;
        w.rainy_day = w.rng.random() < regime.rainy_day[month];
        let share = &regime.shares[table_index(w.rainy_day, month, hour)];
        let mut cum = [0.0; 6];
        let mut total = 0.0;
        for s in 0..6 {
            total += share[s];
            cum[s] = total;
        }
        let condition = bisect(&cum, w.rng.random() * total);
        w.anomaly = w.rng.gauss(0.0, ANOMALY_SD);
        w.enter(condition, step);
        w.set_temperature(local, seasons, clock);
        w.next_step = step + STEP;
        w
    }

    /// Steps the weather up to event time `t`.
    pub fn advance(
        &mut self,
        t: f64,
        regime: &WeatherRegime,
        seasons: &Seasons,
        clock: &mut RegionClock,
    ) {
        while t >= self.next_step {
            let step = self.next_step;
            self.next_step = step + STEP;
            let local = clock.local(step);
            let (month, _) = clock.calendar(local);
            let hour = weekday_hour(local).1;
            let day = (local / 86400.0).floor() as i64;
            if day != self.day {
                self.day = day;
                let p = regime.rainy_day[month];
                let chance = if self.rainy_day {
                    p + RAIN_PERSISTENCE * (1.0 - p)
                } else {
                    p * (1.0 - RAIN_PERSISTENCE)
                };
                self.rainy_day = self.rng.random() < chance;
                if !self.rainy_day && is_wet(self.condition) {
                    // The rain of yesterday ends at midnight: draw a dry condition.
                    let cum = &regime.cumulative[table_index(false, month, hour)];
                    let condition = bisect(cum, self.rng.random() * cum[5]);
                    self.enter(condition, step);
                }
            }
            let u = self.rng.random();
            let leave = leave(self.condition, self.rainy_day);
            if u < leave {
                let cum = &regime.cumulative[table_index(self.rainy_day, month, hour)];
                // Reuse the uniform: below `leave` it is uniform on [0, leave).
                let condition = bisect(cum, u / leave * cum[5]);
                if condition != self.condition {
                    self.enter(condition, step);
                }
            }
            let noise = self.rng.gauss(0.0, 1.0);
            self.anomaly =
                self.phi * self.anomaly + ANOMALY_SD * (1.0 - self.phi * self.phi).sqrt() * noise;
            self.set_temperature(local, seasons, clock);
        }
    }

    fn enter(&mut self, condition: usize, step: f64) {
        self.condition = condition;
        self.spell = (step / STEP).floor() as i64;
        self.factor = match FACTORS[condition] {
            None => Decimal::round(1.0, 2),
            Some((a, b)) => Decimal::round(self.rng.uniform(a, b), 2),
        };
    }

    fn set_temperature(&mut self, local: f64, seasons: &Seasons, clock: &mut RegionClock) {
        let (_, day) = clock.calendar(local);
        let (high, low) = (seasons.highs[day], seasons.lows[day]);
        let hour = weekday_hour(local).2 / 3600.0;
        // Coolest near 06:00, warmest near 15:00.
        let cycle = if (6.0..15.0).contains(&hour) {
            -(PI * (hour - 6.0) / 9.0).cos()
        } else {
            (PI * (hour - 15.0).rem_euclid(24.0) / 15.0).cos()
        };
        let wet = is_wet(self.condition);
        let amplitude = (high - low) / 2.0 * if wet { 0.5 } else { 1.0 };
        let value =
            (high + low) / 2.0 + amplitude * cycle + self.anomaly - if wet { 1.5 } else { 0.0 };
        self.temperature = Decimal::round(value, 1);
    }

    pub fn name(&self) -> Short {
        CONDITION_NAMES[self.condition]
    }

    /// Rain, heavy rain, fog or thunderstorm.
    pub fn is_bad(condition: usize) -> bool {
        (RAIN..=THUNDERSTORM).contains(&condition)
    }
}

#[cfg(test)]
mod tests {
    use super::super::regions::builtin;
    use super::*;

    #[test]
    fn long_run_share_of_bad_weather_is_the_option() {
        let region = builtin("houston").unwrap();
        let seasons = Seasons::of(&region.climate);
        let regime = WeatherRegime::of(&seasons, 0.1);
        let mut clock = RegionClock::new(&region.time_zone).unwrap();
        let start = 1_735_689_600.0;
        let mut w = Weather::start(start, &regime, &seasons, &mut clock, Rng::new(3));
        let (mut bad, mut steps, mut spells) = (0, 0, 0);
        let mut last = w.spell;
        for k in 1..(4 * 24 * 365 * 3) {
            w.advance(start + k as f64 * STEP, &regime, &seasons, &mut clock);
            steps += 1;
            bad += usize::from(Weather::is_bad(w.condition));
            if w.spell != last {
                spells += 1;
                last = w.spell;
            }
        }
        let share = bad as f64 / steps as f64;
        assert!((share - 0.1).abs() < 0.03, "{share}");
        assert!(steps / spells > 8, "spells of {} steps", steps / spells);
    }

    #[test]
    fn rain_falls_on_the_normal_number_of_rainy_days() {
        let region = builtin("london").unwrap();
        let seasons = Seasons::of(&region.climate);
        let regime = WeatherRegime::of(&seasons, 0.1);
        let mut clock = RegionClock::new(&region.time_zone).unwrap();
        let start = 1_735_689_600.0;
        let years = 4;
        let mut w = Weather::start(start, &regime, &seasons, &mut clock, Rng::new(5));
        let mut days = std::collections::BTreeMap::new();
        let (mut wet, mut steps) = (0, 0);
        for k in 1..(4 * 24 * 365 * years) {
            let t = start + k as f64 * STEP;
            w.advance(t, &regime, &seasons, &mut clock);
            assert!(w.rainy_day || !is_wet(w.condition), "rain on a dry day");
            let day = (clock.local(t) / 86400.0).floor() as i64;
            *days.entry(day).or_insert(false) |= is_wet(w.condition);
            wet += usize::from(is_wet(w.condition));
            steps += 1;
        }
        let per_year = days.values().filter(|&&r| r).count() as f64 / years as f64;
        let normal: f64 = region.climate.rainy_days.iter().sum();
        assert!(
            (per_year / normal - 1.0).abs() < 0.12,
            "{per_year} vs {normal}"
        );
        // A rainy day is wet for hours, not a passing shower.
        let hours = wet as f64 / 4.0 / (per_year * years as f64);
        assert!(
            (4.0..12.0).contains(&hours),
            "{hours} h of rain a rainy day"
        );
        assert!(steps > 0);
    }
}
