//! Fraud typologies: how each kind of fraud campaign unfolds, and what its transactions look
//! like.
//!
//! A campaign is planned when it starts: its transactions are scheduled on a timeline
//! (several per victim, clustered in time) and built when their time comes. Fraud looks
//! different from the *victim's own* habits: amounts are multiples of the victim's usual
//! amount, devices, networks and places are not the victim's. No single field gives it away:
//! legitimate cardholders also travel, change phones, buy expensive things and forget their CVV.

use super::options::*;
use super::world::*;
use crate::geo::{haversine_km, WORLD_CITIES};
use crate::rng::{uuid4_bits, Rng, Weighted};
use crate::time::{DAY, HOUR};
use crate::timeline::Timeline;
use std::collections::HashMap;
use std::sync::Arc;

const PROBE_GAP: f64 = 40.0;
/// A burst of card testing at one merchant lasts minutes to hours.
const BURST_WINDOW: (f64, f64) = (10.0 * 60.0, 3.0 * HOUR);
const CASH_OUT_DELAY: (f64, f64) = (5.0 * 60.0, 6.0 * HOUR);
const STOLEN_GAP: f64 = 2.0 * HOUR;
const STOLEN_SPAN: f64 = 2.0 * DAY;
const TAKEOVER_GAP: f64 = 3.0 * HOUR;
const TAKEOVER_SPAN: f64 = DAY;
const TAKEOVER_MIN_AGE: f64 = 180.0 * DAY;
const NEW_ACCOUNT_GAP: f64 = 2.0 * HOUR;
const NEW_ACCOUNT_SPAN: f64 = DAY;
/// The account was opened at most this long before its first purchase.
const NEW_ACCOUNT_OPENED: f64 = 2.0 * DAY;
/// Cards used at a breached merchant are captured during this window.
const BREACH_CAPTURE: f64 = 2.0 * DAY;
/// From capture to first fraudulent use.
const COUNTERFEIT_DELAY: (f64, f64) = (DAY, 7.0 * DAY);
const COUNTERFEIT_GAP: f64 = 3.0 * HOUR;
const COUNTERFEIT_SPAN: f64 = DAY;

/// How far back campaigns still running at the start of a run may have started.
fn longest(typology: usize) -> f64 {
    match typology {
        CARD_TESTING => BURST_WINDOW.1 + PROBES.1 as f64 * PROBE_GAP * 3.0 + CASH_OUT_DELAY.1,
        STOLEN_CARD => STOLEN_SPAN,
        ACCOUNT_TAKEOVER => TAKEOVER_SPAN,
        NEW_ACCOUNT => NEW_ACCOUNT_SPAN,
        _ => BREACH_CAPTURE + COUNTERFEIT_DELAY.1 + COUNTERFEIT_SPAN,
    }
}

/// Share of attacks made in the victim's own city (a lost or stolen card, a local fraudster).
fn local_share(typology: usize) -> f64 {
    match typology {
        STOLEN_CARD => 0.2,
        ACCOUNT_TAKEOVER => 0.1,
        COMPROMISED_MERCHANT => 0.3,
        _ => 0.0,
    }
}

// Card-not-present shares of stolen and cloned cards' transactions: with card testing, account
// takeover and new accounts (online by nature) about three quarters of fraud is card not
// present, three times card-present fraud (UK Finance, Annual Fraud Report 2023: remote purchase
// fraud about three times counterfeit, lost and stolen card fraud).
const STOLEN_LOCAL_ONLINE: f64 = 0.3;
const STOLEN_REMOTE_ONLINE: f64 = 0.8;
const COUNTERFEIT_ONLINE: f64 = 0.4;

/// Share of amounts in whole units of the card's currency (legitimate purchases too).
pub const ROUND_AMOUNT: f64 = 0.06;

const PROXY_IN_VICTIM_COUNTRY: f64 = 0.45; // a proxy in the victim's country
const FRAUDSTER_BROADBAND: f64 = 0.3; // the fraudster's own broadband

