//! Seeded randomness: one RNG tree per run, shard-aware, never global.
//!
//! Every random stream of a run is a node of one tree rooted at the run's seed. A node's
//! seed is a hash of the root seed and the node's path, so adding a stream never shifts the
//! numbers of another, and streams of different shards are independent. Streams shared by
//! all shards (a catalogue, a merchant table, a region's weather) leave the shard out of
//! their path.

/// Shard `index` of `count` (`--shard i/N`); the default is the whole population.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Default for Shard {
    fn default() -> Self {
        Shard { index: 0, count: 1 }
    }
}

impl Shard {
    /// The global number of this shard's `n`-th entity: disjoint across shards.
    pub fn entity_number(&self, n: u64) -> u64 {
        n * self.count + self.index
    }
}

/// SplitMix64 step: the mixer used to seed and to hash paths.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A 64-bit seed from a root seed and a path (stable across runs and platforms).
pub fn derive_seed(seed: u64, path: &[&str]) -> u64 {
    let mut h = seed ^ 0x5EED_5EED_5EED_5EED;
    // Not `h` itself: `state ^= h` below would then cancel the seed out of every path.
    let mut state = h.rotate_left(32) ^ 0xA076_1D64_78BD_642F;
    for part in path {
        for chunk in part.as_bytes().chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            h ^= u64::from_le_bytes(word);
            state ^= h;
            h = splitmix(&mut state);
        }
        h ^= 0x1F; // path separator
        state ^= h;
        h = splitmix(&mut state);
    }
    h
}

/// xoshiro256++: fast, small state, good statistical quality for simulation.
#[derive(Clone, Debug)]
pub struct Rng {
    s: [u64; 4],
    spare_gauss: Option<f64>,
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut state = seed;
        let s = [
            splitmix(&mut state),
            splitmix(&mut state),
            splitmix(&mut state),
            splitmix(&mut state),
        ];
        Rng {
            s,
            spare_gauss: None,
        }
    }

    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        let s = &mut self.s;
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// Uniform in [0, 1) with 53 random bits.
    #[inline]
    pub fn random(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in [a, b).
    #[inline]
    pub fn uniform(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.random()
    }

    /// Uniform index in 0..n (n > 0).
    #[inline]
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform integer in a..=b.
    #[inline]
    pub fn randint(&mut self, a: i64, b: i64) -> i64 {
        a + self.below((b - a + 1) as usize) as i64
    }

    /// One element of a non-empty slice.
    #[inline]
    pub fn choice<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with probability `p`.
    #[inline]
    pub fn chance(&mut self, p: f64) -> bool {
        self.random() < p
    }

    /// Normal with mean `mu` and standard deviation `sigma` (polar Box-Muller, pairs cached).
    pub fn gauss(&mut self, mu: f64, sigma: f64) -> f64 {
        if let Some(z) = self.spare_gauss.take() {
            return mu + sigma * z;
        }
        loop {
            let u = 2.0 * self.random() - 1.0;
            let v = 2.0 * self.random() - 1.0;
            let s = u * u + v * v;
            if s > 0.0 && s < 1.0 {
                let m = (-2.0 * s.ln() / s).sqrt();
                self.spare_gauss = Some(v * m);
                return mu + sigma * u * m;
            }
        }
    }

    /// Exponential with rate `lambda` (mean 1 / lambda).
    #[inline]
    pub fn expovariate(&mut self, lambda: f64) -> f64 {
        -(1.0 - self.random()).ln() / lambda
    }

    /// Log-normal: exp of a normal with mean `mu` and standard deviation `sigma`.
    #[inline]
    pub fn lognormvariate(&mut self, mu: f64, sigma: f64) -> f64 {
        self.gauss(mu, sigma).exp()
    }

    /// Poisson-distributed count with mean `lambda` (inversion for small means, normal beyond).
    pub fn poisson(&mut self, lambda: f64) -> u64 {
        if lambda <= 0.0 {
            return 0;
        }
        if lambda > 60.0 {
            return self.gauss(lambda, lambda.sqrt()).round().max(0.0) as u64;
        }
        let limit = (-lambda).exp();
        let mut k = 0u64;
        let mut p = self.random();
        while p > limit {
            k += 1;
            p *= self.random();
        }
        k
    }

    /// Gamma(shape, scale) (Marsaglia-Tsang).
    pub fn gamma(&mut self, shape: f64, scale: f64) -> f64 {
        if shape < 1.0 {
            let u = self.random();
            return self.gamma(shape + 1.0, scale) * u.powf(1.0 / shape);
        }
        let d = shape - 1.0 / 3.0;
        let c = 1.0 / (9.0 * d).sqrt();
        loop {
            let x = self.gauss(0.0, 1.0);
            let v = 1.0 + c * x;
            if v <= 0.0 {
                continue;
            }
            let v = v * v * v;
            let u = self.random();
            if u < 1.0 - 0.0331 * x * x * x * x || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
                return d * v * scale;
            }
        }
    }

    /// Beta(a, b).
    pub fn beta(&mut self, a: f64, b: f64) -> f64 {
        let x = self.gamma(a, 1.0);
        let y = self.gamma(b, 1.0);
        x / (x + y)
    }

    /// 128 random bits.
    #[inline]
    pub fn bits128(&mut self) -> u128 {
        ((self.next_u64() as u128) << 64) | self.next_u64() as u128
    }
}

