//! The fraud scenario's event loop: cardholders' own spending and scheduled fraud in time
//! order, with labels inline or on a companion stream when confirmed.
//!
//! Arrivals come from one Poisson process shaped by every city's local rhythm. Each arrival
//! picks a city, then is either a cardholder's own purchase or a *fraud slot*. A fraud slot
//! starts a campaign of the drawn typology with probability 1 / (its mean size), so that
//! fraudulent transactions make up `fraud_probability` of all transactions while coming in
//! campaigns; the chance of a slot follows fraud's local-hour profile over spending's, so
//! fraud is relatively frequent at night.

use super::campaigns::{Campaigns, Item};
use super::labels::Maturity;
use super::options::*;
use super::world::*;
use crate::arrivals::PoissonArrivals;
use crate::drift::Drift;
use crate::geo::{haversine_km, WORLD_CITIES};
use crate::record::{Decimal, Event, Value};
use crate::rng::{uuid4_bits, write_uuid, Rng, RngTree, Weighted};
use crate::scenario::{Config, Scenario};
use crate::time::{DAY, HOUR};
use crate::timeline::Timeline;
use std::sync::Arc;

/// Share of a cardholder's purchases at one of its regular merchants.
const REGULAR_MERCHANT: f64 = 0.7;
/// Share of purchases from the first of two usual devices.
const PRIMARY_DEVICE: f64 = 0.75;
/// Share of a phone's purchases made on a mobile network.
const CELLULAR: f64 = 0.35;
/// Share of purchases with the cardholder's preferred payment method.
const OWN_PAYMENT: f64 = 0.85;
/// Share of online purchases made through a shared network (VPN, public Wi-Fi).
const PUBLIC_NETWORK: f64 = 0.05;
/// Spread (log scale) of a cardholder's amounts around its usual amount.
const AMOUNT_SIGMA: f64 = 0.7;
const TRIP_DAYS: (f64, f64) = (2.0, 10.0);
const MEAN_TRIP: f64 = (TRIP_DAYS.0 + TRIP_DAYS.1) / 2.0 * DAY;
/// A new legitimate account buys within two days of opening.
const NEW_ACCOUNT_AGE: f64 = 2.0 * DAY;
pub const TRANSACTIONS_PER_USER_PER_DAY: f64 = 1.0;

/// One generated transaction, legitimate or fraudulent.
#[derive(Debug, Clone, Default)]
pub struct Tx {
    pub t: f64,
    pub id: u128,
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
    pub ip_host: u32,
    pub device: u16,
    pub cvv: bool,
    pub billing: bool,
    pub online: bool,
    /// The fraud typology and campaign (None if legitimate).
    pub fraud: Option<(u8, u128)>,
    pub home_distance_km: f64,
    pub new_device: bool,
    /// With delayed labels: when the fraud is confirmed.
    pub confirmed: Option<f64>,
    /// The label as reported: fraud never reported is 0, a friendly-fraud dispute is 1.
    pub label: bool,
}

/// Every transaction of a run, legitimate and fraudulent, in non-decreasing event time.
pub struct Transactions {
    pub shared: Arc<Shared>,
    pub population: Population,
    rhythm: Rhythm,
    arrivals: PoissonArrivals,
    pub campaigns: Campaigns,
    pub drift: Drift<Regime>,
    r: Rng,
    delays: Option<Rng>,
    payment_choice: Weighted,
    type_choice: Weighted,
    home_weights: Weighted,
    per_event: f64,
    n: u64,
    hour: i64,
    arrival: f64,
}

