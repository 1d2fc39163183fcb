//! The ETA scenario: ride requests in a metropolitan region with the trip's simulated actual
//! travel time (regression target).
//!
//! A region (Houston by default) with hotspots, commuting riders, drivers on shifts, weather
//! and incidents that evolve over event time, and traffic that follows the hour of the week.
//! `--label-mode delayed` sends the actual travel time when the trip ends, on the
//! `completed` stream.

pub mod city;
pub mod clock;
pub mod fields;
pub mod fleet;
pub mod options;
pub mod regions;
pub mod stream;
pub mod weather;
pub mod world;

use crate::scenario::{Config, Scenario, Spec};

fn build(config: &Config) -> Result<Box<dyn Scenario>, String> {
    Ok(Box::new(stream::EtaStream::new(config)?))
}

pub static SPEC: Spec = Spec {
    name: "eta",
    streams: &["", "completed"],
    fields: &[fields::MAIN, fields::COMPLETED],
    build,
};
