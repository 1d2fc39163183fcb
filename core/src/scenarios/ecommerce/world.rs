//! The shop's state and the session state machine: who starts a session and where it is
//! headed, then one event per step (the loop in `stream.rs` drives it).

use super::calendar::Calendar;
use super::catalogue::{Catalogue, CATEGORIES, QUERY_MODIFIERS, SHOP};
use super::customers::{profiles, Customer, Population};
use super::funnel::*;
use super::options::{Regime, CHANNELS, DEVICE_TYPES};
use crate::record::{Decimal, Event, Value};
use crate::rng::{uuid4_bits, write_uuid, Rng, RngTree, Weighted};
use std::sync::{Arc, OnceLock};

pub const EVENT_TYPES: [&str; 9] = [
    "page_view",
    "add_to_cart",
    "purchase",
    "search",
    "leave_review",
    "product_view",
    "remove_from_cart",
    "view_cart",
    "checkout",
];

/// The original producer's referrers, by channel (search engines by US search share).
const REFERRERS: [(&[&str], &[f64]); 6] = [
    (&["direct"], &[1.0]),
    (&["google.com", "bing.com", "yahoo.com"], &[88.0, 8.0, 4.0]),
    (
        &[
            "google.com",
            "facebook.com",
            "instagram.com",
            "affiliate_link",
        ],
        &[60.0, 15.0, 10.0, 15.0],
    ),
    (
        &[
            "facebook.com",
            "instagram.com",
            "tiktok.com",
            "pinterest.com",
            "youtube.com",
            "twitter.com",
            "reddit.com",
            "linkedin.com",
        ],
        &[30.0, 22.0, 14.0, 12.0, 10.0, 5.0, 5.0, 2.0],
    ),
    (&["email_campaign"], &[1.0]),
    (&["amazon.com"], &[1.0]),
];

// Kinds of page (and of action on a page).
pub const HOME: u8 = 0;
pub const LISTING: u8 = 1;
pub const SEARCH: u8 = 2;
pub const DETAIL: u8 = 3;
pub const REVIEWS: u8 = 4;
pub const ADDED: u8 = 5;
pub const REMOVED: u8 = 6;
pub const CART_PAGE: u8 = 7;
pub const CHECKOUT_PAGE: u8 = 8;
pub const CONFIRMATION: u8 = 9;
pub const PAGE_TYPES: [&str; 10] = [
    "home",
    "category",
    "search",
    "product",
    "review",
    "product",
    "cart",
    "cart",
    "checkout",
    "confirmation",
];
/// Median seconds on each kind of page and the spread (sigma of its logarithm): log-normal.
const DWELL: [(f64, f64); 10] = [
    (15.0, 0.9),
    (25.0, 0.9),
    (18.0, 0.8),
    (40.0, 1.0),
    (80.0, 0.7),
    (14.0, 0.8),
    (9.0, 0.7),
    (28.0, 0.8),
    (100.0, 0.6),
    (30.0, 0.8),
];
const PAUSE_PROBABILITY: f64 = 0.04; // a distraction: another tab, a phone call...
const PAUSE_MEDIAN: f64 = 150.0;
const PAUSE_SPREAD: f64 = 1.0;
const QUANTILES: usize = 1024;
/// Where a session lands, by channel: (home, category, search results, product page).
const LANDING: [[f64; 4]; 6] = [
    [0.55, 0.2, 0.05, 0.2],
    [0.1, 0.35, 0.0, 0.55],
    [0.05, 0.2, 0.0, 0.75],
    [0.15, 0.15, 0.0, 0.7],
    [0.15, 0.35, 0.0, 0.5],
    [0.1, 0.0, 0.0, 0.9],
];
/// The next page while browsing, by the session's mission and the current kind: (home,
/// category, search results, product page).
fn next_page_weights(mission: u8, kind: u8) -> [f64; 4] {
    match (mission, kind) {
        // wanderers go from listing to listing, a product now and then
        (WANDER, HOME) => [0.05, 0.7, 0.05, 0.2],
        (WANDER, LISTING) => [0.1, 0.45, 0.02, 0.43],
        (WANDER, SEARCH) => [0.05, 0.3, 0.05, 0.6],
        (WANDER, _) => [0.15, 0.5, 0.03, 0.32],
        // comparers go from product to product
        (COMPARE, HOME) => [0.02, 0.5, 0.18, 0.3],
        (COMPARE, LISTING) => [0.01, 0.07, 0.02, 0.9],
        (COMPARE, SEARCH) => [0.01, 0.04, 0.05, 0.9],
        (COMPARE, _) => [0.01, 0.1, 0.04, 0.85],
        // hunters search, look, search again
        (HUNT, HOME) => [0.02, 0.08, 0.8, 0.1],
        (HUNT, LISTING) => [0.02, 0.08, 0.45, 0.45],
        (HUNT, SEARCH) => [0.01, 0.03, 0.16, 0.8],
        (HUNT, _) => [0.02, 0.05, 0.6, 0.33],
        // buy-now and the rest
        (_, HOME) => [0.05, 0.4, 0.25, 0.3],
        (_, LISTING) => [0.05, 0.15, 0.1, 0.7],
        (_, SEARCH) => [0.02, 0.08, 0.15, 0.75],
        (_, CART_PAGE) => [0.05, 0.25, 0.15, 0.55],
        _ => [0.05, 0.2, 0.15, 0.6], // DETAIL and the rest
    }
}
/// Share of a comparing session's product pages that return to the product seen before last.
const COMPARE_AGAIN: f64 = 0.3;
const BROWSE_KINDS: [u8; 4] = [HOME, LISTING, SEARCH, DETAIL];
const QUANTITY: [f64; 4] = [75.0, 17.0, 5.0, 3.0]; // of 1, 2, 3, 4 units
/// Star ratings of reviews (5 down to 1): J-shaped, as on real shops.
const RATINGS: [f64; 5] = [55.0, 20.0, 9.0, 6.0, 10.0];
const HOME_URL: &str = "https://example.com/";
const CART_URL: &str = "https://example.com/cart";
const CHECKOUT_URL: &str = "https://example.com/checkout";
const CONFIRMATION_URL: &str = "https://example.com/checkout/confirmation";
const SEARCH_URL: &str = "https://example.com/search?q=";
const SEARCH_HIT_CLICK: f64 = 0.6; // after a search, the next product page is the searched product
const STAY_IN_CATEGORY: f64 = 0.75; // a product page stays in the session's current category
const CART_FROM_INTENT: f64 = 0.8; // what goes in the cart is mostly from the intent category

