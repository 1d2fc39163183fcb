//! The fraud scenario's world: merchants, devices, networks, cardholders and the daily rhythm
//! of spending.
//!
//! Everything here is persistent state with O(1) work per transaction: cardholders are
//! created the first time they are needed and picked without looking at their history;
//! merchants, devices and networks are built once per run (shared by all shards).

use crate::catalog::{device, ipv4_prefix, Device};
use crate::geo::WORLD_CITIES;
use crate::rng::{uuid4_bits, Rng, RngTree, Shard, Weighted};
use crate::time::{LocalTime, HOUR};
use std::sync::Arc;

pub const CITIES: usize = WORLD_CITIES.len();

pub const PRODUCT_CATEGORIES: [&str; 9] = [
    "electronics",
    "clothing",
    "groceries",
    "travel",
    "services",
    "digital_goods",
    "luxury_items",
    "gambling",
    "other",
];
pub const TRANSACTION_TYPES: [&str; 5] =
    ["purchase", "withdrawal", "transfer", "payment", "deposit"];
pub const PAYMENT_METHODS: [&str; 5] = [
    "credit_card",
    "debit_card",
    "paypal",
    "bank_transfer",
    "crypto",
];
pub const CREDIT_CARD: u8 = 0;
pub const DEBIT_CARD: u8 = 1;

/// Share of merchants (and of legitimate spending) by category.
const CATEGORY_WEIGHTS: [f64; 9] = [0.08, 0.14, 0.26, 0.06, 0.16, 0.12, 0.03, 0.03, 0.12];
/// Typical amount of a category relative to the cardholder's usual amount.
pub const CATEGORY_AMOUNT: [f64; 9] = [2.6, 1.4, 0.9, 4.0, 1.3, 0.35, 5.0, 1.2, 1.0];
/// Base risk of a merchant by category (card-not-present, resale value, chargeback-prone).
const CATEGORY_RISK: [f64; 9] = [0.35, 0.1, 0.05, 0.2, 0.1, 0.45, 0.4, 0.5, 0.1];
/// Share of merchants of a category that sell only online.
const CATEGORY_ONLINE: [f64; 9] = [0.3, 0.25, 0.1, 0.4, 0.3, 1.0, 0.25, 0.7, 0.25];
pub const TRANSACTION_TYPE_WEIGHTS: [f64; 5] = [0.82, 0.05, 0.03, 0.08, 0.02];
pub const PAYMENT_WEIGHTS: [f64; 5] = [0.45, 0.4, 0.1, 0.04, 0.01];

/// Countries of the world cities, sorted.
pub const COUNTRIES: [&str; 11] = [
    "AU", "BR", "CA", "DE", "ES", "FR", "GB", "IT", "JP", "NL", "US",
];

/// Units of a currency per US dollar (rounded 2024 rates): amounts are in the card's currency.
pub fn fx(currency: &str) -> f64 {
    match currency {
        "EUR" => 0.92,
        "GBP" => 0.79,
        "JPY" => 150.0,
        "CAD" => 1.36,
        "AUD" => 1.52,
        "BRL" => 5.0,
        _ => 1.0,
    }
}

/// The IANA time zone of a world city.
pub fn city_zone(city: usize) -> &'static str {
    let c = &WORLD_CITIES[city];
    match c.name {
        "Los Angeles" | "Seattle" => "America/Los_Angeles",
        "Chicago" | "Houston" => "America/Chicago",
        "Toronto" => "America/Toronto",
        "Vancouver" => "America/Vancouver",
        "Melbourne" => "Australia/Melbourne",
        _ => match c.country {
            "US" => "America/New_York",
            "GB" => "Europe/London",
            "FR" => "Europe/Paris",
            "DE" => "Europe/Berlin",
            "ES" => "Europe/Madrid",
            "IT" => "Europe/Rome",
            "NL" => "Europe/Amsterdam",
            "JP" => "Asia/Tokyo",
            "AU" => "Australia/Sydney",
            _ => "America/Sao_Paulo",
        },
    }
}

/// Index of a city's country in `COUNTRIES`.
pub fn city_country(city: usize) -> usize {
    let country = WORLD_CITIES[city].country;
    COUNTRIES
        .iter()
        .position(|&c| c == country)
        .expect("every city's country is listed")
}

