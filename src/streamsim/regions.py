"""Metropolitan regions for the ETA scenario: geography, climate, traffic and roads.

A region is plain data, validated by :class:`Region`: a bounding box, hotspots
(downtown, business districts, airports, residential and leisure areas), an IANA
time zone, monthly climate normals, a weekday/weekend traffic profile and road
characteristics. :data:`REGIONS` is the built-in catalogue; users add their own
under ``custom_regions`` in a config file. Where each figure comes from is
documented in ``docs/scenarios/eta.md``.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

VEHICLE_TYPES = ("Sedan", "SUV", "Hatchback", "Motorcycle", "Van")
HOTSPOT_KINDS = ("downtown", "business", "airport", "residential", "leisure")
HotspotKind = Literal["downtown", "business", "airport", "residential", "leisure"]
KM_PER_DEGREE = 111.2
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


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

    def congestion(self, weekday: int, hour: float) -> float:
        """Extra travel time at a local weekday (Monday = 0) and fractional hour."""
        if weekday >= 5:
            return self.night + (self.weekend - self.night) * _bump(hour - 14.0, 4.0)
        day = 1.0 / (1.0 + math.exp(-(hour - 6.0) * 1.5)) / (1.0 + math.exp((hour - 21.0) * 1.2))
        base = self.night + (self.midday - self.night) * day
        peaks = sum(
            max(0.0, peak - base) * _bump(hour - center, self.peak_hours)
            for peak, center in ((self.am_peak, self.am_peak_hour), (self.pm_peak, self.pm_peak_hour))
        )
        return min(1.0, base + peaks)


def _bump(x: float, width: float) -> float:
    return math.exp(-0.5 * (x / width) ** 2)


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


class RegionClock:
    """Local calendar of a region at event times: offsets cached per UTC hour.

    Unlike :class:`streamsim.clock.LocalTime` this is exact for half-hour
    offsets (India is UTC+5:30).

    >>> clock = RegionClock("Asia/Kolkata")
    >>> local = clock.local(1735689600.0)  # 2025-01-01T00:00Z = 05:30 in Mumbai
    >>> clock.weekday_hour(local), clock.month(local)
    ((2, 5), 0)
    """

    def __init__(self, time_zone: str) -> None:
        self.zone = ZoneInfo(time_zone)
        self._offsets: dict[int, float] = {}
        self._months: dict[int, tuple[int, int]] = {}

    def local(self, t: float) -> float:
        """Local wall-clock seconds since the epoch (an event time shifted by the UTC offset)."""
        hour = int(t // 3600)
        offset = self._offsets.get(hour)
        if offset is None:
            if len(self._offsets) > 4096:
                self._offsets.clear()
            delta = datetime.fromtimestamp(hour * 3600, self.zone).utcoffset()
            offset = self._offsets[hour] = 0.0 if delta is None else delta.total_seconds()
        return t + offset

    @staticmethod
    def weekday_hour(local: float) -> tuple[int, int]:
        """(weekday with Monday = 0, hour of day) of a local time."""
        day = int(local // 86400)
        return (day + 3) % 7, int((local - day * 86400) // 3600)

    def _calendar(self, day: int) -> tuple[int, int]:
        found = self._months.get(day)
        if found is None:
            when = date.fromordinal(day + _EPOCH_ORDINAL)
            if len(self._months) > 4096:
                self._months.clear()
            found = self._months[day] = (when.month - 1, when.timetuple().tm_yday - 1)
        return found

    def month(self, local: float) -> int:
        """Month of a local time, January = 0."""
        return self._calendar(int(local // 86400))[0]

    def day_of_year(self, local: float) -> int:
        """Day of the year of a local time, 1 January = 0."""
        return self._calendar(int(local // 86400))[1]


def _spot(name: str, kind: HotspotKind, lat: float, lon: float, radius_km: float, weight: float) -> Hotspot:
    return Hotspot(name=name, kind=kind, lat=lat, lon=lon, radius_km=radius_km, weight=weight)


#: The built-in catalogue (figures and their sources: docs/scenarios/eta.md).
REGIONS: dict[str, Region] = {
    "houston": Region(
        title="Houston",
        time_zone="America/Chicago",
        # The original producer's box.
        bounds=Bounds(lat_min=29.5, lat_max=30.1, lon_min=-95.8, lon_max=-95.0),
        hotspots=(
            _spot("Downtown", "downtown", 29.7604, -95.3698, 1.2, 10),
            _spot("Uptown Galleria", "business", 29.7390, -95.4630, 1.5, 6),
            _spot("Texas Medical Center", "business", 29.7070, -95.3990, 1.0, 5),
            _spot("Energy Corridor", "business", 29.7800, -95.6300, 2.0, 3),
            _spot("Bush Intercontinental Airport", "airport", 29.9902, -95.3368, 0.8, 3),
            _spot("Hobby Airport", "airport", 29.6454, -95.2789, 0.6, 2),
            _spot("Midtown and Montrose", "leisure", 29.7420, -95.3850, 1.2, 6),
            _spot("NRG Park", "leisure", 29.6847, -95.4107, 0.8, 1),
            _spot("The Heights", "residential", 29.7980, -95.3980, 2.0, 5),
            _spot("Sugar Land", "residential", 29.6197, -95.6349, 4.0, 4),
            _spot("Pearland", "residential", 29.5636, -95.2860, 4.0, 3),
            _spot("Spring", "residential", 30.0500, -95.4170, 3.5, 3),
            _spot("Katy and Cinco Ranch", "residential", 29.7400, -95.7300, 3.5, 3),
            _spot("Pasadena", "residential", 29.6911, -95.2091, 3.5, 3),
            _spot("Alief and Westchase", "residential", 29.7000, -95.5700, 3.5, 4),
            _spot("Kingwood and Humble", "residential", 29.9990, -95.2620, 3.5, 2),
        ),
        climate=Climate(  # NOAA NCEI 1991-2020 normals, Houston Intercontinental Airport
            high_c=(17.7, 19.9, 23.3, 26.7, 30.5, 33.5, 34.7, 34.9, 32.4, 28.2, 22.6, 18.5),
            low_c=(6.5, 8.7, 12.0, 15.4, 19.9, 23.2, 24.3, 24.1, 21.4, 16.1, 10.8, 7.6),
            rainy_days=(10.0, 8.8, 8.8, 7.3, 8.6, 10.0, 9.1, 8.5, 8.4, 7.7, 7.6, 9.6),
        ),
        traffic=Traffic(
            am_peak=0.45,
            am_peak_hour=7.5,
            pm_peak=0.55,
            pm_peak_hour=17.25,
            midday=0.2,
            night=0.02,
            weekend=0.15,
        ),
        roads=Roads(city_speed_kmh=48, highway_speed_kmh=100, detour_factor=1.25, highway_access=0.9),
        corridor=Corridor(
            name="I-45 North: Downtown to Bush Intercontinental",
            start=(29.7604, -95.3698),
            end=(29.9902, -95.3368),
            width_km=3.0,
        ),
        vehicles={"Sedan": 45, "SUV": 35, "Hatchback": 8, "Motorcycle": 2, "Van": 10},
    ),
    "new_york": Region(
        title="New York",
        time_zone="America/New_York",
        bounds=Bounds(lat_min=40.55, lat_max=40.92, lon_min=-74.10, lon_max=-73.70),
        hotspots=(
            _spot("Midtown Manhattan", "downtown", 40.7549, -73.9840, 1.2, 10),
            _spot("Financial District", "business", 40.7075, -74.0113, 0.8, 6),
            _spot("Downtown Brooklyn", "business", 40.6928, -73.9903, 1.0, 3),
            _spot("Long Island City", "business", 40.7447, -73.9485, 1.0, 2),
            _spot("JFK Airport", "airport", 40.6413, -73.7781, 0.8, 3),
            _spot("LaGuardia Airport", "airport", 40.7769, -73.8740, 0.6, 3),
            _spot("Lower East Side and East Village", "leisure", 40.7265, -73.9815, 1.0, 5),
            _spot("Williamsburg", "leisure", 40.7081, -73.9571, 1.2, 4),
            _spot("Upper West Side", "residential", 40.7870, -73.9754, 1.2, 4),
            _spot("Upper East Side", "residential", 40.7736, -73.9566, 1.2, 5),
            _spot("Harlem", "residential", 40.8116, -73.9465, 1.5, 3),
            _spot("Park Slope", "residential", 40.6710, -73.9814, 1.5, 3),
            _spot("Astoria", "residential", 40.7644, -73.9235, 1.5, 3),
            _spot("Flushing", "residential", 40.7675, -73.8331, 2.0, 2),
            _spot("Fordham, the Bronx", "residential", 40.8610, -73.8900, 2.5, 2),
            _spot("Jersey City", "residential", 40.7178, -74.0431, 1.5, 2),
        ),
        climate=Climate(  # NOAA NCEI 1991-2020 normals, Central Park
            high_c=(4.2, 5.7, 9.9, 16.6, 21.9, 26.5, 29.4, 28.5, 24.6, 18.1, 12.2, 6.8),
            low_c=(-2.3, -1.3, 2.1, 7.6, 12.8, 17.9, 21.2, 20.5, 16.8, 10.7, 5.6, 1.1),
            rainy_days=(10.8, 10.0, 11.1, 11.4, 11.5, 10.8, 10.7, 10.1, 9.0, 9.7, 9.4, 11.3),
        ),
        traffic=Traffic(
            am_peak=0.6,
            am_peak_hour=8.25,
            pm_peak=0.7,
            pm_peak_hour=17.25,
            midday=0.38,
            night=0.06,
            weekend=0.33,
        ),
        roads=Roads(city_speed_kmh=28, highway_speed_kmh=70, detour_factor=1.35, highway_access=0.5),
        corridor=Corridor(
            name="Midtown to JFK", start=(40.7549, -73.9840), end=(40.6413, -73.7781), width_km=3.0
        ),
        vehicles={"Sedan": 55, "SUV": 30, "Hatchback": 6, "Motorcycle": 1, "Van": 8},
    ),
    "london": Region(
        title="London",
        time_zone="Europe/London",
        bounds=Bounds(lat_min=51.38, lat_max=51.62, lon_min=-0.50, lon_max=0.10),
        hotspots=(
            _spot("City of London", "downtown", 51.5155, -0.0922, 1.0, 8),
            _spot("Canary Wharf", "business", 51.5054, -0.0235, 0.8, 4),
            _spot("King's Cross", "business", 51.5308, -0.1238, 0.8, 3),
            _spot("Stratford", "business", 51.5416, -0.0036, 1.0, 2),
            _spot("Heathrow Airport", "airport", 51.4700, -0.4543, 1.0, 3),
            _spot("London City Airport", "airport", 51.5048, 0.0495, 0.5, 1),
            _spot("West End", "leisure", 51.5136, -0.1365, 1.0, 8),
            _spot("Camden Town", "leisure", 51.5390, -0.1426, 1.0, 3),
            _spot("Shoreditch", "leisure", 51.5265, -0.0780, 0.8, 3),
            _spot("Islington", "residential", 51.5362, -0.1033, 1.5, 4),
            _spot("Hackney", "residential", 51.5450, -0.0553, 1.5, 4),
            _spot("Clapham", "residential", 51.4620, -0.1380, 1.5, 4),
            _spot("Brixton", "residential", 51.4613, -0.1156, 1.2, 3),
            _spot("Greenwich", "residential", 51.4826, -0.0077, 1.5, 2),
            _spot("Ealing", "residential", 51.5130, -0.3089, 2.0, 2),
            _spot("Wimbledon", "residential", 51.4214, -0.2064, 2.0, 2),
        ),
        climate=Climate(  # Met Office 1991-2020 averages, Heathrow (rain days >= 1 mm)
            high_c=(8.4, 9.0, 11.7, 15.0, 18.4, 21.6, 23.9, 23.4, 20.3, 15.9, 11.6, 8.9),
            low_c=(2.5, 2.4, 3.9, 5.7, 8.8, 11.8, 13.9, 13.8, 11.4, 8.6, 5.2, 2.9),
            rainy_days=(11.1, 9.4, 8.8, 9.0, 8.0, 7.9, 7.7, 8.3, 8.2, 10.4, 10.9, 10.4),
        ),
        traffic=Traffic(
            am_peak=0.62,
            am_peak_hour=8.25,
            pm_peak=0.68,
            pm_peak_hour=17.5,
            midday=0.4,
            night=0.06,
            weekend=0.34,
        ),
        roads=Roads(city_speed_kmh=28, highway_speed_kmh=75, detour_factor=1.4, highway_access=0.3),
        corridor=Corridor(
            name="A4/M4: West End to Heathrow", start=(51.5136, -0.1365), end=(51.4700, -0.4543), width_km=3.0
        ),
        vehicles={"Sedan": 50, "SUV": 12, "Hatchback": 28, "Motorcycle": 2, "Van": 8},
    ),
    "sao_paulo": Region(
        title="São Paulo",
        time_zone="America/Sao_Paulo",
        bounds=Bounds(lat_min=-23.75, lat_max=-23.40, lon_min=-46.85, lon_max=-46.40),
        hotspots=(
            _spot("Centro", "downtown", -23.5475, -46.6361, 1.2, 6),
            _spot("Avenida Paulista", "business", -23.5614, -46.6559, 1.0, 8),
            _spot("Faria Lima and Itaim Bibi", "business", -23.5860, -46.6816, 1.0, 6),
            _spot("Berrini and Brooklin", "business", -23.6060, -46.6940, 1.0, 3),
            _spot("Congonhas Airport", "airport", -23.6261, -46.6564, 0.6, 3),
            _spot("Guarulhos Airport", "airport", -23.4356, -46.4731, 0.8, 2),
            _spot("Pinheiros and Vila Madalena", "leisure", -23.5570, -46.6900, 1.2, 5),
            _spot("Moema", "residential", -23.6010, -46.6640, 1.5, 4),
            _spot("Tatuapé", "residential", -23.5400, -46.5760, 2.0, 4),
            _spot("Santana", "residential", -23.5020, -46.6250, 2.0, 3),
            _spot("Butantã", "residential", -23.5710, -46.7300, 2.0, 3),
            _spot("Santo Amaro", "residential", -23.6540, -46.7100, 2.5, 3),
            _spot("Morumbi", "residential", -23.6000, -46.7200, 1.5, 2),
            _spot("Lapa", "residential", -23.5220, -46.7030, 1.5, 2),
            _spot("Itaquera", "residential", -23.5400, -46.4560, 2.5, 2),
        ),
        climate=Climate(  # INMET 1991-2020 normals, Mirante de Santana (rain days >= 1 mm)
            high_c=(28.3, 28.8, 27.9, 26.2, 23.6, 22.6, 22.4, 24.1, 25.0, 26.2, 26.9, 27.8),
            low_c=(19.2, 19.5, 18.8, 17.0, 14.4, 13.0, 12.4, 13.3, 14.9, 16.5, 17.6, 18.6),
            rainy_days=(17.0, 15.0, 13.0, 8.0, 7.0, 5.0, 4.0, 4.0, 7.0, 10.0, 12.0, 15.0),
        ),
        traffic=Traffic(
            am_peak=0.45,
            am_peak_hour=8.0,
            pm_peak=0.55,
            pm_peak_hour=18.5,
            midday=0.3,
            night=0.04,
            weekend=0.22,
        ),
        roads=Roads(city_speed_kmh=32, highway_speed_kmh=70, detour_factor=1.35, highway_access=0.6),
        corridor=Corridor(
            name="Marginal Tietê: Centro to Guarulhos",
            start=(-23.5475, -46.6361),
            end=(-23.4356, -46.4731),
            width_km=3.0,
        ),
        vehicles={"Sedan": 35, "SUV": 10, "Hatchback": 40, "Motorcycle": 12, "Van": 3},
    ),
    "mumbai": Region(
        title="Mumbai",
        time_zone="Asia/Kolkata",
        bounds=Bounds(lat_min=18.89, lat_max=19.30, lon_min=72.77, lon_max=73.00),
        hotspots=(
            _spot("Nariman Point and Fort", "downtown", 18.9300, 72.8300, 1.0, 6),
            _spot("Bandra Kurla Complex", "business", 19.0660, 72.8690, 0.8, 6),
            _spot("Lower Parel", "business", 18.9980, 72.8300, 0.8, 5),
            _spot("Andheri East", "business", 19.1150, 72.8750, 1.2, 4),
            _spot("Powai", "business", 19.1176, 72.9060, 1.2, 3),
            _spot("Chhatrapati Shivaji Maharaj Airport", "airport", 19.0896, 72.8656, 0.6, 3),
            _spot("Colaba", "leisure", 18.9067, 72.8147, 0.8, 3),
            _spot("Bandra West", "leisure", 19.0596, 72.8295, 1.0, 5),
            _spot("Dadar", "residential", 19.0178, 72.8478, 1.2, 5),
            _spot("Andheri West", "residential", 19.1364, 72.8296, 1.5, 5),
            _spot("Goregaon", "residential", 19.1650, 72.8490, 1.5, 4),
            _spot("Malad", "residential", 19.1870, 72.8486, 1.5, 4),
            _spot("Borivali", "residential", 19.2307, 72.8567, 1.8, 4),
            _spot("Chembur", "residential", 19.0522, 72.9005, 1.5, 3),
            _spot("Ghatkopar", "residential", 19.0860, 72.9080, 1.5, 3),
            _spot("Mulund", "residential", 19.1726, 72.9560, 1.5, 2),
        ),
        climate=Climate(  # IMD normals, Santacruz (rainy days >= 2.5 mm)
            high_c=(31.2, 31.8, 33.1, 33.3, 33.6, 32.2, 30.2, 29.9, 30.8, 33.6, 34.1, 32.7),
            low_c=(17.4, 18.5, 21.6, 24.5, 27.0, 26.4, 25.5, 25.1, 24.7, 23.8, 21.6, 19.1),
            rainy_days=(0.1, 0.1, 0.1, 0.3, 1.1, 13.8, 22.9, 20.5, 13.9, 4.0, 1.3, 0.2),
        ),
        traffic=Traffic(
            am_peak=0.9,
            am_peak_hour=10.0,
            pm_peak=1.0,
            pm_peak_hour=19.0,
            midday=0.75,
            night=0.16,
            weekend=0.65,
        ),
        roads=Roads(city_speed_kmh=28, highway_speed_kmh=60, detour_factor=1.4, highway_access=0.45),
        corridor=Corridor(
            name="Coastal Road and Sea Link: Marine Drive to Bandra",
            start=(18.9350, 72.8230),
            end=(19.0500, 72.8220),
            width_km=2.5,
        ),
        vehicles={"Sedan": 35, "SUV": 12, "Hatchback": 45, "Motorcycle": 5, "Van": 3},
    ),
    "sydney": Region(
        title="Sydney",
        time_zone="Australia/Sydney",
        bounds=Bounds(lat_min=-34.05, lat_max=-33.70, lon_min=150.95, lon_max=151.32),
        hotspots=(
            _spot("Sydney CBD", "downtown", -33.8688, 151.2093, 1.0, 10),
            _spot("North Sydney", "business", -33.8390, 151.2070, 0.8, 3),
            _spot("Parramatta", "business", -33.8150, 151.0011, 1.2, 4),
            _spot("Macquarie Park", "business", -33.7780, 151.1240, 1.0, 2),
            _spot("Sydney Airport", "airport", -33.9399, 151.1753, 0.8, 3),
            _spot("Surry Hills and Darlinghurst", "leisure", -33.8840, 151.2130, 0.8, 4),
            _spot("Bondi", "leisure", -33.8915, 151.2767, 1.2, 3),
            _spot("Manly", "leisure", -33.7969, 151.2870, 1.0, 2),
            _spot("Newtown", "residential", -33.8970, 151.1790, 1.2, 3),
            _spot("Chatswood", "residential", -33.7969, 151.1803, 1.5, 3),
            _spot("Randwick", "residential", -33.9140, 151.2410, 1.5, 3),
            _spot("Bankstown", "residential", -33.9180, 151.0350, 2.0, 3),
            _spot("Hurstville", "residential", -33.9670, 151.1020, 2.0, 3),
            _spot("Ryde", "residential", -33.8150, 151.1040, 2.0, 2),
            _spot("Strathfield", "residential", -33.8730, 151.0830, 2.0, 2),
        ),
        climate=Climate(  # Bureau of Meteorology, Observatory Hill (rain days >= 1 mm)
            high_c=(26.1, 26.0, 24.9, 22.6, 19.7, 17.3, 17.1, 18.2, 20.3, 22.3, 23.9, 25.6),
            low_c=(18.8, 19.0, 17.6, 14.7, 11.6, 9.3, 8.4, 9.4, 11.5, 13.6, 15.7, 17.6),
            rainy_days=(8.0, 8.7, 9.5, 7.7, 7.5, 8.3, 6.4, 5.8, 6.1, 7.4, 8.2, 7.7),
        ),
        traffic=Traffic(
            am_peak=0.66,
            am_peak_hour=8.25,
            pm_peak=0.65,
            pm_peak_hour=17.25,
            midday=0.3,
            night=0.04,
            weekend=0.25,
        ),
        roads=Roads(city_speed_kmh=38, highway_speed_kmh=85, detour_factor=1.35, highway_access=0.6),
        corridor=Corridor(
            name="WestConnex M4: Parramatta to the CBD",
            start=(-33.8150, 151.0011),
            end=(-33.8688, 151.2093),
            width_km=3.0,
        ),
        vehicles={"Sedan": 50, "SUV": 25, "Hatchback": 17, "Motorcycle": 1, "Van": 7},
    ),
}