const TAKEOVER_PAYMENTS: [u8; 4] = [2, 3, 4, 0]; // paypal, bank_transfer, crypto, credit_card
const TAKEOVER_PAYMENT_WEIGHTS: [f64; 4] = [0.35, 0.3, 0.15, 0.2];
const TAKEOVER_TYPES: [u8; 3] = [0, 2, 1]; // purchase, transfer, withdrawal
const TAKEOVER_TYPE_WEIGHTS: [f64; 3] = [0.4, 0.35, 0.25];

/// Kinds of scheduled fraudulent transactions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Probe,
    CashOut,
    Stolen,
    Takeover,
    New,
    Counterfeit,
}

/// Whose card an attack uses.
#[derive(Debug, Clone)]
pub enum Victim {
    /// A cardholder of `city`, picked when first needed.
    Unknown,
    Holder(HolderRef),
    /// An account the fraudster opened (not part of the shopping population).
    Own(Box<Cardholder>),
}

/// One victim's part of a campaign: who is hit, from where and with what, and when it ends.
#[derive(Debug, Clone)]
pub struct Attack {
    pub typology: u8,
    pub city: u8,
    pub local: bool,
    pub device: u16,
    pub campaign: u128,
    pub victim: Victim,
    pub ip_prefix: u32,
    pub merchant: u32,
    pub lat: f64,
    pub lon: f64,
    /// Time of the victim's last planned fraudulent transaction.
    pub last: f64,
    /// Its transactions still to come.
    pub left: u32,
    /// When the fraud is confirmed (delayed labels).
    pub confirmed: Option<f64>,
    /// Whether the attack imitates its victim (drawn at its first transaction).
    pub mimic: Option<bool>,
}

/// A compromised merchant: the cards used there during the capture window are stolen.
#[derive(Debug, Clone)]
struct Breach {
    serial: u64,
    campaign: u128,
    left: i64,
}

/// On the timeline: a fraudulent transaction, a breach's end, or a stolen card's first use.
#[derive(Debug, Clone, Copy)]
pub enum Item {
    Transaction(Kind, u32),
    BreachEnd {
        merchant: u32,
        serial: u64,
    },
    Stolen {
        campaign: u128,
        city: u8,
        victim: Option<HolderRef>,
    },
}

/// One fraudulent transaction as built: what the stream emits.
#[derive(Debug, Clone)]
pub struct Fraud {
    pub user: u128,
    pub currency: &'static str,
    pub created: f64,
    pub amount: f64,
    pub merchant: u32,
    pub transaction_type: u8,
    pub payment: u8,
    pub lat: f64,
    pub lon: f64,
    pub ip_prefix: u32,
    pub device: u16,
    pub cvv: bool,
    pub billing: bool,
    pub online: bool,
    pub typology: u8,
    pub campaign: u128,
    pub home_distance_km: f64,
    pub new_device: bool,
    /// The attack (for its confirmation, with delayed labels).
    pub attack: u32,
    /// The victim, when part of the population.
    pub holder: Option<HolderRef>,
}

/// Starts campaigns, keeps their scheduled transactions in time order and builds them.
pub struct Campaigns {
    r: Rng,
    shared: Arc<Shared>,
    pub timeline: Timeline<Item>,
    attacks: Vec<Attack>,
    free: Vec<u32>,
    breaches: HashMap<u32, Breach>,
    serial: u64,
    /// Attacks with transactions to come, and stolen cards not used yet.
    pub under_way: i64,
    not_before: f64,
    takeover_payments: Weighted,
    takeover_types: Weighted,
    home_weights: Weighted,
}

/// `usd` times a multiple drawn in `times`, kept within `[lo, hi]` without piling up on the
/// bounds: below `lo`, a little above it.
fn soft_clamp(r: &mut Rng, usd: f64, times: (f64, f64), lo: f64, hi: f64) -> f64 {
    let x = usd * r.uniform(times.0, times.1);
    if x < lo {
        lo * r.uniform(1.0, 1.8)
    } else if x > hi {
        hi * r.uniform(0.6, 1.0)
    } else {
        x
    }
}