/// Log-normal dwell times by inverse CDF: QUANTILES + 1 quantiles of each kind of page (and
/// of a pause, last), interpolated linearly (one uniform per draw).
fn dwell_quantiles() -> &'static [[f64; QUANTILES + 1]; 11] {
    static TABLE: OnceLock<Box<[[f64; QUANTILES + 1]; 11]>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let normal: Vec<f64> = (0..=QUANTILES)
            .map(|i| inv_norm_cdf((i as f64 + 0.5) / (QUANTILES + 1) as f64))
            .collect();
        let mut table = Box::new([[0.0; QUANTILES + 1]; 11]);
        for (k, row) in table.iter_mut().enumerate() {
            let (median, spread) = DWELL
                .get(k)
                .copied()
                .unwrap_or((PAUSE_MEDIAN, PAUSE_SPREAD));
            for (slot, z) in row.iter_mut().zip(&normal) {
                *slot = median * (spread * z).exp();
            }
        }
        table
    })
}

/// Python's `round(x * 100) / 100`.
#[inline]
pub fn cents(x: f64) -> f64 {
    (x * 100.0).round_ties_even() / 100.0
}

/// An open session: who, where from, its plan, and where it is in the funnel.
#[derive(Debug, Clone)]
pub struct Session {
    /// Number of the session in the run (from 1; 0 marks a free slot).
    pub key: u64,
    pub id: u128,
    /// The session id as text, the key of its events (formatted once per session).
    pub id_text: String,
    pub customer: Customer,
    /// The customer's slot in the population (None for a visitor who did not sign up).
    pub slot: Option<u32>,
    pub returning: bool,
    pub device: u8,
    pub channel: u8,
    pub referrer: &'static str,
    pub outcome: u8,
    pub plan: Vec<u8>,
    pub started: f64,
    pub last_time: f64,
    /// The category the session came for (its add-to-cart propensity depends on its prices).
    pub intent: u8,
    /// The category the shopper is looking at.
    pub category: u8,
    /// What the session is after (`funnel::WANDER`...), and the product seen before the last.
    pub mission: u8,
    pub previous: i32,
    /// Shopping-calendar period when the session started.
    pub holiday: Option<u8>,
    pub step: u32,
    pub events: u32,
    pub page: u8,
    pub focus: i32,
    pub search_hit: i32,
    /// (product, quantity, unit price) in the order of first addition.
    pub cart: Vec<(u32, u32, f64)>,
    pub cart_items: u32,
    pub cart_value: f64,
    /// Purchase lines still to emit, the next being `cart[line_next]`.
    pub lines_left: u32,
    pub line_next: u32,
    pub order_id: Option<u128>,
    /// Time on the confirmation page, shared by the order's lines.
    pub hold: f64,
    pub added: bool,
    pub items: u32,
    pub value: f64,
    pub last_type: &'static str,
    /// Neighbours in the store's order of last activity (u32::MAX: none).
    pub prev: u32,
    pub next: u32,
}

