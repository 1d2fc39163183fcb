//! The city of the ETA scenario: where trips start and end, their routes, and incidents.
//!
//! The city is a constant of its region (structural, never drifts); incidents are run state;
//! the parameters that drift (traffic level, incident frequency...) come from the regime.

use super::clock::{weekday_hour, RegionClock};
use super::regions::{Kind, Region, KM_PER_DEGREE};
use crate::record::Decimal;
use crate::rng::{derive_seed, Rng};

pub const ADDRESSES_PER_HOTSPOT: usize = 2000;
/// Time classes of the local week, each with its own origin/destination mix.
pub const AM_PEAK: usize = 0;
pub const PM_PEAK: usize = 1;
const DAYTIME: usize = 2;
const EVENING: usize = 3;
const NIGHT: usize = 4;
const WEEKEND: usize = 5;
/// Pull of each hotspot kind (downtown, business, airport, residential, leisure) as an origin
/// and as a destination, per time class: homes empty into offices in the morning and the
/// other way round in the evening; nightlife at night.
const ORIGIN_PULL: [[f64; 5]; 6] = [
    [0.6, 0.5, 1.0, 2.5, 0.3],
    [2.0, 2.0, 1.0, 0.6, 0.8],
    [1.2, 1.0, 1.0, 1.0, 1.0],
    [1.0, 0.4, 1.0, 0.8, 2.0],
    [0.8, 0.2, 0.6, 0.5, 2.5],
    [0.8, 0.3, 1.0, 1.3, 1.6],
];
const DESTINATION_PULL: [[f64; 5]; 6] = [
    [2.0, 2.2, 1.0, 0.5, 0.3],
    [0.6, 0.5, 1.0, 2.2, 1.0],
    [1.2, 1.0, 1.0, 1.0, 1.0],
    [0.8, 0.3, 1.0, 1.6, 1.5],
    [0.5, 0.2, 0.6, 2.5, 0.6],
    [0.8, 0.3, 1.0, 1.2, 1.8],
];
const HOME_PULL: [f64; 5] = [0.3, 0.1, 0.0, 1.0, 0.3];
const WORK_PULL: [f64; 5] = [3.0, 3.0, 0.6, 0.3, 0.6];
/// Trips get rarer with distance (a gravity model): e-folding distances, km.
const TRIP_SCALE_KM: f64 = 5.0;
const AIRPORT_SCALE_KM: f64 = 25.0;
const COMMUTE_SCALE_KM: f64 = 12.0;
/// Share of other trips that start or end at the rider's home, and of those the share that
/// goes home, per time class.
const HOME_SHARE: f64 = 0.35;
const HOME_BOUND: [f64; 6] = [0.1, 0.85, 0.5, 0.7, 0.85, 0.5];
/// Trip kinds, and their names in the events.
pub const COMMUTE: u8 = 0;
pub const FROM_HOME: u8 = 1;
pub const TO_HOME: u8 = 2;
pub const HOTSPOT: u8 = 3;
pub const KIND_NAMES: [&str; 4] = ["commute", "home", "home", "hotspot"];
const MIN_TRIP_KM: f64 = 0.5;
const TRIES: usize = 20;
/// Commute share the incident calibration assumes (the option's default).
const CALIBRATION_COMMUTE_SHARE: f64 = 0.4;
/// Road distance over straight-line distance grows for short trips (grid detours dominate).
const SHORT_TRIP_DETOUR: f64 = 0.3;
const SHORT_TRIP_KM: f64 = 2.5;
const DETOUR_NOISE: f64 = 0.08;
/// Highway share of a route: `access * road / (road + HIGHWAY_HALF_KM)`, give or take 30%.
const HIGHWAY_HALF_KM: f64 = 12.0;
const MAX_HIGHWAY_SHARE: f64 = 0.95;
const CORRIDOR_MIN_KM: f64 = 3.0;
pub const INCIDENT_RADIUS_KM: f64 = 1.0;
const INCIDENT_MEDIAN_SECONDS: f64 = 2400.0; // most incidents clear within the hour
const INCIDENT_SIGMA: f64 = 0.6;
const INCIDENT_DELAY_SECONDS: (i64, i64) = (300, 1800); // the original producer's 5-30 minutes
const INCIDENT_STEP: f64 = 900.0;
const INCIDENT_WARMUP: f64 = 4.0 * 3600.0; // incidents already under way at the start
const REACH_BINS: usize = 32;
const SURVEY_SAMPLES: usize = 3000;

