//! The customer base: a fixed number of slots whose customers return at their own rhythm.
//!
//! Slot `k` of `N` has loyalty `q = (k + 0.5) / N` and is visited at a rate proportional to
//! `(1 - q) ^ -LOYALTY_SKEW`: a superposition of one Poisson process per customer, sampled in
//! O(1) by inverting the loyalty distribution, so a few loyal customers come back often and
//! most only now and then. A first-time visitor who signs up takes over a slot: its previous
//! customer churns (never comes back), the less loyal the likelier. A customer unseen for
//! [`RETIRE_AFTER`] has lapsed and is retired: their slot is freed, and whoever visits from it
//! next is a different customer with a new id. Ids are never reused: every customer gets the
//! next number of the shard, so an id says nothing of its slot, loyalty or first visit.
//!
//! Only live customers are held (a dense vector indexed by slot), and a sweep that walks them
//! once a simulated day retires the lapsed ones, so memory follows the customers seen within
//! [`RETIRE_AFTER`]: it reaches a plateau for any run length, at most `N` customers.

use super::catalogue::Catalogue;
use super::intmap::IntMap;
use crate::catalog::browsers_of;
use crate::geo::HOUSTON;
use crate::rng::{entity_bits, Rng, RngTree, Shard, Weighted};
use crate::time::DAY;
use std::sync::OnceLock;

/// A customer unseen for this long (seconds of event time) has lapsed and is retired: 90 days,
/// a common e-commerce definition of a churned (inactive) customer.
pub const RETIRE_AFTER: f64 = 90.0 * DAY;
/// The sweep for lapsed customers walks the live ones once per this much event time.
const SWEEP_CYCLE: f64 = DAY;

/// Skew of visit frequency over the customer base: the top 10% most loyal make ~40% of returning visits.
pub const LOYALTY_SKEW: f64 = 0.6;
/// The second device of each device type (Mobile, Desktop, Tablet).
pub const SECOND_DEVICE: [usize; 3] = [1, 0, 0];
/// OS shares of each device type.
const OS_BY_DEVICE: [(&[&str], &[f64]); 3] = [
    (&["Android", "iOS"], &[55.0, 45.0]),
    (
        &["Windows", "macOS", "Linux", "Other"],
        &[70.0, 24.0, 4.0, 2.0],
    ),
    (&["iOS", "Android"], &[70.0, 30.0]),
];

/// One device_info: type (index into DEVICE_TYPES), OS and browser.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    pub device_type: u8,
    pub os: &'static str,
    pub browser: &'static str,
}

/// Every profile, each with its share within its device type.
pub fn profiles() -> &'static [(Profile, f64)] {
    static PROFILES: OnceLock<Vec<(Profile, f64)>> = OnceLock::new();
    PROFILES.get_or_init(|| {
        let mut out = Vec::new();
        for (d, (oses, os_weights)) in OS_BY_DEVICE.iter().enumerate() {
            let os_total: f64 = os_weights.iter().sum();
            for (os, os_weight) in oses.iter().zip(*os_weights) {
                let (browsers, weights) = browsers_of(os);
                let total: f64 = weights.iter().sum();
                for (browser, weight) in browsers.iter().zip(weights) {
                    let profile = Profile {
                        device_type: d as u8,
                        os,
                        browser,
                    };
                    out.push((profile, os_weight / os_total * weight / total));
                }
            }
        }
        out
    })
}

/// A customer's main device: its type by `shares`, then OS and browser by market share
/// (drawn indices are profile indices).
pub fn device_profiles(shares: &[f64; 3]) -> Weighted {
    let weights: Vec<f64> = profiles()
        .iter()
        .map(|(p, w)| shares[p.device_type as usize] * w)
        .collect();
    Weighted::new(&weights)
}

/// The second device of a customer whose main one has this type (drawn indices are profile indices).
fn second_profiles() -> &'static [Weighted; 3] {
    static SECOND: OnceLock<[Weighted; 3]> = OnceLock::new();
    SECOND.get_or_init(|| {
        [0, 1, 2].map(|d| {
            let second = SECOND_DEVICE[d] as u8;
            let weights: Vec<f64> = profiles()
                .iter()
                .map(|(p, w)| if p.device_type == second { *w } else { 0.0 })
                .collect();
            Weighted::new(&weights)
        })
    })
}