impl Default for Session {
    fn default() -> Self {
        Session {
            key: 0,
            id: 0,
            id_text: String::new(),
            customer: Population::blank(),
            slot: None,
            returning: false,
            device: 0,
            channel: 0,
            referrer: "",
            outcome: 0,
            plan: Vec::new(),
            started: 0.0,
            last_time: 0.0,
            intent: 0,
            category: 0,
            mission: 0,
            previous: -1,
            holiday: None,
            step: 0,
            events: 0,
            page: HOME,
            focus: -1,
            search_hit: -1,
            cart: Vec::new(),
            cart_items: 0,
            cart_value: 0.0,
            lines_left: 0,
            line_next: 0,
            order_id: None,
            hold: 0.0,
            added: false,
            items: 0,
            value: 0.0,
            last_type: "",
            prev: u32::MAX,
            next: u32::MAX,
        }
    }
}

/// The part of a session its outcome reads and a step changes: saved before a step, it takes
/// the step back for the outcome (`--drain-labels`: a step beyond the run's limit never
/// happened).
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    events: u32,
    last_time: f64,
    last_type: &'static str,
    added: bool,
    cart_items: u32,
    cart_value: f64,
    lines_left: u32,
    order_id: Option<u128>,
    items: u32,
    value: f64,
}

impl Session {
    pub fn progress(&self) -> Progress {
        Progress {
            events: self.events,
            last_time: self.last_time,
            last_type: self.last_type,
            added: self.added,
            cart_items: self.cart_items,
            cart_value: self.cart_value,
            lines_left: self.lines_left,
            order_id: self.order_id,
            items: self.items,
            value: self.value,
        }
    }

    /// Back to `p` as far as the session's outcome can tell (the rest of its state may have
    /// moved on: it takes no further step).
    pub fn restore(&mut self, p: Progress) {
        self.events = p.events;
        self.last_time = p.last_time;
        self.last_type = p.last_type;
        self.added = p.added;
        self.cart_items = p.cart_items;
        self.cart_value = p.cart_value;
        self.lines_left = p.lines_left;
        self.order_id = p.order_id;
        self.items = p.items;
        self.value = p.value;
    }
}

/// What a session_ended event reports of a closed session.
#[derive(Debug, Clone, Copy)]
pub struct Ended {
    pub time: f64,
    pub reason: &'static str,
    pub id: u128,
    pub customer: u128,
    pub started: f64,
    pub last_time: f64,
    pub events: u32,
    pub converted: bool,
    pub outcome: &'static str,
    pub items: u32,
    pub value: f64,
    pub cart_items: u32,
    pub cart_value: f64,
    pub returning: bool,
    pub channel: u8,
    pub device_type: u8,
    pub last_type: &'static str,
}

/// The shop: catalogue, calendar, customers, and the session RNG.
pub struct Shop {
    pub catalogue: Arc<Catalogue>,
    pub calendar: Calendar,
    pub population: Population,
    r: Rng,
    /// Gaps stay below the session timeout.
    limit: f64,
    numbers: u64,
    landing: Vec<Weighted>,
    next_page: Vec<Weighted>,
    missions: [Weighted; 2],
    referrers: Vec<Weighted>,
    quantity: Weighted,
    ratings: Weighted,
    category_urls: Vec<String>,
}