fn round2(x: f64, fx: f64) -> f64 {
    if fx >= 100.0 {
        x.round()
    } else {
        (x * 100.0).round() / 100.0
    }
}

impl Campaigns {
    pub fn new(r: Rng, shared: Arc<Shared>) -> Campaigns {
        Campaigns {
            r,
            shared,
            timeline: Timeline::new(),
            attacks: Vec::new(),
            free: Vec::new(),
            breaches: HashMap::new(),
            serial: 0,
            under_way: 0,
            not_before: f64::NEG_INFINITY,
            takeover_payments: Weighted::new(&TAKEOVER_PAYMENT_WEIGHTS),
            takeover_types: Weighted::new(&TAKEOVER_TYPE_WEIGHTS),
            home_weights: Weighted::new(&WORLD_CITIES.map(|c| c.weight)),
        }
    }

    pub fn attack(&self, i: u32) -> &Attack {
        &self.attacks[i as usize]
    }

    pub fn attack_mut(&mut self, i: u32) -> &mut Attack {
        &mut self.attacks[i as usize]
    }

    /// When an attack's fraud is confirmed: with the victim's dispute under way if that comes
    /// after the attack's last transaction (a cardholder disputes all its fraud at once), else
    /// `delay` after that last transaction.
    pub fn confirm(&mut self, index: u32, delay: f64, population: &mut Population) -> f64 {
        let attack = &mut self.attacks[index as usize];
        if let Some(confirmed) = attack.confirmed {
            return confirmed;
        }
        let pending = match &attack.victim {
            Victim::Holder(h) => population.get(*h).dispute,
            Victim::Own(account) => account.dispute,
            Victim::Unknown => f64::NEG_INFINITY,
        };
        let confirmed = if pending >= attack.last {
            pending
        } else {
            attack.last + delay
        };
        attack.confirmed = Some(confirmed);
        match &mut attack.victim {
            Victim::Holder(h) => population.get_mut(*h).dispute = confirmed,
            Victim::Own(account) => account.dispute = confirmed,
            Victim::Unknown => {}
        }
        confirmed
    }

    pub fn has_breaches(&self) -> bool {
        !self.breaches.is_empty()
    }

    /// Starts a campaign of `typology` at `t` against a cardholder of `city`.
    pub fn start(
        &mut self,
        typology: usize,
        t: f64,
        city: usize,
        regime: &Regime,
        population: &mut Population,
    ) {
        match typology {
            CARD_TESTING => self.card_testing(t, city, regime, population),
            STOLEN_CARD => self.stolen_card(t, city),
            ACCOUNT_TAKEOVER => self.account_takeover(t, city, population),
            NEW_ACCOUNT => self.new_account(t, city, population),
            _ => self.compromised_merchant(t, population),
        }
    }

    /// Starts the campaigns that would still be running at `start` had the run begun earlier.
    ///
    /// Without this, a run would open with less fraud than `fraud_probability` until its first
    /// campaigns had grown. Only their transactions from `start` on are kept.
    pub fn warm_up(
        &mut self,
        start: f64,
        rate: f64,
        regime: &Regime,
        cities: &Weighted,
        population: &mut Population,
    ) {
        self.not_before = start;
        for typology in 0..TYPOLOGIES.len() {
            let per_second = rate
                * regime.fraud_probability
                * regime.shares[typology]
                * regime.start_probability[typology];
            if per_second <= 0.0 {
                continue;
            }
            let mut t = start;
            loop {
                t -= self.r.expovariate(per_second);
                if t < start - longest(typology) {
                    break;
                }
                let city = cities.draw(&mut self.r);
                self.start(typology, t, city, regime, population);
            }
        }
        self.not_before = f64::NEG_INFINITY;
    }

