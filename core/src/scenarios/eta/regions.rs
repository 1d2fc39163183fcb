//! Metropolitan regions: geography, climate, traffic and roads (the data behind `--region`).
//!
//! A region is plain data. The built-in catalogue is here; a config file can add regions
//! under `custom_regions`, which Python validates and passes in the options (same shape).
//! Where each figure comes from is documented in `docs/scenarios/eta.md`.

use serde::Deserialize;
use std::collections::BTreeMap;

pub const VEHICLE_TYPES: [&str; 5] = ["Sedan", "SUV", "Hatchback", "Motorcycle", "Van"];
pub const MOTORCYCLE: usize = 3;
pub const KM_PER_DEGREE: f64 = 111.2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Downtown,
    Business,
    Airport,
    Residential,
    Leisure,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct Bounds {
    pub lat_min: f64,
    pub lat_max: f64,
    pub lon_min: f64,
    pub lon_max: f64,
}

impl Bounds {
    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        (self.lat_min..=self.lat_max).contains(&lat) && (self.lon_min..=self.lon_max).contains(&lon)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Hotspot {
    pub name: String,
    pub kind: Kind,
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
    pub weight: f64,
}

/// Monthly climate normals, January first.
#[derive(Debug, Clone, Deserialize)]
pub struct Climate {
    pub high_c: Vec<f64>,
    pub low_c: Vec<f64>,
    pub rainy_days: Vec<f64>,
}

/// Extra travel time over free flow (TomTom's congestion level) through the week.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Traffic {
    pub am_peak: f64,
    pub am_peak_hour: f64,
    pub pm_peak: f64,
    pub pm_peak_hour: f64,
    pub midday: f64,
    pub night: f64,
    pub weekend: f64,
    pub peak_hours: f64,
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic {
            am_peak: 0.45,
            am_peak_hour: 7.5,
            pm_peak: 0.55,
            pm_peak_hour: 17.5,
            midday: 0.2,
            night: 0.03,
            weekend: 0.15,
            peak_hours: 1.3,
        }
    }
}

fn bump(x: f64, width: f64) -> f64 {
    (-0.5 * (x / width).powi(2)).exp()
}

impl Traffic {
    /// Extra travel time at a local weekday (Monday = 0) and fractional hour.
    pub fn congestion(&self, weekday: usize, hour: f64) -> f64 {
        if weekday >= 5 {
            return self.night + (self.weekend - self.night) * bump(hour - 14.0, 4.0);
        }
        let day = 1.0 / (1.0 + (-(hour - 6.0) * 1.5).exp()) / (1.0 + ((hour - 21.0) * 1.2).exp());
        let base = self.night + (self.midday - self.night) * day;
        let peaks: f64 = [
            (self.am_peak, self.am_peak_hour),
            (self.pm_peak, self.pm_peak_hour),
        ]
        .iter()
        .map(|&(peak, center)| (peak - base).max(0.0) * bump(hour - center, self.peak_hours))
        .sum();
        (base + peaks).min(1.0)
    }
}

/// Free-flow speeds and route geometry.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct Roads {
    pub city_speed_kmh: f64,
    pub highway_speed_kmh: f64,
    pub detour_factor: f64,
    pub highway_access: f64,
}

impl Default for Roads {
    fn default() -> Self {
        Roads {
            city_speed_kmh: 40.0,
            highway_speed_kmh: 90.0,
            detour_factor: 1.3,
            highway_access: 0.7,
        }
    }
}

/// A route between two places; trips with both ends near its line are corridor trips.
#[derive(Debug, Clone, Deserialize)]
pub struct Corridor {
    pub name: String,
    pub start: (f64, f64),
    pub end: (f64, f64),
    #[serde(default = "three")]
    pub width_km: f64,
}

fn three() -> f64 {
    3.0
}

