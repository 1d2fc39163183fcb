//! Drivers who work shifts: who is on shift, who is free, who takes the next request.
//!
//! Each driver has a weekly routine in the region's local time (a start time, a shift length
//! and two consecutive days off). A timeline of shift starts and ends and trip ends bucketed
//! by minute keep the pool of free, on-shift drivers up to date, so dispatching a request
//! costs O(1) (and a shift change O(log n)) whatever the fleet size.

use super::city::Table;
use super::clock::RegionClock;
use crate::rng::Rng;
use crate::time::DAY;
use std::collections::{HashMap, VecDeque};

pub const SHIFT_HOURS: (f64, f64) = (5.0, 11.0);
/// Drivers are back in the pool at the first whole minute after their trip.
const TICK: f64 = 60.0;
/// Tries to find a free off-shift driver when every on-shift driver is busy.
const EXTRA_TRIES: usize = 16;
const NONE: u32 = u32::MAX;

/// Weights of shift start hours such that drivers on shift follow `need` hour by hour.
///
/// Drivers on the road at hour h are the shifts started in the hours before it that are
/// still running; the weights are found by Richardson-Lucy deconvolution (multiplicative
/// updates that keep them non-negative; a few dozen rounds converge).
pub fn shift_starts(need: &[f64; 24]) -> [f64; 24] {
    let (low, high) = SHIFT_HOURS;
    let running: Vec<f64> = (0..24)
        .map(|k| ((high - k as f64 - 0.5) / (high - low)).min(1.0))
        .take_while(|&r| r > 0.0)
        .collect();
    let total: f64 = running.iter().sum();
    let mut weights = [1.0; 24];
    for _ in 0..50 {
        let mut supply = [0.0; 24];
        for (h, s) in supply.iter_mut().enumerate() {
            *s = running
                .iter()
                .enumerate()
                .map(|(k, r)| weights[(h + 24 - k) % 24] * r)
                .sum();
        }
        let mut next = [0.0; 24];
        for s in 0..24 {
            next[s] = weights[s]
                * running
                    .iter()
                    .enumerate()
                    .map(|(k, r)| r * need[(s + k) % 24] / supply[(s + k) % 24])
                    .sum::<f64>()
                / total;
        }
        weights = next;
    }
    weights
}

#[derive(Clone, Copy)]
enum Change {
    End(u32),
    Start(u32),
}

/// Shift changes by the minute they fall in, popped in time order (ties in scheduling order):
/// a due change is found among its minute's few, not by sifting through a heap holding one
/// change per driver (a cache miss a level).
struct ShiftChanges {
    /// Minute of `minutes[0]` (it may also hold changes scheduled in earlier minutes).
    first: i64,
    /// (time, scheduling order, change) of each minute from `first` on.
    minutes: VecDeque<Vec<(f64, u64, Change)>>,
    scheduled: u64,
    len: usize,
}

impl ShiftChanges {
    /// Changes from event time `start` on.
    fn new(start: f64) -> ShiftChanges {
        ShiftChanges {
            first: (start / TICK).floor() as i64,
            minutes: VecDeque::new(),
            scheduled: 0,
            len: 0,
        }
    }

    fn schedule(&mut self, t: f64, change: Change) {
        let minute = (t / TICK).floor() as i64;
        // A change earlier than the first minute still comes out first from that bucket.
        let ahead = usize::try_from(minute - self.first).unwrap_or(0);
        if ahead >= self.minutes.len() {
            self.minutes.resize_with(ahead + 1, Vec::new);
        }
        self.scheduled += 1;
        self.minutes[ahead].push((t, self.scheduled, change));
        self.len += 1;
    }

    /// The earliest change if it is due at `t`.
    fn pop_due(&mut self, t: f64) -> Option<(f64, Change)> {
        if self.len == 0 {
            return None;
        }
        // Past minutes are empty: they go, and a later minute comes at the back. Their room is
        // not kept: a bucket reused minute after minute would keep the room of the busiest one
        // (a shift start), every bucket that large in the end.
        while self.minutes[0].is_empty() {
            self.minutes.pop_front();
            self.minutes.push_back(Vec::new());
            self.first += 1;
        }
        let bucket = &mut self.minutes[0];
        let (earliest, _) = bucket
            .iter()
            .enumerate()
            .min_by(|(_, a), (_, b)| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))
            .expect("not empty");
        if bucket[earliest].0 > t {
            return None;
        }
        let (when, _, change) = bucket.swap_remove(earliest);
        self.len -= 1;
        Some((when, change))
    }
}

/// One driver's routine and state (compact: a few words per driver, aligned to their size so
/// that a routine never straddles two cache lines).
#[derive(Clone)]
#[repr(align(32))]
pub struct Routine {
    /// Shift start, minutes after local midnight: weekdays, weekends.
    start_minute: [u16; 2],
    length: f32,
    day_off: u8,
    on_shift: bool,
    busy: bool,
    /// Position in the idle pool (NONE when not in it).
    slot: u32,
    shift_day: i32,
    free_at: f64,
}