impl Transactions {
    /// `delays`: the stream of confirmation delays (delayed labels), None otherwise.
    pub fn new(
        config: &Config,
        options: &FraudOptions,
        shared: Arc<Shared>,
        delays: Option<Rng>,
    ) -> Result<Transactions, String> {
        let tree: RngTree = config.rng();
        let (start, rate) = (config.start, config.rate);
        if rate.is_nan() || rate <= 0.0 {
            return Err("rate must be positive".into());
        }
        let users = options.users.unwrap_or_else(|| {
            ((rate * DAY / TRANSACTIONS_PER_USER_PER_DAY).round_ties_even() as u64).max(1)
        });
        let max_age = options.account_age_days_limit as f64 * 365.0 * DAY;
        let mut population = Population::new(&tree, shared.clone(), start, max_age, users);
        let mut rhythm = Rhythm::new(&population);
        let arrivals = PoissonArrivals::new(rate, tree.stream("arrivals"), start);
        let mut campaigns = Campaigns::new(tree.stream("fraud"), shared.clone());
        let mut drift = Drift::new(
            &config.options,
            config.phases.clone(),
            Regime::build,
            tree.stream("drift"),
        )?;
        let hour = (start / HOUR).floor() as i64;
        rhythm.at(hour, &population.activity, &population.owls);
        let regime = drift.at(start, 0);
        campaigns.warm_up(start, rate, regime, &rhythm.cities, &mut population);
        let mut me = Transactions {
            shared,
            population,
            rhythm,
            arrivals,
            campaigns,
            drift,
            r: tree.stream("transactions"),
            delays,
            payment_choice: Weighted::new(&PAYMENT_WEIGHTS),
            type_choice: Weighted::new(&TRANSACTION_TYPE_WEIGHTS),
            home_weights: Weighted::new(&WORLD_CITIES.map(|c| c.weight)),
            per_event: 1.0 / rate,
            n: 0,
            hour,
            arrival: 0.0,
        };
        me.arrival = me.next_arrival();
        Ok(me)
    }

    fn next_arrival(&mut self) -> f64 {
        let rhythm = &mut self.rhythm;
        self.arrivals.next(|h| rhythm.intensity(h))
    }

    /// The next transaction (the stream never ends).
    pub fn next(&mut self, tx: &mut Tx) {
        loop {
            if self.campaigns.timeline.next_time() <= self.arrival {
                // A scheduled fraudulent transaction, or campaign news.
                let (t, item) = self.campaigns.timeline.pop().expect("not empty");
                match item {
                    Item::BreachEnd { merchant, serial } => {
                        self.campaigns
                            .close(merchant, serial, t, &mut self.population);
                    }
                    Item::Stolen {
                        campaign,
                        city,
                        victim,
                    } => self.campaigns.activate(campaign, city, victim, t),
                    Item::Transaction(kind, index) => {
                        self.n += 1;
                        let regime = self.drift.at(t, self.n).clone();
                        self.fraud(tx, kind, index, t, &regime);
                        return;
                    }
                }
                continue;
            }
            let t = self.arrival;
            self.arrival = self.next_arrival();
            let regime = self.drift.at(t, self.n + 1).clone();
            if self.legitimate(tx, t, &regime) {
                self.n += 1;
                return;
            }
        }
    }

    fn fraud(
        &mut self,
        tx: &mut Tx,
        kind: super::campaigns::Kind,
        index: u32,
        t: f64,
        regime: &Regime,
    ) {
        let f = self
            .campaigns
            .transaction(kind, index, regime, &mut self.population);
        *tx = Tx {
            t,
            id: uuid4_bits(self.r.bits128()),
            user: f.user,
            currency: f.currency,
            created: f.created,
            amount: f.amount,
            merchant: f.merchant,
            transaction_type: f.transaction_type,
            payment: f.payment,
            lat: f.lat,
            lon: f.lon,
            ip_prefix: f.ip_prefix,
            ip_host: self.r.randint(1, 254) as u32,
            device: f.device,
            cvv: f.cvv,
            billing: f.billing,
            online: f.online,
            fraud: Some((f.typology, f.campaign)),
            home_distance_km: f.home_distance_km,
            new_device: f.new_device,
            confirmed: None,
            label: self.r.random() >= regime.level.unreported,
        };
        if let Some(delays) = &mut self.delays {
            // One confirmation per victim: the cardholder disputes it all.
            let last = self.campaigns.attack(index).last;
            let delay = regime.reporting.report(delays, tx.user, last, false) - last;
            tx.confirmed = Some(self.campaigns.confirm(index, delay, &mut self.population));
        }
        self.campaigns.release(index);
    }