impl Shop {
    pub fn new(rng: &RngTree, catalogue: Arc<Catalogue>, customers: usize, timeout: f64) -> Shop {
        Shop {
            catalogue,
            calendar: Calendar::new(),
            population: Population::new(rng, customers),
            r: rng.stream("sessions"),
            limit: timeout * 0.999,
            numbers: 0,
            landing: LANDING.iter().map(|w| Weighted::new(w)).collect(),
            next_page: (0..MISSIONS as u8 * 10)
                .map(|k| Weighted::new(&next_page_weights(k / 10, k % 10)))
                .collect(),
            missions: [
                Weighted::new(&BROWSING_MISSIONS),
                Weighted::new(&CART_MISSIONS),
            ],
            referrers: REFERRERS.iter().map(|(_, w)| Weighted::new(w)).collect(),
            quantity: Weighted::new(&QUANTITY),
            ratings: Weighted::new(&RATINGS),
            category_urls: CATEGORIES
                .iter()
                .map(|c| format!("{SHOP}/{}", c.slug))
                .collect(),
        }
    }

    /// Starts a session at `t` into `s` (a free slot whose vectors are reused).
    pub fn start(&mut self, t: f64, g: &Regime, s: &mut Session) {
        let o = &g.options;
        let mut drawn = None;
        self.population.sweep(t);
        if self.r.random() >= o.new_visitor_share {
            drawn = self
                .population
                .returning(t, &g.devices, &g.interest, &self.catalogue);
        }
        let (returning, device, mut propensity, drawn) = match drawn {
            None => {
                let signup = self.r.random() < o.signup_probability;
                let d = self.population.newcomer(t, &g.devices, &g.interest, signup);
                (false, d.customer.device, g.new_factor, d)
            }
            Some(d) => {
                let device = if self.r.random() < o.cross_device_share {
                    d.customer.second_device
                } else {
                    d.customer.device
                };
                let p = g.returning_factor * (0.5 + d.customer.loyalty as f64);
                (true, device, p, d)
            }
        };
        let mut customer = drawn.customer;
        customer.busy = true;
        self.population
            .set_busy(drawn.slot, customer.generation, true);
        let r = &mut self.r;
        let channel = g.channels.draw(r);
        let u = r.random();
        let category = if u < 0.5 {
            customer.preferred[0] as usize
        } else if u < 0.7 {
            customer.preferred[1] as usize
        } else {
            g.interest.draw(r)
        };
        propensity *= g.channel_cart[channel];
        let mut holiday = None;
        if let Some(conversion) = &g.holiday_conversion {
            holiday = self.calendar.at(t).2;
            if let Some(h) = holiday {
                propensity *= conversion[h as usize];
            }
        }
        let log_multiplier = g.log_price_multipliers[category];
        if log_multiplier != 0.0 {
            propensity *=
                (-o.price_elasticity * (0.5 + customer.sensitivity as f64) * log_multiplier).exp();
        }
        let device_type = profiles()[device as usize].0.device_type as usize;
        let outcome = if r.random() < MAX_CART_PROBABILITY.min(propensity) {
            if r.random() < g.device_completion[device_type] {
                PURCHASED
            } else {
                ABANDONED
            }
        } else if r.random()
            < MAX_BOUNCE_PROBABILITY.min(g.channel_bounce[channel] * g.device_bounce[device_type])
        {
            BOUNCED
        } else {
            BROWSED
        };
        let review = returning
            && customer.last_purchase >= 0
            && outcome != BOUNCED
            && r.random() < o.review_probability;
        self.numbers += 1;
        let id = uuid4_bits(r.bits128());
        let referrer = REFERRERS[channel].0[self.referrers[channel].draw(r)];
        let mut plan = std::mem::take(&mut s.plan);
        let mission = match outcome {
            BOUNCED => WANDER,
            BROWSED => self.missions[0].draw(r) as u8,
            _ => self.missions[1].draw(r) as u8,
        };
        let log_pages = if r.random() < DEEP_SHARE {
            g.log_pages_deep
        } else {
            g.log_pages
        };
        build_plan(r, outcome, log_pages, review, &mut plan);
        if mission == BUY_NOW && plan.len() > 1 && plan[1] == BROWSE {
            plan[1] = PRODUCT; // straight to the product they came for
        }
        let mut cart = std::mem::take(&mut s.cart);
        cart.clear();
        let mut id_text = std::mem::take(&mut s.id_text);
        id_text.clear();
        write_uuid(id, &mut id_text);
        *s = Session {
            key: self.numbers,
            id,
            id_text,
            customer,
            slot: drawn.slot,
            returning,
            device,
            channel: channel as u8,
            referrer,
            outcome,
            plan,
            started: t,
            last_time: t,
            intent: category as u8,
            category: category as u8,
            mission,
            holiday,
            cart,
            ..Session::default()
        };
    }