/// Legitimate card spending by local hour, weekdays (quiet nights).
const WEEKDAY_SPEND: [f64; 24] = [
    0.6, 0.4, 0.3, 0.25, 0.25, 0.4, 0.9, 1.6, 2.4, 3.2, 3.9, 4.4, 4.8, 4.7, 4.5, 4.4, 4.5, 4.8,
    5.0, 4.8, 4.2, 3.3, 2.2, 1.2,
];
/// Weekends: later mornings.
const WEEKEND_SPEND: [f64; 24] = [
    0.9, 0.6, 0.4, 0.3, 0.25, 0.3, 0.5, 0.9, 1.6, 2.6, 3.6, 4.4, 4.9, 5.0, 4.9, 4.8, 4.7, 4.7, 4.6,
    4.3, 3.8, 3.1, 2.2, 1.4,
];
/// Fraud by the victim's local hour: flatter than spending, so relatively frequent at night.
const FRAUD_HOURS: [f64; 24] = [
    2.0, 1.8, 1.6, 1.5, 1.5, 1.6, 1.9, 2.3, 2.8, 3.2, 3.5, 3.6, 3.6, 3.6, 3.5, 3.5, 3.5, 3.6, 3.7,
    3.6, 3.3, 3.0, 2.6, 2.3,
];

/// Activity classes: (relative transactions per day, night owl, cardholders per 400). Six tiers
/// of activity (20/30/25/15/7/3%: a few dozen transactions a month for an active card, the top
/// 1% near 140), each with about one in twenty night owls.
const CLASSES: [(f64, bool, usize); 12] = [
    (0.2, false, 76),
    (0.2, true, 4),
    (0.5, false, 114),
    (0.5, true, 6),
    (1.0, false, 95),
    (1.0, true, 5),
    (1.8, false, 57),
    (1.8, true, 3),
    (3.0, false, 27),
    (3.0, true, 1),
    (4.5, false, 11),
    (4.5, true, 1),
];
const CLASS_PERIOD: usize = 400;
/// Night owls (shift workers, late chronotypes) live this many hours later than everyone else.
const OWL_SHIFT: usize = 9;
/// Legitimate spending at online-only merchants, relative to their popularity: e-commerce is
/// about 16% of retail sales (US Census Bureau, Quarterly Retail E-Commerce Sales, 2024).
const ONLINE_ONLY_SPEND: f64 = 0.3;
/// Weight of foreign online-only merchants among a cardholder's shops (cross-border e-commerce).
const FOREIGN_ONLINE: f64 = 0.03;
/// Accounts that close: the longest unseen of a few tries (dormant accounts close first).
const CLOSURE_TRIES: usize = 4;
const HOME_NETWORKS: usize = 256; // broadband /24 networks per country
const MOBILE_NETWORKS: usize = 24; // mobile carriers' /24 networks per country
const PUBLIC_NETWORKS: usize = 96; // VPN exits, hotel and cafe Wi-Fi, corporate gateways
pub const ACTIVE_DAY_KM: f64 = 8.0; // spread of a cardholder's transactions around home
const HOME_SPREAD_KM: f64 = 12.0; // spread of homes around their city
pub const DEVICE_POOL: usize = 512; // distinct devices in circulation

/// Slots (indices modulo CLASS_PERIOD) of each class: a fixed interleaving (37 is prime to 400).
fn slots_of_class() -> Vec<Vec<usize>> {
    let mut bounds = Vec::new();
    let mut total = 0;
    for &(_, _, slots) in &CLASSES {
        total += slots;
        bounds.push(total);
    }
    let mut out = vec![Vec::new(); CLASSES.len()];
    for k in 0..CLASS_PERIOD {
        let position = (k * 37) % CLASS_PERIOD;
        let class = bounds.iter().position(|&b| position < b).expect("in range");
        out[class].push(k);
    }
    out
}

/// A weighted table of member indices.
#[derive(Debug, Clone)]
pub struct Table {
    members: Vec<u32>,
    weights: Weighted,
}

impl Table {
    fn new(members: Vec<u32>, weights: &[f64], count: usize) -> Table {
        let mut members = members;
        let mut w: Vec<f64> = members.iter().map(|&m| weights[m as usize]).collect();
        if members.is_empty() || w.iter().sum::<f64>() <= 0.0 {
            // Tiny merchant lists: fall back to every merchant.
            members = (0..count as u32).collect();
            w = weights.to_vec();
            if w.iter().sum::<f64>() <= 0.0 {
                w = vec![1.0; count];
            }
        }
        Table {
            members,
            weights: Weighted::new(&w),
        }
    }

    #[inline]
    pub fn draw(&self, rng: &mut Rng) -> u32 {
        self.members[self.weights.draw(rng)]
    }
}