    fn new_attack(
        &mut self,
        typology: usize,
        campaign: u128,
        city: usize,
        victim: Victim,
    ) -> Attack {
        Attack {
            typology: typology as u8,
            city: city as u8,
            local: false,
            device: 0,
            campaign,
            victim,
            ip_prefix: 0,
            merchant: 0,
            lat: 0.0,
            lon: 0.0,
            last: f64::NEG_INFINITY,
            left: 0,
            confirmed: None,
            mimic: None,
        }
    }

    /// An attack run from a fraudster's own device, network and city.
    fn fraudster(
        &mut self,
        typology: usize,
        campaign: u128,
        city: usize,
        victim: Victim,
    ) -> Attack {
        let mut attack = self.new_attack(typology, campaign, city, victim);
        let r = &mut self.r;
        attack.device = r.below(DEVICE_POOL) as u16;
        attack.local = r.random() < local_share(typology);
        let mut place = city;
        if !attack.local {
            place = self.home_weights.draw(r);
            if place == city {
                place = (city + 1 + r.below(CITIES - 1)) % CITIES;
            }
        }
        let network = r.random();
        let nets = &self.shared.networks;
        attack.ip_prefix = if network < PROXY_IN_VICTIM_COUNTRY {
            *r.choice(&nets.mobile[city_country(city)])
        } else if network < PROXY_IN_VICTIM_COUNTRY + FRAUDSTER_BROADBAND {
            *r.choice(&nets.home[city_country(place)])
        } else {
            *r.choice(&nets.public) // a VPN exit or public Wi-Fi, as legitimate customers use
        };
        let p = &WORLD_CITIES[place];
        attack.lat = p.lat + r.gauss(0.0, 0.1);
        attack.lon = p.lon + r.gauss(0.0, 0.1);
        attack
    }

    /// Times of `count` transactions from `t`: exponential gaps, within `span`.
    fn series(&mut self, mut t: f64, count: (i64, i64), gap: f64, span: f64) -> Vec<f64> {
        let r = &mut self.r;
        let end = t + span;
        let n = count.0 - 1 + (r.random() * (count.1 - count.0 + 1) as f64) as i64;
        let mut times = vec![t];
        for _ in 0..n {
            t = end.min(t - gap * (1.0 - r.random()).ln());
            times.push(t);
        }
        times
    }

    /// Schedules an attack's transactions (those from the run's start on).
    fn launch(&mut self, mut attack: Attack, kinds: &[(f64, Kind)]) {
        attack.last = kinds.last().expect("some transactions").0;
        let index = match self.free.pop() {
            Some(i) => i,
            None => {
                self.attacks.push(attack.clone());
                (self.attacks.len() - 1) as u32
            }
        };
        for &(t, kind) in kinds {
            if t >= self.not_before {
                self.timeline.schedule(t, Item::Transaction(kind, index));
                attack.left += 1;
            }
        }
        if attack.left == 0 {
            self.free.push(index);
            return;
        }
        self.attacks[index as usize] = attack;
        self.under_way += 1;
    }

    // Each planner draws its times first and builds the attack only if some are still to come,
    // so that warming up costs little for campaigns that ended before the run.

    /// A burst of card testing: many stolen cards run through one merchant within minutes to
    /// hours, each probed a few times, from rotating devices and proxies; cards that pass may be
    /// cashed out.
    fn card_testing(&mut self, t: f64, city: usize, regime: &Regime, population: &mut Population) {
        let window = self.r.uniform(BURST_WINDOW.0, BURST_WINDOW.1);
        let merchant = self.shared.merchants.card_testing.draw(&mut self.r);
        let campaign = uuid4_bits(self.r.bits128());
        for card in 0..self.r.randint(BURST_CARDS.0, BURST_CARDS.1) {
            let mut u = t + if card == 0 {
                0.0
            } else {
                self.r.random() * window
            };
            let mut kinds = Vec::new();
            for _ in 0..self.r.randint(PROBES.0, PROBES.1) {
                kinds.push((u, Kind::Probe));
                u += self.r.expovariate(1.0 / PROBE_GAP);
            }
            if self.r.random() < regime.cash_out {
                let cash_out = u + self.r.uniform(CASH_OUT_DELAY.0, CASH_OUT_DELAY.1);
                kinds.push((cash_out, Kind::CashOut));
            }
            if kinds.last().expect("probes").0 >= self.not_before {
                // Cards of a bought list: cardholders of any city.
                let home = if card == 0 {
                    city
                } else {
                    population.busy_city()
                };
                let mut attack = self.fraudster(CARD_TESTING, campaign, home, Victim::Unknown);
                attack.merchant = merchant;
                self.launch(attack, &kinds);
            }
        }
    }