    /// The session's next event at `t` into `event` (after its `begin`); returns the gap to the
    /// session's next event, None if it has no more.
    pub fn step(&mut self, s: &mut Session, t: f64, g: &Regime, event: &mut Event) -> Option<f64> {
        let mut product: i64 = -1;
        let mut quantity: Option<i64> = None;
        let mut price: Option<f64> = None;
        let mut query: Option<String> = None;
        let mut rating: Option<i64> = None;
        let mut category_name: Option<&'static str> = None;
        let event_type: &'static str;
        let kind: u8;
        let url: Value;
        if s.lines_left > 0 {
            // the rest of an order's lines, at the same time
            let (p, q, unit) = s.cart[s.line_next as usize];
            s.line_next += 1;
            s.lines_left -= 1;
            product = p as i64;
            quantity = Some(q as i64);
            price = Some(unit);
            event_type = "purchase";
            kind = CONFIRMATION;
            url = Value::Static(CONFIRMATION_URL);
        } else {
            let action = s.plan[s.step as usize];
            s.step += 1;
            match action {
                LAND | BROWSE | PRODUCT => {
                    let page = match action {
                        BROWSE => {
                            let k = s.mission as usize * 10 + s.page as usize;
                            BROWSE_KINDS[self.next_page[k].draw(&mut self.r)]
                        }
                        LAND => BROWSE_KINDS[self.landing[s.channel as usize].draw(&mut self.r)],
                        _ => DETAIL,
                    };
                    kind = page;
                    if page == DETAIL {
                        let p = self.product(s, g, action == PRODUCT);
                        product = p as i64;
                        if s.focus != p as i32 {
                            s.previous = s.focus;
                        }
                        s.focus = p as i32;
                        s.category = self.catalogue.category[p as usize];
                        event_type = "product_view";
                        url = Value::Str(self.catalogue.url_into(p, event.text()));
                    } else if page == LISTING {
                        if self.r.random() >= 0.6 {
                            s.category = g.interest.draw(&mut self.r) as u8;
                        }
                        event_type = "page_view";
                        url = Value::Str(event.text_from(&self.category_urls[s.category as usize]));
                        category_name = Some(CATEGORIES[s.category as usize].name);
                    } else if page == SEARCH {
                        if self.r.random() >= 0.8 {
                            s.category = g.interest.draw(&mut self.r) as u8;
                        }
                        let hit = self.catalogue.draw(s.category as usize, &mut self.r);
                        let modifier = QUERY_MODIFIERS[self.r.below(QUERY_MODIFIERS.len())];
                        let mut q = event.text_from(self.catalogue.term_of(hit));
                        if let Some(m) = modifier {
                            q.push(' ');
                            q.push_str(m);
                        }
                        s.search_hit = hit as i32;
                        event_type = "search";
                        let mut text = event.text_from(SEARCH_URL);
                        text.extend(q.chars().map(|c| if c == ' ' { '+' } else { c }));
                        url = Value::Str(text);
                        query = Some(q);
                    } else {
                        event_type = "page_view";
                        url = Value::Static(HOME_URL);
                    }
                }
                ADD => {
                    let p = s.focus as u32;
                    let q = 1 + self.quantity.draw(&mut self.r) as u32;
                    let unit = g.prices[p as usize];
                    match s.cart.iter_mut().find(|line| line.0 == p) {
                        Some(line) => {
                            line.1 += q;
                            line.2 = unit;
                        }
                        None => s.cart.push((p, q, unit)),
                    }
                    s.cart_items += q;
                    s.cart_value += q as f64 * unit;
                    s.added = true;
                    product = p as i64;
                    quantity = Some(q as i64);
                    price = Some(unit);
                    event_type = "add_to_cart";
                    kind = ADDED;
                    url = Value::Str(self.catalogue.url_into(p, event.text()));
                }
                REMOVE if s.cart.len() > 1 || s.cart_items > 1 => {
                    // A whole line goes; a single line (two views of one product merged) loses a unit.
                    let i = self.r.below(s.cart.len());
                    let (p, held, unit) = s.cart.remove(i);
                    let q = if s.cart.is_empty() { 1 } else { held };
                    if held > q {
                        s.cart.push((p, held - q, unit));
                    }
                    s.cart_items -= q;
                    s.cart_value -= q as f64 * unit;
                    product = p as i64;
                    quantity = Some(q as i64);
                    price = Some(unit);
                    event_type = "remove_from_cart";
                    kind = REMOVED;
                    url = Value::Static(CART_URL);
                }
                CART | REMOVE => {
                    // a cart of one unit is viewed, not emptied
                    event_type = "view_cart";
                    kind = CART_PAGE;
                    url = Value::Static(CART_URL);
                }
                CHECKOUT => {
                    event_type = "checkout";
                    kind = CHECKOUT_PAGE;
                    url = Value::Static(CHECKOUT_URL);
                }
                PURCHASE => {
                    s.order_id = Some(uuid4_bits(self.r.bits128()));
                    s.items = s.cart_items;
                    s.value = s.cart_value;
                    s.hold = self.dwell(CONFIRMATION, g.options.time_on_page_scale);
                    let (p, q, unit) = s.cart[0];
                    s.line_next = 1;
                    s.lines_left = s.cart.len() as u32 - 1;
                    product = p as i64;
                    quantity = Some(q as i64);
                    price = Some(unit);
                    event_type = "purchase";
                    kind = CONFIRMATION;
                    url = Value::Static(CONFIRMATION_URL);
                }
                _ => {
                    // REVIEW: of their latest purchase
                    let p = s.customer.last_purchase as u32;
                    product = p as i64;
                    rating = Some(5 - self.ratings.draw(&mut self.r) as i64);
                    event_type = "leave_review";
                    kind = REVIEWS;
                    let mut text = self.catalogue.url_into(p, event.text());
                    text.push_str("/reviews");
                    url = Value::Str(text);
                }
            }
        }
        if product >= 0 {
            category_name = Some(self.catalogue.category_name(product as u32));
            if price.is_none() {
                price = Some(g.prices[product as usize]);
            }
        }
        let dwell = if kind == CONFIRMATION {
            s.hold
        } else {
            self.dwell(kind, g.options.time_on_page_scale)
        };
        s.page = kind;
        s.events += 1;
        s.last_time = t;
        s.last_type = event_type;
        let cart_items = s.cart_items;
        let cart_value = if cart_items > 0 {
            cents(s.cart_value)
        } else {
            0.0
        };
        let mut order_id = None;
        if kind == CONFIRMATION {
            order_id = s.order_id;
            if s.lines_left == 0 {
                // the order's last line: the cart is bought
                s.cart.clear();
                s.customer.last_purchase = product as i32;
                self.population
                    .purchased(s.slot, s.customer.generation, product as u32);
                s.cart_items = 0;
                s.cart_value = 0.0;
            }
        }
        let gap = if s.lines_left > 0 {
            Some(0.0)
        } else if (s.step as usize) < s.plan.len() {
            Some(dwell)
        } else {
            None
        };
        let profile = profiles()[s.device as usize].0;
        event.key.push_str(&s.id_text);
        event.push(Value::uuid(uuid4_bits(self.r.bits128())));
        event.push(Value::uuid(s.customer.id));
        event.push(Value::uuid(s.id));
        event.push(Value::Time(t));
        event.push(event_type);
        if product >= 0 {
            let mut id = event.text();
            self.catalogue.write_product_id(product as u32, &mut id);
            event.push(id);
        } else {
            event.push(Value::Null);
        }
        event.push(category_name);
        event.push(price);
        event.push(quantity);
        event.push(url);
        event.push(if s.events == 1 {
            Some(s.referrer)
        } else {
            None
        });
        event.push(DEVICE_TYPES[profile.device_type as usize]);
        event.push(profile.browser);
        event.push(profile.os);
        event.push(Decimal::of_units(s.customer.lat.into(), 3));
        event.push(Decimal::of_units(s.customer.lon.into(), 3));
        event.push(dwell.round_ties_even() as i64);
        event.push(query);
        event.push(s.events as i64);
        event.push(if s.returning { "returning" } else { "new" });
        event.push(CHANNELS[s.channel as usize]);
        event.push(PAGE_TYPES[kind as usize]);
        event.push(cart_items as i64);
        event.push(cart_value);
        event.push(order_id.map_or(Value::Null, Value::uuid));
        event.push(rating);
        event.push(s.holiday.map(|h| super::options::HOLIDAYS[h as usize]));
        event.push(OUTCOMES[s.outcome as usize]);
        gap
    }

