"""Ride requests with a simulated actual travel time (regression target).

The original ``estimated_time_of_arrival`` producer, grown into a city: a
region (Houston by default) with hotspots, commuting riders, drivers on
shifts, weather and incidents that evolve over event time, and traffic that
follows the hour of the week. Every original field and option keeps its
meaning; ``--label-mode delayed`` sends the actual travel time when the trip
ends instead of with the request.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import Field, ValidationInfo, field_validator

from streamsim.clock import PoissonArrivals, weekly_profile
from streamsim.config import Allowed, Probability
from streamsim.drift import DRIFT_FIELDS
from streamsim.events import Event
from streamsim.geo import EARTH_RADIUS_KM
from streamsim.parameters import DriftPreset, ScenarioOptions
from streamsim.regions import REGIONS, VEHICLE_TYPES, Region, RegionClock
from streamsim.rng import Weighted, derive_seed, uuid4_str
from streamsim.scenarios.base import Scenario, Timeline
from streamsim.scenarios.eta_city import (
    HOTSPOT,
    KIND_NAMES,
    NORMAL_COUNT,
    NORMALS,
    City,
    Incidents,
    Place,
    Survey,
    incident_rate,
    survey,
)
from streamsim.scenarios.eta_fleet import SHIFT_HOURS, Fleet
from streamsim.scenarios.eta_weather import CONDITIONS, Seasons, Weather, WeatherRegime
from streamsim.schema import FieldSpec, Level
from streamsim.timeutil import IsoFormatter

if TYPE_CHECKING:
    from streamsim.rng import RngTree

AVG_SPEED_KMH = 40.0  # the original's naive estimate (initial_estimated_travel_time_seconds)
#: Mean gap of the original producer: it slept uniform(0.1, 1.0) s between requests.
ORIGINAL_MEAN_GAP_SECONDS = (0.1 + 1.0) / 2
#: Ride requests by local hour: commute peaks on weekdays, late evenings on weekends.
WEEKDAY_REQUESTS = (
    0.6, 0.4, 0.3, 0.3, 0.5, 1.0, 2.2, 3.4, 3.6, 2.6, 2.2, 2.4,
    2.7, 2.6, 2.6, 3.0, 3.6, 4.0, 3.6, 2.8, 2.3, 2.0, 1.6, 1.0,
)  # fmt: skip
WEEKEND_REQUESTS = (
    1.6, 1.4, 1.1, 0.7, 0.4, 0.4, 0.6, 0.9, 1.3, 1.8, 2.3, 2.7,
    2.9, 2.9, 2.8, 2.8, 2.9, 3.0, 3.1, 3.1, 3.0, 2.9, 2.6, 2.1,
)  # fmt: skip
FIRST_DRIVER_NUMBER = 1000  # the original ids ran driver_1000 .. driver_5000
FIRST_VEHICLE_NUMBER = 100
#: Default fleet: drivers on shift are busy this share of the time on average.
TARGET_UTILIZATION = 0.65
ON_SHIFT_SHARE = 5 / 7 * sum(SHIFT_HOURS) / 2 / 24
MAX_DEFAULT_DRIVERS = 200_000  # keeps start-up and memory in check at very high rates
RIDERS_PER_DRIVER = 10
#: Frequent riders ride more: rider k of N is drawn as N * u**RIDER_SKEW.
RIDER_SKEW = 1.6
PICKUP_SECONDS = (120.0, 600.0)  # the driver is busy from dispatch to drop-off
RATING_WEIGHT = 0.01  # a rating moves 1% of the way to each new star
TRAFFIC_NOISE = 0.15  # trip-to-trip variation of the congestion a route meets
VEHICLE_SPEED = {"Sedan": 1.0, "SUV": 1.0, "Hatchback": 1.0, "Motorcycle": 0.92, "Van": 1.05}
MOTORCYCLE_CONGESTION = 0.5  # motorcycles filter through queues
OUTCOME_FIELDS = (
    "simulated_actual_travel_time_seconds",
    "debug_traffic_factor",
    "debug_weather_factor",
    "debug_incident_delay_seconds",
    "debug_driver_factor",
    "incident_id",
    "debug_free_flow_travel_time_seconds",
    "debug_corridor_factor",
)
COMPLETED_STREAM = "completed"
#: Home and workplace of a trip between hotspots: unused.
NOWHERE: tuple[Place, Place] = ((math.nan, math.nan, -1), (math.nan, math.nan, -1))


RegionName = Annotated[
    str, Allowed("one of " + ", ".join(REGIONS) + ", or a name defined under custom_regions in a config file")
]


class EtaOptions(ScenarioOptions):
    """Options of the ETA scenario (the original producer's four, and the city's)."""

    group_title: ClassVar[str] = "ETA scenario"
    drift_presets: ClassVar[dict[str, DriftPreset]] = {
        "rainy-season": DriftPreset(
            "A wet season sets in over a week from day 3: bad weather (rain, fog, storms) rises "
            "steadily to three times the base climate's share, and incidents on wet roads get more "
            "frequent.",
            (
                {
                    "name": "rainy-season",
                    "at": "+3d",
                    "how": "incremental",
                    "width": "7d",
                    "set": {"bad_weather_probability": 0.3, "incident_probability": 0.035},
                },
            ),
        ),
        "new-highway": DriftPreset(
            "A new highway opens along the region's corridor on day 7 (Houston: I-45 North from "
            "downtown to Bush Intercontinental): from then on, trips along it take 30% less time; "
            "every other trip is unchanged.",
            ({"name": "new-highway", "at": "+7d", "set": {"corridor_travel_time_factor": 0.7}},),
        ),
        "traffic-growth": DriftPreset(
            "The city grows: over four weeks from day 1, rush hours get steadily worse (the peak "
            "travel-time multiplier rises from 2.0 to 2.6).",
            (
                {
                    "name": "traffic-growth",
                    "at": "+1d",
                    "how": "incremental",
                    "width": "28d",
                    "set": {"heavy_traffic_multiplier": 2.6},
                },
            ),
        ),
    }

    heavy_traffic_multiplier: float = Field(
        2.0,
        ge=1.0,
        le=10.0,
        description="Travel-time multiplier of the worst weekday rush hour (free flow = 1): "
        "every hour's congestion is scaled from it by the region's traffic profile, and no trip's "
        "traffic factor exceeds it.",
        json_schema_extra={"metavar": "FACTOR"},
    )
    bad_weather_probability: Probability = Field(
        0.1,
        description="Long-run share of time with bad weather (rain, heavy rain, fog or "
        "thunderstorm) in the region, spread over the months by its rainy-day normals; bad "
        "weather slows every trip under it.",
    )
    incident_probability: Probability = Field(
        0.02,
        description="Long-run share of trips that pass near an active incident, which adds "
        "5-30 minutes; it sets how often incidents happen.",
    )
    drivers: int | None = Field(
        None,
        ge=1,
        le=100_000_000,
        description="Number of drivers (each keeps a vehicle, works shifts and builds a rating). "
        f"Default: enough for --rate in the region, drivers on shift being busy about "
        f"{TARGET_UTILIZATION:.0%} of the time (about 10 trips a shift), at most {MAX_DEFAULT_DRIVERS:,}.",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    riders: int | None = Field(
        None,
        ge=1,
        le=1_000_000_000,
        description=f"Number of riders (each with a home and a workplace). Default: {RIDERS_PER_DRIVER} "
        "per driver.",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    commute_share: Probability = Field(
        0.4,
        description="Share of weekday rush-hour requests that are commutes: home to work in the "
        "morning, work to home in the evening.",
    )
    corridor_travel_time_factor: float = Field(
        1.0,
        ge=0.2,
        le=5.0,
        description="Travel-time multiplier for trips along the region's corridor (both ends near "
        "its line, going along it): below 1 a new, faster road; above 1 roadworks.",
        json_schema_extra={"metavar": "FACTOR"},
    )
    label_mode: Literal["inline", "delayed"] = Field(
        "inline",
        description="inline: the actual travel time is on the request event (the original "
        "behaviour); delayed: trip_requested events carry the features, and a trip_completed event "
        "on <topic>_completed carries the actual travel time when the trip ends.",
        json_schema_extra={"metavar": "MODE", "drift": False},
    )
    custom_regions: Annotated[dict[str, Region], Allowed("a mapping of names to regions")] = Field(
        default_factory=dict,
        description="Extra regions by name, each like the built-in ones (see the scenario's docs).",
        json_schema_extra={"cli": False, "drift": False},
    )
    region: RegionName = Field(
        "houston",
        description="Metropolitan region: its map, hotspots, time zone, climate and traffic.",
        json_schema_extra={"metavar": "NAME", "drift": False},
    )

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str, info: ValidationInfo) -> str:
        if value not in REGIONS and value not in info.data.get("custom_regions", {}):
            names = ", ".join(REGIONS)
            raise ValueError(
                f"expected one of {names}, or a name defined under custom_regions in a config file"
            )
        return value

    @property
    def region_spec(self) -> Region:
        """The region's data (a custom region may shadow a built-in name)."""
        return self.custom_regions.get(self.region) or REGIONS[self.region]


