//! The ETA event loop: ride requests in a region with the trip's simulated actual travel time,
//! and with delayed labels the `trip_completed` events when trips end.

use super::city::{Incidents, HOTSPOT, KIND_NAMES};
use super::clock::{weekday_hour, RegionClock};
use super::fleet::{Fleet, SHIFT_HOURS};
use super::options::{Options, Regime};
use super::regions::VEHICLE_TYPES;
use super::weather::Weather;
use super::world::{
    Drivers, World, FIRST_DRIVER_NUMBER, FIRST_VEHICLE_NUMBER, WEEKDAY_REQUESTS, WEEKEND_REQUESTS,
};
use crate::arrivals::PoissonArrivals;
use crate::drift::Drift;
use crate::geo::EARTH_RADIUS_KM;
use crate::record::{Decimal, Event, Short, Value};
use crate::rng::{derive_seed, uuid4_bits, Rng, Shard};
use crate::scenario::{Config, Scenario};
use crate::time::WeeklyProfile;
use crate::timeline::Timeline;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Names that recur in every event (region, hotspots, drift concepts) as `&'static str`:
/// each distinct name is stored once per process, so events borrow it instead of copying.
fn intern(name: &str) -> &'static str {
    static NAMES: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut names = NAMES.lock().expect("not poisoned");
    let names = names.get_or_insert_with(HashSet::new);
    if let Some(&found) = names.get(name) {
        return found;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

/// Prefixes of the numbered ids.
const DRIVER: Short = Short::of("driver_");
const VEHICLE: Short = Short::of("vehicle_");
const RIDER: Short = Short::of("rider_");
const VEHICLE_TYPE_NAMES: [Short; VEHICLE_TYPES.len()] = Short::table(VEHICLE_TYPES);
const KIND_TEXT: [Short; KIND_NAMES.len()] = Short::table(KIND_NAMES);
/// `route_type`: city, mixed or highway by the highway share of the route.
const ROUTE_TYPES: [Short; 3] = Short::table(["city", "mixed", "highway"]);

/// The id of the event's driver, which is also its key.
fn driver_id(event: &mut Event, number: u64) -> Value {
    let id = Value::numbered(DRIVER, FIRST_DRIVER_NUMBER + number);
    match &id {
        Value::Short(short) => event.key.push_str(short.as_str()),
        _ => event.key.push_str(&id.text().expect("an id is text")),
    }
    id
}

/// The original's naive estimate (initial_estimated_travel_time_seconds).
const AVG_SPEED_KMH: f64 = 40.0;
/// Default fleet: drivers on shift are busy this share of the time on average.
const TARGET_UTILIZATION: f64 = 0.65;
const MAX_DEFAULT_DRIVERS: f64 = 200_000.0;
pub const RIDERS_PER_DRIVER: u64 = 10;
/// Frequent riders ride more: rider k of N is drawn as N * u^RIDER_SKEW.
const RIDER_SKEW: f64 = 1.6;
/// The driver is busy from dispatch to drop-off: pick-up seconds.
const PICKUP_SECONDS: (f64, f64) = (120.0, 600.0);
const RATING_WEIGHT: f64 = 0.01; // a rating moves 1% of the way to each new star
const TRAFFIC_NOISE: f64 = 0.15; // trip-to-trip variation of the congestion a route meets
/// What the factors do not explain (signals, parking, the driver's choices): the trip takes
/// exp(e) times the factors' time, e ~ Normal(0, sigma) with sigma RESIDUAL_SIGMA.0 +
/// RESIDUAL_SIGMA.1 x ln(1 + minutes / 5), wider by RESIDUAL_CONGESTION per unit of traffic
/// factor above 1. About 9% of the time on a 5-minute trip, 13% on an hour's.
const RESIDUAL_SIGMA: (f64, f64) = (0.07, 0.025);
const RESIDUAL_CONGESTION: f64 = 0.5;
/// Outliers: a detour (the driver leaves the planned route: +20-60% of the time) or a wait at
/// the pick-up (the rider is late: +2-8 minutes), each on this share of trips.
const DETOUR_SHARE: f64 = 0.008;
const DETOUR_EXTRA: (f64, f64) = (0.2, 0.6);
const PICKUP_WAIT_SHARE: f64 = 0.007;
const PICKUP_WAIT_SECONDS: (f64, f64) = (120.0, 480.0);
pub const COMPLETED_STREAM: usize = 1;

/// Spread of the log residual of a trip whose factors give `seconds` under `traffic`.
fn residual_sigma(seconds: f64, traffic: f64) -> f64 {
    (RESIDUAL_SIGMA.0 + RESIDUAL_SIGMA.1 * (seconds / 300.0).ln_1p())
        * (1.0 + RESIDUAL_CONGESTION * (traffic - 1.0).max(0.0))
}

/// Share of the week a driver is on shift: 5 days of 7, shifts of 5-11 hours.
fn on_shift_share() -> f64 {
    5.0 / 7.0 * (SHIFT_HOURS.0 + SHIFT_HOURS.1) / 2.0 / 24.0
}

/// Drivers of a run: the option, or enough for the rate in the region (drivers on shift
/// busy about TARGET_UTILIZATION of the time).
pub fn fleet_size(options: &Options, rate: f64, world: &World) -> usize {
    if let Some(n) = options.drivers {
        return n.max(1) as usize;
    }
    let busy = (PICKUP_SECONDS.0 + PICKUP_SECONDS.1) / 2.0 + world.survey.trip_seconds;
    let needed = (rate * busy / (TARGET_UTILIZATION * on_shift_share())).ceil();
    needed.clamp(1.0, MAX_DEFAULT_DRIVERS) as usize
}

/// The outcome of a trip, emitted when it ends (delayed labels).
struct Completed {
    trip_id: u128,
    driver: u64,
    requested: f64,
    actual: i64,
    traffic: Decimal,
    weather: Decimal,
    incident_delay: i64,
    driver_factor: Decimal,
    incident_id: Option<String>,
    free_flow: i64,
    corridor: f64,
    delay_cause: Option<&'static str>,
    concept: &'static str,
    phase: u32,
}

/// Trips under way (delayed labels) in the order they end: the timeline sifts slot numbers
/// while the outcomes, large, stay in their slots.
#[derive(Default)]
struct Pending {
    ends: Timeline<u32>,
    outcomes: Vec<Option<Completed>>,
    free: Vec<u32>,
    /// Slot of the latest trip scheduled.
    latest: u32,
}

impl Pending {
    fn schedule(&mut self, end: f64, completed: Completed) {
        let slot = match self.free.pop() {
            Some(slot) => {
                self.outcomes[slot as usize] = Some(completed);
                slot
            }
            None => {
                self.outcomes.push(Some(completed));
                (self.outcomes.len() - 1) as u32
            }
        };
        self.latest = slot;
        self.ends.schedule(end, slot);
    }

    fn next_time(&self) -> f64 {
        self.ends.next_time()
    }

    fn pop(&mut self) -> Option<(f64, Completed)> {
        let (end, slot) = self.ends.pop()?;
        self.free.push(slot);
        let completed = self.outcomes[slot as usize]
            .take()
            .expect("a scheduled trip");
        Some((end, completed))
    }

    /// Takes back the latest trip scheduled unless it has ended already.
    fn cancel_latest(&mut self) {
        let before = self.ends.len();
        self.ends.cancel_latest();
        if self.ends.len() < before {
            self.outcomes[self.latest as usize] = None;
            self.free.push(self.latest);
        }
    }

    fn len(&self) -> usize {
        self.ends.len()
    }
}

pub struct EtaStream {
    world: Arc<World>,
    clock: RegionClock,
    drift: Drift<Regime>,
    arrivals: PoissonArrivals,
    profile: WeeklyProfile,
    weather: Weather,
    incidents: Incidents,
    fleet: Fleet,
    drivers: Drivers,
    rider_count: u64,
    rider_salt: u64,
    shard: Shard,
    rng: Rng,
    delayed: bool,
    pending: Pending,
    /// `--drain-labels`: no more requests, only the completions of trips already requested.
    draining: bool,
    upcoming: Option<f64>,
    requests: u64,
    region: Value,
    zones: Vec<Value>,
    /// The drift concept of the latest request.
    concept: &'static str,
}

impl EtaStream {
    pub fn new(config: &Config) -> Result<EtaStream, String> {
        let options: Options = config.typed_options()?;
        let world = Arc::new(World::new(options.region_spec()?));
        let tree = config.rng();
        let mut clock = RegionClock::new(&world.region.time_zone)?;
        let shared = world.clone();
        let drift = Drift::new(
            &config.options,
            config.phases.clone(),
            move |o| Regime::of(o, &shared),
            tree.stream("drift"),
        )?;
        let profile = WeeklyProfile::new(
            &WEEKDAY_REQUESTS,
            Some(&WEEKEND_REQUESTS),
            &world.region.time_zone,
        )?;
        if config.rate.is_nan() || config.rate <= 0.0 {
            return Err("rate must be positive".into());
        }
        let arrivals = PoissonArrivals::new(config.rate, tree.stream("arrivals"), config.start);
        // Weather and incidents are the region's: the same for every shard.
        let base = drift.current();
        let weather = Weather::start(
            config.start,
            &base.weather,
            &world.seasons,
            &mut clock,
            tree.shared(&format!("eta-weather/{}", options.region)),
        );
        let incidents = Incidents::new(
            tree.shared(&format!("eta-incidents/{}", options.region)),
            config.start,
        );
        let size = fleet_size(&options, config.rate, &world);
        let fleet = Fleet::new(
            size,
            &world.need,
            &mut clock,
            tree.stream("fleet"),
            config.start,
        );
        let drivers = Drivers::new(
            size,
            &world.region.vehicle_weights(),
            tree.stream("drivers"),
            config.shard(),
        );
        Ok(EtaStream {
            rider_count: options
                .riders
                .unwrap_or(RIDERS_PER_DRIVER * size as u64)
                .max(1),
            rider_salt: derive_seed(config.seed, &["eta-riders"]),
            shard: config.shard(),
            rng: tree.stream("trips"),
            delayed: options.delayed(),
            pending: Pending::default(),
            draining: false,
            upcoming: None,
            requests: 0,
            region: Value::name(intern(&options.region)),
            zones: world
                .city
                .names
                .iter()
                .map(|n| Value::name(intern(n)))
                .collect(),
            concept: intern(drift.concept()),
            world,
            clock,
            drift,
            arrivals,
            profile,
            weather,
            incidents,
            fleet,
            drivers,
        })
    }

    fn complete(&mut self, t: f64, c: Completed, event: &mut Event) {
        event.begin(COMPLETED_STREAM, t, "trip_completed");
        event.labeled_time = Some(c.requested);
        event.push(Value::uuid(c.trip_id));
        let driver = driver_id(event, c.driver);
        event.push(driver);
        event.push(Value::Time(t));
        event.push(Value::Time(c.requested));
        event.push(c.actual);
        event.push(c.traffic);
        event.push(c.weather);
        event.push(c.incident_delay);
        event.push(c.driver_factor);
        event.push(c.incident_id);
        event.push(c.free_flow);
        event.push(c.corridor);
        event.push(c.delay_cause);
        event.push(c.concept);
        event.push(c.phase as i64);
    }

    /// The earliest completion still due (draining); false once none is left.
    fn complete_next(&mut self, event: &mut Event) -> bool {
        match self.pending.pop() {
            Some((end, completed)) => {
                self.complete(end, completed, event);
                true
            }
            None => false,
        }
    }

    fn request(&mut self, t: f64, event: &mut Event) {
        self.requests += 1;
        let regime = self.drift.at(t, self.requests);
        let world = &*self.world;
        let city = &world.city;
        let clock = &mut self.clock;
        if t >= self.weather.next_step {
            self.weather
                .advance(t, &regime.weather, &world.seasons, clock);
        }
        if t >= self.incidents.next_step {
            self.incidents.advance(t, regime.incidents, city, clock);
        }
        if t >= self.fleet.next_change {
            self.fleet.advance(t, clock);
        }
        let (day_of_week, hour_of_day, seconds) = weekday_hour(clock.local(t));
        let klass = city.class_of[day_of_week * 24 + hour_of_day] as usize;

        let d = self.fleet.take();
        let number = self.drivers.number(d);
        let driver = *self.drivers.get(d);
        let r = &mut self.rng;
        let rider = ((self.rider_count as f64 * r.random().powf(RIDER_SKEW)) as u64)
            .min(self.rider_count - 1);
        let rider_number = self.shard.entity_number(rider);
        let kind = city.trip_kind(r, klass, regime.commute_share);
        let places = (kind != HOTSPOT).then(|| city.rider_places(rider_number, self.rider_salt));
        let (o, dst) = city.trip(r, klass, kind, places);
        let (p1, p2) = (o.lat.to_radians(), dst.lat.to_radians());
        let h = ((p2 - p1) / 2.0).sin().powi(2)
            + o.cos_lat * dst.cos_lat * ((dst.lon - o.lon).to_radians() / 2.0).sin().powi(2);
        let distance = Decimal::round(2.0 * EARTH_RADIUS_KM * h.sqrt().asin(), 2); // haversine
        let distance_km = distance.value();

        let (road, highway, free_flow) = city.route(distance_km, r);
        // Congestion of this quarter-hour of the week, felt more on highways, less on motorcycles.
        let quarter = (day_of_week * 96 + (seconds / 900.0) as usize).min(671);
        let level = regime.traffic[quarter];
        let traffic = 1.0
            + (level - 1.0)
                * (0.85 + 0.3 * highway)
                * driver.congestion as f64
                * (1.0 + TRAFFIC_NOISE * r.gauss(0.0, 1.0));
        let traffic = Decimal::round(traffic.clamp(1.0, regime.cap), 2);
        let (ox, oy) = city.xy(o.lat, o.lon);
        let (dx, dy) = city.xy(dst.lat, dst.lon);
        let corridor_factor = match &city.corridor {
            Some(c) if regime.corridor_factor != 1.0 && c.holds(ox, oy, dx, dy) => {
                regime.corridor_factor
            }
            _ => 1.0,
        };
        let incident = if self.incidents.active.is_empty() {
            None
        } else {
            self.incidents.near(t, ox, oy, dx, dy)
        };
        let incident_delay = incident.map_or(0, |i| i.delay);
        let incident_id = incident.map(|i| i.id());
        let rating = driver.rating;
        let shown_rating = Decimal::round(rating, 1);
        let driver_factor = Decimal::round(
            driver.speed * (1.0 - (shown_rating.value() - 4.5) * 0.05),
            2,
        );
        let weather_factor = self.weather.factor;
        let factors = free_flow
            * traffic.value()
            * weather_factor.value()
            * driver_factor.value()
            * corridor_factor;
        let sigma = residual_sigma(factors, traffic.value());
        let mut actual = factors * (sigma * r.gauss(0.0, 1.0)).exp() + incident_delay as f64;
        let u = r.random();
        let delay_cause = if u < DETOUR_SHARE {
            actual += factors * r.uniform(DETOUR_EXTRA.0, DETOUR_EXTRA.1);
            Some("detour")
        } else if u < DETOUR_SHARE + PICKUP_WAIT_SHARE {
            actual += r.uniform(PICKUP_WAIT_SECONDS.0, PICKUP_WAIT_SECONDS.1);
            Some("pickup_wait")
        } else {
            None
        };
        let actual = (actual as i64).max(60);
        let pickup = PICKUP_SECONDS.0 + (PICKUP_SECONDS.1 - PICKUP_SECONDS.0) * r.random();
        // The rider rates the trip: stars around the driver's quality.
        let quality = driver.quality as f64;
        let mut stars = quality.trunc();
        if r.random() < quality - stars {
            stars += 1.0;
        }
        let initial = ((distance_km / AVG_SPEED_KMH * 3600.0 * r.uniform(0.9, 1.1)) as i64).max(60);
        let trip_bits = uuid4_bits(r.bits128());
        self.fleet.release(d, t, pickup + actual as f64);
        self.drivers.all[d].rating = rating + (stars - rating) * RATING_WEIGHT;

        let delayed = self.delayed;
        event.begin(0, t, if delayed { "trip_requested" } else { "trip" });
        let driver_id = driver_id(event, number);
        event.phase = self.drift.phase;
        if self.concept != self.drift.concept() {
            self.concept = intern(self.drift.concept());
        }
        let concept = self.concept;
        let free_flow_seconds = free_flow.round() as i64;
        if delayed {
            let end = t + actual as f64;
            self.pending.schedule(
                end,
                Completed {
                    trip_id: trip_bits,
                    driver: number,
                    requested: t,
                    actual,
                    traffic,
                    weather: weather_factor,
                    incident_delay,
                    driver_factor,
                    incident_id: incident_id.clone(),
                    free_flow: free_flow_seconds,
                    corridor: corridor_factor,
                    delay_cause,
                    concept,
                    phase: self.drift.phase,
                },
            );
        }
        let route_type = ROUTE_TYPES[usize::from(highway >= 0.2) + usize::from(highway >= 0.5)];
        // The whole row at once: one capacity check instead of one per field.
        let row: [Value; super::fields::MAIN.len()] = [
            Value::uuid(trip_bits),
            driver_id,
            Value::numbered(VEHICLE, FIRST_VEHICLE_NUMBER + number),
            Value::Time(t),
            Decimal::round(o.lat, 6).into(),
            Decimal::round(o.lon, 6).into(),
            Decimal::round(dst.lat, 6).into(),
            Decimal::round(dst.lon, 6).into(),
            distance.into(),
            self.weather.name().into(),
            self.weather.temperature.into(),
            (day_of_week as i64).into(),
            (hour_of_day as i64).into(),
            shown_rating.into(),
            VEHICLE_TYPE_NAMES[driver.vehicle as usize].into(),
            initial.into(),
            actual.into(),
            traffic.into(),
            weather_factor.into(),
            incident_delay.into(),
            driver_factor.into(),
            self.region.clone(),
            Value::numbered(RIDER, rider_number),
            self.zones[o.zone as usize].clone(),
            self.zones[dst.zone as usize].clone(),
            road.into(),
            route_type.into(),
            KIND_TEXT[kind as usize].into(),
            self.weather.spell.into(),
            incident_id.into(),
            free_flow_seconds.into(),
            corridor_factor.into(),
            delay_cause.into(),
            concept.into(),
            (self.drift.phase as i64).into(),
        ];
        event.row.extend(row);
    }
}

impl Scenario for EtaStream {
    fn next(&mut self, event: &mut Event) -> bool {
        if self.draining {
            return self.complete_next(event);
        }
        let t = match self.upcoming {
            Some(t) => t,
            None => {
                let profile = &mut self.profile;
                let t = self.arrivals.next(|h| profile.at_hour(h));
                self.upcoming = Some(t);
                t
            }
        };
        if self.delayed && self.pending.next_time() <= t {
            let (end, completed) = self.pending.pop().expect("not empty");
            self.complete(end, completed, event);
            return true;
        }
        self.upcoming = None;
        self.request(t, event);
        true
    }

    /// Trips end at their true times; a request never emitted never completes (it was the
    /// latest trip scheduled).
    fn drain(&mut self, retract_last_main: bool) -> bool {
        if !self.delayed {
            return false;
        }
        if retract_last_main {
            self.pending.cancel_latest();
        }
        self.draining = true;
        true
    }

    fn pending_labels(&self) -> u64 {
        self.pending.len() as u64
    }

    /// Drivers on shift now (entities) and trips in progress (sessions: busy drivers).
    fn gauges(&self) -> Vec<(&'static str, f64)> {
        vec![
            ("entities", self.fleet.on_shift as f64),
            ("sessions", self.fleet.busy as f64),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Value;
    use crate::stream::{Batch, Engine};
    use serde_json::json;

    fn config(options: serde_json::Value, rate: f64) -> Config {
        serde_json::from_value(json!({
            "seed": 7, "start": 1_740_960_000.0, "rate": rate, "options": options
        }))
        .unwrap()
    }

    fn take(stream: &mut EtaStream, n: usize) -> Vec<Event> {
        (0..n)
            .map(|_| {
                let mut e = Event::default();
                assert!(stream.next(&mut e));
                e
            })
            .collect()
    }

    #[test]
    fn repeatable_and_time_ordered_with_delayed_labels() {
        let c = config(json!({"label_mode": "delayed"}), 0.05);
        let a = take(&mut EtaStream::new(&c).unwrap(), 300);
        let b = take(&mut EtaStream::new(&c).unwrap(), 300);
        assert_eq!(
            a.iter().map(|e| &e.row).collect::<Vec<_>>(),
            b.iter().map(|e| &e.row).collect::<Vec<_>>()
        );
        assert!(a.windows(2).all(|w| w[0].time <= w[1].time));
        let done: Vec<&Event> = a.iter().filter(|e| e.stream == COMPLETED_STREAM).collect();
        assert!(!done.is_empty());
        for e in done {
            assert_eq!(e.row.len(), super::super::fields::COMPLETED.len());
            let Value::Int(actual) = e.row[4] else {
                panic!()
            };
            assert!((e.time - e.labeled_time.unwrap() - actual as f64).abs() < 1e-6);
        }
        assert!(a
            .iter()
            .filter(|e| e.stream == 0)
            .all(|e| e.row.len() == super::super::fields::MAIN.len()));
    }

    /// Trip ids of the requests and of the completions of `batches`, in time order.
    fn trips(batches: &[&Batch]) -> (Vec<String>, Vec<String>) {
        let (mut requested, mut completed) = (Vec::new(), Vec::new());
        let mut last = f64::NEG_INFINITY;
        for b in batches {
            for (i, m) in b.records.iter().enumerate() {
                assert!(m.time >= last, "out of event-time order");
                last = m.time;
                let value: serde_json::Value = serde_json::from_slice(b.value(i)).unwrap();
                let id = value["trip_id"].as_str().unwrap().to_string();
                if m.stream == 0 {
                    requested.push(id);
                } else {
                    completed.push(id);
                }
            }
        }
        (requested, completed)
    }

    #[test]
    fn draining_completes_every_trip_requested_and_no_other() {
        let c = config(json!({"label_mode": "delayed"}), 0.05);
        let engine = || Engine::new(&super::super::SPEC, &c, &[]).unwrap();
        // Stopped by a budget of 200 requests.
        let mut e = engine();
        let mut first = Batch::default();
        e.fill(&mut first, usize::MAX, 200, f64::INFINITY).unwrap();
        assert!(e.pending_labels() > 0);
        e.drain();
        let mut rest = Batch::default();
        e.fill(&mut rest, usize::MAX, 0, f64::INFINITY).unwrap();
        assert_eq!((first.main, rest.main), (200, 0));
        assert_eq!((e.pending_labels(), e.peek_time()), (0, None));
        let (requested, mut completed) = trips(&[&first, &rest]);
        assert_eq!(requested.len(), 200);
        assert!(!rest.records.is_empty());
        completed.sort();
        let mut expected = requested.clone();
        expected.sort();
        assert_eq!(completed, expected);

        // Stopped by a horizon with request 200 as lookahead: it is retracted, uncompleted.
        let horizon = first.records.iter().rfind(|m| m.stream == 0).unwrap().time;
        let mut e = engine();
        let mut first = Batch::default();
        e.fill(&mut first, usize::MAX, 0, horizon).unwrap();
        assert_eq!((first.main, e.peek_time()), (199, Some(horizon)));
        e.drain();
        let mut rest = Batch::default();
        e.fill(&mut rest, usize::MAX, 0, f64::INFINITY).unwrap();
        assert_eq!((e.main_events, rest.main, e.pending_labels()), (199, 0, 0));
        let (mut emitted, mut completed) = trips(&[&first, &rest]);
        assert!(!completed.contains(&requested[199]));
        emitted.sort();
        completed.sort();
        assert_eq!(completed, emitted);
    }

    #[test]
    fn inline_labels_have_nothing_to_drain() {
        let c = config(json!({}), 0.05);
        let mut e = Engine::new(&super::super::SPEC, &c, &[]).unwrap();
        e.fill(&mut Batch::default(), usize::MAX, 10, f64::INFINITY)
            .unwrap();
        assert_eq!(e.pending_labels(), 0);
        e.drain();
        assert_eq!(e.peek_time(), None);
    }

    #[test]
    fn a_drift_phase_changes_the_regime_and_marks_events() {
        let mut c = config(json!({}), 0.05);
        let switch = c.start + 86_400.0;
        c.phases = vec![serde_json::from_value(json!({
            "name": "new-highway", "start": switch, "after": null, "how": "sudden",
            "width": null, "period": null, "duration": null,
            "options": {"corridor_travel_time_factor": 0.7}
        }))
        .unwrap()];
        let events = take(&mut EtaStream::new(&c).unwrap(), 12_000);
        let corridor = super::super::fields::MAIN
            .iter()
            .position(|f| *f == "debug_corridor_factor")
            .unwrap();
        let concept = super::super::fields::MAIN
            .iter()
            .position(|f| *f == "concept_id")
            .unwrap();
        let (mut before, mut on_corridor) = (0, 0);
        for e in &events {
            let Value::Float(factor) = e.row[corridor] else {
                panic!()
            };
            if e.time < switch {
                before += 1;
                assert_eq!((factor, e.phase), (1.0, 0));
                assert_eq!(e.row[concept], Value::Static("base"));
            } else {
                assert_eq!(e.phase, 1);
                assert_eq!(e.row[concept], Value::Static("new-highway"));
                assert!(factor == 1.0 || factor == 0.7);
                on_corridor += usize::from(factor == 0.7);
            }
        }
        let after = events.len() - before;
        assert!(before > 1000 && after > 1000);
        assert!(
            on_corridor > 0 && on_corridor < after / 3,
            "{on_corridor} of {after}"
        );
    }

    #[test]
    fn residual_widens_with_trip_length_and_congestion() {
        let short = residual_sigma(300.0, 1.0);
        let long = residual_sigma(3600.0, 1.0);
        assert!((0.08..0.1).contains(&short) && (0.12..0.15).contains(&long));
        assert!((residual_sigma(3600.0, 2.0) / long - 1.5).abs() < 1e-9);
    }

    #[test]
    fn unknown_regions_are_errors() {
        assert!(EtaStream::new(&config(json!({"region": "atlantis"}), 1.0)).is_err());
    }

    /// CPU seconds of this thread so far (Linux; 0 elsewhere): the machine may be shared.
    fn cpu_seconds() -> f64 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|v| v.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (ticks(11) + ticks(12)) / 100.0 // utime + stime, clock ticks of 1/100 s
    }

    /// Events per second of the default options on one core, simulated only and simulated,
    /// projected and serialized (release build:
    /// `cargo test --release -- --ignored --nocapture benchmark`).
    #[test]
    #[ignore]
    fn benchmark() {
        let c = config(json!({}), 1.0 / 0.55);
        let n = 2_000_000;
        let mut s = EtaStream::new(&c).unwrap();
        let mut e = Event::default();
        let began = cpu_seconds();
        for _ in 0..n {
            s.next(&mut e);
        }
        let simulation = cpu_seconds() - began;
        let mut engine = crate::stream::Engine::new(&super::super::SPEC, &c, &[]).unwrap();
        let began = cpu_seconds();
        let mut done = 0;
        while done < n {
            let mut batch = crate::stream::Batch::default();
            engine.fill(&mut batch, 1000, 0, f64::INFINITY).unwrap();
            done += batch.records.len();
        }
        let total = cpu_seconds() - began;
        eprintln!(
            "eta: {:.0} events/s simulated, {:.0} events/s simulated, projected and serialized (CPU time)",
            n as f64 / simulation,
            n as f64 / total
        );
        let size = std::mem::size_of::<super::super::world::Driver>()
            + std::mem::size_of::<super::super::fleet::Routine>();
        eprintln!("eta: {size} bytes of structs per driver");
    }
}