    /// A legitimate arrival at `t`: false when it was a fraud slot (no transaction now).
    fn legitimate(&mut self, tx: &mut Tx, t: f64, regime: &Regime) -> bool {
        let hour = (t / HOUR).floor() as i64;
        if hour != self.hour {
            self.hour = hour;
            self.rhythm
                .at(hour, &self.population.activity, &self.population.owls);
        }
        let r = &mut self.r;
        let city = self.rhythm.cities.draw(r);
        let u = r.random();
        let slot = regime.fraud_probability * self.rhythm.fraud_ratio[city];
        if u < slot {
            // A fraud slot: maybe a new campaign (its transactions come from the timeline).
            let typology = regime.typology.draw(r);
            if r.random() < regime.start_probability[typology] {
                self.campaigns
                    .start(typology, t, city, regime, &mut self.population);
            }
            return false;
        }
        let grow = regime.growth_per_second * self.population.size as f64 * self.per_event;
        let who = if u < slot + grow {
            let created = t - r.random() * NEW_ACCOUNT_AGE;
            self.population.open_account(city, created)
        } else {
            let owl = r.random() < self.rhythm.owl_share[city];
            self.population.pick_among(city, owl)
        };
        let shared = &*self.shared;
        let r = &mut self.r;
        let holder = self.population.get_mut(who);

        // Trips and device changes happen in time, not per purchase: a chance for the time since
        // the cardholder's previous transaction, so busy cardholders do not travel more often.
        let seen = holder.last_seen;
        holder.last_seen = t;
        let elapsed = if seen >= 0.0 { t - seen } else { 0.0 };
        let travelling = if t < holder.trip_until {
            true
        } else if seen < 0.0 {
            // First seen in this run: away already with the long-run share of time away.
            let away = regime.trip_rate * MEAN_TRIP;
            r.random() < away / (1.0 + away)
        } else {
            r.random() < -(-regime.trip_rate * elapsed).exp_m1()
        };
        let (lat, lon, distance, mut prefix);
        if travelling {
            if t >= holder.trip_until {
                // A trip starts (or, first seen, is under way): another city.
                let mut place = self.home_weights.draw(r);
                if place == holder.city as usize {
                    place = (place + 1) % CITIES;
                }
                let p = &WORLD_CITIES[place];
                holder.trip_lat = p.lat + r.gauss(0.0, 0.05);
                holder.trip_lon = p.lon + r.gauss(0.0, 0.05);
                let days = TRIP_DAYS.0 + r.random() * (TRIP_DAYS.1 - TRIP_DAYS.0);
                let part = if seen < 0.0 { r.random() } else { 1.0 };
                holder.trip_until = t + days * DAY * part;
                holder.trip_ip = *r.choice(&shared.networks.home[city_country(place)]);
            }
            lat = holder.trip_lat + r.gauss(0.0, 0.05);
            lon = holder.trip_lon + r.gauss(0.0, 0.05);
            distance = haversine_km(holder.lat, holder.lon, lat, lon);
            prefix = holder.trip_ip;
        } else {
            let dx = r.gauss(0.0, ACTIVE_DAY_KM);
            let dy = r.gauss(0.0, ACTIVE_DAY_KM);
            lat = holder.lat + dy / 111.0;
            lon = holder.lon + dx / (111.0 * holder.coslat);
            distance = (dx * dx + dy * dy).sqrt();
            prefix = holder.ip_prefix;
        }

        let device;
        let new_device;
        if r.random() < -(-regime.device_change_rate * elapsed).exp_m1() {
            // A new phone or computer, kept.
            device = (r.random() * DEVICE_POOL as f64) as u16;
            new_device = !holder.owns(device);
            let first = holder.devices[0];
            holder.devices = if r.random() < 0.5 {
                [device, first]
            } else {
                [first, device]
            };
            holder.n_devices = 2;
        } else if r.random() < regime.new_device {
            // Someone else's device, once.
            device = (r.random() * DEVICE_POOL as f64) as u16;
            new_device = !holder.owns(device);
        } else {
            device = if holder.n_devices == 1 || r.random() < PRIMARY_DEVICE {
                holder.devices[0]
            } else {
                holder.devices[1]
            };
            new_device = false;
        }
        if shared.phones[device as usize] && r.random() < CELLULAR {
            // A phone off wifi: any of the carriers' networks.
            let mobile = &shared.networks.mobile[city_country(holder.city as usize)];
            prefix = mobile[(r.random() * mobile.len() as f64) as usize];
        }

        let m = &shared.merchants;
        let merchant = if r.random() < regime.level.risky_merchant {
            // Legitimate spending at high-risk merchants: electronics, gambling, gift cards.
            m.cash_out.draw(r)
        } else if r.random() < REGULAR_MERCHANT {
            holder.regulars[(r.random() * holder.n_regulars as f64) as usize]
        } else {
            m.regular_by_country[city_country(holder.city as usize)].draw(r)
        };
        let fx = holder.fx();
        let usual = holder.median * CATEGORY_AMOUNT[m.category[merchant as usize] as usize];
        let mut amount = (usual * r.gauss(0.0, AMOUNT_SIGMA).exp()).max(0.5 * fx);
        if r.random() < regime.level.splurge {
            // A one-off large purchase: a television, a flight, a watch.
            amount *= r.uniform(4.0, 15.0);
        }
        if r.random() < super::campaigns::ROUND_AMOUNT {
            amount = amount.round().max(1.0);
        }
        let online = m.online[merchant as usize] || r.random() < holder.online as f64;
        if online && r.random() < PUBLIC_NETWORK {
            // A VPN, a cafe's or a hotel's Wi-Fi, a workplace gateway.
            prefix = *r.choice(&shared.networks.public);
        }
        let payment = if r.random() < OWN_PAYMENT {
            holder.payment
        } else {
            self.payment_choice.draw(r) as u8
        };
        *tx = Tx {
            t,
            id: uuid4_bits(r.bits128()),
            user: holder.id,
            currency: WORLD_CITIES[holder.city as usize].currency,
            created: holder.created,
            amount: if fx >= 100.0 {
                amount.round()
            } else {
                (amount * 100.0).round() / 100.0
            },
            merchant,
            transaction_type: self.type_choice.draw(r) as u8,
            payment,
            lat,
            lon,
            ip_prefix: prefix,
            ip_host: r.randint(1, 254) as u32,
            device,
            // The original's two steps: a missing value, mostly recovered for legitimate purchases.
            cvv: r.random() >= regime.cvv_missing || r.random() < 0.9,
            billing: r.random() >= regime.billing_missing || r.random() < 0.8,
            online,
            fraud: None,
            home_distance_km: distance,
            new_device,
            confirmed: None,
            // A friendly-fraud dispute: the cardholder's own purchase, charged back as fraud.
            label: r.random() < regime.level.friendly,
        };
        if tx.label {
            if let Some(delays) = &mut self.delays {
                // A friendly-fraud dispute: from the statement showing the purchase, or late.
                tx.confirmed = Some(regime.reporting.report(delays, tx.user, t, true));
            }
        }
        if self.campaigns.has_breaches() {
            self.campaigns.capture(merchant, who, t);
        }
        true
    }
}

