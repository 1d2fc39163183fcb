//! The ETA scenario's options as Python dumps them, and the regime derived from them.

use super::city::incident_rate;
use super::regions::{builtin, Region};
use super::weather::WeatherRegime;
use super::world::World;
use serde::Deserialize;
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// `EtaOptions.model_dump(mode="json", by_alias=True)` without the drift options.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Options {
    pub heavy_traffic_multiplier: f64,
    pub bad_weather_probability: f64,
    pub incident_probability: f64,
    pub drivers: Option<u64>,
    pub riders: Option<u64>,
    pub commute_share: f64,
    pub corridor_travel_time_factor: f64,
    pub label_mode: String,
    pub custom_regions: BTreeMap<String, Region>,
    pub region: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            heavy_traffic_multiplier: 2.0,
            bad_weather_probability: 0.1,
            incident_probability: 0.02,
            drivers: None,
            riders: None,
            commute_share: 0.4,
            corridor_travel_time_factor: 1.0,
            label_mode: "inline".into(),
            custom_regions: BTreeMap::new(),
            region: "houston".into(),
        }
    }
}

impl Options {
    /// The region's data (a custom region may shadow a built-in name).
    pub fn region_spec(&self) -> Result<Region, String> {
        let region = match self.custom_regions.get(&self.region) {
            Some(r) => r.clone(),
            None => {
                builtin(&self.region).ok_or_else(|| format!("unknown region {:?}", self.region))?
            }
        };
        region
            .check()
            .map_err(|e| format!("region {:?}: {e}", self.region))?;
        Ok(region)
    }

    pub fn delayed(&self) -> bool {
        self.label_mode == "delayed"
    }
}

/// The options that may drift (one concept's behaviour parameters).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Behaviour {
    pub heavy_traffic_multiplier: f64,
    pub bad_weather_probability: f64,
    pub incident_probability: f64,
    pub commute_share: f64,
    pub corridor_travel_time_factor: f64,
}

impl Default for Behaviour {
    fn default() -> Self {
        let o = Options::default();
        Behaviour {
            heavy_traffic_multiplier: o.heavy_traffic_multiplier,
            bad_weather_probability: o.bad_weather_probability,
            incident_probability: o.incident_probability,
            commute_share: o.commute_share,
            corridor_travel_time_factor: o.corridor_travel_time_factor,
        }
    }
}

/// Derived tables of one set of behaviour parameters (one drift concept).
pub struct Regime {
    /// Travel-time multiplier per local quarter-hour of the week.
    pub traffic: Vec<f64>,
    pub cap: f64,
    pub weather: WeatherRegime,
    /// New incidents per second.
    pub incidents: f64,
    pub commute_share: f64,
    pub corridor_factor: f64,
}

impl Regime {
    pub fn of(options: &Json, world: &World) -> Result<Regime, String> {
        let b: Behaviour =
            serde_json::from_value(options.clone()).map_err(|e| format!("invalid options: {e}"))?;
        let m = b.heavy_traffic_multiplier;
        Ok(Regime {
            traffic: world
                .congestion
                .iter()
                .map(|c| 1.0 + (m - 1.0) * c)
                .collect(),
            cap: m,
            weather: WeatherRegime::of(&world.seasons, b.bad_weather_probability),
            incidents: incident_rate(b.incident_probability, &world.survey),
            commute_share: b.commute_share,
            corridor_factor: b.corridor_travel_time_factor,
        })
    }
}