    fn stolen_card(&mut self, t: f64, city: usize) {
        let times = self.series(t, STOLEN_TRANSACTIONS, STOLEN_GAP, STOLEN_SPAN);
        if *times.last().expect("some") >= self.not_before {
            let campaign = uuid4_bits(self.r.bits128());
            let attack = self.fraudster(STOLEN_CARD, campaign, city, Victim::Unknown);
            let kinds: Vec<_> = times.into_iter().map(|x| (x, Kind::Stolen)).collect();
            self.launch(attack, &kinds);
        }
    }

    fn account_takeover(&mut self, t: f64, city: usize, population: &mut Population) {
        let times = self.series(t, TAKEOVER_TRANSACTIONS, TAKEOVER_GAP, TAKEOVER_SPAN);
        if *times.last().expect("some") >= self.not_before {
            let victim = population.pick_older(city, TAKEOVER_MIN_AGE, t);
            let campaign = uuid4_bits(self.r.bits128());
            let attack = self.fraudster(ACCOUNT_TAKEOVER, campaign, city, Victim::Holder(victim));
            let kinds: Vec<_> = times.into_iter().map(|x| (x, Kind::Takeover)).collect();
            self.launch(attack, &kinds);
        }
    }

    fn new_account(&mut self, t: f64, city: usize, population: &mut Population) {
        let times = self.series(
            t,
            NEW_ACCOUNT_TRANSACTIONS,
            NEW_ACCOUNT_GAP,
            NEW_ACCOUNT_SPAN,
        );
        if *times.last().expect("some") >= self.not_before {
            let opened = t - self.r.random() * NEW_ACCOUNT_OPENED;
            let account = population.synthetic(city, opened);
            let campaign = uuid4_bits(self.r.bits128());
            // Its own device, network and place, from day one.
            let (device, prefix, lat, lon) = (
                account.devices[0],
                account.ip_prefix,
                account.lat,
                account.lon,
            );
            let mut attack =
                self.new_attack(NEW_ACCOUNT, campaign, city, Victim::Own(Box::new(account)));
            attack.device = device;
            attack.ip_prefix = prefix;
            attack.lat = lat;
            attack.lon = lon;
            let kinds: Vec<_> = times.into_iter().map(|x| (x, Kind::New)).collect();
            self.launch(attack, &kinds);
        }
    }

    fn compromised_merchant(&mut self, t: f64, population: &mut Population) {
        let campaign = uuid4_bits(self.r.bits128());
        let merchant = self.shared.merchants.breach.draw(&mut self.r);
        let victims = self.r.randint(BREACH_VICTIMS.0, BREACH_VICTIMS.1);
        let until = t + BREACH_CAPTURE;
        if until < self.not_before {
            // Capture over before the run: its victims are known.
            let when = self.r.uniform(t, until);
            self.close_breach(campaign, merchant, victims, when, population);
            return;
        }
        if let Some(b) = self.breaches.get_mut(&merchant) {
            b.left += victims; // already breached: the new breach only adds victims
            return;
        }
        self.serial += 1;
        let serial = self.serial;
        self.breaches.insert(
            merchant,
            Breach {
                serial,
                campaign,
                left: victims,
            },
        );
        self.timeline.schedule(
            until.max(self.not_before),
            Item::BreachEnd { merchant, serial },
        );
    }