/// Persistent merchants (shared by all shards): category, online or not, and the tables that
/// pick merchants for each purpose.
pub struct Merchants {
    pub ids: Vec<String>,
    pub category: Vec<u8>,
    /// Index of the merchant's country in `COUNTRIES`.
    pub country: Vec<u8>,
    pub online: Vec<bool>,
    /// Legitimate spending of a country's cardholders: its shops and online merchants, popular
    /// first.
    pub regular_by_country: Vec<Table>,
    pub card_testing: Table,
    pub cash_out: Table,
    pub stolen: Table,
    /// Merchants with a shop, for card-present fraud.
    pub in_store: Table,
    pub breach: Table,
}

impl Merchants {
    pub fn new(rng: &mut Rng, count: usize) -> Merchants {
        let country_weights: Vec<f64> = COUNTRIES
            .iter()
            .map(|k| {
                WORLD_CITIES
                    .iter()
                    .filter(|c| c.country == *k)
                    .map(|c| c.weight)
                    .sum()
            })
            .collect();
        let category_of = Weighted::new(&CATEGORY_WEIGHTS);
        let country_of = Weighted::new(&country_weights);
        let mut category = Vec::with_capacity(count);
        let mut country = Vec::with_capacity(count);
        let mut online = Vec::with_capacity(count);
        let mut risk = Vec::with_capacity(count);
        let mut popularity = Vec::with_capacity(count);
        for _ in 0..count {
            let c = category_of.draw(rng);
            category.push(c as u8);
            country.push(country_of.draw(rng));
            online.push(rng.random() < CATEGORY_ONLINE[c]);
            risk.push((CATEGORY_RISK[c] * rng.lognormvariate(0.0, 0.5)).min(0.95));
            popularity.push(rng.lognormvariate(0.0, 1.0));
        }
        let everyone = || 0..count as u32;
        let select = |keep: &dyn Fn(usize) -> bool| -> Vec<u32> {
            everyone().filter(|&m| keep(m as usize)).collect()
        };
        let spending: Vec<f64> = (0..count)
            .map(|m| popularity[m] * if online[m] { ONLINE_ONLY_SPEND } else { 1.0 })
            .collect();
        let regular_by_country = (0..COUNTRIES.len())
            .map(|k| {
                let local: Vec<f64> = (0..count)
                    .map(|m| spending[m] * if country[m] == k { 1.0 } else { FOREIGN_ONLINE })
                    .collect();
                Table::new(select(&|m| country[m] == k || online[m]), &local, count)
            })
            .collect();
        let small = |c: u8| {
            matches!(
                PRODUCT_CATEGORIES[c as usize],
                "digital_goods" | "services" | "other"
            )
        };
        let resale = |c: u8| {
            matches!(
                PRODUCT_CATEGORIES[c as usize],
                "electronics" | "luxury_items" | "gambling" | "digital_goods"
            )
        };
        // Fraud goes where card spending goes, more so at risky merchants: a merchant's share of
        // fraud stays within a few times its share of spending.
        let stolen_weights: Vec<f64> = popularity.iter().zip(&risk).map(|(p, r)| p * r).collect();
        let card_testing = Table::new(
            select(&|m| online[m] && small(category[m])),
            &stolen_weights,
            count,
        );
        let cash_out = Table::new(select(&|m| resale(category[m])), &stolen_weights, count);
        let stolen = Table::new(everyone().collect(), &stolen_weights, count);
        let in_store = Table::new(select(&|m| !online[m]), &stolen_weights, count);
        let breach = Table::new(select(&|m| !online[m]), &popularity, count);
        Merchants {
            ids: (1..=count).map(|i| format!("merchant_{i}")).collect(),
            country: country.iter().map(|&c| c as u8).collect(),
            category,
            online,
            regular_by_country,
            card_testing,
            cash_out,
            stolen,
            in_store,
            breach,
        }
    }
}

/// An IPv4 /24 prefix packed in 24 bits.
pub fn pack_prefix(text: &str) -> u32 {
    text.split('.').fold(0u32, |acc, part| {
        (acc << 8) | part.parse::<u32>().unwrap_or(0)
    })
}

/// A fresh public /24 prefix, packed.
pub fn random_prefix(rng: &mut Rng) -> u32 {
    pack_prefix(&ipv4_prefix(rng))
}

/// IPv4 /24 networks of each country (shared by all shards): home broadband and mobile carriers.
///
/// Cardholders, hotels and fraudsters' proxies draw from the same pools, so a network says
/// little on its own: what matters is whether it is new *for this cardholder*.
pub struct Networks {
    pub home: Vec<Vec<u32>>,
    pub mobile: Vec<Vec<u32>>,
    /// Shared networks of no country: VPN exits, hotel and cafe Wi-Fi, corporate gateways.
    pub public: Vec<u32>,
}