/// A label waiting in the heap: a confirmation, or a late dispute.
#[derive(Clone, Copy)]
struct Pending {
    transaction: u128,
    user: u128,
    made: f64,
    /// The typology (None for a friendly-fraud dispute of a legitimate transaction).
    typology: Option<u8>,
    /// Whether it is the transaction's first label (else it flips a matured 0).
    first: bool,
}

/// Delayed labels: pending confirmations, and a copy of the transaction stream running one
/// maturity horizon behind that labels the transactions nobody reported as they come out.
///
/// Rather than remembering every transaction until it matures, the copy regenerates them:
/// memory stays bounded (the pending confirmations and a second population) at the cost of
/// generating each transaction twice once the horizon has passed. That needs the maturity to
/// be a non-decreasing function of the transaction's time (see `Maturity`).
struct Labels {
    behind: Box<Transactions>,
    lag: Tx,
    /// Transactions the behind copy has made (`lag` is the last).
    behind_made: u64,
    window: f64,
    maturity: Maturity,
    frauds: Timeline<Pending>,
    /// The next transaction, generated but not emitted yet (labels due before it go first).
    ahead: Option<Tx>,
    /// Transactions emitted, and those of them whose first label has been emitted.
    emitted: u64,
    labelled: u64,
    /// After `drain`: no more transactions; the last one produced, if it was never emitted.
    draining: bool,
    retracted: Option<u128>,
}