@dataclass(frozen=True, slots=True)
class World:
    """What a run knows about its region: constants of the region (structural, never drifts),
    so runs in one process share them (see :meth:`of`)."""

    region: Region
    clock: RegionClock
    city: City
    seasons: Seasons
    congestion: tuple[float, ...]  # extra travel time per local quarter-hour of the week
    volume: tuple[float, ...]  # request volume per local hour of the week, mean 1
    survey: Survey  # sample trips: incident exposure, mean travel time
    need: tuple[tuple[float, ...], tuple[float, ...]]  # busy drivers per local hour: weekdays, weekends

    @classmethod
    def of(cls, region: Region) -> World:
        """The region's world, built once per process (the survey and addresses take a while)."""
        key = region.model_dump_json()
        found = _WORLDS.get(key)
        if found is None:
            if len(_WORLDS) >= 16:
                _WORLDS.clear()
            found = _WORLDS[key] = cls._build(region)
        return found

    @classmethod
    def _build(cls, region: Region) -> World:
        city = City(region)
        week = [*(WEEKDAY_REQUESTS * 5), *(WEEKEND_REQUESTS * 2)]
        mean = sum(week) / len(week)
        volume = tuple(v / mean for v in week)
        congestion = tuple(region.traffic.congestion(q // 96, (q % 96) / 4 + 0.125) for q in range(672))
        return cls(
            region,
            RegionClock(region.time_zone),
            city,
            Seasons.of(region.climate),
            congestion,
            volume,
            survey(city, volume, congestion),
            (
                tuple(WEEKDAY_REQUESTS[h] * (1.0 + congestion[h * 4 + 2]) for h in range(24)),
                tuple(WEEKEND_REQUESTS[h] * (1.0 + congestion[5 * 96 + h * 4 + 2]) for h in range(24)),
            ),
        )


_WORLDS: dict[str, World] = {}


@dataclass(frozen=True, slots=True)
class Regime:
    """Derived tables of one set of behaviour parameters (one drift concept)."""

    traffic: tuple[float, ...]  # travel-time multiplier per local quarter-hour of the week
    cap: float
    weather: WeatherRegime
    incidents: float  # new incidents per second
    commute_share: float
    corridor_factor: float

    @classmethod
    def of(cls, o: EtaOptions, world: World) -> Regime:
        m = o.heavy_traffic_multiplier
        return cls(
            tuple(1.0 + (m - 1.0) * c for c in world.congestion),
            m,
            WeatherRegime.of(world.seasons, o.bad_weather_probability),
            incident_rate(o.incident_probability, world.survey),
            o.commute_share,
            o.corridor_travel_time_factor,
        )


@dataclass(slots=True)
class Driver:
    driver_id: str
    vehicle_id: str
    vehicle_type: str
    speed: float  # personal speed bias times the vehicle's (< 1 is faster)
    congestion: float  # share of congestion the vehicle suffers
    quality: float  # the long-run mean of the stars riders give
    rating: float  # moving average of recent stars


class EtaScenario(Scenario[EtaOptions]):
    """Ride requests in a region, with the trip's simulated actual travel time.

    >>> from streamsim.timeutil import parse_time
    >>> event = next(iter(EtaScenario(seed=7, start=parse_time("2025-03-03T14:00:00Z"))))
    >>> event.fields["hour_of_day"], event.fields["day_of_week"], event.fields["region"]  # Houston time
    (8, 0, 'houston')
    """

    name = "eta"
    description = "Ride requests with the simulated actual travel time (regression target)."
    topic = "estimated_time_of_arrival"
    key_doc = "driver_id"
    Options = EtaOptions
    #: Extra blocks of the docs page (docs/build.py): delayed labels, slow enough to see trips end.
    doc_variants: ClassVar[dict[str, dict[str, Any]]] = {
        "delayed": {"count": 3, "label_mode": "delayed", "rate": 0.002}
    }

    def default_rate(self) -> float:
        return 1.0 / ORIGINAL_MEAN_GAP_SECONDS

    def fleet_size(self, world: World) -> int:
        """Drivers of this run: the option, or enough for the rate in this region.

        Enough means drivers on shift are busy about TARGET_UTILIZATION of the time
        on average: a trip keeps its driver for the pick-up and the region's mean
        travel time, and a driver is on shift ON_SHIFT_SHARE of the week.
        """
        if self.options.drivers is not None:
            return self.options.drivers
        busy = sum(PICKUP_SECONDS) / 2 + world.survey.trip_seconds
        needed = math.ceil(self.effective_rate * busy / (TARGET_UTILIZATION * ON_SHIFT_SHARE))
        return max(1, min(MAX_DEFAULT_DRIVERS, needed))

    def field_specs(self) -> dict[str, list[FieldSpec]]:
        if self.options.label_mode == "inline":
            return {"": [*FIELDS, *DRIFT_FIELDS]}
        request = [spec for spec in FIELDS if spec.path not in OUTCOME_FIELDS]
        return {"": [*request, *DRIFT_FIELDS], COMPLETED_STREAM: COMPLETED_FIELDS}

    def _generate(self, rng: RngTree) -> Iterator[Event]:
        o = self.options
        world = World.of(o.region_spec)
        region, city, clock = world.region, world.city, world.clock
        drift = self._drift(rng, lambda options: Regime.of(options, world))
        arrivals = PoissonArrivals(
            self.effective_rate,
            rng.stream("arrivals"),
            start=self.start,
            intensity=weekly_profile(WEEKDAY_REQUESTS, WEEKEND_REQUESTS, tz=region.time_zone),
        )
        # Weather and incidents are the region's: the same for every shard.
        weather = Weather(world.seasons, clock, rng.shared("weather", o.region))
        weather.start(self.start, drift.regime.weather)
        incidents = Incidents(city, clock, rng.shared("incidents", o.region), self.start)
        fleet_size = self.fleet_size(world)
        fleet = Fleet(fleet_size, world.need, clock, rng.stream("fleet"), self.start)
        drivers = _Drivers(rng, world)
        self._expose(fleet.gauges)
        driver_of, new_driver = drivers.known.get, drivers.new
        # Riders are pure functions of their number: a home, a workplace, an id.
        rider_count = o.riders if o.riders is not None else RIDERS_PER_DRIVER * fleet_size
        rider_salt, shard = derive_seed(self.seed, "riders"), rng.shard
        rider_places, trip_kind = city.rider_places, city.trip_kind
        r = rng.stream("trips")
        random, uniform = r.random, r.uniform
        iso, completed_iso = IsoFormatter(), IsoFormatter()
        delayed = o.label_mode == "delayed"
        pending: Timeline[Event] = Timeline()
        corridor = city.corridor
        class_of, trip, route = city.class_of, city.trip, city.route
        zones, kx, ky = city.names, city.kx, city.ky
        lat0, lon0 = city.bounds[0], city.bounds[2]
        take, release, near, local_time = fleet.take, fleet.release, incidents.near, clock.local
        sin, cos, asin, sqrt = math.sin, math.cos, math.asin, math.sqrt
        rad, earth = math.pi / 180, 2 * EARTH_RADIUS_KM
        n = 0
        while True:
            t = arrivals.next()
            n += 1
            regime = drift.at(t, n)
            while delayed and pending.next_time() <= t:
                yield pending.pop()[1]
            if t >= weather.next_step:
                weather.advance(t, regime.weather)
            if t >= incidents.next_step:
                incidents.advance(t, regime.incidents)
            if t >= fleet.next_change:
                fleet.advance(t)
            local = local_time(t)
            day = int(local // 86400)
            seconds = local - day * 86400
            day_of_week = (day + 3) % 7
            hour_of_day = int(seconds // 3600)
            klass = class_of[day_of_week * 24 + hour_of_day]

            d = take()
            driver = driver_of(d) or new_driver(d)
            rider = int(rider_count * random() ** RIDER_SKEW)
            kind = trip_kind(random, klass, regime.commute_share)
            home, work = rider_places(rider, rider_salt) if kind != HOTSPOT else NOWHERE
            origin, destination = trip(random, klass, kind, home, work)
            olat, olon, ozone = origin
            dlat, dlon, dzone = destination
            p1, p2 = olat * rad, dlat * rad
            h = sin((p2 - p1) / 2) ** 2 + cos(p1) * cos(p2) * sin((dlon - olon) * rad / 2) ** 2
            distance_km = round(earth * asin(sqrt(h)) * 100) / 100  # haversine

            road_km, highway, free_flow = route(distance_km, random)

            # Congestion of this quarter-hour of the week, felt more on highways, less on motorcycles.
            level = regime.traffic[day_of_week * 96 + int(seconds // 900)]
            traffic = 1.0 + (level - 1.0) * (0.85 + 0.3 * highway) * driver.congestion * (
                1.0 + TRAFFIC_NOISE * NORMALS[int(random() * NORMAL_COUNT)]
            )
            cap = regime.cap
            traffic = round((1.0 if traffic < 1.0 else cap if traffic > cap else traffic) * 100) / 100
            ox, oy = (olon - lon0) * kx, (olat - lat0) * ky
            dx, dy = (dlon - lon0) * kx, (dlat - lat0) * ky
            corridor_factor = 1.0
            if regime.corridor_factor != 1.0 and corridor is not None and corridor.holds(ox, oy, dx, dy):
                corridor_factor = regime.corridor_factor
            incident = near(t, ox, oy, dx, dy, distance_km) if incidents.active else None
            incident_delay = 0 if incident is None else incident.delay
            rating = driver.rating
            shown_rating = round(rating * 10) / 10
            driver_factor = round(driver.speed * (1.0 - (shown_rating - 4.5) * 0.05) * 100) / 100
            weather_factor = weather.factor
            actual = int(
                free_flow * traffic * weather_factor * driver_factor * corridor_factor
                + incident_delay
                + uniform(-60.0, 60.0)
            )
            if actual < 60:
                actual = 60
            release(d, t, PICKUP_SECONDS[0] + (PICKUP_SECONDS[1] - PICKUP_SECONDS[0]) * random() + actual)
            # The rider rates the trip: stars around the driver's quality.
            stars = int(driver.quality)
            stars += random() < driver.quality - stars
            driver.rating = rating + (stars - rating) * RATING_WEIGHT

            fields: dict[str, Any] = {
                "trip_id": uuid4_str(r),
                "driver_id": driver.driver_id,
                "vehicle_id": driver.vehicle_id,
                "timestamp": iso(t),
                "origin": {"lat": olat, "lon": olon},
                "destination": {"lat": dlat, "lon": dlon},
                "estimated_distance_km": distance_km,
                "weather": weather.name,
                "temperature_celsius": weather.temperature,
                "day_of_week": day_of_week,
                "hour_of_day": hour_of_day,
                "driver_rating": shown_rating,
                "vehicle_type": driver.vehicle_type,
                "initial_estimated_travel_time_seconds": max(
                    60, int(distance_km / AVG_SPEED_KMH * 3600 * uniform(0.9, 1.1))
                ),
                "simulated_actual_travel_time_seconds": actual,
                "debug_traffic_factor": traffic,
                "debug_weather_factor": weather_factor,
                "debug_incident_delay_seconds": incident_delay,
                "debug_driver_factor": driver_factor,
                "region": o.region,
                "rider_id": f"rider_{shard.entity_number(rider)}",
                "origin_zone": zones[ozone],
                "destination_zone": zones[dzone],
                "road_distance_km": road_km,
                "route_type": "city" if highway < 0.2 else "mixed" if highway < 0.5 else "highway",
                "trip_kind": KIND_NAMES[kind],
                "weather_state_id": weather.spell,
                "incident_id": None if incident is None else incident.incident_id,
                "debug_free_flow_travel_time_seconds": round(free_flow),
                "debug_corridor_factor": corridor_factor,
                "concept_id": drift.concept,
                "drift_phase": drift.phase,
            }
            if delayed:
                end = t + actual
                outcome = {
                    "trip_id": fields["trip_id"],
                    "driver_id": driver.driver_id,
                    "timestamp": completed_iso(end),
                    "requested_at": fields["timestamp"],
                    **{name: fields.pop(name) for name in OUTCOME_FIELDS},
                    "concept_id": drift.concept,
                    "drift_phase": drift.phase,
                }
                pending.schedule(
                    end,
                    Event(end, driver.driver_id, "trip_completed", outcome, COMPLETED_STREAM, labeled_time=t),
                )
                yield Event(t, driver.driver_id, "trip_requested", fields, phase=fields["drift_phase"])
            else:
                yield Event(t, driver.driver_id, "trip", fields, phase=fields["drift_phase"])


class _Drivers:
    """The drivers of one run, created on their first trip."""

    def __init__(self, rng: RngTree, world: World) -> None:
        self._shard = rng.shard
        self._random = rng.stream("drivers").random
        vehicles = world.region.vehicles
        self._vehicles = Weighted(tuple(vehicles), tuple(vehicles.values()))
        self.known: dict[int, Driver] = {}

    def new(self, n: int) -> Driver:
        """Driver ``n`` of this shard: a vehicle, a personal speed and a quality of service."""
        random = self._random
        number = self._shard.entity_number(n)
        vehicle = self._vehicles.draw(random)
        bias = min(1.15, max(0.85, 1.0 + 0.06 * NORMALS[int(random() * NORMAL_COUNT)]))
        quality = 5.0 - 1.3 * random() ** 2  # most drivers rate well, a few poorly
        found = self.known[n] = Driver(
            f"driver_{FIRST_DRIVER_NUMBER + number}",
            f"vehicle_{FIRST_VEHICLE_NUMBER + number}",
            vehicle,
            bias * VEHICLE_SPEED[vehicle],
            MOTORCYCLE_CONGESTION if vehicle == "Motorcycle" else 1.0,
            quality,
            min(5.0, max(3.5, quality + 0.15 * NORMALS[int(random() * NORMAL_COUNT)])),
        )
        return found


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