impl Networks {
    pub fn new(rng: &mut Rng) -> Networks {
        let home = (0..COUNTRIES.len())
            .map(|_| (0..HOME_NETWORKS).map(|_| random_prefix(rng)).collect())
            .collect();
        let mobile = (0..COUNTRIES.len())
            .map(|_| (0..MOBILE_NETWORKS).map(|_| random_prefix(rng)).collect())
            .collect();
        let public = (0..PUBLIC_NETWORKS).map(|_| random_prefix(rng)).collect();
        Networks {
            home,
            mobile,
            public,
        }
    }
}

/// Devices (OS, browser, user agent) that cardholders and fraudsters alike use.
pub fn devices_pool(rng: &mut Rng, size: usize) -> Vec<Device> {
    (0..size).map(|_| device(rng)).collect()
}

/// One cardholder (or one account opened for fraud): stable identity, habits and a little
/// state. Compact: ids are formatted when emitted, networks are packed, lists are inline.
#[derive(Debug, Clone, Default)]
pub struct Cardholder {
    /// The UUID's bits (0 for a slot not created yet).
    pub id: u128,
    pub created: f64,
    pub lat: f64,
    pub lon: f64,
    pub coslat: f64,
    /// Usual amount, in the card's currency.
    pub median: f64,
    /// The previous transaction (-1 before the first): trips and new devices happen in between.
    pub last_seen: f64,
    /// While travelling: where, from which network, until when.
    pub trip_until: f64,
    pub trip_lat: f64,
    pub trip_lon: f64,
    /// With delayed labels: when the cardholder's pending dispute confirms its fraud.
    pub dispute: f64,
    /// Share of its purchases at merchants with a shop made online rather than in the shop.
    pub online: f32,
    pub ip_prefix: u32,
    pub trip_ip: u32,
    pub regulars: [u32; 8],
    pub devices: [u16; 2],
    pub n_devices: u8,
    pub n_regulars: u8,
    pub payment: u8,
    pub city: u8,
}

impl Cardholder {
    pub fn devices(&self) -> &[u16] {
        &self.devices[..self.n_devices as usize]
    }

    pub fn owns(&self, device: u16) -> bool {
        self.devices().contains(&device)
    }

    pub fn fx(&self) -> f64 {
        fx(WORLD_CITIES[self.city as usize].currency)
    }
}

/// A cardholder of the population: home city and number in that city.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HolderRef {
    pub city: u8,
    pub k: u32,
}

/// The cardholders of one shard, by home city and activity class, created lazily.
///
/// A cardholder is identified by its city and its slot in that city; the slot fixes its
/// activity class (a fixed interleaving of classes), so picking a cardholder in proportion to
/// activity needs only the count of each class in the city, never a list of cardholders. The
/// number of slots stays fixed: an account that opens takes the slot of one that closes, so
/// memory stays bounded however long the run.
pub struct Population {
    shared: Arc<Shared>,
    rng: Rng,
    pick_rng: Rng,
    shard: Shard,
    start: f64,
    max_age: f64,
    known: usize,
    synthetic: u64,
    holders: Vec<Vec<Cardholder>>,
    pub sizes: Vec<u64>,
    pub size: u64,
    /// Accounts opened in each city during the run (their ids are numbered after the slots).
    opened: Vec<u64>,
    slots: Vec<Vec<usize>>,
    /// Per city, the class of a pick among day people (0) and among night owls (1).
    classes: Vec<[Option<Weighted>; 2]>,
    counts: Vec<Vec<u64>>,
    pub activity: Vec<f64>,
    /// The night owls' part of each city's activity.
    pub owls: Vec<f64>,
    busy: Option<Weighted>,
    pub home_weights: Weighted,
    payment: Weighted,
}

impl Population {
    pub fn new(
        tree: &RngTree,
        shared: Arc<Shared>,
        start: f64,
        max_age: f64,
        users: u64,
    ) -> Population {
        let weights: Vec<f64> = WORLD_CITIES.iter().map(|c| c.weight).collect();
        let mut p = Population {
            shared,
            rng: tree.stream("cardholders"),
            pick_rng: tree.stream("cardholder-choice"),
            shard: tree.shard,
            start,
            max_age,
            known: 0,
            synthetic: 0,
            holders: vec![Vec::new(); CITIES],
            sizes: apportion(users, &weights),
            size: users,
            opened: vec![0; CITIES],
            slots: slots_of_class(),
            classes: vec![[None, None]; CITIES],
            counts: vec![Vec::new(); CITIES],
            activity: vec![0.0; CITIES],
            owls: vec![0.0; CITIES],
            busy: None,
            home_weights: Weighted::new(&weights),
            payment: Weighted::new(&PAYMENT_WEIGHTS),
        };
        for city in 0..CITIES {
            p.refresh(city);
        }
        p
    }