fn incident_mean_seconds() -> f64 {
    INCIDENT_MEDIAN_SECONDS * (INCIDENT_SIGMA * INCIDENT_SIGMA / 2.0).exp()
}

/// Time class of a local weekday (Monday = 0) and hour.
pub fn time_class(weekday: usize, hour: usize) -> usize {
    if hour < 6 {
        NIGHT
    } else if hour >= 19 {
        EVENING
    } else if weekday >= 5 {
        WEEKEND
    } else if hour < 10 {
        AM_PEAK
    } else if hour >= 15 {
        PM_PEAK
    } else {
        DAYTIME
    }
}

/// A fixed weighted choice of an index from any uniform draw in [0, 1).
#[derive(Debug, Clone)]
pub struct Table {
    cum: Vec<f64>,
}

impl Table {
    pub fn new(weights: &[f64]) -> Table {
        let mut total = 0.0;
        let mut cum: Vec<f64> = weights
            .iter()
            .map(|w| {
                total += w.max(0.0);
                total
            })
            .collect();
        if total <= 0.0 {
            // No pull anywhere: fall back to uniform.
            cum = (1..=weights.len()).map(|i| i as f64).collect();
        }
        Table { cum }
    }

    #[inline]
    pub fn pick(&self, u: f64) -> usize {
        let x = u * self.cum[self.cum.len() - 1];
        self.cum
            .partition_point(|&c| c <= x)
            .min(self.cum.len() - 1)
    }

    #[inline]
    pub fn draw(&self, rng: &mut Rng) -> usize {
        self.pick(rng.random())
    }
}

/// A trip end: latitude, longitude and the index of its hotspot.
///
/// Aligned to its size, so an address never straddles two cache lines.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(align(32))]
pub struct Place {
    pub lat: f64,
    pub lon: f64,
    /// Cosine of the latitude, for great-circle distances (computed once per address).
    pub cos_lat: f64,
    pub zone: u16,
}

impl Place {
    pub fn new(lat: f64, lon: f64, zone: u16) -> Place {
        Place {
            lat,
            lon,
            cos_lat: lat.to_radians().cos(),
            zone,
        }
    }
}

/// Squared distance from point P to segment AB.
pub fn segment_distance2(px: f64, py: f64, ax: f64, ay: f64, bx: f64, by: f64) -> f64 {
    let (vx, vy) = (bx - ax, by - ay);
    let length2 = vx * vx + vy * vy;
    let f = if length2 == 0.0 {
        0.0
    } else {
        (((px - ax) * vx + (py - ay) * vy) / length2).clamp(0.0, 1.0)
    };
    let (dx, dy) = (px - ax - f * vx, py - ay - f * vy);
    dx * dx + dy * dy
}

/// A corridor in the city's km frame.
#[derive(Debug, Clone)]
pub struct Segment {
    ax: f64,
    ay: f64,
    bx: f64,
    by: f64,
    width2: f64,
}