/// When a reported transaction is labelled 1: its confirmation, within the dispute window.
fn confirmed_at(tx: &Tx, window: f64) -> f64 {
    tx.confirmed.unwrap_or(tx.t).min(tx.t + window)
}

impl Labels {
    /// The next label due at or before `until` (when draining: the next one still due for a
    /// transaction emitted), with whether it is a 1.
    fn next_due(&mut self, until: f64) -> Option<(f64, Pending, bool)> {
        loop {
            let fraud_due = self.frauds.next_time();
            // Draining, the behind copy stops at the last transaction emitted.
            let legit_due = if self.draining && self.behind_made > self.emitted {
                f64::INFINITY
            } else {
                self.maturity.at(self.lag.t)
            };
            let due = fraud_due.min(legit_due);
            if due > until || due.is_infinite() {
                return None;
            }
            if fraud_due <= legit_due {
                let (when, p) = self.frauds.pop().expect("due");
                if self.retracted == Some(p.transaction) {
                    continue;
                }
                self.labelled += u64::from(p.first);
                return Some((when, p, true));
            }
            let mut next = Tx::default();
            self.behind.next(&mut next);
            self.behind_made += 1;
            let old = std::mem::replace(&mut self.lag, next);
            // Never reported, or reported after it matured: the maturity job labels it 0.
            if !old.label || confirmed_at(&old, self.window) > legit_due {
                self.labelled += 1;
                let p = Pending {
                    transaction: old.id,
                    user: old.user,
                    made: old.t,
                    typology: None,
                    first: true,
                };
                return Some((legit_due, p, false));
            }
        }
    }

    /// Schedules the label 1 of a reported transaction being emitted.
    fn reported(&mut self, tx: &Tx) {
        let at = confirmed_at(tx, self.window);
        self.frauds.schedule(
            at,
            Pending {
                transaction: tx.id,
                user: tx.user,
                made: tx.t,
                typology: tx.fraud.map(|(k, _)| k),
                first: at <= self.maturity.at(tx.t),
            },
        );
    }
}

/// The fraud scenario's stream.
pub struct FraudStream {
    main: Transactions,
    labels: Option<Labels>,
    tx: Tx,
}

impl FraudStream {
    pub fn new(config: &Config) -> Result<FraudStream, String> {
        let options: FraudOptions = config.typed_options()?;
        let tree = config.rng();
        let shared = Arc::new(Shared::new(
            &tree,
            options.merchant_id_limit.max(1) as usize,
        ));
        let delayed = options.label_mode == LabelMode::Delayed;
        let delays = delayed.then(|| tree.stream("label-delays"));
        let main = Transactions::new(config, &options, shared.clone(), delays)?;
        let labels = if delayed {
            // The same confirmations as the main copy: a matured 0 depends on them.
            let delays = Some(tree.stream("label-delays"));
            let mut behind = Box::new(Transactions::new(config, &options, shared, delays)?);
            let mut lag = Tx::default();
            behind.next(&mut lag);
            let window = options.dispute_window_days * DAY;
            Some(Labels {
                behind,
                lag,
                behind_made: 1,
                window,
                maturity: Maturity::new(options.label_maturity_days * DAY, window),
                frauds: Timeline::new(),
                ahead: None,
                emitted: 0,
                labelled: 0,
                draining: false,
                retracted: None,
            })
        } else {
            None
        };
        Ok(FraudStream {
            main,
            labels,
            tx: Tx::default(),
        })
    }

