//! Maps keyed by integers the simulation makes itself (customer slots, hours), hashed by one
//! multiplication: SipHash's defence against crafted keys costs more than the lookup here.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

pub type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;

/// Multiplicative hashing (as rustc's FxHash), its well-mixed high bits rotated down to the
/// low bits that pick a bucket.
#[derive(Default)]
pub struct IntHasher(u64);

const SEED: u64 = 0xf135_7aea_2e62_a9c5;

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        self.0.rotate_left(26)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(b as u64);
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(n as u64);
    }

    fn write_i64(&mut self, n: i64) {
        self.write_u64(n as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = self.0.wrapping_add(n).wrapping_mul(SEED);
    }
}