/// Shift schedules and availability of `size` drivers (numbered from 0).
pub struct Fleet {
    rng: Rng,
    drivers: Vec<Routine>,
    idle: Vec<u32>,
    /// Drivers whose trips end in each minute from `tick` on (the front is minute `tick`).
    returning: VecDeque<Vec<u32>>,
    tick: i64,
    changes: ShiftChanges,
    offsets: HashMap<i64, f64>,
    pub next_change: f64,
    pub on_shift: usize,
    pub busy: usize,
}

impl Fleet {
    /// `need` gives the relative number of busy drivers per local hour of a weekday and of a
    /// weekend day: shifts start where the hours they cover need the most drivers.
    pub fn new(
        size: usize,
        need: &([f64; 24], [f64; 24]),
        clock: &mut RegionClock,
        mut rng: Rng,
        start: f64,
    ) -> Fleet {
        let (low, high) = SHIFT_HOURS;
        let weekday = Table::new(&shift_starts(&need.0));
        let weekend = Table::new(&shift_starts(&need.1));
        let drivers = (0..size)
            .map(|_| {
                let a = weekday.draw(&mut rng) * 60 + rng.below(60);
                let b = weekend.draw(&mut rng) * 60 + rng.below(60);
                Routine {
                    start_minute: [a as u16, b as u16],
                    length: ((low + (high - low) * rng.random()) * 3600.0) as f32,
                    day_off: rng.below(7) as u8,
                    on_shift: false,
                    busy: false,
                    slot: NONE,
                    shift_day: 0,
                    free_at: 0.0,
                }
            })
            .collect();
        let mut fleet = Fleet {
            rng,
            drivers,
            idle: Vec::new(),
            returning: VecDeque::new(),
            tick: (start / TICK).floor() as i64,
            changes: ShiftChanges::new(start),
            offsets: HashMap::new(),
            next_change: 0.0,
            on_shift: 0,
            busy: 0,
        };
        let today = (clock.local(start) / DAY).floor() as i64;
        for d in 0..size {
            let mut under_way = false;
            for day in [today - 1, today] {
                // A shift under way at the start?
                if !fleet.works(d, day) {
                    continue;
                }
                let begin = fleet.shift_start(d, day, clock);
                let end = begin + fleet.drivers[d].length as f64;
                if begin <= start && start < end {
                    fleet.drivers[d].shift_day = day as i32;
                    fleet.drivers[d].on_shift = true;
                    fleet.on_shift += 1;
                    fleet.add(d);
                    fleet.changes.schedule(end, Change::End(d as u32));
                    under_way = true;
                    break;
                }
            }
            if !under_way {
                let t = fleet.next_start(d, today - 1, start, clock);
                fleet.changes.schedule(t, Change::Start(d as u32));
            }
        }
        fleet.next_change = fleet.tick as f64 * TICK;
        fleet
    }

    pub fn size(&self) -> usize {
        self.drivers.len()
    }

    fn works(&self, d: usize, day: i64) -> bool {
        let weekday = (day + 3).rem_euclid(7) as u8;
        let off = self.drivers[d].day_off;
        weekday != off && weekday != (off + 1) % 7
    }

    /// Event time of driver d's shift start on a local day (days since the epoch).
    fn shift_start(&mut self, d: usize, day: i64, clock: &mut RegionClock) -> f64 {
        let midnight = day as f64 * DAY;
        let offset = *self
            .offsets
            .entry(day)
            .or_insert_with(|| clock.local(midnight) - midnight);
        let weekend = usize::from((day + 3).rem_euclid(7) >= 5);
        midnight + self.drivers[d].start_minute[weekend] as f64 * 60.0 - offset
    }

    fn next_start(&mut self, d: usize, after_day: i64, t: f64, clock: &mut RegionClock) -> f64 {
        let mut day = after_day + 1;
        while !self.works(d, day) || self.shift_start(d, day, clock) <= t {
            day += 1;
        }
        self.drivers[d].shift_day = day as i32;
        self.shift_start(d, day, clock)
    }

    fn add(&mut self, d: usize) {
        self.drivers[d].slot = self.idle.len() as u32;
        self.idle.push(d as u32);
    }

    fn remove(&mut self, d: usize) {
        let i = self.drivers[d].slot as usize;
        let last = self.idle.pop().expect("d is idle") as usize;
        if last != d {
            self.idle[i] = last as u32;
            self.drivers[last].slot = i as u32;
        }
        self.drivers[d].slot = NONE;
    }