    fn emit_transaction(&mut self, event: &mut Event, inline: bool) {
        let tx = &self.tx;
        let shared = &*self.main.shared;
        event.begin(0, tx.t, "transaction");
        write_uuid(tx.user, &mut event.key);
        event.phase = self.main.drift.phase;
        let fraud = tx.label;
        if inline {
            event.label = Some(if fraud { "1" } else { "0" });
        }
        let device = &shared.devices[tx.device as usize];
        let m = &shared.merchants;
        event.push(Value::uuid(tx.id));
        event.push(Value::uuid(tx.user));
        event.push(Value::Time(tx.t));
        event.push(Decimal::round(tx.amount, 2));
        event.push(tx.currency);
        let merchant = event.text_from(&m.ids[tx.merchant as usize]);
        event.push(merchant);
        event.push(PRODUCT_CATEGORIES[m.category[tx.merchant as usize] as usize]);
        event.push(TRANSACTION_TYPES[tx.transaction_type as usize]);
        event.push(PAYMENT_METHODS[tx.payment as usize]);
        event.push(Decimal::round(tx.lat, 6));
        event.push(Decimal::round(tx.lon, 6));
        if tx.online {
            let mut ip = event.text();
            write_ip(tx.ip_prefix, tx.ip_host, &mut ip);
            event.push(ip);
            event.push(device.os);
            event.push(device.browser);
            let user_agent = event.text_from(&device.user_agent);
            event.push(user_agent);
        } else {
            // Card present: a terminal, no client device or address.
            for _ in 0..4 {
                event.push(Value::Null);
            }
        }
        event.push(((tx.t - tx.created) / DAY).floor() as i64);
        event.push(tx.cvv);
        event.push(tx.billing);
        event.push(fraud as i64);
        event.push(if tx.online { "online" } else { "in_store" });
        match tx.fraud {
            Some((typology, campaign)) => {
                event.push(TYPOLOGIES[typology as usize]);
                event.push(Value::uuid(campaign));
            }
            None => {
                event.push(Value::Null);
                event.push(Value::Null);
            }
        }
        event.push(Decimal::round(tx.home_distance_km, 1));
        event.push(tx.online && tx.new_device);
        let concept = self.main.drift.concept();
        let concept = if concept == crate::drift::BASE_CONCEPT {
            Value::Static(crate::drift::BASE_CONCEPT)
        } else {
            Value::Str(event.text_from(concept))
        };
        event.push(concept);
        event.push(self.main.drift.phase as i64);
    }
}

fn emit_label(event: &mut Event, when: f64, p: &Pending, fraud: bool) {
    event.begin(1, when, "label");
    write_uuid(p.user, &mut event.key);
    event.label = Some(if fraud { "1" } else { "0" });
    event.labeled_time = Some(p.made);
    event.push(Value::uuid(p.transaction));
    event.push(Value::uuid(p.user));
    event.push(Value::Time(p.made));
    event.push(fraud as i64);
    event.push(p.typology.filter(|_| fraud).map(|k| TYPOLOGIES[k as usize]));
    event.push(Value::Time(when));
}

impl Scenario for FraudStream {
    fn next(&mut self, event: &mut Event) -> bool {
        let Some(labels) = &mut self.labels else {
            self.main.next(&mut self.tx);
            self.emit_transaction(event, true);
            return true;
        };
        if labels.ahead.is_none() && !labels.draining {
            let mut tx = Tx::default();
            self.main.next(&mut tx);
            labels.ahead = Some(tx);
        }
        let until = labels.ahead.as_ref().map_or(f64::INFINITY, |tx| tx.t);
        if let Some((when, p, fraud)) = labels.next_due(until) {
            emit_label(event, when, &p, fraud);
            return true;
        }
        let Some(tx) = labels.ahead.take() else {
            return false; // drained
        };
        self.tx = tx;
        labels.emitted += 1;
        if self.tx.label {
            labels.reported(&self.tx);
        }
        self.emit_transaction(event, false);
        true
    }

    fn drain(&mut self, retract_last_main: bool) -> bool {
        let Some(labels) = &mut self.labels else {
            return false;
        };
        labels.draining = true;
        labels.ahead = None;
        if retract_last_main {
            labels.emitted = labels.emitted.saturating_sub(1);
            labels.retracted = Some(self.tx.id);
        }
        true
    }

    fn pending_labels(&self) -> u64 {
        self.labels.as_ref().map_or(0, |l| l.emitted - l.labelled)
    }

