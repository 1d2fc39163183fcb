"""Ride requests with a simulated actual travel time (regression target).

The original ``estimated_time_of_arrival`` producer, on the engine: every
original field and option, with drivers who keep their vehicle and rating.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import Field

from streamsim.clock import LocalTime, PoissonArrivals, weekly_profile
from streamsim.config import Probability
from streamsim.drift import DRIFT_FIELDS
from streamsim.events import Event
from streamsim.geo import HOUSTON, haversine_km
from streamsim.parameters import ScenarioOptions
from streamsim.rng import Weighted, uuid4_str
from streamsim.scenarios.base import Scenario
from streamsim.schema import FieldSpec, Level
from streamsim.timeutil import IsoFormatter

if TYPE_CHECKING:
    from streamsim.rng import RngTree

VEHICLE_TYPES = ("Sedan", "SUV", "Hatchback", "Motorcycle", "Van")
WEATHER_CONDITIONS = ("Clear", "Clouds", "Rain", "Heavy Rain", "Fog", "Thunderstorm")
WEATHER_WEIGHTS = (0.6, 0.15, 0.1, 0.05, 0.05, 0.05)
#: Slowdown ranges per bad-weather condition (the original producer's).
WEATHER_FACTORS = {
    "Rain": (1.1, 1.4),
    "Heavy Rain": (1.3, 1.8),
    "Fog": (1.2, 1.6),
    "Thunderstorm": (1.4, 2.0),
}
AVG_SPEED_KMH = 40.0
TIME_ZONE = "America/Chicago"  # Houston

#: Mean gap of the original producer: it slept uniform(0.1, 1.0) s between requests.
ORIGINAL_MEAN_GAP_SECONDS = (0.1 + 1.0) / 2
#: Ride requests by local hour: commute peaks on weekdays, late evenings on weekends.
WEEKDAY_REQUESTS = (
    0.6,
    0.4,
    0.3,
    0.3,
    0.5,
    1.0,
    2.2,
    3.4,
    3.6,
    2.6,
    2.2,
    2.4,
    2.7,
    2.6,
    2.6,
    3.0,
    3.6,
    4.0,
    3.6,
    2.8,
    2.3,
    2.0,
    1.6,
    1.0,
)
WEEKEND_REQUESTS = (
    1.6,
    1.4,
    1.1,
    0.7,
    0.4,
    0.4,
    0.6,
    0.9,
    1.3,
    1.8,
    2.3,
    2.7,
    2.9,
    2.9,
    2.8,
    2.8,
    2.9,
    3.0,
    3.1,
    3.1,
    3.0,
    2.9,
    2.6,
    2.1,
)
FIRST_DRIVER_NUMBER = 1000  # the original ids ran driver_1000 .. driver_5000
FIRST_VEHICLE_NUMBER = 100


class EtaOptions(ScenarioOptions):
    """Options of the ETA scenario (names and defaults of the original producer)."""

    group_title = "ETA scenario"

    heavy_traffic_multiplier: float = Field(
        2.0,
        ge=1.0,
        le=10.0,
        description="Largest travel-time multiplier of weekday rush hours (2.0 = up to twice as long).",
        json_schema_extra={"metavar": "FACTOR"},
    )
    bad_weather_probability: Probability = Field(
        0.1,
        description="Probability that a rainy, foggy or stormy condition actually slows a "
        "trip (the original producer's meaning).",
    )
    incident_probability: Probability = Field(
        0.02, description="Probability that a trip meets an incident adding 5-30 minutes."
    )
    drivers: int = Field(
        4000,
        ge=1,
        description="Number of drivers (each keeps a vehicle and a rating).",
        json_schema_extra={"metavar": "N", "drift": False},
    )


@dataclass(slots=True, frozen=True)
class Driver:
    driver_id: str
    vehicle_id: str
    vehicle_type: str
    rating: float


class EtaScenario(Scenario[EtaOptions]):
    """Ride requests in Houston with the trip's simulated actual travel time.

    >>> from streamsim.timeutil import parse_time
    >>> event = next(iter(EtaScenario(seed=7, start=parse_time("2025-03-03T14:00:00Z"))))
    >>> event.fields["hour_of_day"], event.fields["day_of_week"]  # local time in Houston
    (8, 0)
    """

    name = "eta"
    description = "Ride requests with the simulated actual travel time (regression target)."
    topic = "estimated_time_of_arrival"
    key_doc = "driver_id"
    Options = EtaOptions

    def default_rate(self) -> float:
        return 1.0 / ORIGINAL_MEAN_GAP_SECONDS

    def field_specs(self) -> dict[str, list[FieldSpec]]:
        return {"": [*FIELDS, *DRIFT_FIELDS]}

    def _generate(self, rng: RngTree) -> Iterator[Event]:
        o = self.options
        arrivals = PoissonArrivals(
            self.effective_rate,
            rng.stream("arrivals"),
            start=self.start,
            intensity=weekly_profile(WEEKDAY_REQUESTS, WEEKEND_REQUESTS, tz=TIME_ZONE),
        )
        r = rng.stream("trips")
        random, uniform = r.random, r.uniform
        local = LocalTime(TIME_ZONE)
        iso = IsoFormatter()
        weathers = Weighted(WEATHER_CONDITIONS, WEATHER_WEIGHTS)
        lat_min, lat_max, lon_min, lon_max = (
            HOUSTON.lat_min,
            HOUSTON.lat_max,
            HOUSTON.lon_min,
            HOUSTON.lon_max,
        )
        driver_rng = rng.stream("drivers")
        drivers: dict[int, Driver] = {}
        shard = rng.shard
        drift = self._drift(rng, lambda options: options)
        n = 0
        while True:
            t = arrivals.next()
            n += 1
            o = drift.at(t, n)
            n = r.randrange(o.drivers)
            driver = drivers.get(n)
            if driver is None:
                number = shard.entity_number(n)
                driver = drivers[n] = Driver(
                    f"driver_{FIRST_DRIVER_NUMBER + number}",
                    f"vehicle_{FIRST_VEHICLE_NUMBER + number}",
                    driver_rng.choice(VEHICLE_TYPES),
                    round(driver_rng.uniform(3.5, 5.0), 1),
                )
            origin_lat = round(uniform(lat_min, lat_max) * 1e6) / 1e6
            origin_lon = round(uniform(lon_min, lon_max) * 1e6) / 1e6
            while True:
                dest_lat = round(uniform(lat_min, lat_max) * 1e6) / 1e6
                dest_lon = round(uniform(lon_min, lon_max) * 1e6) / 1e6
                if abs(origin_lat - dest_lat) >= 0.001 or abs(origin_lon - dest_lon) >= 0.001:
                    break
            distance_km = round(haversine_km(origin_lat, origin_lon, dest_lat, dest_lon) * 100) / 100
            base_seconds = distance_km / AVG_SPEED_KMH * 3600
            initial_estimate = max(60, int(base_seconds * uniform(0.9, 1.1)))
            day_of_week, hour_of_day = local.weekday_hour(t)
            weather = weathers.draw(random)
            weather_factor = 1.0
            if weather in WEATHER_FACTORS and random() < o.bad_weather_probability:
                weather_factor = uniform(*WEATHER_FACTORS[weather])
            rush_hour = 6 <= hour_of_day <= 9 or 16 <= hour_of_day <= 19
            if rush_hour and day_of_week < 5:
                traffic_factor = uniform(1.3, o.heavy_traffic_multiplier)
            elif day_of_week >= 5:
                traffic_factor = uniform(0.8, 1.2)
            else:
                traffic_factor = uniform(0.9, 1.4)
            incident_delay = r.randint(300, 1800) if random() < o.incident_probability else 0
            driver_factor = 1.0 - (driver.rating - 4.5) * 0.05
            actual = int(
                base_seconds * traffic_factor * weather_factor * driver_factor
                + incident_delay
                + uniform(-60, 60)
            )
            fields = {
                "trip_id": uuid4_str(r),
                "driver_id": driver.driver_id,
                "vehicle_id": driver.vehicle_id,
                "timestamp": iso(t),
                "origin": {"lat": origin_lat, "lon": origin_lon},
                "destination": {"lat": dest_lat, "lon": dest_lon},
                "estimated_distance_km": distance_km,
                "weather": weather,
                "temperature_celsius": round(uniform(150.0, 300.0)) / 10,
                "day_of_week": day_of_week,
                "hour_of_day": hour_of_day,
                "driver_rating": driver.rating,
                "vehicle_type": driver.vehicle_type,
                "initial_estimated_travel_time_seconds": initial_estimate,
                "simulated_actual_travel_time_seconds": max(60, actual),
                "debug_traffic_factor": round(traffic_factor * 100) / 100,
                "debug_weather_factor": round(weather_factor * 100) / 100,
                "debug_incident_delay_seconds": incident_delay,
                "debug_driver_factor": round(driver_factor * 100) / 100,
                "concept_id": drift.concept,
                "drift_phase": drift.phase,
            }
            yield Event(t, driver.driver_id, "trip", fields)


FIELDS = [
    FieldSpec("trip_id", "string", "Unique id of the trip.", Level.CLASSIC, format="uuid"),
    FieldSpec("driver_id", "string", "Driver id, stable across the driver's trips.", Level.CLASSIC),
    FieldSpec("vehicle_id", "string", "The driver's vehicle.", Level.CLASSIC),
    FieldSpec(
        "timestamp", "string", "Request time (event time), ISO-8601 UTC.", Level.CLASSIC, format="date-time"
    ),
    FieldSpec("origin.lat", "number", "Pick-up latitude.", Level.CLASSIC),
    FieldSpec("origin.lon", "number", "Pick-up longitude.", Level.CLASSIC),
    FieldSpec("destination.lat", "number", "Drop-off latitude.", Level.CLASSIC),
    FieldSpec("destination.lon", "number", "Drop-off longitude.", Level.CLASSIC),
    FieldSpec("estimated_distance_km", "number", "Straight-line (haversine) distance, km.", Level.CLASSIC),
    FieldSpec(
        "weather", "string", "Weather condition at request time.", Level.CLASSIC, enum=WEATHER_CONDITIONS
    ),
    FieldSpec("temperature_celsius", "number", "Air temperature, °C.", Level.CLASSIC),
    FieldSpec("day_of_week", "integer", "Local day of week, Monday = 0.", Level.CLASSIC),
    FieldSpec("hour_of_day", "integer", "Local hour of day, 0-23.", Level.CLASSIC),
    FieldSpec("driver_rating", "number", "Driver rating, 3.5-5.0.", Level.CLASSIC),
    FieldSpec("vehicle_type", "string", "Vehicle type.", Level.CLASSIC, enum=VEHICLE_TYPES),
    FieldSpec(
        "initial_estimated_travel_time_seconds",
        "integer",
        "Naive estimate at 40 km/h with noise (a baseline model).",
        Level.CLASSIC,
    ),
    FieldSpec(
        "simulated_actual_travel_time_seconds",
        "integer",
        "Label: the trip's actual travel time, seconds.",
        Level.CLASSIC,
    ),
    FieldSpec("debug_traffic_factor", "number", "Traffic multiplier applied.", Level.CLASSIC),
    FieldSpec("debug_weather_factor", "number", "Weather multiplier applied.", Level.CLASSIC),
    FieldSpec(
        "debug_incident_delay_seconds", "integer", "Delay added by an incident, seconds.", Level.CLASSIC
    ),
    FieldSpec("debug_driver_factor", "number", "Driver multiplier applied.", Level.CLASSIC),
]