impl Segment {
    /// True for a trip along the corridor: both ends within its width of the line, and most of
    /// the way (at least CORRIDOR_MIN_KM) in the corridor's direction.
    pub fn holds(&self, ox: f64, oy: f64, dx: f64, dy: f64) -> bool {
        let (ax, ay, bx, by) = (self.ax, self.ay, self.bx, self.by);
        if segment_distance2(ox, oy, ax, ay, bx, by) > self.width2
            || segment_distance2(dx, dy, ax, ay, bx, by) > self.width2
        {
            return false;
        }
        let (vx, vy) = (bx - ax, by - ay);
        let along = ((dx - ox) * vx + (dy - oy) * vy).abs() / vx.hypot(vy);
        along >= CORRIDOR_MIN_KM && along >= 0.5 * (dx - ox).hypot(dy - oy)
    }
}

/// SplitMix64's finaliser: 64 well-mixed bits from an integer.
fn mix(x: u64) -> u64 {
    let mut x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// Hotspots, addresses, trip endpoints and route geometry of one region (constants of it).
pub struct City {
    pub names: Vec<String>,
    pub lat_min: f64,
    pub lon_min: f64,
    pub kx: f64,
    pub ky: f64,
    addresses: Vec<Vec<Place>>,
    pub class_of: [u8; 168],
    origins: Vec<Table>,
    destinations: Vec<Vec<Table>>,
    sources: Vec<Vec<Table>>,
    homes: Table,
    workplaces: Vec<Table>,
    pub corridor: Option<Segment>,
    detour: f64,
    access: f64,
    city_hours: f64,
    highway_hours: f64,
}

impl City {
    pub fn new(region: &Region) -> City {
        let b = &region.bounds;
        let spots = &region.hotspots;
        let ky = KM_PER_DEGREE;
        let kx = KM_PER_DEGREE * ((b.lat_min + b.lat_max) / 2.0).to_radians().cos();
        let kind = |k: Kind| k as usize;
        let gravity = |origin: usize, pull: &[f64; 5], scale: f64| {
            let o = &spots[origin];
            let weights: Vec<f64> = spots
                .iter()
                .map(|s| {
                    let distance = ((s.lat - o.lat) * ky).hypot((s.lon - o.lon) * kx);
                    let reach = if s.kind == Kind::Airport || o.kind == Kind::Airport {
                        AIRPORT_SCALE_KM
                    } else {
                        scale
                    };
                    s.weight * pull[kind(s.kind)] * (-distance / reach).exp()
                })
                .collect();
            Table::new(&weights)
        };
        let n = spots.len();
        let mut class_of = [0u8; 168];
        for (h, c) in class_of.iter_mut().enumerate() {
            *c = time_class(h / 24, h % 24) as u8;
        }
        // Addresses: Gaussian around each hotspot, inside the bounds, a constant of the region.
        let addresses = spots
            .iter()
            .enumerate()
            .map(|(zone, s)| {
                let zone_text = zone.to_string();
                let mut rng = Rng::new(derive_seed(
                    0,
                    &["eta-addresses", &region.title, &zone_text],
                ));
                let (rlat, rlon) = (s.radius_km / ky, s.radius_km / kx);
                (0..ADDRESSES_PER_HOTSPOT)
                    .map(|_| {
                        let lat = rng.gauss(s.lat, rlat).clamp(b.lat_min, b.lat_max);
                        let lon = rng.gauss(s.lon, rlon).clamp(b.lon_min, b.lon_max);
                        Place::new(
                            (lat * 1e6).round() / 1e6,
                            (lon * 1e6).round() / 1e6,
                            zone as u16,
                        )
                    })
                    .collect()
            })
            .collect();
        let corridor = region.corridor.as_ref().map(|c| {
            let xy = |(lat, lon): (f64, f64)| ((lon - b.lon_min) * kx, (lat - b.lat_min) * ky);
            let (ax, ay) = xy(c.start);
            let (bx, by) = xy(c.end);
            Segment {
                ax,
                ay,
                bx,
                by,
                width2: c.width_km * c.width_km,
            }
        });
        let roads = &region.roads;
        City {
            names: spots.iter().map(|s| s.name.clone()).collect(),
            lat_min: b.lat_min,
            lon_min: b.lon_min,
            kx,
            ky,
            addresses,
            class_of,
            origins: (0..6)
                .map(|c| {
                    let w: Vec<f64> = spots
                        .iter()
                        .map(|s| s.weight * ORIGIN_PULL[c][kind(s.kind)])
                        .collect();
                    Table::new(&w)
                })
                .collect(),
            destinations: (0..6)
                .map(|c| {
                    (0..n)
                        .map(|i| gravity(i, &DESTINATION_PULL[c], TRIP_SCALE_KM))
                        .collect()
                })
                .collect(),
            sources: (0..6)
                .map(|c| {
                    (0..n)
                        .map(|i| gravity(i, &ORIGIN_PULL[c], TRIP_SCALE_KM))
                        .collect()
                })
                .collect(),
            homes: Table::new(
                &spots
                    .iter()
                    .map(|s| s.weight * HOME_PULL[kind(s.kind)])
                    .collect::<Vec<_>>(),
            ),
            workplaces: (0..n)
                .map(|i| gravity(i, &WORK_PULL, COMMUTE_SCALE_KM))
                .collect(),
            corridor,
            detour: roads.detour_factor,
            access: roads.highway_access,
            city_hours: 1.0 / roads.city_speed_kmh,
            highway_hours: 1.0 / roads.highway_speed_kmh,
        }
    }

    /// Kilometres east and north of the region's south-west corner.
    #[inline]
    pub fn xy(&self, lat: f64, lon: f64) -> (f64, f64) {
        (
            (lon - self.lon_min) * self.kx,
            (lat - self.lat_min) * self.ky,
        )
    }

    /// Distance between two places, km (flat-frame approximation).
    #[inline]
    pub fn km(&self, a: &Place, b: &Place) -> f64 {
        let (y, x) = ((a.lat - b.lat) * self.ky, (a.lon - b.lon) * self.kx);
        (x * x + y * y).sqrt()
    }

    /// One of the addresses around hotspot `zone`: pick-ups and drop-offs happen at the same
    /// doors again and again.
    #[inline]
    pub fn place(&self, zone: usize, rng: &mut Rng) -> Place {
        self.addresses[zone][rng.below(ADDRESSES_PER_HOTSPOT)]
    }

    /// (road km, highway share, free-flow seconds) of the planned route of a trip.
    pub fn route(&self, distance_km: f64, rng: &mut Rng) -> (Decimal, f64, f64) {
        let mut detour =
            self.detour * (1.0 + SHORT_TRIP_DETOUR * (-distance_km / SHORT_TRIP_KM).exp());
        detour *= 1.0 + DETOUR_NOISE * rng.gauss(0.0, 1.0);
        let road = Decimal::round(distance_km * detour.max(1.02), 2);
        let road_km = road.value();
        let highway = (self.access * road_km / (road_km + HIGHWAY_HALF_KM)
            * (0.7 + 0.6 * rng.random()))
        .min(MAX_HIGHWAY_SHARE);
        let hours = road_km * (highway * self.highway_hours + (1.0 - highway) * self.city_hours);
        (road, highway, hours * 3600.0)
    }

    /// A place around hotspot `zone` at least MIN_TRIP_KM from `other` (a few tries).
    fn near_place(&self, zone: usize, rng: &mut Rng, other: &Place) -> Place {
        let mut found = self.place(zone, rng);
        for _ in 0..TRIES {
            if self.km(&found, other) >= MIN_TRIP_KM {
                break;
            }
            found = self.place(zone, rng);
        }
        found
    }

    /// What a rider's next trip is: a commute (weekday rush hours), from or to home, or
    /// between hotspots.
    pub fn trip_kind(&self, rng: &mut Rng, klass: usize, commute_share: f64) -> u8 {
        if klass <= PM_PEAK && rng.random() < commute_share {
            return COMMUTE;
        }
        if rng.random() < HOME_SHARE {
            return if rng.random() < HOME_BOUND[klass] {
                TO_HOME
            } else {
                FROM_HOME
            };
        }
        HOTSPOT
    }

    /// Endpoints of a trip of a kind (`places` are the rider's home and work; unused between
    /// hotspots): origins by time class, destinations by gravity from the origin.
    pub fn trip(
        &self,
        rng: &mut Rng,
        klass: usize,
        kind: u8,
        places: Option<(Place, Place)>,
    ) -> (Place, Place) {
        match (kind, places) {
            (COMMUTE, Some((home, work))) => {
                if klass == AM_PEAK {
                    (home, work)
                } else {
                    (work, home)
                }
            }
            (TO_HOME, Some((home, _))) => {
                let zone = self.sources[klass][home.zone as usize].draw(rng);
                (self.near_place(zone, rng, &home), home)
            }
            (_, places) => {
                let (origin, from) = match (kind, places) {
                    (FROM_HOME, Some((home, _))) => (home, home.zone as usize),
                    _ => {
                        let zone = self.origins[klass].draw(rng);
                        (self.place(zone, rng), zone)
                    }
                };
                // The origin's zone as drawn rather than read back from its address (the same
                // number): the destination's draw need not wait for the address to load.
                let zone = self.destinations[klass][from].draw(rng);
                (origin, self.near_place(zone, rng, &origin))
            }
        }
    }

    /// Home and workplace of a rider: a pure function of the rider's number and the run's
    /// `salt`, so riders need no storage. The workplace is drawn by gravity from home.
    pub fn rider_places(&self, rider: u64, salt: u64) -> (Place, Place) {
        let bits = mix(rider ^ salt);
        let home_zone = self.homes.pick((bits & 0xFFFF) as f64 / 65536.0);
        let book = &self.addresses[home_zone];
        let home = book[((((bits >> 16) & 0xFFFF) as usize) * ADDRESSES_PER_HOTSPOT) >> 16];
        let work_zone = self.workplaces[home_zone].pick(((bits >> 32) & 0xFFFF) as f64 / 65536.0);
        let book = &self.addresses[work_zone];
        let slot = (((bits >> 48) as usize) * ADDRESSES_PER_HOTSPOT) >> 16;
        let mut work = book[slot];
        for step in 0..TRIES {
            // The first address far enough from home.
            work = book[(slot + step) % ADDRESSES_PER_HOTSPOT];
            if self.km(&home, &work) >= MIN_TRIP_KM {
                break;
            }
        }
        (home, work)
    }

    /// Endpoints of a trip between hotspots (where incidents happen) in a time class.
    pub fn random_trip(&self, rng: &mut Rng, klass: usize) -> (Place, Place) {
        let origin = self.place(self.origins[klass].draw(rng), rng);
        let zone = self.destinations[klass][origin.zone as usize].draw(rng);
        (origin, self.place(zone, rng))
    }
}

/// What sample trips tell about a region (constants of the region, used for defaults).
#[derive(Debug, Clone)]
pub struct Survey {
    /// Probability that a trip passes near one incident placed where trips go.
    pub exposure: f64,
    /// Relative exposure of trips by length (quantile means, mean 1).
    pub reach: Vec<f64>,
    /// Mean travel time at the default traffic level, seconds.
    pub trip_seconds: f64,
}

/// Monte Carlo over sample trips of new riders at the default commute share, from a fixed
/// seed per region: `--incident-probability` means the same in every run.
///
/// `volume` is the request volume per local hour of the week; `congestion` the extra travel
/// time per local quarter-hour at the default `--heavy-traffic-multiplier`.
pub fn survey(city: &City, title: &str, volume: &[f64], congestion: &[f64]) -> Survey {
    let mut rng = Rng::new(derive_seed(0, &["eta-survey", title]));
    let hours = Table::new(volume);
    let radius2 = INCIDENT_RADIUS_KM * INCIDENT_RADIUS_KM;
    let (mut hits, mut seconds) = (0usize, 0.0);
    let mut reach = Vec::with_capacity(SURVEY_SAMPLES);
    for _ in 0..SURVEY_SAMPLES {
        let how = hours.draw(&mut rng);
        let places = city.rider_places(rng.next_u64() >> 32, 0);
        let klass = city.class_of[how] as usize;
        let kind = city.trip_kind(&mut rng, klass, CALIBRATION_COMMUTE_SHARE);
        let (o, d) = city.trip(&mut rng, klass, kind, Some(places));
        let (io, id) = city.random_trip(&mut rng, klass);
        let f = rng.random();
        let (px, py) = city.xy(
            io.lat + f * (id.lat - io.lat),
            io.lon + f * (id.lon - io.lon),
        );
        let (ox, oy) = city.xy(o.lat, o.lon);
        let (dx, dy) = city.xy(d.lat, d.lon);
        hits += usize::from(segment_distance2(px, py, ox, oy, dx, dy) <= radius2);
        let km = city.km(&o, &d);
        reach.push(2.0 * INCIDENT_RADIUS_KM * km + std::f64::consts::PI * radius2);
        let free_flow = city.route(km, &mut rng).2;
        seconds += free_flow * (1.0 + congestion[how * 4 + rng.below(4)]);
    }
    reach.sort_by(f64::total_cmp);
    let n = SURVEY_SAMPLES;
    let mean = reach.iter().sum::<f64>() / n as f64;
    let bins = (0..REACH_BINS)
        .map(|i| {
            let bin = &reach[i * n / REACH_BINS..(i + 1) * n / REACH_BINS];
            bin.iter().sum::<f64>() / bin.len() as f64 / mean
        })
        .collect();
    Survey {
        exposure: hits.max(1) as f64 / n as f64,
        reach: bins,
        trip_seconds: seconds / n as f64,
    }
}

/// Incidents per second such that a share `probability` of trips meets one.
///
/// Active incidents are Poisson-many (rate times mean duration); a trip misses each with
/// probability `1 - exposure` (more for long trips, less for short ones), so it meets none
/// with probability `exp(-rate * mean duration * exposure)`, solved over the trips' spread.
pub fn incident_rate(probability: f64, survey: &Survey) -> f64 {
    if probability <= 0.0 {
        return 0.0;
    }
    let target = probability.min(0.999);
    let levels: Vec<f64> = survey.reach.iter().map(|r| survey.exposure * r).collect();
    let share =
        |k: f64| levels.iter().map(|q| 1.0 - (-k * q).exp()).sum::<f64>() / levels.len() as f64;
    let (mut low, mut high) = (0.0, 1.0);
    while share(high) < target {
        high *= 2.0;
    }
    for _ in 0..50 {
        let mid = (low + high) / 2.0;
        if share(mid) < target {
            low = mid;
        } else {
            high = mid;
        }
    }
    high / incident_mean_seconds()
}

/// A crash or breakdown: slows trips that pass within its radius while it lasts.
#[derive(Debug, Clone)]
pub struct Incident {
    pub start: f64,
    pub end: f64,
    pub x: f64,
    pub y: f64,
    /// Seconds added to a trip that meets it.
    pub delay: i64,
    /// The n-th incident of the region in this run (for its id).
    pub number: u64,
}

impl Incident {
    pub fn id(&self) -> String {
        format!("incident_{}_{}", self.start as i64, self.number)
    }
}

/// Incidents as a Poisson process over event time and space, shared by every shard.
///
/// Incidents appear at a constant rate, at places along the routes trips take at that hour,
/// and each lasts a log-normal time.
pub struct Incidents {
    rng: Rng,
    pub active: Vec<Incident>,
    count: u64,
    pub next_step: f64,
}

impl Incidents {
    pub fn new(rng: Rng, start: f64) -> Incidents {
        Incidents {
            rng,
            active: Vec::new(),
            count: 0,
            next_step: ((start - INCIDENT_WARMUP) / INCIDENT_STEP).floor() * INCIDENT_STEP,
        }
    }

    /// Creates the incidents of every step up to `t` (`rate` per second), expires old ones.
    pub fn advance(&mut self, t: f64, rate: f64, city: &City, clock: &mut RegionClock) {
        while t >= self.next_step {
            let step = self.next_step;
            self.next_step = step + INCIDENT_STEP;
            let (weekday, hour, _) = weekday_hour(clock.local(step));
            let klass = city.class_of[weekday * 24 + hour] as usize;
            for _ in 0..self.rng.poisson(rate * INCIDENT_STEP) {
                let start = step + self.rng.random() * INCIDENT_STEP;
                self.add(start, klass, city);
            }
            self.active.retain(|i| i.end > step);
        }
    }

    fn add(&mut self, start: f64, klass: usize, city: &City) {
        let rng = &mut self.rng;
        let (o, d) = city.random_trip(rng, klass);
        let f = rng.random();
        let (x, y) = city.xy(o.lat + f * (d.lat - o.lat), o.lon + f * (d.lon - o.lon));
        let duration = INCIDENT_MEDIAN_SECONDS * (INCIDENT_SIGMA * rng.gauss(0.0, 1.0)).exp();
        let (low, high) = INCIDENT_DELAY_SECONDS;
        self.count += 1;
        self.active.push(Incident {
            start,
            end: start + duration,
            x,
            y,
            delay: rng.randint(low, high),
            number: self.count,
        });
    }

    /// An incident active at `t` within its radius of the trip's line, if any.
    pub fn near(&self, t: f64, ox: f64, oy: f64, dx: f64, dy: f64) -> Option<&Incident> {
        let r = INCIDENT_RADIUS_KM;
        let (xmin, xmax) = (ox.min(dx) - r, ox.max(dx) + r);
        let (ymin, ymax) = (oy.min(dy) - r, oy.max(dy) + r);
        self.active.iter().find(|i| {
            i.start <= t
                && t < i.end
                && (xmin..=xmax).contains(&i.x)
                && (ymin..=ymax).contains(&i.y)
                && segment_distance2(i.x, i.y, ox, oy, dx, dy) <= r * r
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::regions::builtin;
    use super::*;

    #[test]
    fn riders_are_pure_functions_of_their_number() {
        let region = builtin("houston").unwrap();
        let city = City::new(&region);
        let (home, work) = city.rider_places(42, 7);
        assert_eq!((home, work), city.rider_places(42, 7));
        assert!(city.km(&home, &work) >= MIN_TRIP_KM);
        assert!(region.bounds.contains(home.lat, home.lon));
        assert_ne!(city.rider_places(43, 7).0, home);
    }

    #[test]
    fn incident_rate_meets_the_target_share() {
        let region = builtin("houston").unwrap();
        let city = City::new(&region);
        let volume = vec![1.0; 168];
        let congestion = vec![0.2; 672];
        let s = survey(&city, &region.title, &volume, &congestion);
        assert!(s.exposure > 0.0 && s.exposure < 0.5);
        assert!(s.trip_seconds > 300.0 && s.trip_seconds < 3600.0);
        let low = incident_rate(0.02, &s);
        let high = incident_rate(0.2, &s);
        assert!(high > 10.0 * low && low > 0.0);
        assert_eq!(incident_rate(0.0, &s), 0.0);
    }

    #[test]
    fn corridor_holds_trips_along_it_only() {
        let seg = Segment {
            ax: 0.0,
            ay: 0.0,
            bx: 20.0,
            by: 0.0,
            width2: 9.0,
        };
        assert!(seg.holds(1.0, 1.0, 15.0, -1.0));
        assert!(!seg.holds(1.0, 1.0, 2.0, 1.5)); // too short
        assert!(!seg.holds(1.0, 5.0, 15.0, 0.0)); // off the line
    }
}