    fn gauges(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("entities", self.main.population.known() as f64),
            ("campaigns", self.main.campaigns.under_way as f64),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Config;
    use serde_json::json;

    fn config(seed: u64, options: serde_json::Value, shard: (u64, u64)) -> Config {
        let mut o = super::super::options::tests::defaults();
        for (k, v) in options.as_object().expect("an object") {
            o[k] = v.clone();
        }
        serde_json::from_value(json!({
            "seed": seed, "start": 1_740_787_200.0, "rate": 1.0 / 0.275,
            "shard_index": shard.0, "shard_count": shard.1, "options": o, "phases": []
        }))
        .expect("a config")
    }

    fn run(c: &Config, n: usize) -> Vec<(f64, Vec<crate::record::Value>)> {
        let mut s = FraudStream::new(c).unwrap();
        let mut e = Event::default();
        (0..n)
            .map(|_| {
                assert!(s.next(&mut e));
                (e.time, e.row.clone())
            })
            .collect()
    }

    #[test]
    fn same_config_same_events_and_time_order() {
        let delayed = json!({"label_mode": "delayed", "dispute_window_days": 0.02});
        for c in [config(3, json!({}), (0, 1)), config(3, delayed, (0, 1))] {
            let a = run(&c, 3000);
            assert_eq!(a, run(&c, 3000));
            assert!(a.windows(2).all(|w| w[0].0 <= w[1].0));
        }
    }

    #[test]
    fn shards_have_disjoint_cardholders() {
        let users = |shard| -> std::collections::HashSet<String> {
            run(&config(3, json!({}), shard), 2000)
                .into_iter()
                .map(|(_, row)| row[1].text().expect("a user id").into_owned())
                .collect()
        };
        assert!(users((0, 2)).is_disjoint(&users((1, 2))));
    }

    #[test]
    fn delayed_labels_follow_their_transactions() {
        let c = config(
            5,
            json!({"label_mode": "delayed", "dispute_window_days": 0.01, "label_delay_median_days": 0.002, "fraud_probability": 0.1}),
            (0, 1),
        );
        let mut s = FraudStream::new(&c).unwrap();
        let mut e = Event::default();
        let (mut last, mut labels, mut fraud) = (0.0, 0, 0);
        for _ in 0..20_000 {
            assert!(s.next(&mut e));
            assert!(e.time >= last);
            last = e.time;
            if e.stream == 1 {
                labels += 1;
                let made = e.labeled_time.unwrap();
                // At most the horizon (the window here) and one run of the maturity job.
                assert!(e.time >= made && e.time <= made + 0.02 * DAY + 1e-6);
                fraud += (e.label == Some("1")) as u32;
            } else {
                assert_eq!(e.label, None);
            }
        }
        assert!(
            labels > 5000 && fraud > 100,
            "{labels} labels, {fraud} fraud"
        );
    }

    /// Drains after `n` records (the last of them retracted if `retract` and a transaction):
    /// every transaction emitted gets its labels, [0], [1] or [0, 1], and no other comes.
    fn drained(c: &Config, n: usize, retract: bool) -> (usize, usize) {
        use std::collections::HashMap;
        let mut s = FraudStream::new(c).unwrap();
        let mut e = Event::default();
        let (mut made, mut history) = (HashMap::new(), HashMap::<String, Vec<bool>>::new());
        let mut last = 0.0;
        let mut record = |e: &Event, made: &mut HashMap<String, f64>| {
            assert!(e.time >= last);
            last = e.time;
            let id = e.row[0].text().expect("a transaction id").into_owned();
            if e.stream == 0 {
                made.insert(id, e.time);
            } else {
                assert!(e.time >= made[&id], "a label before its transaction");
                history.entry(id).or_default().push(e.label == Some("1"));
            }
        };
        for _ in 0..n {
            assert!(s.next(&mut e));
            record(&e, &mut made);
        }
        let retract = retract && e.stream == 0;
        if retract {
            made.remove(&crate::rng::uuid_text(s.tx.id));
        }
        assert!(s.pending_labels() > 0);
        assert!(s.drain(retract));
        while s.next(&mut e) {
            assert_eq!(e.stream, 1, "a transaction after the drain");
            record(&e, &mut made);
        }
        assert_eq!(s.pending_labels(), 0);
        let mut unlabelled: Vec<_> = made
            .keys()
            .filter(|id| !history.contains_key(*id))
            .collect();
        unlabelled.sort();
        assert!(
            unlabelled.is_empty(),
            "transactions without a label: {unlabelled:?}"
        );
        assert!(
            history.keys().all(|id| made.contains_key(id)),
            "a label without its transaction"
        );
        let allowed = [vec![false], vec![true], vec![false, true]];
        assert!(history.values().all(|h| allowed.contains(h)), "{history:?}");
        let flipped = history.values().filter(|h| h.len() == 2).count();
        (made.len(), flipped)
    }

    #[test]
    fn draining_labels_every_transaction_emitted_and_only_those() {
        let c = config(
            5,
            json!({"label_mode": "delayed", "dispute_window_days": 0.05, "label_maturity_days": 0.01,
                   "label_delay_median_days": 0.004, "fraud_probability": 0.1}),
            (0, 1),
        );
        let mut flips = 0;
        for (n, retract) in [(5000, false), (5001, true), (7777, true), (1, true)] {
            let (transactions, flipped) = drained(&c, n, retract);
            assert!(
                transactions >= n / 3,
                "{transactions} transactions of {n} records"
            );
            flips += flipped;
        }
        assert!(flips > 10, "{flips} late disputes");
        // Inline labels: nothing to drain.
        assert!(!FraudStream::new(&config(5, json!({}), (0, 1)))
            .unwrap()
            .drain(false));
    }

    #[test]
    #[ignore]
    fn bench_default_options() {
        let c = config(1, json!({}), (0, 1));
        let mut s = FraudStream::new(&c).unwrap();
        let mut e = Event::default();
        let mut projection = crate::projection::Projection::all(super::super::fields::TRANSACTION);
        let mut out = Vec::new();
        let started = std::time::Instant::now();
        let n = 1_000_000;
        for _ in 0..n {
            s.next(&mut e);
            out.clear();
            projection.write(&e.row, &mut out);
        }
        let secs = started.elapsed().as_secs_f64();
        println!(
            "{:.0} events/s, {} cardholders",
            n as f64 / secs,
            s.main.population.known()
        );
    }
}

#[cfg(test)]
mod shares {
    use super::*;
    use serde_json::json;

