//! Geography shared by scenarios: great-circle distance, bounding boxes, world cities.

use crate::rng::Rng;

pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// Great-circle distance in kilometres.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let dphi = phi2 - phi1;
    let dlmb = (lon2 - lon1).to_radians();
    let a = (dphi / 2.0).sin().powi(2) + phi1.cos() * phi2.cos() * (dlmb / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().asin()
}

/// A latitude/longitude bounding box.
#[derive(Debug, Clone, Copy)]
pub struct BoundingBox {
    pub lat_min: f64,
    pub lat_max: f64,
    pub lon_min: f64,
    pub lon_max: f64,
}

impl BoundingBox {
    pub fn uniform(&self, rng: &mut Rng) -> (f64, f64) {
        (
            rng.uniform(self.lat_min, self.lat_max),
            rng.uniform(self.lon_min, self.lon_max),
        )
    }

    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        (self.lat_min..=self.lat_max).contains(&lat) && (self.lon_min..=self.lon_max).contains(&lon)
    }
}

/// The Houston metro box of the original ETA and e-commerce producers.
pub const HOUSTON: BoundingBox = BoundingBox {
    lat_min: 29.5,
    lat_max: 30.1,
    lon_min: -95.8,
    lon_max: -95.0,
};

#[derive(Debug, Clone, Copy)]
pub struct City {
    pub name: &'static str,
    /// ISO 3166-1 alpha-2.
    pub country: &'static str,
    /// ISO 4217.
    pub currency: &'static str,
    pub lat: f64,
    pub lon: f64,
    /// Relative share of cardholders / shoppers.
    pub weight: f64,
}

const fn city(
    name: &'static str,
    country: &'static str,
    currency: &'static str,
    lat: f64,
    lon: f64,
    weight: f64,
) -> City {
    City {
        name,
        country,
        currency,
        lat,
        lon,
        weight,
    }
}

/// Cities behind the original fraud producer's currencies (USD, EUR, GBP, JPY, CAD, AUD, BRL).
pub const WORLD_CITIES: [City; 21] = [
    city("New York", "US", "USD", 40.7128, -74.0060, 8.0),
    city("Los Angeles", "US", "USD", 34.0522, -118.2437, 6.0),
    city("Chicago", "US", "USD", 41.8781, -87.6298, 4.0),
    city("Houston", "US", "USD", 29.7604, -95.3698, 4.0),
    city("Miami", "US", "USD", 25.7617, -80.1918, 3.0),
    city("Seattle", "US", "USD", 47.6062, -122.3321, 2.0),
    city("Toronto", "CA", "CAD", 43.6532, -79.3832, 3.0),
    city("Vancouver", "CA", "CAD", 49.2827, -123.1207, 1.5),
    city("London", "GB", "GBP", 51.5074, -0.1278, 5.0),
    city("Manchester", "GB", "GBP", 53.4808, -2.2426, 1.5),
    city("Paris", "FR", "EUR", 48.8566, 2.3522, 4.0),
    city("Berlin", "DE", "EUR", 52.5200, 13.4050, 3.5),
    city("Madrid", "ES", "EUR", 40.4168, -3.7038, 3.0),
    city("Rome", "IT", "EUR", 41.9028, 12.4964, 2.5),
    city("Amsterdam", "NL", "EUR", 52.3676, 4.9041, 1.5),
    city("Tokyo", "JP", "JPY", 35.6762, 139.6503, 5.0),
    city("Osaka", "JP", "JPY", 34.6937, 135.5023, 2.0),
    city("Sydney", "AU", "AUD", -33.8688, 151.2093, 2.5),
    city("Melbourne", "AU", "AUD", -37.8136, 144.9631, 2.0),
    city("São Paulo", "BR", "BRL", -23.5505, -46.6333, 4.0),
    city("Rio de Janeiro", "BR", "BRL", -22.9068, -43.1729, 2.5),
];

/// A point roughly within `km` of (lat, lon), Gaussian in each axis.
pub fn jitter(rng: &mut Rng, lat: f64, lon: f64, km: f64) -> (f64, f64) {
    let dlat = rng.gauss(0.0, km / 111.0);
    let dlon = rng.gauss(0.0, km / (111.0 * lat.to_radians().cos().max(0.2)));
    (
        (lat + dlat).clamp(-90.0, 90.0),
        (lon + dlon + 180.0).rem_euclid(360.0) - 180.0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn houston_to_thirty_north() {
        let d = haversine_km(29.7604, -95.3698, 30.0, -95.3698);
        assert!((d - 26.6).abs() < 0.05);
    }
}