    /// Cardholders in memory (created when they first transact).
    pub fn known(&self) -> usize {
        self.known
    }

    fn refresh(&mut self, city: usize) {
        let blocks = self.sizes[city] / CLASS_PERIOD as u64;
        let rest = (self.sizes[city] % CLASS_PERIOD as u64) as usize;
        let counts: Vec<u64> = self
            .slots
            .iter()
            .map(|s| blocks * s.len() as u64 + s.iter().filter(|&&x| x < rest).count() as u64)
            .collect();
        let mut weights = [vec![0.0; CLASSES.len()], vec![0.0; CLASSES.len()]];
        for (class, (&n, &(rate, owl, _))) in counts.iter().zip(&CLASSES).enumerate() {
            weights[owl as usize][class] = n as f64 * rate;
        }
        let [day, owls] = [0, 1].map(|g| weights[g].iter().sum::<f64>());
        self.activity[city] = day + owls;
        self.owls[city] = owls;
        self.busy = None;
        self.classes[city] =
            weights.map(|w| (w.iter().sum::<f64>() > 0.0).then(|| Weighted::new(&w)));
        self.counts[city] = counts;
    }

    pub fn get(&self, r: HolderRef) -> &Cardholder {
        &self.holders[r.city as usize][r.k as usize]
    }

    pub fn get_mut(&mut self, r: HolderRef) -> &mut Cardholder {
        &mut self.holders[r.city as usize][r.k as usize]
    }

    /// Whether slot `k` of `city` is still empty (making room for it).
    fn vacant(&mut self, city: usize, k: usize) -> bool {
        let list = &mut self.holders[city];
        if list.len() <= k {
            // Most of a city's cardholders transact within days: room for all of them at once.
            let room = (self.sizes[city] as usize).max(k + 1);
            list.reserve_exact(room.saturating_sub(list.len()));
            list.resize(k + 1, Cardholder::default());
        }
        list[k].id == 0
    }

    /// Makes sure the slot's cardholder exists (created when first needed).
    fn ensure(&mut self, city: usize, k: usize) {
        if self.vacant(city, k) {
            let created = self.start - self.rng.random() * self.max_age;
            let number = ((k * CITIES + city) * 2) as u64;
            self.holders[city][k] = self.create(number, city, created);
            self.known += 1;
        }
    }

    /// A cardholder of `city`, in proportion to activity (the city must have cardholders).
    pub fn pick(&mut self, city: usize) -> HolderRef {
        let owl = self.pick_rng.random() * self.activity[city] < self.owls[city];
        self.pick_among(city, owl)
    }

    /// A night owl or a day person of `city`, in proportion to activity (anyone of the city if
    /// it has none of those).
    pub fn pick_among(&mut self, city: usize, owl: bool) -> HolderRef {
        let [day, night] = &self.classes[city];
        let table = if owl {
            night.as_ref().or(day.as_ref())
        } else {
            day.as_ref().or(night.as_ref())
        };
        let Some(class) = table.map(|t| t.draw(&mut self.pick_rng)) else {
            return self.open_account(city, self.start);
        };
        let slots = &self.slots[class];
        let j = (self.pick_rng.random() * self.counts[city][class] as f64) as usize;
        let k = (j / slots.len()) * CLASS_PERIOD + slots[j % slots.len()];
        self.ensure(city, k);
        HolderRef {
            city: city as u8,
            k: k as u32,
        }
    }

    /// A home city in proportion to its cardholders' activity.
    pub fn busy_city(&mut self) -> usize {
        if self.busy.is_none() {
            let w = if self.activity.iter().sum::<f64>() > 0.0 {
                Weighted::new(&self.activity)
            } else {
                self.home_weights.clone()
            };
            self.busy = Some(w);
        }
        self.busy
            .as_ref()
            .expect("just built")
            .draw(&mut self.pick_rng)
    }

    /// A cardholder of `country` for whom `merchant` is a regular shop, if one turns up among
    /// a few tries (activity-weighted, so mostly cardholders who shop often).
    pub fn regular_customer(&mut self, merchant: u32, country: usize) -> Option<HolderRef> {
        let cities: Vec<usize> = (0..CITIES)
            .filter(|&c| city_country(c) == country && self.activity[c] > 0.0)
            .collect();
        if cities.is_empty() {
            return None;
        }
        let weights: Vec<f64> = cities.iter().map(|&c| self.activity[c]).collect();
        let choose = Weighted::new(&weights);
        for _ in 0..64 {
            let city = cities[choose.draw(&mut self.pick_rng)];
            let who = self.pick(city);
            let h = self.get(who);
            if h.regulars[..h.n_regulars as usize].contains(&merchant) {
                return Some(who);
            }
        }
        None
    }