    /// A card was used at `merchant` at `t`: if the merchant is breached, the card is stolen.
    pub fn capture(&mut self, merchant: u32, victim: HolderRef, t: f64) {
        let campaign = match self.breaches.get_mut(&merchant) {
            None => return,
            Some(b) => {
                b.left -= 1;
                (b.campaign, b.left <= 0)
            }
        };
        if campaign.1 {
            self.breaches.remove(&merchant);
        }
        self.counterfeit(campaign.0, victim.city as usize, Some(victim), t);
    }

    /// The capture window closed: if few cards were used there, earlier customers make up the count.
    pub fn close(&mut self, merchant: u32, serial: u64, t: f64, population: &mut Population) {
        if self.breaches.get(&merchant).map(|b| b.serial) == Some(serial) {
            let b = self.breaches.remove(&merchant).expect("present");
            self.close_breach(b.campaign, merchant, b.left, t, population);
        }
    }

    /// The victims still missing when a capture window closes: the merchant's earlier
    /// customers (its regulars), or, if none turns up, any cardholder.
    fn close_breach(
        &mut self,
        campaign: u128,
        merchant: u32,
        left: i64,
        t: f64,
        population: &mut Population,
    ) {
        let country = self.shared.merchants.country[merchant as usize] as usize;
        for _ in 0..left.max(0) {
            match population.regular_customer(merchant, country) {
                Some(who) => self.counterfeit(campaign, who.city as usize, Some(who), t),
                None => {
                    let city = population.busy_city();
                    self.counterfeit(campaign, city, None, t);
                }
            }
        }
    }

    /// A stolen card, used days later: it waits as a small record until then.
    fn counterfeit(
        &mut self,
        campaign: u128,
        city: usize,
        victim: Option<HolderRef>,
        captured: f64,
    ) {
        let first = captured + self.r.uniform(COUNTERFEIT_DELAY.0, COUNTERFEIT_DELAY.1);
        if first + COUNTERFEIT_SPAN < self.not_before {
            return;
        }
        if first >= self.not_before {
            self.under_way += 1;
            self.timeline.schedule(
                first,
                Item::Stolen {
                    campaign,
                    city: city as u8,
                    victim,
                },
            );
        } else {
            self.use_card(campaign, city, victim, first);
        }
    }

    /// A stolen card waiting on the timeline is used for the first time.
    pub fn activate(&mut self, campaign: u128, city: u8, victim: Option<HolderRef>, t: f64) {
        self.under_way -= 1;
        self.use_card(campaign, city as usize, victim, t);
    }

    /// Plans a stolen card's transactions from `t`.
    fn use_card(&mut self, campaign: u128, city: usize, victim: Option<HolderRef>, t: f64) {
        let victim = victim.map_or(Victim::Unknown, Victim::Holder);
        let attack = self.fraudster(COMPROMISED_MERCHANT, campaign, city, victim);
        let times = self.series(
            t,
            COUNTERFEIT_TRANSACTIONS,
            COUNTERFEIT_GAP,
            COUNTERFEIT_SPAN,
        );
        let kinds: Vec<_> = times.into_iter().map(|x| (x, Kind::Counterfeit)).collect();
        self.launch(attack, &kinds);
    }