/// A shopper with stable habits: devices, home, favourite categories, price sensitivity, loyalty.
#[derive(Debug, Clone, Copy)]
pub struct Customer {
    /// The bits of the customer's UUID-shaped id (formatted when emitted).
    pub id: u128,
    /// 0 (occasional) .. 1 (most frequent visitor).
    pub loyalty: f32,
    /// 0 .. 1: how much prices put them off (mean 0.5).
    pub sensitivity: f32,
    /// Home, in thousandths of a degree.
    pub lat: i32,
    pub lon: i32,
    /// Product index of their latest purchase, -1 if none.
    pub last_purchase: i32,
    /// Unique to the customer in the population (sessions of a replaced one leave its slot alone).
    pub generation: u32,
    /// The slot the customer lives in.
    pub slot: u32,
    /// Start of the customer's latest session (event time, seconds).
    pub last_seen: f64,
    /// Profile indices of the main and the second device.
    pub device: u8,
    pub second_device: u8,
    /// Category indices, favourite first.
    pub preferred: [u8; 2],
    /// True while one of their sessions is open.
    pub busy: bool,
}

const EMPTY: Customer = Customer {
    id: 0,
    loyalty: 0.0,
    sensitivity: 0.0,
    lat: 0,
    lon: 0,
    last_purchase: -1,
    generation: 0,
    slot: u32::MAX,
    last_seen: 0.0,
    device: 0,
    second_device: 0,
    preferred: [0, 0],
    busy: false,
};

/// The live customers of one shard (ids disjoint across shards).
pub struct Population {
    r: Rng,
    pick: Rng,
    shard: Shard,
    size: usize,
    /// Live customers, densely; `index` maps a slot to its customer's place here.
    live: Vec<Customer>,
    index: IntMap<u32, u32>,
    next_number: u64,
    next_generation: u32,
    retired: u64,
    /// The sweep: the next live customer it looks at, the checks it owes, and when it last ran.
    hand: usize,
    credit: f64,
    swept: f64,
}

/// A customer drawn for a session: the slot it lives in (None for a visitor who did not sign up).
pub struct Drawn {
    pub customer: Customer,
    pub slot: Option<u32>,
}

impl Population {
    pub fn new(rng: &RngTree, size: usize) -> Population {
        Population {
            r: rng.stream("customers"),
            pick: rng.stream("customer-choice"),
            shard: rng.shard,
            size: size.clamp(1, u32::MAX as usize),
            live: Vec::new(),
            index: IntMap::default(),
            next_number: size.max(1) as u64, // as the original numbering: no all-zero id group
            next_generation: 0,
            retired: 0,
            hand: 0,
            credit: 0.0,
            swept: f64::NAN,
        }
    }

    /// A customer of no slot (placeholder of a free session slot).
    pub fn blank() -> Customer {
        EMPTY
    }

    /// Customers live now: seen within [`RETIRE_AFTER`] and not churned (at most the slots).
    pub fn known(&self) -> usize {
        self.live.len()
    }

    /// Customers retired so far (lapsed or churned).
    pub fn retired(&self) -> u64 {
        self.retired
    }

    fn get(&self, slot: u32) -> Option<&Customer> {
        self.index.get(&slot).map(|&i| &self.live[i as usize])
    }

    fn get_mut(&mut self, slot: u32) -> Option<&mut Customer> {
        match self.index.get(&slot) {
            Some(&i) => Some(&mut self.live[i as usize]),
            None => None,
        }
    }

    /// Puts `customer` in its slot, retiring whoever lived there.
    fn put(&mut self, customer: Customer) {
        match self.index.get(&customer.slot) {
            Some(&i) => {
                self.live[i as usize] = customer;
                self.retired += 1;
            }
            None => {
                self.index.insert(customer.slot, self.live.len() as u32);
                self.live.push(customer);
            }
        }
    }

    /// Retires the `i`-th live customer: its slot is free.
    fn retire_at(&mut self, i: usize) {
        let gone = self.live.swap_remove(i);
        self.index.remove(&gone.slot);
        if let Some(moved) = self.live.get(i) {
            self.index.insert(moved.slot, i as u32);
        }
        self.retired += 1;
    }

