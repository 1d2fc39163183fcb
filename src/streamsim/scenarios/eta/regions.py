"""Metropolitan regions of the ETA scenario: the names of the built-in ones and the model of a
custom region.

A region is plain data, validated by :class:`Region`: a bounding box, hotspots
(downtown, business districts, airports, residential and leisure areas), an IANA
time zone, monthly climate normals, a weekday/weekend traffic profile and road
characteristics. The built-in catalogue (:data:`REGION_NAMES`) lives in the native core
(``core/src/scenarios/eta/regions.rs``); users add their own under ``custom_regions`` in a
config file, validated here and passed to the core with the options. Where each figure
comes from is documented in ``docs/scenarios/eta.md``.
"""

from __future__ import annotations

from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: The built-in regions (their data: core/src/scenarios/eta/regions.rs).
REGION_NAMES = ("houston", "new_york", "london", "sao_paulo", "mumbai", "sydney")
VEHICLE_TYPES = ("Sedan", "SUV", "Hatchback", "Motorcycle", "Van")
HOTSPOT_KINDS = ("downtown", "business", "airport", "residential", "leisure")
HotspotKind = Literal["downtown", "business", "airport", "residential", "leisure"]


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Bounds(_Data):
    """Latitude/longitude box that holds every pick-up and drop-off."""

    lat_min: float = Field(ge=-90, le=90)
    lat_max: float = Field(ge=-90, le=90)
    lon_min: float = Field(ge=-180, le=180)
    lon_max: float = Field(ge=-180, le=180)

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if not (self.lat_min < self.lat_max and self.lon_min < self.lon_max):
            raise ValueError("expected lat_min < lat_max and lon_min < lon_max")
        return self

    def contains(self, lat: float, lon: float) -> bool:
        return self.lat_min <= lat <= self.lat_max and self.lon_min <= lon <= self.lon_max


class Hotspot(_Data):
    """A place where trips start and end: points scatter around it (Gaussian, ``radius_km``)."""

    name: str = Field(min_length=1)
    kind: HotspotKind
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_km: float = Field(gt=0, le=20)
    weight: float = Field(gt=0, description="Relative number of trips that start or end here.")


class Climate(_Data):
    """Monthly climate normals, January first."""

    high_c: tuple[float, ...] = Field(description="Mean daily maximum temperature, °C.")
    low_c: tuple[float, ...] = Field(description="Mean daily minimum temperature, °C.")
    rainy_days: tuple[float, ...] = Field(description="Mean days with measurable precipitation.")

    @field_validator("high_c", "low_c", "rainy_days")
    @classmethod
    def _twelve(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if len(value) != 12:
            raise ValueError("expected 12 monthly values, January first")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Climate:
        if any(lo > hi for lo, hi in zip(self.low_c, self.high_c, strict=True)):
            raise ValueError("expected every monthly low_c <= high_c")
        if any(not 0 <= d <= 31 for d in self.rainy_days):
            raise ValueError("expected rainy_days from 0 to 31")
        if any(not -60 <= t <= 60 for t in (*self.low_c, *self.high_c)):
            raise ValueError("expected temperatures from -60 to 60 °C")
        return self


class Traffic(_Data):
    """Extra travel time over free flow (TomTom's 'congestion level') through the week.

    Weekdays: a night floor, a daytime plateau and a morning and an evening
    peak; weekends: one broad early-afternoon hump. Values are fractions
    (0.5 = 50% longer than free flow) for the default
    ``--heavy-traffic-multiplier`` of 2; the option scales them.
    """

    am_peak: float = Field(0.45, ge=0, le=1, description="Extra time at the weekday morning peak.")
    am_peak_hour: float = Field(7.5, ge=4, le=12, description="Local time of the morning peak, hours.")
    pm_peak: float = Field(0.55, ge=0, le=1, description="Extra time at the weekday evening peak.")
    pm_peak_hour: float = Field(17.5, ge=13, le=21, description="Local time of the evening peak, hours.")
    midday: float = Field(0.2, ge=0, le=1, description="Extra time between the peaks.")
    night: float = Field(0.03, ge=0, le=1, description="Extra time at night.")
    weekend: float = Field(0.15, ge=0, le=1, description="Extra time on weekend afternoons.")
    peak_hours: float = Field(
        1.3, ge=0.5, le=4, description="Width (standard deviation) of the peaks, hours."
    )


class Roads(_Data):
    """Free-flow speeds and route geometry."""

    city_speed_kmh: float = Field(40.0, ge=5, le=120, description="Free-flow speed on city streets.")
    highway_speed_kmh: float = Field(90.0, ge=20, le=160, description="Free-flow speed on highways.")
    detour_factor: float = Field(
        1.3, ge=1.0, le=3.0, description="Mean road distance over straight-line distance for longer trips."
    )
    highway_access: float = Field(
        0.7, ge=0, le=1, description="How much long trips can use highways (0 = none, 1 = a freeway city)."
    )


class Corridor(_Data):
    """A route between two places; trips with both ends near its line count as corridor trips."""

    name: str = Field(min_length=1)
    start: tuple[float, float] = Field(description="(lat, lon) of one end.")
    end: tuple[float, float] = Field(description="(lat, lon) of the other end.")
    width_km: float = Field(3.0, gt=0, le=20, description="Distance from the line that still counts.")


class Region(_Data):
    """One metropolitan region: everything the ETA scenario needs to know about a city."""

    title: str = Field(min_length=1, description="Display name.")
    time_zone: str = Field(description="IANA time zone, e.g. America/Chicago.")
    bounds: Bounds
    hotspots: tuple[Hotspot, ...] = Field(min_length=2)
    climate: Climate
    traffic: Traffic = Traffic()
    roads: Roads = Roads()
    corridor: Corridor | None = None
    vehicles: dict[str, float] = Field(
        default_factory=lambda: {
            "Sedan": 50.0,
            "SUV": 30.0,
            "Hatchback": 12.0,
            "Motorcycle": 2.0,
            "Van": 6.0,
        },
        description="Relative shares of vehicle types.",
    )

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("expected an IANA time zone such as America/Chicago") from None
        return value

    @field_validator("vehicles")
    @classmethod
    def _known_vehicles(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = set(value) - set(VEHICLE_TYPES)
        if unknown or not value or min(value.values()) < 0 or sum(value.values()) <= 0:
            raise ValueError(f"expected shares (>= 0, some positive) of {', '.join(VEHICLE_TYPES)}")
        return value

    @model_validator(mode="after")
    def _places_inside(self) -> Region:
        for spot in self.hotspots:
            if not self.bounds.contains(spot.lat, spot.lon):
                raise ValueError(f"expected hotspot {spot.name!r} inside the bounds")
        kinds = {spot.kind for spot in self.hotspots}
        if "residential" not in kinds or not kinds & {"downtown", "business"}:
            raise ValueError("expected at least one residential and one downtown or business hotspot")
        if self.corridor is not None:
            for lat, lon in (self.corridor.start, self.corridor.end):
                if not self.bounds.contains(lat, lon):
                    raise ValueError(f"expected corridor {self.corridor.name!r} inside the bounds")
        return self