    /// Brings back the drivers whose trips ended and applies shift changes, up to `t`.
    pub fn advance(&mut self, t: f64, clock: &mut RegionClock) {
        let last = (t / TICK).floor() as i64;
        // Minutes past the last bucket have no returns.
        let minutes = usize::try_from(last + 1 - self.tick).unwrap_or(0);
        for tick in self.tick..self.tick + minutes.min(self.returning.len()) as i64 {
            let back = self.returning.pop_front().expect("a bucket per minute");
            for &d in &back {
                let d = d as usize;
                // Else a queued request keeps them busy longer.
                if self.drivers[d].busy && self.drivers[d].free_at <= tick as f64 * TICK {
                    self.drivers[d].busy = false;
                    self.busy -= 1;
                    if self.drivers[d].on_shift {
                        self.add(d);
                    }
                }
            }
            // A new bucket for the minute after the last one (not the emptied one: see
            // `ShiftChanges::pop_due`).
            self.returning.push_back(Vec::new());
        }
        self.tick = self.tick.max(last + 1);
        // Shift changes are applied at the first request after each whole minute.
        while let Some((when, change)) = self.changes.pop_due(t) {
            match change {
                Change::Start(d) => {
                    let d = d as usize;
                    self.drivers[d].on_shift = true;
                    self.on_shift += 1;
                    if !self.drivers[d].busy {
                        self.add(d);
                    }
                    let end = when + self.drivers[d].length as f64;
                    self.changes.schedule(end, Change::End(d as u32));
                }
                Change::End(d) => {
                    let d = d as usize;
                    self.drivers[d].on_shift = false;
                    self.on_shift -= 1;
                    if self.drivers[d].slot != NONE {
                        self.remove(d);
                    }
                    let day = self.drivers[d].shift_day as i64;
                    let next = self.next_start(d, day, when, clock);
                    self.changes.schedule(next, Change::Start(d as u32));
                }
            }
        }
        self.next_change = self.tick as f64 * TICK;
    }

    /// A free driver for a request now: one on shift if any, else one who logs on for it.
    ///
    /// When no free driver turns up (a fleet too small for the rate), the request waits for
    /// a busy driver: it starts when their current trip ends.
    pub fn take(&mut self) -> usize {
        if !self.idle.is_empty() {
            let d = self.idle[self.rng.below(self.idle.len())] as usize;
            self.remove(d);
            return d;
        }
        let size = self.drivers.len();
        let mut d = self.rng.below(size);
        for _ in 0..EXTRA_TRIES {
            if !self.drivers[d].busy {
                break;
            }
            d = self.rng.below(size);
        }
        d
    }

    /// Keeps driver `d` busy for a request made at `now` (pick-up and trip); a driver still
    /// busy (a queued request) starts when the current trip ends.
    pub fn release(&mut self, d: usize, now: f64, busy_seconds: f64) {
        let driver = &mut self.drivers[d];
        let free_at = now.max(driver.free_at) + busy_seconds;
        driver.free_at = free_at;
        if !driver.busy {
            driver.busy = true;
            self.busy += 1;
        }
        let tick = (free_at / TICK).ceil() as i64;
        // Trips end after the request, so never before the minute `advance` is at.
        let ahead = usize::try_from(tick - self.tick).expect("a trip ends after its request");
        if ahead >= self.returning.len() {
            self.returning.resize_with(ahead + 1, Vec::new);
        }
        self.returning[ahead].push(d as u32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_need_gives_flat_starts() {
        let w = shift_starts(&[1.0; 24]);
        let (max, min) = w
            .iter()
            .fold((0.0f64, f64::MAX), |(a, b), &x| (a.max(x), b.min(x)));
        assert!(max / min < 1.01);
    }

    #[test]
    fn shifts_come_and_go_and_counts_stay_consistent() {
        let mut clock = RegionClock::new("America/Chicago").unwrap();
        let need = ([1.0; 24], [1.0; 24]);
        let start = 1_735_689_600.0;
        let mut fleet = Fleet::new(500, &need, &mut clock, Rng::new(1), start);
        let mut seen = Vec::new();
        for k in 0..(7 * 24 * 60) {
            let t = start + k as f64 * 60.0 + 1.0;
            fleet.advance(t, &mut clock);
            if k % 7 == 0 {
                let d = fleet.take();
                fleet.release(d, t, 900.0);
            }
            seen.push(fleet.on_shift);
            let idle_on_shift = fleet
                .drivers
                .iter()
                .filter(|r| r.on_shift && !r.busy)
                .count();
            assert_eq!(idle_on_shift, fleet.idle.len());
            assert_eq!(fleet.busy, fleet.drivers.iter().filter(|r| r.busy).count());
        }
        let mean = seen.iter().sum::<usize>() as f64 / seen.len() as f64;
        // About 5/7 of days x 8 h of 24 on shift.
        assert!((mean / 500.0 - 0.238).abs() < 0.05, "{mean}");
    }
}