    /// Retires the customers lapsed at `t`, walking the live ones once per [`SWEEP_CYCLE`].
    pub fn sweep(&mut self, t: f64) {
        if self.swept.is_nan() || t < self.swept {
            self.swept = t;
            return;
        }
        let n = self.live.len() as f64;
        self.credit = (self.credit + (t - self.swept) / SWEEP_CYCLE * n).min(n);
        self.swept = t;
        while self.credit >= 1.0 && !self.live.is_empty() {
            self.credit -= 1.0;
            if self.hand >= self.live.len() {
                self.hand = 0;
            }
            let c = &self.live[self.hand];
            if !c.busy && t - c.last_seen > RETIRE_AFTER {
                self.retire_at(self.hand); // the last one moved here: look at it next
            } else {
                self.hand += 1;
            }
        }
    }

    /// A returning customer at `t` drawn by visit frequency, or None if the few drawn are all
    /// mid-session. A slot no live customer holds gives a customer new to the run (who may
    /// have bought before it).
    pub fn returning(
        &mut self,
        t: f64,
        devices: &Weighted,
        interest: &Weighted,
        catalogue: &Catalogue,
    ) -> Option<Drawn> {
        let size = self.size;
        for _ in 0..3 {
            let quantile = 1.0 - (1.0 - self.pick.random()).powf(1.0 / (1.0 - LOYALTY_SKEW));
            let slot = ((quantile * size as f64) as usize).min(size - 1) as u32;
            let lapsed = match self.get(slot) {
                None => true,
                Some(c) => !c.busy && t - c.last_seen > RETIRE_AFTER,
            };
            if lapsed {
                let loyalty = (slot as f64 + 0.5) / size as f64;
                let mut customer = self.create(slot, loyalty, devices, interest, true);
                if self.r.random() < 0.3 + 0.5 * loyalty {
                    // bought before the run
                    let c = customer.preferred[0] as usize;
                    customer.last_purchase = catalogue.draw(c, &mut self.r) as i32;
                }
                self.put(customer);
            }
            let c = self.get_mut(slot).expect("live");
            if !c.busy {
                c.last_seen = t;
                return Some(Drawn {
                    customer: *c,
                    slot: Some(slot),
                });
            }
        }
        None
    }

    /// A first-time visitor at `t`; one who signs up takes the slot of a churning customer.
    pub fn newcomer(
        &mut self,
        t: f64,
        devices: &Weighted,
        interest: &Weighted,
        signup: bool,
    ) -> Drawn {
        if !signup {
            return Drawn {
                customer: self.create(u32::MAX, 0.0, devices, interest, false),
                slot: None,
            };
        }
        // Churn falls on the less loyal: slot density proportional to (1 - q) ^ LOYALTY_SKEW.
        let size = self.size;
        let quantile = 1.0 - (1.0 - self.pick.random()).powf(1.0 / (1.0 + LOYALTY_SKEW));
        let slot = ((quantile * size as f64) as usize).min(size - 1) as u32;
        let loyalty = (slot as f64 + 0.5) / size as f64;
        let mut customer = self.create(slot, loyalty, devices, interest, true);
        customer.last_seen = t;
        self.put(customer);
        Drawn {
            customer,
            slot: Some(slot),
        }
    }

    /// A new customer (the shard's next number) for `slot`.
    fn create(
        &mut self,
        slot: u32,
        loyalty: f64,
        devices: &Weighted,
        interest: &Weighted,
        returns: bool,
    ) -> Customer {
        let r = &mut self.r;
        let device = devices.draw(r);
        let first = interest.draw(r);
        let mut second = interest.draw(r);
        if second == first {
            second = interest.draw(r);
        }
        let lat = HOUSTON.lat_min + (HOUSTON.lat_max - HOUSTON.lat_min) * r.random();
        let lon = HOUSTON.lon_min + (HOUSTON.lon_max - HOUSTON.lon_min) * r.random();
        let second_device = if returns {
            let d = profiles()[device].0.device_type as usize;
            second_profiles()[d].draw(r)
        } else {
            device
        };
        let sensitivity = (r.random() + r.random()) / 2.0; // triangular on 0..1, mean 0.5
        let number = self.next_number;
        self.next_number += 1;
        self.next_generation = self.next_generation.wrapping_add(1);
        Customer {
            id: entity_bits(r, self.shard, number),
            loyalty: loyalty as f32,
            sensitivity: sensitivity as f32,
            lat: (lat * 1e3).round() as i32,
            lon: (lon * 1e3).round() as i32,
            last_purchase: -1,
            generation: self.next_generation,
            slot,
            last_seen: 0.0,
            device: device as u8,
            second_device: second_device as u8,
            preferred: [first as u8, second as u8],
            busy: false,
        }
    }