    /// A product page: the searched product, or a popular one of the current category.
    ///
    /// The product page before an add to cart shows what the session came for (its intent
    /// category, mostly), never a product already in the cart.
    fn product(&mut self, s: &Session, g: &Regime, for_cart: bool) -> u32 {
        let r = &mut self.r;
        let catalogue = &self.catalogue;
        if !for_cart && s.page == SEARCH && s.search_hit >= 0 && r.random() < SEARCH_HIT_CLICK {
            return s.search_hit as u32;
        }
        if !for_cart && s.mission == COMPARE && s.previous >= 0 && r.random() < COMPARE_AGAIN {
            return s.previous as u32; // back to the one seen before, to compare
        }
        let stay = if s.mission == COMPARE {
            0.92
        } else {
            STAY_IN_CATEGORY
        };
        let customer = &s.customer;
        let mut product = 0;
        for _ in 0..8 {
            let u = r.random();
            let category = if for_cart {
                if u < CART_FROM_INTENT {
                    s.intent as usize
                } else {
                    s.category as usize
                }
            } else if u < stay {
                s.category as usize
            } else if u < 0.875 {
                customer.preferred[1] as usize
            } else {
                g.interest.draw(r)
            };
            product = catalogue.draw(category, r);
            if catalogue.base_price[product as usize] > catalogue.expensive[category]
                && r.random() < customer.sensitivity as f64
            {
                product = catalogue.draw(category, r); // a cheaper-minded second look
            }
            if !(for_cart && s.cart.iter().any(|line| line.0 == product)) {
                break;
            }
        }
        product
    }