    /// The transactions of a small population (inline labels) at `rate`, with these options.
    fn transactions(options: serde_json::Value, seed: u64, rate: f64) -> (Config, Transactions) {
        let c: Config = serde_json::from_value(json!({
            "seed": seed, "start": 1_740_787_200.0, "rate": rate, "options": options, "phases": []
        }))
        .unwrap();
        let shared = Arc::new(Shared::new(&c.rng(), 200));
        let t = Transactions::new(&c, &c.typed_options().unwrap(), shared, None).unwrap();
        (c, t)
    }

    /// Accounts open and close for years (300% a year here): new accounts take the slots of
    /// closed ones, so the cardholders in memory stay within the population's size.
    #[test]
    fn the_population_stays_bounded_as_accounts_turn_over() {
        let mut o = super::super::options::tests::defaults();
        o["users"] = json!(400);
        o["account_growth_per_year"] = json!(3.0);
        let (c, mut t) = transactions(o, 9, 0.005);
        let mut tx = Tx::default();
        let mut users = std::collections::HashSet::new();
        while tx.t < c.start + 3.0 * YEAR {
            t.next(&mut tx);
            if tx.fraud.is_none() {
                users.insert(tx.user);
            }
            assert!(t.population.known() as u64 <= t.population.size);
        }
        assert!(t.population.size <= 400 + CITIES as u64);
        assert!(
            users.len() > 3 * 400,
            "{} cardholders over the run",
            users.len()
        );
    }

    /// Fraud share of each typology on its own: campaigns keep the expected share.
    #[test]
    fn every_typology_keeps_its_share_of_fraud() {
        for typology in [
            "stolen_card",
            "account_takeover",
            "new_account",
            "compromised_merchant",
        ] {
            let mut o = super::super::options::tests::defaults();
            o["fraud_probability"] = json!(0.02);
            o["high_value_fraud_probability"] = json!(1.0);
            o["users"] = json!(300);
            o["typology_mix"] = json!({ typology: 1.0 });
            let (c, mut t) = transactions(o, 2, 0.05);
            let mut tx = Tx::default();
            let (mut n, mut fraud) = (0u64, 0u64);
            while tx.t < c.start + 40.0 * DAY {
                t.next(&mut tx);
                if tx.t > c.start + 10.0 * DAY {
                    n += 1;
                    fraud += tx.fraud.is_some() as u64;
                }
            }
            let share = fraud as f64 / n as f64;
            println!("{typology}: {share:.4}");
            assert!((share - 0.02).abs() < 0.006, "{typology}: {share}");
        }
    }
}
