"""Fields of the ETA streams, in emission order (the core's rows hold them in the same order)."""

from __future__ import annotations

from streamsim.drift import DRIFT_FIELDS
from streamsim.scenarios.eta.regions import VEHICLE_TYPES
from streamsim.schema import FieldSpec, Level

#: Weather conditions, from best to worst.
CONDITIONS = ("Clear", "Clouds", "Rain", "Heavy Rain", "Fog", "Thunderstorm")
#: Fields of the trip's outcome: on the request inline, on trip_completed with delayed labels.
OUTCOME_FIELDS = (
    "simulated_actual_travel_time_seconds",
    "debug_traffic_factor",
    "debug_weather_factor",
    "debug_incident_delay_seconds",
    "debug_driver_factor",
    "incident_id",
    "debug_free_flow_travel_time_seconds",
    "debug_corridor_factor",
    "delay_cause",
)
COMPLETED_STREAM = "completed"

FIELDS = [
    FieldSpec("trip_id", "string", "Unique id of the trip.", Level.CLASSIC, format="uuid"),
    FieldSpec(
        "driver_id", "string", "Driver id, stable across the driver's trips and shifts.", Level.CLASSIC
    ),
    FieldSpec("vehicle_id", "string", "The driver's vehicle (one per driver).", Level.CLASSIC),
    FieldSpec(
        "timestamp", "string", "Request time (event time), ISO-8601 UTC.", Level.CLASSIC, format="date-time"
    ),
    FieldSpec("origin.lat", "number", "Pick-up latitude.", Level.CLASSIC),
    FieldSpec("origin.lon", "number", "Pick-up longitude.", Level.CLASSIC),
    FieldSpec("destination.lat", "number", "Drop-off latitude.", Level.CLASSIC),
    FieldSpec("destination.lon", "number", "Drop-off longitude.", Level.CLASSIC),
    FieldSpec("estimated_distance_km", "number", "Straight-line (haversine) distance, km.", Level.CLASSIC),
    FieldSpec(
        "weather",
        "string",
        "The region's weather at request time (shared by every trip at that moment).",
        Level.CLASSIC,
        enum=CONDITIONS,
    ),
    FieldSpec(
        "temperature_celsius", "number", "The region's air temperature at request time, °C.", Level.CLASSIC
    ),
    FieldSpec("day_of_week", "integer", "Local day of week in the region, Monday = 0.", Level.CLASSIC),
    FieldSpec("hour_of_day", "integer", "Local hour of day in the region, 0-23.", Level.CLASSIC),
    FieldSpec(
        "driver_rating",
        "number",
        "Driver's current rating (moving average of riders' stars), 3.5-5.0.",
        Level.CLASSIC,
    ),
    FieldSpec("vehicle_type", "string", "Vehicle type.", Level.CLASSIC, enum=VEHICLE_TYPES),
    FieldSpec(
        "initial_estimated_travel_time_seconds",
        "integer",
        "Naive estimate: straight-line distance at 40 km/h with +-10% noise (a baseline model).",
        Level.CLASSIC,
    ),
    FieldSpec(
        "simulated_actual_travel_time_seconds",
        "integer",
        "Label: the trip's actual travel time from pick-up to drop-off, seconds (at least 60).",
        Level.CLASSIC,
    ),
    FieldSpec(
        "debug_traffic_factor",
        "number",
        "Traffic multiplier applied (1 = free flow, at most --heavy-traffic-multiplier).",
        Level.CLASSIC,
    ),
    FieldSpec("debug_weather_factor", "number", "Weather multiplier applied (1 = no effect).", Level.CLASSIC),
    FieldSpec(
        "debug_incident_delay_seconds",
        "integer",
        "Delay added by an incident, seconds (0 = none).",
        Level.CLASSIC,
    ),
    FieldSpec(
        "debug_driver_factor",
        "number",
        "Driver multiplier applied: personal speed and vehicle, times 1 - (rating - 4.5) x 0.05.",
        Level.CLASSIC,
    ),
    FieldSpec("region", "string", "Region name (--region).", Level.STANDARD),
    FieldSpec("rider_id", "string", "Rider id, stable across the rider's trips.", Level.STANDARD),
    FieldSpec("origin_zone", "string", "Hotspot (district) of the pick-up.", Level.STANDARD),
    FieldSpec("destination_zone", "string", "Hotspot (district) of the drop-off.", Level.STANDARD),
    FieldSpec(
        "road_distance_km",
        "number",
        "Length of the planned road route, km (>= the straight line).",
        Level.STANDARD,
    ),
    FieldSpec(
        "route_type",
        "string",
        "Planned route: city streets, mixed, or mostly highway.",
        Level.STANDARD,
        enum=("city", "mixed", "highway"),
    ),
    FieldSpec(
        "trip_kind",
        "string",
        "Ground truth: commute (home and work at rush hour), home (from or to home) or hotspot.",
        Level.FULL,
        enum=("commute", "home", "hotspot"),
    ),
    FieldSpec(
        "weather_state_id",
        "integer",
        "Ground truth: id of the weather spell (the 15-minute step of event time at which it began).",
        Level.FULL,
    ),
    FieldSpec(
        "incident_id",
        "string",
        "Ground truth: the incident that delayed the trip, or null.",
        Level.FULL,
        nullable=True,
    ),
    FieldSpec(
        "debug_free_flow_travel_time_seconds",
        "integer",
        "Ground truth: travel time of the road route at free-flow speeds, seconds.",
        Level.FULL,
    ),
    FieldSpec(
        "debug_corridor_factor",
        "number",
        "Ground truth: corridor multiplier applied (--corridor-travel-time-factor on corridor trips, "
        "else 1).",
        Level.FULL,
    ),
    FieldSpec(
        "delay_cause",
        "string",
        "Ground truth: an outlier delay the factors do not explain, a detour (+20-60%) or a wait "
        "at the pick-up (+2-8 min), or null.",
        Level.FULL,
        enum=("detour", "pickup_wait"),
        nullable=True,
    ),
]
_SPECS = {spec.path: spec for spec in FIELDS}
#: The trip_completed events of --label-mode delayed (stream "completed", topic <topic>_completed).
COMPLETED_FIELDS = [
    _SPECS["trip_id"],
    _SPECS["driver_id"],
    FieldSpec(
        "timestamp",
        "string",
        "Drop-off time: request time + actual travel time.",
        Level.CLASSIC,
        format="date-time",
    ),
    FieldSpec(
        "requested_at", "string", "Request time of the trip, ISO-8601 UTC.", Level.CLASSIC, format="date-time"
    ),
    *(_SPECS[name] for name in OUTCOME_FIELDS),
    *DRIFT_FIELDS,
]