    /// Seconds on a page: log-normal, sometimes with a pause, always below the session timeout.
    fn dwell(&mut self, kind: u8, scale: f64) -> f64 {
        let tables = dwell_quantiles();
        let r = &mut self.r;
        let table = &tables[kind as usize];
        let x = r.random() * QUANTILES as f64;
        let i = x as usize;
        let mut dwell = table[i] + (x - i as f64) * (table[i + 1] - table[i]);
        if r.random() < PAUSE_PROBABILITY {
            let pause = &tables[10];
            let x = r.random() * QUANTILES as f64;
            let i = x as usize;
            dwell += pause[i] + (x - i as f64) * (pause[i + 1] - pause[i]);
        }
        dwell *= scale;
        if dwell >= self.limit {
            dwell = self.limit * r.random();
        }
        dwell
    }

    /// A closed session's report (no randomness: the main stream is unaffected).
    pub fn ended(&mut self, s: &Session, t: f64, reason: &'static str) -> Ended {
        self.population
            .set_busy(s.slot, s.customer.generation, false);
        let converted = s.order_id.is_some() && s.lines_left == 0;
        let outcome = if converted {
            "purchase"
        } else if s.added {
            "cart_abandoned"
        } else if s.events == 1 {
            "bounced"
        } else {
            "browsed"
        };
        Ended {
            time: t,
            reason,
            id: s.id,
            customer: s.customer.id,
            started: s.started,
            last_time: s.last_time,
            events: s.events,
            converted,
            outcome,
            items: if converted { s.items } else { 0 },
            value: if converted { cents(s.value) } else { 0.0 },
            cart_items: s.cart_items,
            cart_value: cents(s.cart_value),
            returning: s.returning,
            channel: s.channel,
            device_type: profiles()[s.device as usize].0.device_type,
            last_type: s.last_type,
        }
    }
}