/// A node of the run's RNG tree.
#[derive(Clone, Copy, Debug)]
pub struct RngTree {
    pub seed: u64,
    pub shard: Shard,
}

impl RngTree {
    pub fn new(seed: u64, shard: Shard) -> RngTree {
        RngTree { seed, shard }
    }

    /// An independent stream private to this shard.
    pub fn stream(&self, name: &str) -> Rng {
        let index = self.shard.index.to_string();
        let count = self.shard.count.to_string();
        Rng::new(derive_seed(self.seed, &["shard", &index, &count, name]))
    }

    /// A stream that every shard of the run sees identically.
    pub fn shared(&self, name: &str) -> Rng {
        Rng::new(derive_seed(self.seed, &["shared", name]))
    }
}

/// A fixed weighted choice of an index, drawn in O(1) on average.
///
/// The cumulative weights are searched from a guide table (Chen and Asau's method): one entry
/// per equal slice of the total, the first index that can hold a draw in that slice, so a draw
/// scans about one or two entries instead of bisecting the whole list.
#[derive(Clone, Debug)]
pub struct Weighted {
    cum: Vec<f64>,
    total: f64,
    /// `guide[k]`: the first index whose cumulative weight exceeds a point half a slice below
    /// slice `k`'s start, so at or before the answer for any draw in slice `k` (rounding of
    /// the slice number moves a draw far less than half a slice).
    guide: Vec<u32>,
}

impl Weighted {
    /// Panics on an empty or non-positive weight list (a programming error, not user input).
    pub fn new(weights: &[f64]) -> Weighted {
        assert!(!weights.is_empty(), "need at least one weight");
        let mut cum = Vec::with_capacity(weights.len());
        let mut total = 0.0;
        for &w in weights {
            assert!(w >= 0.0, "weights must be >= 0");
            total += w;
            cum.push(total);
        }
        assert!(total > 0.0, "weights need a positive sum");
        let slices = cum.len();
        let guide = (0..slices)
            .map(|k| {
                let below = (k as f64 - 0.5).max(0.0) * total / slices as f64;
                cum.partition_point(|&c| c <= below).min(slices - 1) as u32
            })
            .collect();
        Weighted { cum, total, guide }
    }

    /// An index drawn with probability proportional to its weight.
    #[inline]
    pub fn draw(&self, rng: &mut Rng) -> usize {
        self.index_of(rng.random() * self.total)
    }