    /// A cardholder whose account is at least `min_age` old at `at` (the oldest of a few tries).
    pub fn pick_older(&mut self, city: usize, min_age: f64, at: f64) -> HolderRef {
        let mut best = self.pick(city);
        for _ in 0..8 {
            if at - self.get(best).created >= min_age {
                break;
            }
            let other = self.pick(city);
            if self.get(other).created < self.get(best).created {
                best = other;
            }
        }
        best
    }

    /// When the cardholder of a slot last transacted (-infinity if not created yet).
    fn last_seen(&self, city: usize, k: usize) -> f64 {
        match self.holders[city].get(k) {
            Some(h) if h.id != 0 => h.last_seen,
            _ => f64::NEG_INFINITY,
        }
    }

    /// A new account opens and takes the slot of one that closes (the longest unseen of a few
    /// tries: dormant accounts close first), so the population keeps its size.
    pub fn open_account(&mut self, city: usize, created: f64) -> HolderRef {
        if self.sizes[city] == 0 {
            // The city's first cardholder: the population grows by one, once.
            self.sizes[city] = 1;
            self.size += 1;
            self.refresh(city);
        }
        let n = self.sizes[city] as usize;
        let mut k = self.pick_rng.below(n);
        for _ in 1..CLOSURE_TRIES {
            let other = self.pick_rng.below(n);
            if self.last_seen(city, other) < self.last_seen(city, k) {
                k = other;
            }
        }
        let number = ((self.sizes[city] + self.opened[city]) * CITIES as u64 + city as u64) * 2;
        self.opened[city] += 1;
        if self.vacant(city, k) {
            self.known += 1;
        }
        self.holders[city][k] = self.create(number, city, created);
        HolderRef {
            city: city as u8,
            k: k as u32,
        }
    }

    /// An account opened by a fraudster: real-looking, never part of the shopping population.
    pub fn synthetic(&mut self, city: usize, created: f64) -> Cardholder {
        let number = self.synthetic * 2 + 1;
        self.synthetic += 1;
        self.create(number, city, created)
    }

    fn create(&mut self, number: u64, city: usize, created: f64) -> Cardholder {
        let r = &mut self.rng;
        let home = &WORLD_CITIES[city];
        let country = city_country(city);
        let id = entity_bits(r, self.shard, number);
        let lat = (home.lat + r.gauss(0.0, HOME_SPREAD_KM / 111.0)).clamp(-89.0, 89.0);
        let coslat = lat.to_radians().cos().max(0.2);
        let lon = home.lon + r.gauss(0.0, HOME_SPREAD_KM / (111.0 * coslat));
        let first = r.below(DEVICE_POOL) as u16;
        let mut devices = [first, 0];
        let mut n_devices = 1;
        if r.random() < 0.6 {
            devices[1] = r.below(DEVICE_POOL) as u16;
            n_devices = 2;
        }
        let ip_prefix = *r.choice(&self.shared.networks.home[country]);
        let median = r.lognormvariate(35f64.ln(), 0.6) * fx(home.currency);
        let payment = self.payment.draw(r) as u8;
        let online = (0.05 + 0.15 * r.random()) as f32;
        let table = &self.shared.merchants.regular_by_country[country];
        let n_regulars = r.randint(3, 8) as usize;
        let mut regulars = [0u32; 8];
        for slot in regulars.iter_mut().take(n_regulars) {
            *slot = table.draw(r);
        }
        Cardholder {
            id,
            created,
            lat,
            lon,
            coslat,
            median,
            last_seen: -1.0,
            trip_until: f64::NEG_INFINITY,
            trip_lat: 0.0,
            trip_lon: 0.0,
            dispute: f64::NEG_INFINITY,
            online,
            ip_prefix,
            trip_ip: 0,
            regulars,
            devices,
            n_devices,
            n_regulars: n_regulars as u8,
            payment,
            city: city as u8,
        }
    }
}

/// The bits of an entity's UUID: the last 48 bits mix the entity's global number (disjoint
/// across shards) through a bijection of 48-bit numbers, the rest is random.
///
/// The mix spreads every bit of the number over the whole tail, so that no digit of an id
/// tells how the entity was numbered (cardholders and fraudsters' own accounts are numbered
/// apart).
pub fn entity_bits(rng: &mut Rng, shard: Shard, n: u64) -> u128 {
    let tail = mix48(shard.entity_number(n)) as u128;
    let high = rng.bits128() >> 48;
    uuid4_bits((high << 48) | tail)
}