    /// Builds one fraudulent transaction of an attack, at `t`.
    pub fn transaction(
        &mut self,
        kind: Kind,
        index: u32,
        regime: &Regime,
        population: &mut Population,
    ) -> Fraud {
        let shared = self.shared.clone();
        let m = &shared.merchants;
        let attack = &mut self.attacks[index as usize];
        attack.left -= 1;
        if attack.left == 0 {
            self.under_way -= 1;
        }
        if let Victim::Unknown = attack.victim {
            attack.victim = Victim::Holder(population.pick(attack.city as usize));
        }
        if attack.mimic.is_none() {
            let can = matches!(
                attack.typology as usize,
                STOLEN_CARD | ACCOUNT_TAKEOVER | COMPROMISED_MERCHANT
            );
            attack.mimic = Some(can && self.r.random() < regime.level.mimicry);
        }
        let attack = &self.attacks[index as usize];
        let mimic = attack.mimic == Some(true);
        let victim: &Cardholder = match &attack.victim {
            Victim::Holder(h) => population.get(*h),
            Victim::Own(account) => account,
            Victim::Unknown => unreachable!("picked above"),
        };
        let r = &mut self.r;
        let fx = victim.fx();
        let usd = victim.median / fx; // the victim's usual amount, in dollars
        let lat = attack.lat + r.gauss(0.0, 0.02);
        let lon = attack.lon + r.gauss(0.0, 0.02);
        let (mut online, mut payment, mut kind_of) = (true, CREDIT_CARD, 0u8);
        let (mut cvv_extra, mut billing_extra) = (0.0, 0.0);
        let mut merchant;
        let mut amount;
        // A round amount in the card's own currency (whole units), as people also pay.
        let mut whole = false;
        match kind {
            Kind::Probe => {
                merchant = attack.merchant;
                // Small and varied: a few dollars, sometimes a whole number of units.
                amount = r.lognormvariate(3f64.ln(), 0.8).clamp(0.3, 40.0);
                whole = r.random() < 0.1;
                (cvv_extra, billing_extra) = (0.5, 0.4);
                payment = if r.random() < 0.8 {
                    CREDIT_CARD
                } else {
                    DEBIT_CARD
                };
            }
            Kind::CashOut => {
                merchant = m.cash_out.draw(r);
                amount = soft_clamp(r, usd, (8.0, 30.0), 200.0, 6000.0);
                (cvv_extra, billing_extra) = (0.3, 0.3);
            }
            Kind::Stolen => {
                // A lost or stolen card in a shop nearby, or card details used online.
                online = r.random()
                    < if attack.local {
                        STOLEN_LOCAL_ONLINE
                    } else {
                        STOLEN_REMOTE_ONLINE
                    };
                merchant = if online {
                    m.stolen.draw(r)
                } else {
                    m.in_store.draw(r)
                };
                amount = soft_clamp(r, usd, (3.0, 15.0), 80.0, 6000.0);
                (cvv_extra, billing_extra) = (0.35, 0.35);
                payment = if victim.payment <= DEBIT_CARD {
                    victim.payment
                } else {
                    CREDIT_CARD
                };
                kind_of = if r.random() < 0.85 { 0 } else { 3 };
            }
            Kind::Takeover => {
                merchant = if r.random() < 0.5 {
                    m.stolen.draw(r)
                } else {
                    m.cash_out.draw(r)
                };
                amount = soft_clamp(r, usd, (5.0, 25.0), 150.0, 6000.0);
                payment = TAKEOVER_PAYMENTS[self.takeover_payments.draw(r)];
                kind_of = TAKEOVER_TYPES[self.takeover_types.draw(r)];
            }
            Kind::New => {
                merchant = m.cash_out.draw(r);
                amount = r.uniform(150.0, 2000.0);
            }
            Kind::Counterfeit => {
                // A cloned card, in a shop far away or online.
                online = r.random() < COUNTERFEIT_ONLINE;
                merchant = if online {
                    m.stolen.draw(r)
                } else {
                    m.in_store.draw(r)
                };
                amount = soft_clamp(r, usd, (3.0, 12.0), 60.0, 6000.0);
                if online {
                    (cvv_extra, billing_extra) = (0.5, 0.3);
                }
            }
        }
        let (mut lat, mut lon, mut device, mut ip_prefix) =
            (lat, lon, attack.device, attack.ip_prefix);
        if mimic {
            // Through the victim's own device and network (remote access, a stolen session, a
            // phone taken), near home, at the victim's shops, for amounts like the victim's.
            device = victim.devices[0];
            ip_prefix = victim.ip_prefix;
            lat = victim.lat + r.gauss(0.0, ACTIVE_DAY_KM / 111.0);
            lon = victim.lon + r.gauss(0.0, ACTIVE_DAY_KM / (111.0 * victim.coslat));
            if r.random() < 0.6 {
                merchant = victim.regulars[r.below(victim.n_regulars.max(1) as usize)];
            }
            let category = m.category[merchant as usize] as usize;
            amount = usd * CATEGORY_AMOUNT[category] * r.lognormvariate(0.4, 0.7);
            (cvv_extra, billing_extra) = (0.0, 0.0);
        }
        let amount = if whole || r.random() < ROUND_AMOUNT {
            (amount * fx).round().max(1.0)
        } else {
            round2(amount * fx, fx)
        };
        // Card present only where the merchant has a shop.
        online = online || m.online[merchant as usize];
        let mut cvv = r.random() >= regime.cvv_missing;
        let mut billing = r.random() >= regime.billing_missing;
        if cvv_extra > 0.0 || billing_extra > 0.0 {
            // The original producer's fraud signature, per typology.
            cvv = cvv && r.random() >= cvv_extra;
            billing = billing && r.random() >= billing_extra;
        } else {
            // Stored or own credentials: as clean as the cardholder's own purchases.
            cvv = cvv || r.random() < 0.9;
            billing = billing || r.random() < 0.8;
        }
        Fraud {
            user: victim.id,
            currency: WORLD_CITIES[victim.city as usize].currency,
            created: victim.created,
            amount,
            merchant,
            transaction_type: kind_of,
            payment,
            lat,
            lon,
            ip_prefix,
            device,
            cvv,
            billing,
            online,
            typology: attack.typology,
            campaign: attack.campaign,
            home_distance_km: haversine_km(victim.lat, victim.lon, lat, lon),
            new_device: !victim.owns(device),
            attack: index,
            holder: match attack.victim {
                Victim::Holder(h) => Some(h),
                _ => None,
            },
        }
    }