    /// The first index whose cumulative weight exceeds `x` (bisect_right), at most the last.
    #[inline]
    fn index_of(&self, x: f64) -> usize {
        let slices = self.cum.len();
        let slice = ((x / self.total * slices as f64) as usize).min(slices - 1);
        let mut i = self.guide[slice] as usize;
        while i < slices - 1 && self.cum[i] <= x {
            i += 1;
        }
        i
    }

    pub fn len(&self) -> usize {
        self.cum.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cum.is_empty()
    }
}

/// Version-4 UUID bits: `bits` with the version (4) and RFC 4122 variant set.
pub fn uuid4_bits(bits: u128) -> u128 {
    let keep: u128 = !((0xFu128 << 76) | (0x3u128 << 62));
    (bits & keep) | (0x4u128 << 76) | (0x2u128 << 62)
}

/// The UUID text of `bits` (`8-4-4-4-12` lowercase hex digits).
pub fn uuid_text(bits: u128) -> String {
    let mut text = String::with_capacity(UUID_LEN);
    write_uuid(bits, &mut text);
    text
}

/// Appends the UUID text of `bits`.
pub fn write_uuid(bits: u128, out: &mut String) {
    let mut text = [0; UUID_LEN];
    fill_uuid(bits, &mut text);
    out.push_str(std::str::from_utf8(&text).expect("ASCII"));
}

/// Length of a UUID's text.
pub const UUID_LEN: usize = 36;

/// Writes the UUID text of `bits` over `text`, 32 bits of hex digits at a time (a UUID is
/// formatted for nearly every event).
pub fn fill_uuid(bits: u128, text: &mut [u8; UUID_LEN]) {
    let digits = |at: u32| hex_digits((bits >> (96 - at)) as u32);
    text[..8].copy_from_slice(&digits(0));
    let second = digits(32);
    text[9..13].copy_from_slice(&second[..4]);
    text[14..18].copy_from_slice(&second[4..]);
    let third = digits(64);
    text[19..23].copy_from_slice(&third[..4]);
    text[24..28].copy_from_slice(&third[4..]);
    text[28..].copy_from_slice(&digits(96));
    for dash in [8, 13, 18, 23] {
        text[dash] = b'-';
    }
}