    /// Marks the slot's customer busy or free (if it is still the same customer).
    pub fn set_busy(&mut self, slot: Option<u32>, generation: u32, busy: bool) {
        if let Some(c) = slot.and_then(|s| self.get_mut(s)) {
            if c.generation == generation {
                c.busy = busy;
            }
        }
    }

    /// Records a purchase on the slot's customer (if it is still the same customer).
    pub fn purchased(&mut self, slot: Option<u32>, generation: u32, product: u32) {
        if let Some(c) = slot.and_then(|s| self.get_mut(s)) {
            if c.generation == generation {
                c.last_purchase = product as i32;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_customers_plateau_and_ids_are_never_reused() {
        // 120 days of 20,000 sessions a day over a base of a million slots: without
        // retirement the live customers would grow all along; with it they level off once
        // the first lapse horizon has passed.
        let tree = RngTree::new(9, Shard { index: 0, count: 1 });
        let mut population = Population::new(&tree, 1_000_000);
        let catalogue = Catalogue::new(&mut tree.shared("catalogue"), 500);
        let devices = device_profiles(&[0.6, 0.35, 0.05]);
        let interest = Weighted::new(&[1.0; super::super::catalogue::CATEGORIES.len()]);
        let mut r = Rng::new(3);
        let mut ids = std::collections::HashSet::new();
        let mut live_by_day = Vec::new();
        let per_day = 20_000;
        for day in 0..120 {
            for k in 0..per_day {
                let t = (day as f64 + k as f64 / per_day as f64) * DAY;
                population.sweep(t);
                let drawn = if r.random() < 0.5 {
                    population.returning(t, &devices, &interest, &catalogue)
                } else {
                    Some(population.newcomer(t, &devices, &interest, r.random() < 0.05))
                };
                if let Some(d) = drawn {
                    ids.insert(d.customer.id); // a customer's own visits add nothing
                }
            }
            live_by_day.push(population.known());
        }
        let (day30, day95, day120) = (live_by_day[29], live_by_day[94], live_by_day[119]);
        assert!(day95 > 2 * day30, "{live_by_day:?}"); // still growing before the horizon
        let after: Vec<usize> = live_by_day[95..].to_vec();
        let (lo, hi) = (after.iter().min().unwrap(), after.iter().max().unwrap());
        assert!((hi - lo) as f64 / (*hi as f64) < 0.03, "{after:?}");
        assert!(day120 < 1_000_000 && population.retired() > 100_000);
        // Every customer created had a new id: distinct ids = customers ever made.
        let made = population.next_number as usize;
        assert!(ids.len() <= made);
        let mut seen = std::collections::HashSet::new();
        assert_eq!(population.index.len(), population.live.len());
        for (i, c) in population.live.iter().enumerate() {
            assert!(seen.insert(c.id));
            assert_eq!(population.index[&c.slot] as usize, i);
        }
    }

    #[test]
    fn profiles_match_their_device_types() {
        let total: f64 = profiles().iter().map(|(_, w)| w).sum();
        assert!((total - 3.0).abs() < 1e-9); // each device type's shares sum to 1
        let mut r = Rng::new(1);
        let mobile_only = device_profiles(&[1.0, 0.0, 0.0]);
        for _ in 0..1000 {
            let p = profiles()[mobile_only.draw(&mut r)].0;
            assert_eq!(p.device_type, 0);
            assert!(p.os == "Android" || p.os == "iOS");
            let second = profiles()[second_profiles()[0].draw(&mut r)].0;
            assert_eq!(second.device_type, 1); // a mobile user's second device is a desktop
        }
    }
}