/// A bijection of 48-bit numbers (xor-shifts and odd multipliers, modulo 2^48).
pub fn mix48(n: u64) -> u64 {
    const MASK48: u64 = (1 << 48) - 1;
    let mut x = n & MASK48;
    x ^= x >> 24;
    x = x.wrapping_mul(0x9E37_79B9_7F4B) & MASK48;
    x ^= x >> 21;
    x = x.wrapping_mul(0xBF58_476D_1CE5) & MASK48;
    x ^= x >> 24;
    x
}

/// Appends "a.b.c.d" of a packed /24 prefix and a host number.
pub fn write_ip(prefix: u32, host: u32, out: &mut String) {
    let mut buf = itoa::Buffer::new();
    for (i, octet) in [prefix >> 16 & 0xFF, prefix >> 8 & 0xFF, prefix & 0xFF, host]
        .into_iter()
        .enumerate()
    {
        if i > 0 {
            out.push('.');
        }
        out.push_str(buf.format(octet));
    }
}

/// Tables shared by every shard of a run: merchants, networks and devices.
pub struct Shared {
    pub merchants: Merchants,
    pub networks: Networks,
    pub devices: Vec<Device>,
    pub phones: Vec<bool>,
}

impl Shared {
    pub fn new(tree: &RngTree, merchant_count: usize) -> Shared {
        let merchants = Merchants::new(&mut tree.shared("merchants"), merchant_count);
        let devices = devices_pool(&mut tree.shared("devices"), DEVICE_POOL);
        let phones = devices
            .iter()
            .map(|d| d.os == "iOS" || d.os == "Android")
            .collect();
        let networks = Networks::new(&mut tree.shared("networks"));
        Shared {
            merchants,
            networks,
            devices,
            phones,
        }
    }
}

/// The hour-by-hour shape of spending and fraud, in each city's local time.
///
/// `intensity` drives the arrival process (all cities together, averaging 1 over a week);
/// `at(hour)` gives which city the next transaction comes from, per city how much more likely
/// a fraud is than usual (fraud over spending, both by local hour: high at night) and the share
/// of its spending by night owls (who live `OWL_SHIFT` hours later).
pub struct Rhythm {
    clocks: Vec<LocalTime>,
    spend: [f64; 168],
    fraud: [f64; 168],
    day_shares: Vec<f64>,
    owl_shares: Vec<f64>,
    hour: i64,
    pub cities: Weighted,
    pub fraud_ratio: [f64; CITIES],
    pub owl_share: [f64; CITIES],
}

impl Rhythm {
    pub fn new(population: &Population) -> Rhythm {
        let clocks = (0..CITIES)
            .map(|c| LocalTime::new(city_zone(c)).expect("known zones"))
            .collect();
        let spend_mean = (5.0 * WEEKDAY_SPEND.iter().sum::<f64>()
            + 2.0 * WEEKEND_SPEND.iter().sum::<f64>())
            / 168.0;
        let fraud_mean = FRAUD_HOURS.iter().sum::<f64>() / 24.0;
        let mut spend = [0.0; 168];
        let mut fraud = [0.0; 168];
        for day in 0..7 {
            let source = if day < 5 {
                &WEEKDAY_SPEND
            } else {
                &WEEKEND_SPEND
            };
            for h in 0..24 {
                spend[day * 24 + h] = source[h] / spend_mean;
                fraud[day * 24 + h] = FRAUD_HOURS[h] / fraud_mean;
            }
        }
        let total: f64 = population.activity.iter().sum();
        let share = |a: f64| if total > 0.0 { a / total } else { 0.0 };
        Rhythm {
            clocks,
            spend,
            fraud,
            day_shares: (0..CITIES)
                .map(|c| share(population.activity[c] - population.owls[c]))
                .collect(),
            owl_shares: population.owls.iter().map(|&a| share(a)).collect(),
            hour: i64::MIN,
            cities: Weighted::new(&[1.0]),
            fraud_ratio: [0.0; CITIES],
            owl_share: [0.0; CITIES],
        }
    }

    fn week_hour(&mut self, city: usize, hour: i64) -> usize {
        let (weekday, local) = self.clocks[city].weekday_hour(hour as f64 * HOUR);
        (weekday * 24 + local) as usize
    }