    /// Frees an attack once its last transaction is out (and its confirmation is drawn).
    pub fn release(&mut self, index: u32) {
        if self.attacks[index as usize].left == 0 {
            self.attacks[index as usize].victim = Victim::Unknown;
            self.free.push(index);
        }
    }

    /// Attacks held in memory (for tests).
    pub fn live_attacks(&self) -> usize {
        self.attacks.len() - self.free.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{RngTree, Shard};

    #[test]
    fn series_stay_within_their_span() {
        let tree = RngTree::new(3, Shard::default());
        let shared = Arc::new(Shared::new(&tree, 100));
        let mut c = Campaigns::new(tree.stream("fraud"), shared);
        for _ in 0..1000 {
            let times = c.series(100.0, STOLEN_TRANSACTIONS, STOLEN_GAP, STOLEN_SPAN);
            assert!((2..=6).contains(&times.len()));
            assert!(times.windows(2).all(|w| w[0] <= w[1]));
            assert!(*times.last().unwrap() <= 100.0 + STOLEN_SPAN);
        }
    }

    #[test]
    fn attacks_are_recycled_after_their_last_transaction() {
        let tree = RngTree::new(4, Shard::default());
        let shared = Arc::new(Shared::new(&tree, 100));
        let mut population = Population::new(&tree, shared.clone(), 0.0, 5.0 * YEAR, 2000);
        let regime = Regime::build(&super::super::options::tests::defaults()).unwrap();
        let mut c = Campaigns::new(tree.stream("fraud"), shared);
        for i in 0..50 {
            c.start(i % 4, i as f64, 0, &regime, &mut population);
        }
        let mut last = 0.0;
        while let Some((t, item)) = c.timeline.pop() {
            assert!(t >= last);
            last = t;
            match item {
                Item::Transaction(kind, index) => {
                    let f = c.transaction(kind, index, &regime, &mut population);
                    assert!(f.amount > 0.0);
                    c.release(index);
                }
                Item::BreachEnd { merchant, serial } => {
                    c.close(merchant, serial, t, &mut population)
                }
                Item::Stolen {
                    campaign,
                    city,
                    victim,
                } => c.activate(campaign, city, victim, t),
            }
        }
        assert_eq!(c.live_attacks(), 0);
        assert_eq!(c.under_way, 0);
    }
}