/// The 8 lowercase hex digits of `x`, most significant first, all at once.
fn hex_digits(x: u32) -> [u8; 8] {
    // One nibble per byte, the most significant in the first byte.
    let mut n = x as u64;
    n = (n | (n << 16)) & 0x0000_FFFF_0000_FFFF;
    n = (n | (n << 8)) & 0x00FF_00FF_00FF_00FF;
    n = (n | (n << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    // Bytes of 10 and more gain 1 from adding 6 (no carry crosses bytes): they are letters.
    let letters = ((n + 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101;
    (n + 0x3030_3030_3030_3030 + letters * (b'a' - b'0' - 10) as u64).to_be_bytes()
}

/// The bits of a UUID-shaped id for this shard's `n`-th entity, disjoint across shards by
/// construction.
///
/// The last group is a bijective scramble of the entity's global number (multiplying by
/// an odd constant modulo 2^48 is a bijection), so no two entities share an id and no
/// digit of the id follows the entity's number; the rest is random.
pub fn entity_bits(rng: &mut Rng, shard: Shard, n: u64) -> u128 {
    const SCRAMBLE: u128 = 0x9E37_79B9_7F4B;
    const MASK48: u128 = (1 << 48) - 1;
    let tail = (shard.entity_number(n) as u128 * SCRAMBLE) & MASK48;
    let high = rng.bits128() >> 48;
    uuid4_bits((high << 48) | tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_shard_private() {
        let a = RngTree::new(42, Shard { index: 0, count: 2 });
        let b = RngTree::new(42, Shard { index: 1, count: 2 });
        assert_eq!(a.stream("x").next_u64(), a.stream("x").next_u64());
        assert_ne!(a.stream("x").next_u64(), b.stream("x").next_u64());
        assert_eq!(a.shared("x").next_u64(), b.shared("x").next_u64());
        assert_ne!(a.stream("x").next_u64(), a.stream("y").next_u64());
        let other = RngTree::new(43, Shard { index: 0, count: 2 });
        assert_ne!(a.stream("x").next_u64(), other.stream("x").next_u64());
        assert_ne!(a.shared("x").next_u64(), other.shared("x").next_u64());
        assert_ne!(derive_seed(1, &["a"]), derive_seed(2, &["a"]));
    }

    #[test]
    fn draws_have_the_right_moments() {
        let mut r = Rng::new(1);
        let n = 200_000;
        let mean: f64 = (0..n).map(|_| r.random()).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.01);
        let g: Vec<f64> = (0..n).map(|_| r.gauss(1.0, 2.0)).collect();
        let m = g.iter().sum::<f64>() / n as f64;
        let v = g.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
        assert!((m - 1.0).abs() < 0.03 && (v.sqrt() - 2.0).abs() < 0.03);
        let e: f64 = (0..n).map(|_| r.expovariate(4.0)).sum::<f64>() / n as f64;
        assert!((e - 0.25).abs() < 0.01);
        let p: f64 = (0..n).map(|_| r.poisson(3.0) as f64).sum::<f64>() / n as f64;
        assert!((p - 3.0).abs() < 0.05);
        let gm: f64 = (0..n).map(|_| r.gamma(2.0, 3.0)).sum::<f64>() / n as f64;
        assert!((gm - 6.0).abs() < 0.1);
    }

    #[test]
    fn weighted_respects_zero_weights() {
        let w = Weighted::new(&[0.0, 1.0, 0.0, 3.0]);
        let mut r = Rng::new(3);
        let mut counts = [0; 4];
        for _ in 0..10_000 {
            counts[w.draw(&mut r)] += 1;
        }
        assert_eq!(counts[0] + counts[2], 0);
        assert!(counts[3] > 2 * counts[1]);
    }

    #[test]
    fn uuids_are_version_4_and_entity_ids_disjoint() {
        let mut r = Rng::new(5);
        let u = uuid_text(uuid4_bits(r.bits128()));
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        let a = uuid_text(entity_bits(
            &mut Rng::new(1),
            Shard { index: 0, count: 2 },
            5,
        ));
        let b = uuid_text(entity_bits(
            &mut Rng::new(1),
            Shard { index: 1, count: 2 },
            5,
        ));
        assert_ne!(a, b);
        assert_eq!(a[..24], b[..24]);
        assert_eq!(&a[14..15], "4");
    }

    /// The guide table finds what bisecting finds, for skewed, flat, tiny and zero weights.
    #[test]
    fn weighted_index_matches_bisection() {
        let mut r = Rng::new(9);
        let lists: Vec<Vec<f64>> = vec![
            vec![1.0],
            vec![0.0, 3.0, 0.0],
            vec![1e-9, 1.0, 1e9, 0.5],
            (1..500).map(|i| 1.0 / i as f64).collect(),
            (0..300).map(|i| ((i * 37) % 11) as f64).collect(),
            (0..64).map(|_| r.random()).collect(),
        ];
        for weights in lists {
            let w = Weighted::new(&weights);
            let mut xs: Vec<f64> = (0..20_000).map(|_| r.random() * w.total).collect();
            xs.extend(w.cum.iter().copied());
            xs.extend([0.0, w.total, w.total * (1.0 - f64::EPSILON)]);
            for x in xs {
                let bisected = w.cum.partition_point(|&c| c <= x).min(w.cum.len() - 1);
                assert_eq!(w.index_of(x), bisected, "{x} in {weights:?}");
            }
        }
    }

    #[test]
    fn uuid_text_is_the_hex_of_the_bits() {
        let mut r = Rng::new(3);
        for bits in [0, u128::MAX, 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210]
            .into_iter()
            .chain((0..1000).map(|_| r.bits128()))
        {
            let hex = format!("{bits:032x}");
            let expected = [
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..],
            ]
            .join("-");
            assert_eq!(uuid_text(bits), expected);
        }
    }
}