fn default_vehicles() -> BTreeMap<String, f64> {
    [
        ("Sedan", 50.0),
        ("SUV", 30.0),
        ("Hatchback", 12.0),
        ("Motorcycle", 2.0),
        ("Van", 6.0),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// One metropolitan region: everything the ETA scenario needs to know about a city.
#[derive(Debug, Clone, Deserialize)]
pub struct Region {
    pub title: String,
    pub time_zone: String,
    pub bounds: Bounds,
    pub hotspots: Vec<Hotspot>,
    pub climate: Climate,
    #[serde(default)]
    pub traffic: Traffic,
    #[serde(default)]
    pub roads: Roads,
    #[serde(default)]
    pub corridor: Option<Corridor>,
    #[serde(default = "default_vehicles")]
    pub vehicles: BTreeMap<String, f64>,
}

impl Region {
    /// Shares of each of `VEHICLE_TYPES`.
    pub fn vehicle_weights(&self) -> [f64; 5] {
        let mut out = [0.0; 5];
        for (i, name) in VEHICLE_TYPES.iter().enumerate() {
            out[i] = self.vehicles.get(*name).copied().unwrap_or(0.0);
        }
        out
    }

    /// Checks what the Python model validates too (a custom region arriving by another path).
    pub fn check(&self) -> Result<(), String> {
        let c = &self.climate;
        if c.high_c.len() != 12 || c.low_c.len() != 12 || c.rainy_days.len() != 12 {
            return Err("expected 12 monthly climate values".into());
        }
        if self.hotspots.len() < 2 {
            return Err("expected at least two hotspots".into());
        }
        let has = |k: Kind| self.hotspots.iter().any(|s| s.kind == k);
        if !has(Kind::Residential) || !(has(Kind::Downtown) || has(Kind::Business)) {
            return Err("expected a residential and a downtown or business hotspot".into());
        }
        if self.vehicle_weights().iter().sum::<f64>() <= 0.0 {
            return Err("expected some vehicle shares".into());
        }
        Ok(())
    }
}

type Spot = (&'static str, Kind, f64, f64, f64, f64);

#[allow(clippy::too_many_arguments)]
fn region(
    title: &str,
    time_zone: &str,
    bounds: (f64, f64, f64, f64),
    spots: &[Spot],
    climate: [[f64; 12]; 3],
    traffic: [f64; 7],
    roads: [f64; 4],
    corridor: (&str, (f64, f64), (f64, f64), f64),
    vehicles: [f64; 5],
) -> Region {
    Region {
        title: title.into(),
        time_zone: time_zone.into(),
        bounds: Bounds {
            lat_min: bounds.0,
            lat_max: bounds.1,
            lon_min: bounds.2,
            lon_max: bounds.3,
        },
        hotspots: spots
            .iter()
            .map(|&(name, kind, lat, lon, radius_km, weight)| Hotspot {
                name: name.into(),
                kind,
                lat,
                lon,
                radius_km,
                weight,
            })
            .collect(),
        climate: Climate {
            high_c: climate[0].to_vec(),
            low_c: climate[1].to_vec(),
            rainy_days: climate[2].to_vec(),
        },
        traffic: Traffic {
            am_peak: traffic[0],
            am_peak_hour: traffic[1],
            pm_peak: traffic[2],
            pm_peak_hour: traffic[3],
            midday: traffic[4],
            night: traffic[5],
            weekend: traffic[6],
            peak_hours: 1.3,
        },
        roads: Roads {
            city_speed_kmh: roads[0],
            highway_speed_kmh: roads[1],
            detour_factor: roads[2],
            highway_access: roads[3],
        },
        corridor: Some(Corridor {
            name: corridor.0.into(),
            start: corridor.1,
            end: corridor.2,
            width_km: corridor.3,
        }),
        vehicles: VEHICLE_TYPES
            .iter()
            .zip(vehicles)
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

use Kind::{Airport, Business, Downtown, Leisure, Residential};

/// Names of the built-in regions, in catalogue order.
pub const BUILTIN: [&str; 6] = [
    "houston",
    "new_york",
    "london",
    "sao_paulo",
    "mumbai",
    "sydney",
];

/// A built-in region by name.
pub fn builtin(name: &str) -> Option<Region> {
    Some(match name {
        "houston" => region(
            "Houston",
            "America/Chicago",
            // The original producer's box.
            (29.5, 30.1, -95.8, -95.0),
            &[
                ("Downtown", Downtown, 29.7604, -95.3698, 1.2, 10.0),
                ("Uptown Galleria", Business, 29.7390, -95.4630, 1.5, 6.0),
                (
                    "Texas Medical Center",
                    Business,
                    29.7070,
                    -95.3990,
                    1.0,
                    5.0,
                ),
                ("Energy Corridor", Business, 29.7800, -95.6300, 2.0, 3.0),
                (
                    "Bush Intercontinental Airport",
                    Airport,
                    29.9902,
                    -95.3368,
                    0.8,
                    3.0,
                ),
                ("Hobby Airport", Airport, 29.6454, -95.2789, 0.6, 2.0),
                ("Midtown and Montrose", Leisure, 29.7420, -95.3850, 1.2, 6.0),
                ("NRG Park", Leisure, 29.6847, -95.4107, 0.8, 1.0),
                ("The Heights", Residential, 29.7980, -95.3980, 2.0, 5.0),
                ("Sugar Land", Residential, 29.6197, -95.6349, 4.0, 4.0),
                ("Pearland", Residential, 29.5636, -95.2860, 4.0, 3.0),
                ("Spring", Residential, 30.0500, -95.4170, 3.5, 3.0),
                (
                    "Katy and Cinco Ranch",
                    Residential,
                    29.7400,
                    -95.7300,
                    3.5,
                    3.0,
                ),
                ("Pasadena", Residential, 29.6911, -95.2091, 3.5, 3.0),
                (
                    "Alief and Westchase",
                    Residential,
                    29.7000,
                    -95.5700,
                    3.5,
                    4.0,
                ),
                (
                    "Kingwood and Humble",
                    Residential,
                    29.9990,
                    -95.2620,
                    3.5,
                    2.0,
                ),
            ],
            // NOAA NCEI 1991-2020 normals, Houston Intercontinental Airport.
            [
                [
                    17.7, 19.9, 23.3, 26.7, 30.5, 33.5, 34.7, 34.9, 32.4, 28.2, 22.6, 18.5,
                ],
                [
                    6.5, 8.7, 12.0, 15.4, 19.9, 23.2, 24.3, 24.1, 21.4, 16.1, 10.8, 7.6,
                ],
                [10.0, 8.8, 8.8, 7.3, 8.6, 10.0, 9.1, 8.5, 8.4, 7.7, 7.6, 9.6],
            ],
            [0.45, 7.5, 0.55, 17.25, 0.2, 0.02, 0.15],
            [48.0, 100.0, 1.25, 0.9],
            (
                "I-45 North: Downtown to Bush Intercontinental",
                (29.7604, -95.3698),
                (29.9902, -95.3368),
                3.0,
            ),
            [45.0, 35.0, 8.0, 2.0, 10.0],
        ),
        "new_york" => region(
            "New York",
            "America/New_York",
            (40.55, 40.92, -74.10, -73.70),
            &[
                ("Midtown Manhattan", Downtown, 40.7549, -73.9840, 1.2, 10.0),
                ("Financial District", Business, 40.7075, -74.0113, 0.8, 6.0),
                ("Downtown Brooklyn", Business, 40.6928, -73.9903, 1.0, 3.0),
                ("Long Island City", Business, 40.7447, -73.9485, 1.0, 2.0),
                ("JFK Airport", Airport, 40.6413, -73.7781, 0.8, 3.0),
                ("LaGuardia Airport", Airport, 40.7769, -73.8740, 0.6, 3.0),
                (
                    "Lower East Side and East Village",
                    Leisure,
                    40.7265,
                    -73.9815,
                    1.0,
                    5.0,
                ),
                ("Williamsburg", Leisure, 40.7081, -73.9571, 1.2, 4.0),
                ("Upper West Side", Residential, 40.7870, -73.9754, 1.2, 4.0),
                ("Upper East Side", Residential, 40.7736, -73.9566, 1.2, 5.0),
                ("Harlem", Residential, 40.8116, -73.9465, 1.5, 3.0),
                ("Park Slope", Residential, 40.6710, -73.9814, 1.5, 3.0),
                ("Astoria", Residential, 40.7644, -73.9235, 1.5, 3.0),
                ("Flushing", Residential, 40.7675, -73.8331, 2.0, 2.0),
                (
                    "Fordham, the Bronx",
                    Residential,
                    40.8610,
                    -73.8900,
                    2.5,
                    2.0,
                ),
                ("Jersey City", Residential, 40.7178, -74.0431, 1.5, 2.0),
            ],
            // NOAA NCEI 1991-2020 normals, Central Park.
            [
                [
                    4.2, 5.7, 9.9, 16.6, 21.9, 26.5, 29.4, 28.5, 24.6, 18.1, 12.2, 6.8,
                ],
                [
                    -2.3, -1.3, 2.1, 7.6, 12.8, 17.9, 21.2, 20.5, 16.8, 10.7, 5.6, 1.1,
                ],
                [
                    10.8, 10.0, 11.1, 11.4, 11.5, 10.8, 10.7, 10.1, 9.0, 9.7, 9.4, 11.3,
                ],
            ],
            [0.6, 8.25, 0.7, 17.25, 0.38, 0.06, 0.33],
            [28.0, 70.0, 1.35, 0.5],
            (
                "Midtown to JFK",
                (40.7549, -73.9840),
                (40.6413, -73.7781),
                3.0,
            ),
            [55.0, 30.0, 6.0, 1.0, 8.0],
        ),
        "london" => region(
            "London",
            "Europe/London",
            (51.38, 51.62, -0.50, 0.10),
            &[
                ("City of London", Downtown, 51.5155, -0.0922, 1.0, 8.0),
                ("Canary Wharf", Business, 51.5054, -0.0235, 0.8, 4.0),
                ("King's Cross", Business, 51.5308, -0.1238, 0.8, 3.0),
                ("Stratford", Business, 51.5416, -0.0036, 1.0, 2.0),
                ("Heathrow Airport", Airport, 51.4700, -0.4543, 1.0, 3.0),
                ("London City Airport", Airport, 51.5048, 0.0495, 0.5, 1.0),
                ("West End", Leisure, 51.5136, -0.1365, 1.0, 8.0),
                ("Camden Town", Leisure, 51.5390, -0.1426, 1.0, 3.0),
                ("Shoreditch", Leisure, 51.5265, -0.0780, 0.8, 3.0),
                ("Islington", Residential, 51.5362, -0.1033, 1.5, 4.0),
                ("Hackney", Residential, 51.5450, -0.0553, 1.5, 4.0),
                ("Clapham", Residential, 51.4620, -0.1380, 1.5, 4.0),
                ("Brixton", Residential, 51.4613, -0.1156, 1.2, 3.0),
                ("Greenwich", Residential, 51.4826, -0.0077, 1.5, 2.0),
                ("Ealing", Residential, 51.5130, -0.3089, 2.0, 2.0),
                ("Wimbledon", Residential, 51.4214, -0.2064, 2.0, 2.0),
            ],
            // Met Office 1991-2020 averages, Heathrow (rain days >= 1 mm).
            [
                [
                    8.4, 9.0, 11.7, 15.0, 18.4, 21.6, 23.9, 23.4, 20.3, 15.9, 11.6, 8.9,
                ],
                [
                    2.5, 2.4, 3.9, 5.7, 8.8, 11.8, 13.9, 13.8, 11.4, 8.6, 5.2, 2.9,
                ],
                [
                    11.1, 9.4, 8.8, 9.0, 8.0, 7.9, 7.7, 8.3, 8.2, 10.4, 10.9, 10.4,
                ],
            ],
            [0.62, 8.25, 0.68, 17.5, 0.4, 0.06, 0.34],
            [28.0, 75.0, 1.4, 0.3],
            (
                "A4/M4: West End to Heathrow",
                (51.5136, -0.1365),
                (51.4700, -0.4543),
                3.0,
            ),
            [50.0, 12.0, 28.0, 2.0, 8.0],
        ),
        "sao_paulo" => region(
            "São Paulo",
            "America/Sao_Paulo",
            (-23.75, -23.40, -46.85, -46.40),
            &[
                ("Centro", Downtown, -23.5475, -46.6361, 1.2, 6.0),
                ("Avenida Paulista", Business, -23.5614, -46.6559, 1.0, 8.0),
                (
                    "Faria Lima and Itaim Bibi",
                    Business,
                    -23.5860,
                    -46.6816,
                    1.0,
                    6.0,
                ),
                (
                    "Berrini and Brooklin",
                    Business,
                    -23.6060,
                    -46.6940,
                    1.0,
                    3.0,
                ),
                ("Congonhas Airport", Airport, -23.6261, -46.6564, 0.6, 3.0),
                ("Guarulhos Airport", Airport, -23.4356, -46.4731, 0.8, 2.0),
                (
                    "Pinheiros and Vila Madalena",
                    Leisure,
                    -23.5570,
                    -46.6900,
                    1.2,
                    5.0,
                ),
                ("Moema", Residential, -23.6010, -46.6640, 1.5, 4.0),
                ("Tatuapé", Residential, -23.5400, -46.5760, 2.0, 4.0),
                ("Santana", Residential, -23.5020, -46.6250, 2.0, 3.0),
                ("Butantã", Residential, -23.5710, -46.7300, 2.0, 3.0),
                ("Santo Amaro", Residential, -23.6540, -46.7100, 2.5, 3.0),
                ("Morumbi", Residential, -23.6000, -46.7200, 1.5, 2.0),
                ("Lapa", Residential, -23.5220, -46.7030, 1.5, 2.0),
                ("Itaquera", Residential, -23.5400, -46.4560, 2.5, 2.0),
            ],
            // INMET 1991-2020 normals, Mirante de Santana (rain days >= 1 mm).
            [
                [
                    28.3, 28.8, 27.9, 26.2, 23.6, 22.6, 22.4, 24.1, 25.0, 26.2, 26.9, 27.8,
                ],
                [
                    19.2, 19.5, 18.8, 17.0, 14.4, 13.0, 12.4, 13.3, 14.9, 16.5, 17.6, 18.6,
                ],
                [
                    17.0, 15.0, 13.0, 8.0, 7.0, 5.0, 4.0, 4.0, 7.0, 10.0, 12.0, 15.0,
                ],
            ],
            [0.45, 8.0, 0.55, 18.5, 0.3, 0.04, 0.22],
            [32.0, 70.0, 1.35, 0.6],
            (
                "Marginal Tietê: Centro to Guarulhos",
                (-23.5475, -46.6361),
                (-23.4356, -46.4731),
                3.0,
            ),
            [35.0, 10.0, 40.0, 12.0, 3.0],
        ),
        "mumbai" => region(
            "Mumbai",
            "Asia/Kolkata",
            (18.89, 19.30, 72.77, 73.00),
            &[
                (
                    "Nariman Point and Fort",
                    Downtown,
                    18.9300,
                    72.8300,
                    1.0,
                    6.0,
                ),
                ("Bandra Kurla Complex", Business, 19.0660, 72.8690, 0.8, 6.0),
                ("Lower Parel", Business, 18.9980, 72.8300, 0.8, 5.0),
                ("Andheri East", Business, 19.1150, 72.8750, 1.2, 4.0),
                ("Powai", Business, 19.1176, 72.9060, 1.2, 3.0),
                (
                    "Chhatrapati Shivaji Maharaj Airport",
                    Airport,
                    19.0896,
                    72.8656,
                    0.6,
                    3.0,
                ),
                ("Colaba", Leisure, 18.9067, 72.8147, 0.8, 3.0),
                ("Bandra West", Leisure, 19.0596, 72.8295, 1.0, 5.0),
                ("Dadar", Residential, 19.0178, 72.8478, 1.2, 5.0),
                ("Andheri West", Residential, 19.1364, 72.8296, 1.5, 5.0),
                ("Goregaon", Residential, 19.1650, 72.8490, 1.5, 4.0),
                ("Malad", Residential, 19.1870, 72.8486, 1.5, 4.0),
                ("Borivali", Residential, 19.2307, 72.8567, 1.8, 4.0),
                ("Chembur", Residential, 19.0522, 72.9005, 1.5, 3.0),
                ("Ghatkopar", Residential, 19.0860, 72.9080, 1.5, 3.0),
                ("Mulund", Residential, 19.1726, 72.9560, 1.5, 2.0),
            ],
            // IMD normals, Santacruz (rainy days >= 2.5 mm).
            [
                [
                    31.2, 31.8, 33.1, 33.3, 33.6, 32.2, 30.2, 29.9, 30.8, 33.6, 34.1, 32.7,
                ],
                [
                    17.4, 18.5, 21.6, 24.5, 27.0, 26.4, 25.5, 25.1, 24.7, 23.8, 21.6, 19.1,
                ],
                [
                    0.1, 0.1, 0.1, 0.3, 1.1, 13.8, 22.9, 20.5, 13.9, 4.0, 1.3, 0.2,
                ],
            ],
            [0.9, 10.0, 1.0, 19.0, 0.75, 0.16, 0.65],
            [28.0, 60.0, 1.4, 0.45],
            (
                "Coastal Road and Sea Link: Marine Drive to Bandra",
                (18.9350, 72.8230),
                (19.0500, 72.8220),
                2.5,
            ),
            [35.0, 12.0, 45.0, 5.0, 3.0],
        ),
        "sydney" => region(
            "Sydney",
            "Australia/Sydney",
            (-34.05, -33.70, 150.95, 151.32),
            &[
                ("Sydney CBD", Downtown, -33.8688, 151.2093, 1.0, 10.0),
                ("North Sydney", Business, -33.8390, 151.2070, 0.8, 3.0),
                ("Parramatta", Business, -33.8150, 151.0011, 1.2, 4.0),
                ("Macquarie Park", Business, -33.7780, 151.1240, 1.0, 2.0),
                ("Sydney Airport", Airport, -33.9399, 151.1753, 0.8, 3.0),
                (
                    "Surry Hills and Darlinghurst",
                    Leisure,
                    -33.8840,
                    151.2130,
                    0.8,
                    4.0,
                ),
                ("Bondi", Leisure, -33.8915, 151.2767, 1.2, 3.0),
                ("Manly", Leisure, -33.7969, 151.2870, 1.0, 2.0),
                ("Newtown", Residential, -33.8970, 151.1790, 1.2, 3.0),
                ("Chatswood", Residential, -33.7969, 151.1803, 1.5, 3.0),
                ("Randwick", Residential, -33.9140, 151.2410, 1.5, 3.0),
                ("Bankstown", Residential, -33.9180, 151.0350, 2.0, 3.0),
                ("Hurstville", Residential, -33.9670, 151.1020, 2.0, 3.0),
                ("Ryde", Residential, -33.8150, 151.1040, 2.0, 2.0),
                ("Strathfield", Residential, -33.8730, 151.0830, 2.0, 2.0),
            ],
            // Bureau of Meteorology, Observatory Hill (rain days >= 1 mm).
            [
                [
                    26.1, 26.0, 24.9, 22.6, 19.7, 17.3, 17.1, 18.2, 20.3, 22.3, 23.9, 25.6,
                ],
                [
                    18.8, 19.0, 17.6, 14.7, 11.6, 9.3, 8.4, 9.4, 11.5, 13.6, 15.7, 17.6,
                ],
                [8.0, 8.7, 9.5, 7.7, 7.5, 8.3, 6.4, 5.8, 6.1, 7.4, 8.2, 7.7],
            ],
            [0.66, 8.25, 0.65, 17.25, 0.3, 0.04, 0.25],
            [38.0, 85.0, 1.35, 0.6],
            (
                "WestConnex M4: Parramatta to the CBD",
                (-33.8150, 151.0011),
                (-33.8688, 151.2093),
                3.0,
            ),
            [50.0, 25.0, 17.0, 1.0, 7.0],
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_valid_and_congestion_peaks_at_rush_hour() {
        for name in BUILTIN {
            let r = builtin(name).unwrap();
            r.check().unwrap();
            for s in &r.hotspots {
                assert!(r.bounds.contains(s.lat, s.lon), "{name}: {}", s.name);
            }
        }
        let t = builtin("houston").unwrap().traffic;
        assert!(t.congestion(1, 17.25) > 0.5 && t.congestion(1, 3.0) < 0.05);
        assert!(t.congestion(6, 14.0) < t.congestion(1, 17.25));
    }
}