    /// Spending of day people and of night owls in week hour `w`.
    fn spending(&self, w: usize) -> (f64, f64) {
        (self.spend[w], self.spend[(w + 168 - OWL_SHIFT) % 168])
    }

    /// Arrival intensity in UTC hour `hour` (cities at the start, weighted by activity).
    pub fn intensity(&mut self, hour: i64) -> f64 {
        let mut sum = 0.0;
        for c in 0..CITIES {
            if self.day_shares[c] + self.owl_shares[c] > 0.0 {
                let w = self.week_hour(c, hour);
                let (day, owl) = self.spending(w);
                sum += self.day_shares[c] * day + self.owl_shares[c] * owl;
            }
        }
        sum
    }

    /// Sets `cities`, `fraud_ratio` and `owl_share` for UTC hour `hour`, from each city's
    /// activity and its night owls' part of it.
    pub fn at(&mut self, hour: i64, activity: &[f64], owls: &[f64]) {
        if hour == self.hour {
            return;
        }
        self.hour = hour;
        let mut weights = [0.0; CITIES];
        for city in 0..CITIES {
            let w = self.week_hour(city, hour);
            let (day, owl) = self.spending(w);
            let night = owls[city] * owl;
            weights[city] = (activity[city] - owls[city]) * day + night;
            let spend = if activity[city] > 0.0 {
                weights[city] / activity[city]
            } else {
                day
            };
            self.fraud_ratio[city] = if spend > 0.0 {
                self.fraud[w] / spend
            } else {
                0.0
            };
            self.owl_share[city] = if weights[city] > 0.0 {
                night / weights[city]
            } else {
                0.0
            };
        }
        if weights.iter().sum::<f64>() > 0.0 {
            self.cities = Weighted::new(&weights);
        }
    }
}

/// Splits `total` in proportion to `weights` (largest remainders, deterministic).
pub fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let scale = total as f64 / weights.iter().sum::<f64>();
    let exact: Vec<f64> = weights.iter().map(|w| w * scale).collect();
    let mut counts: Vec<u64> = exact.iter().map(|&x| x as u64).collect();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        (counts[a] as f64 - exact[a])
            .total_cmp(&(counts[b] as f64 - exact[b]))
            .then(b.cmp(&a))
    });
    let missing = total.saturating_sub(counts.iter().sum::<u64>()) as usize;
    for &i in order.iter().take(missing) {
        counts[i] += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_uses_largest_remainders() {
        assert_eq!(apportion(10, &[1.0, 1.0, 2.0]), vec![2, 3, 5]);
        assert_eq!(apportion(0, &[1.0, 2.0]), vec![0, 0]);
    }

    #[test]
    fn classes_interleave_with_their_shares() {
        let slots = slots_of_class();
        let sizes: Vec<usize> = slots.iter().map(Vec::len).collect();
        assert_eq!(sizes, CLASSES.map(|c| c.2).to_vec());
        let owls: usize = CLASSES.iter().filter(|c| c.1).map(|c| c.2).sum();
        assert_eq!(owls * 20, CLASS_PERIOD);
    }

    #[test]
    fn ids_and_addresses_are_well_formed() {
        let id = crate::rng::uuid_text(uuid4_bits(u128::MAX));
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        let mut ip = String::new();
        write_ip(pack_prefix("81.2.69"), 7, &mut ip);
        assert_eq!(ip, "81.2.69.7");
        let tails: std::collections::HashSet<u64> = (0..100_000).map(mix48).collect();
        assert_eq!(tails.len(), 100_000);
        let odd = (0..10_000).filter(|&n| mix48(2 * n + 1) & 1 == 1).count();
        assert!((4_500..5_500).contains(&odd), "{odd}");
        let a = entity_bits(&mut Rng::new(1), Shard { index: 0, count: 2 }, 4);
        let b = entity_bits(&mut Rng::new(1), Shard { index: 1, count: 2 }, 4);
        assert_ne!(a, b);
    }

    #[test]
    fn cardholders_are_compact_and_created_once() {
        assert!(std::mem::size_of::<Cardholder>() <= 160);
        let tree = RngTree::new(1, Shard::default());
        let shared = std::sync::Arc::new(Shared::new(&tree, 50));
        let mut p = Population::new(&tree, shared, 0.0, 5.0 * 365.0 * 86400.0, 1000);
        let a = p.pick(0);
        let id = p.get(a).id;
        for _ in 0..2000 {
            p.pick(0);
        }
        assert_eq!(p.get(a).id, id);
        assert!(p.known() <= p.sizes[0] as usize);
        let n = p.open_account(3, 10.0);
        assert_eq!(p.get(n).created, 10.0);
    }
}
