//! What a run knows about its region (constants of the region, never drifting) and its
//! drivers (persistent entities with a vehicle, a personal speed and a rating).

use super::city::{survey, City, Survey, Table};
use super::regions::{Region, MOTORCYCLE};
use super::weather::Seasons;
use crate::rng::{Rng, Shard};

/// Ride requests by local hour: commute peaks on weekdays, late evenings on weekends.
pub const WEEKDAY_REQUESTS: [f64; 24] = [
    0.6, 0.4, 0.3, 0.3, 0.5, 1.0, 2.2, 3.4, 3.6, 2.6, 2.2, 2.4, 2.7, 2.6, 2.6, 3.0, 3.6, 4.0, 3.6,
    2.8, 2.3, 2.0, 1.6, 1.0,
];
pub const WEEKEND_REQUESTS: [f64; 24] = [
    1.6, 1.4, 1.1, 0.7, 0.4, 0.4, 0.6, 0.9, 1.3, 1.8, 2.3, 2.7, 2.9, 2.9, 2.8, 2.8, 2.9, 3.0, 3.1,
    3.1, 3.0, 2.9, 2.6, 2.1,
];
/// Relative speed of each vehicle type (< 1 is faster).
const VEHICLE_SPEED: [f64; 5] = [1.0, 1.0, 1.0, 0.92, 1.05];
/// Motorcycles filter through queues.
const MOTORCYCLE_CONGESTION: f32 = 0.5;
pub const FIRST_DRIVER_NUMBER: u64 = 1000; // the original ids ran driver_1000 .. driver_5000
pub const FIRST_VEHICLE_NUMBER: u64 = 100;

/// A region's world: built once per run from the region's data.
pub struct World {
    pub region: Region,
    pub city: City,
    pub seasons: Seasons,
    /// Extra travel time per local quarter-hour of the week.
    pub congestion: Vec<f64>,
    pub survey: Survey,
    /// Busy drivers per local hour: weekdays, weekends.
    pub need: ([f64; 24], [f64; 24]),
}

impl World {
    pub fn new(region: Region) -> World {
        let city = City::new(&region);
        let mut week: Vec<f64> = Vec::with_capacity(168);
        for day in 0..7 {
            week.extend(if day < 5 {
                &WEEKDAY_REQUESTS
            } else {
                &WEEKEND_REQUESTS
            });
        }
        let mean = week.iter().sum::<f64>() / 168.0;
        let volume: Vec<f64> = week.iter().map(|v| v / mean).collect();
        let congestion: Vec<f64> = (0..672)
            .map(|q| {
                region
                    .traffic
                    .congestion(q / 96, (q % 96) as f64 / 4.0 + 0.125)
            })
            .collect();
        let mut need = ([0.0; 24], [0.0; 24]);
        for h in 0..24 {
            need.0[h] = WEEKDAY_REQUESTS[h] * (1.0 + congestion[h * 4 + 2]);
            need.1[h] = WEEKEND_REQUESTS[h] * (1.0 + congestion[5 * 96 + h * 4 + 2]);
        }
        let survey = survey(&city, &region.title, &volume, &congestion);
        World {
            seasons: Seasons::of(&region.climate),
            city,
            congestion,
            survey,
            need,
            region,
        }
    }
}

/// A driver: one vehicle, a personal speed, a quality of service and a moving rating.
///
/// Aligned to its size, so a driver never straddles two cache lines.
#[derive(Debug, Clone, Copy, Default)]
#[repr(align(32))]
pub struct Driver {
    pub known: bool,
    pub vehicle: u8,
    /// Share of congestion the vehicle suffers.
    pub congestion: f32,
    /// The long-run mean of the stars riders give.
    pub quality: f32,
    /// Personal speed bias times the vehicle's (< 1 is faster).
    pub speed: f64,
    /// Moving average of recent stars.
    pub rating: f64,
}

/// The drivers of one run, created on their first trip.
pub struct Drivers {
    rng: Rng,
    vehicles: Table,
    pub shard: Shard,
    pub all: Vec<Driver>,
}

impl Drivers {
    pub fn new(size: usize, vehicles: &[f64; 5], rng: Rng, shard: Shard) -> Drivers {
        Drivers {
            rng,
            vehicles: Table::new(vehicles),
            shard,
            all: vec![Driver::default(); size],
        }
    }

    /// Driver `d` of this shard, drawn the first time it is asked for.
    pub fn get(&mut self, d: usize) -> &mut Driver {
        if !self.all[d].known {
            let r = &mut self.rng;
            let vehicle = self.vehicles.draw(r);
            let bias = (1.0 + r.gauss(0.0, 0.06)).clamp(0.85, 1.15);
            let u = r.random();
            let quality = 5.0 - 1.3 * u * u; // most drivers rate well, a few poorly
            let rating = (quality + r.gauss(0.0, 0.15)).clamp(3.5, 5.0);
            self.all[d] = Driver {
                known: true,
                vehicle: vehicle as u8,
                congestion: if vehicle == MOTORCYCLE {
                    MOTORCYCLE_CONGESTION
                } else {
                    1.0
                },
                quality: quality as f32,
                speed: bias * VEHICLE_SPEED[vehicle],
                rating,
            };
        }
        &mut self.all[d]
    }

    /// The global number of driver `d` (disjoint across shards).
    pub fn number(&self, d: usize) -> u64 {
        self.shard.entity_number(d as u64)
    }
}
