"""Geography helpers: great-circle distance, bounding boxes and a small world-city table."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres.

    >>> round(haversine_km(29.7604, -95.3698, 30.0, -95.3698), 1)  # Houston downtown to 30N
    26.6
    """
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


@dataclass(frozen=True, slots=True)
class Box:
    """A latitude/longitude bounding box."""

    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float

    def uniform(self, rng: random.Random) -> tuple[float, float]:
        return rng.uniform(self.lat_min, self.lat_max), rng.uniform(self.lon_min, self.lon_max)

    def contains(self, lat: float, lon: float) -> bool:
        return self.lat_min <= lat <= self.lat_max and self.lon_min <= lon <= self.lon_max


#: The Houston metro box of the original ETA and e-commerce producers.
HOUSTON = Box(29.5, 30.1, -95.8, -95.0)


@dataclass(frozen=True, slots=True)
class City:
    name: str
    country: str  # ISO 3166-1 alpha-2
    currency: str  # ISO 4217
    lat: float
    lon: float
    weight: float  # relative share of cardholders / shoppers


#: Cities behind the original fraud producer's currencies (USD, EUR, GBP, JPY, CAD, AUD, BRL).
WORLD_CITIES: tuple[City, ...] = (
    City("New York", "US", "USD", 40.7128, -74.0060, 8.0),
    City("Los Angeles", "US", "USD", 34.0522, -118.2437, 6.0),
    City("Chicago", "US", "USD", 41.8781, -87.6298, 4.0),
    City("Houston", "US", "USD", 29.7604, -95.3698, 4.0),
    City("Miami", "US", "USD", 25.7617, -80.1918, 3.0),
    City("Seattle", "US", "USD", 47.6062, -122.3321, 2.0),
    City("Toronto", "CA", "CAD", 43.6532, -79.3832, 3.0),
    City("Vancouver", "CA", "CAD", 49.2827, -123.1207, 1.5),
    City("London", "GB", "GBP", 51.5074, -0.1278, 5.0),
    City("Manchester", "GB", "GBP", 53.4808, -2.2426, 1.5),
    City("Paris", "FR", "EUR", 48.8566, 2.3522, 4.0),
    City("Berlin", "DE", "EUR", 52.5200, 13.4050, 3.5),
    City("Madrid", "ES", "EUR", 40.4168, -3.7038, 3.0),
    City("Rome", "IT", "EUR", 41.9028, 12.4964, 2.5),
    City("Amsterdam", "NL", "EUR", 52.3676, 4.9041, 1.5),
    City("Tokyo", "JP", "JPY", 35.6762, 139.6503, 5.0),
    City("Osaka", "JP", "JPY", 34.6937, 135.5023, 2.0),
    City("Sydney", "AU", "AUD", -33.8688, 151.2093, 2.5),
    City("Melbourne", "AU", "AUD", -37.8136, 144.9631, 2.0),
    City("São Paulo", "BR", "BRL", -23.5505, -46.6333, 4.0),
    City("Rio de Janeiro", "BR", "BRL", -22.9068, -43.1729, 2.5),
)


def jitter(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    """A point roughly within ``km`` of (lat, lon), Gaussian in each axis."""
    dlat = rng.gauss(0.0, km / 111.0)
    dlon = rng.gauss(0.0, km / (111.0 * max(0.2, math.cos(math.radians(lat)))))
    return max(-90.0, min(90.0, lat + dlat)), (lon + dlon + 180.0) % 360.0 - 180.0
