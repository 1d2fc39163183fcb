"""The city of the ETA scenario: where trips start and end, their routes, and traffic incidents.

The city is a constant of its :class:`~streamsim.regions.Region` (structural,
never drifts); incidents are run state; the parameters that drift (traffic
level, incident frequency...) are applied by the scenario's regime.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING

from streamsim.regions import KM_PER_DEGREE, Region
from streamsim.rng import Rng, Weighted, derive_seed

if TYPE_CHECKING:
    from streamsim.regions import RegionClock

Random = Callable[[], float]

#: Standard normal quantiles: ``NORMALS[int(random() * NORMAL_COUNT)]`` is a cheap normal draw.
NORMAL_COUNT = 4096
NORMALS: tuple[float, ...] = tuple(
    NormalDist().inv_cdf((k + 0.5) / NORMAL_COUNT) for k in range(NORMAL_COUNT)
)

ADDRESSES_PER_HOTSPOT = 2000
#: Time classes of the local week, each with its own origin/destination mix.
AM_PEAK, PM_PEAK, DAYTIME, EVENING, NIGHT, WEEKEND = range(6)
#: Pull of each hotspot kind as an origin and as a destination, per time class: homes empty
#: into offices in the morning and the other way round in the evening; nightlife at night.
ORIGIN_PULL: dict[int, dict[str, float]] = {
    AM_PEAK: {"downtown": 0.6, "business": 0.5, "airport": 1.0, "residential": 2.5, "leisure": 0.3},
    PM_PEAK: {"downtown": 2.0, "business": 2.0, "airport": 1.0, "residential": 0.6, "leisure": 0.8},
    DAYTIME: {"downtown": 1.2, "business": 1.0, "airport": 1.0, "residential": 1.0, "leisure": 1.0},
    EVENING: {"downtown": 1.0, "business": 0.4, "airport": 1.0, "residential": 0.8, "leisure": 2.0},
    NIGHT: {"downtown": 0.8, "business": 0.2, "airport": 0.6, "residential": 0.5, "leisure": 2.5},
    WEEKEND: {"downtown": 0.8, "business": 0.3, "airport": 1.0, "residential": 1.3, "leisure": 1.6},
}
DESTINATION_PULL: dict[int, dict[str, float]] = {
    AM_PEAK: {"downtown": 2.0, "business": 2.2, "airport": 1.0, "residential": 0.5, "leisure": 0.3},
    PM_PEAK: {"downtown": 0.6, "business": 0.5, "airport": 1.0, "residential": 2.2, "leisure": 1.0},
    DAYTIME: {"downtown": 1.2, "business": 1.0, "airport": 1.0, "residential": 1.0, "leisure": 1.0},
    EVENING: {"downtown": 0.8, "business": 0.3, "airport": 1.0, "residential": 1.6, "leisure": 1.5},
    NIGHT: {"downtown": 0.5, "business": 0.2, "airport": 0.6, "residential": 2.5, "leisure": 0.6},
    WEEKEND: {"downtown": 0.8, "business": 0.3, "airport": 1.0, "residential": 1.2, "leisure": 1.8},
}
HOME_PULL = {"downtown": 0.3, "business": 0.1, "airport": 0.0, "residential": 1.0, "leisure": 0.3}
WORK_PULL = {"downtown": 3.0, "business": 3.0, "airport": 0.6, "residential": 0.3, "leisure": 0.6}
#: Trips get rarer with distance (a gravity model): e-folding distances, km.
TRIP_SCALE_KM = 5.0
AIRPORT_SCALE_KM = 25.0  # people ride to the airport from far away
COMMUTE_SCALE_KM = 12.0

#: Share of other trips that start or end at the rider's home, and of those, the share that
#: goes home, per time class (AM peak, PM peak, daytime, evening, night, weekend).
HOME_SHARE = 0.35
HOME_BOUND = (0.1, 0.85, 0.5, 0.7, 0.85, 0.5)
#: Trip kinds, and their names in the events.
COMMUTE, FROM_HOME, TO_HOME, HOTSPOT = range(4)
KIND_NAMES = ("commute", "home", "home", "hotspot")
MIN_TRIP_KM = 0.5
_TRIES = 20
#: Commute share the incident calibration assumes (the option's default).
CALIBRATION_COMMUTE_SHARE = 0.4

#: Road distance over straight-line distance grows for short trips (grid detours dominate).
SHORT_TRIP_DETOUR = 0.3
SHORT_TRIP_KM = 2.5
DETOUR_NOISE = 0.08
#: Highway share of a route: ``access * road / (road + HIGHWAY_HALF_KM)``, give or take 30%.
HIGHWAY_HALF_KM = 12.0
MAX_HIGHWAY_SHARE = 0.95

CORRIDOR_MIN_KM = 3.0
INCIDENT_RADIUS_KM = 1.0
INCIDENT_MEDIAN_SECONDS = 2400.0  # most incidents clear within the hour
INCIDENT_SIGMA = 0.6
INCIDENT_MEAN_SECONDS = INCIDENT_MEDIAN_SECONDS * math.exp(INCIDENT_SIGMA**2 / 2)
INCIDENT_DELAY_SECONDS = (300, 1800)  # the original producer's 5-30 minutes
INCIDENT_STEP = 900.0
INCIDENT_WARMUP = 4 * 3600.0  # incidents already under way at the start of the run
_REACH_BINS = 32
_CELL_KM = 6.0  # grid cell >= radius + half the sampling step along a route
_ROW = 4096


def time_class(weekday: int, hour: int) -> int:
    """Time class of a local weekday (Monday = 0) and hour."""
    if hour < 6:
        return NIGHT
    if hour >= 19:
        return EVENING
    if weekday >= 5:
        return WEEKEND
    if hour < 10:
        return AM_PEAK
    return PM_PEAK if hour >= 15 else DAYTIME


#: A trip end: (latitude, longitude, index of its hotspot). A plain tuple: made on every trip.
Place = tuple[float, float, int]


class City:
    """Hotspots, addresses, trip endpoints and route geometry of one region.

    Everything in it is a constant of the region (addresses are made on first use
    from their own seed), so runs can share it.

    >>> from streamsim.regions import REGIONS
    >>> city = City(REGIONS["houston"])
    >>> place = city.place(0, Rng(1).random)
    >>> city.names[place[2]], REGIONS["houston"].bounds.contains(place[0], place[1])
    ('Downtown', True)
    """

    def __init__(self, region: Region) -> None:
        self.region = region
        b = region.bounds
        self.bounds = (b.lat_min, b.lat_max, b.lon_min, b.lon_max)
        spots = region.hotspots
        self.names = tuple(s.name for s in spots)
        self.kinds = tuple(s.kind for s in spots)
        # A local flat frame in km (equirectangular), origin at the south-west corner.
        self.ky = KM_PER_DEGREE
        self.kx = KM_PER_DEGREE * math.cos(math.radians((b.lat_min + b.lat_max) / 2))
        self._lat = [s.lat for s in spots]
        self._lon = [s.lon for s in spots]
        self._rlat = [s.radius_km / self.ky for s in spots]
        self._rlon = [s.radius_km / self.kx for s in spots]
        self._addresses: list[list[Place]] = [[] for _ in spots]  # filled on first use
        indices = range(len(spots))
        self.class_of = [time_class(h // 24, h % 24) for h in range(168)]
        self.origins = [
            Weighted(indices, [s.weight * ORIGIN_PULL[c][s.kind] for s in spots]) for c in range(6)
        ]
        # Where trips from (and, for trips home, to) each hotspot go: near places pull harder.
        self.destinations = [
            [self._gravity(i, DESTINATION_PULL[c], TRIP_SCALE_KM) for i in indices] for c in range(6)
        ]
        self.sources = [[self._gravity(i, ORIGIN_PULL[c], TRIP_SCALE_KM) for i in indices] for c in range(6)]
        self.homes = Weighted(indices, [s.weight * HOME_PULL[s.kind] for s in spots])
        self.workplaces = [self._gravity(i, WORK_PULL, COMMUTE_SCALE_KM) for i in indices]
        self.corridor = _Segment.of(self, region) if region.corridor is not None else None
        roads = region.roads
        self._detour, self._access = roads.detour_factor, roads.highway_access
        self._city_hours, self._highway_hours = 1.0 / roads.city_speed_kmh, 1.0 / roads.highway_speed_kmh

    def _gravity(self, origin: int, pull: dict[str, float], scale_km: float) -> Weighted[int]:
        spots = self.region.hotspots
        o = spots[origin]
        weights = []
        for s in spots:
            distance = math.hypot((s.lat - o.lat) * self.ky, (s.lon - o.lon) * self.kx)
            reach = AIRPORT_SCALE_KM if "airport" in (s.kind, o.kind) else scale_km
            weights.append(s.weight * pull[s.kind] * math.exp(-distance / reach))
        return Weighted(range(len(spots)), weights)

    def place(self, zone: int, random: Random) -> Place:
        """One of the addresses around hotspot ``zone``: pick-ups and drop-offs happen at the
        same doors again and again."""
        book = self._addresses[zone] or self._fill(zone)
        return book[int(random() * ADDRESSES_PER_HOTSPOT)]

    def _fill(self, zone: int) -> list[Place]:
        """The addresses of a hotspot, Gaussian around it and inside the region's bounds.

        They are a constant of the region (their own seed per region and hotspot), made the
        first time the hotspot is used.
        """
        random = Rng(derive_seed("eta-addresses", self.region.title, zone)).random
        lat_min, lat_max, lon_min, lon_max = self.bounds
        book = self._addresses[zone]
        for _ in range(ADDRESSES_PER_HOTSPOT):
            lat = self._lat[zone] + NORMALS[int(random() * NORMAL_COUNT)] * self._rlat[zone]
            lon = self._lon[zone] + NORMALS[int(random() * NORMAL_COUNT)] * self._rlon[zone]
            # Clamp the rare point that falls outside (hotspots near the edge of the box).
            lat = lat_min if lat < lat_min else lat_max if lat > lat_max else lat
            lon = lon_min if lon < lon_min else lon_max if lon > lon_max else lon
            book.append((round(lat * 1e6) / 1e6, round(lon * 1e6) / 1e6, zone))
        return book

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        """Kilometres east and north of the region's south-west corner."""
        return (lon - self.bounds[2]) * self.kx, (lat - self.bounds[0]) * self.ky

    def km(self, a: Place, b: Place) -> float:
        """Distance between two places, km (flat-frame approximation)."""
        return math.hypot((a[0] - b[0]) * self.ky, (a[1] - b[1]) * self.kx)

    def route(self, distance_km: float, random: Random) -> tuple[float, float, float]:
        """(road km, highway share, free-flow seconds) of the planned route of a trip.

        Roads are longer than the straight line, more so for short trips (grid detours
        dominate); longer trips use more highway.
        """
        detour = self._detour * (1.0 + SHORT_TRIP_DETOUR * math.exp(-distance_km / SHORT_TRIP_KM))
        detour *= 1.0 + DETOUR_NOISE * NORMALS[int(random() * NORMAL_COUNT)]
        road_km = round(distance_km * (detour if detour > 1.02 else 1.02) * 100) / 100
        highway = self._access * road_km / (road_km + HIGHWAY_HALF_KM) * (0.7 + 0.6 * random())
        if highway > MAX_HIGHWAY_SHARE:
            highway = MAX_HIGHWAY_SHARE
        hours = road_km * (highway * self._highway_hours + (1.0 - highway) * self._city_hours)
        return road_km, highway, hours * 3600.0

    def near_place(self, zone: int, random: Random, other: Place) -> Place:
        """A place around hotspot ``zone`` at least MIN_TRIP_KM from ``other`` (a few tries)."""
        lat, lon, _ = other
        ky, kx = self.ky, self.kx
        found = self.place(zone, random)
        for _ in range(_TRIES):
            if math.hypot((found[0] - lat) * ky, (found[1] - lon) * kx) >= MIN_TRIP_KM:
                break
            found = self.place(zone, random)
        return found

    def trip_kind(self, random: Random, klass: int, commute_share: float) -> int:
        """What a rider's next trip is: a commute (weekday rush hours), from or to home, or
        between hotspots."""
        if klass <= PM_PEAK and random() < commute_share:
            return COMMUTE
        if random() < HOME_SHARE:
            return TO_HOME if random() < HOME_BOUND[klass] else FROM_HOME
        return HOTSPOT

    def trip(self, random: Random, klass: int, kind: int, home: Place, work: Place) -> tuple[Place, Place]:
        """Endpoints of a trip of a kind (``home`` and ``work`` are unused between hotspots):
        origins by time class, destinations by gravity from the origin."""
        if kind == COMMUTE:
            return (home, work) if klass == AM_PEAK else (work, home)
        if kind == TO_HOME:
            return self.near_place(self.sources[klass][home[2]].draw(random), random, home), home
        origin = home if kind == FROM_HOME else self.place(self.origins[klass].draw(random), random)
        return origin, self.near_place(self.destinations[klass][origin[2]].draw(random), random, origin)

    def rider_places(self, rider: int, salt: int) -> tuple[Place, Place]:
        """Home and workplace of a rider: a pure function of the rider's number (and the run's
        ``salt``), so riders need no storage. The workplace is drawn by gravity from home."""
        bits = _mix(rider ^ salt)
        home_zone = self.homes.draw(((bits & 0xFFFF) / 65536).__float__)  # draw() takes any uniform source
        book = self._addresses[home_zone] or self._fill(home_zone)
        home = book[((bits >> 16) & 0xFFFF) * ADDRESSES_PER_HOTSPOT >> 16]
        work_zone = self.workplaces[home_zone].draw((((bits >> 32) & 0xFFFF) / 65536).__float__)
        book = self._addresses[work_zone] or self._fill(work_zone)
        slot = (bits >> 48) * ADDRESSES_PER_HOTSPOT >> 16
        for step in range(_TRIES):  # the first address far enough from home
            work = book[(slot + step) % ADDRESSES_PER_HOTSPOT]
            if self.km(home, work) >= MIN_TRIP_KM:
                break
        return home, work

    def random_trip(self, random: Random, klass: int) -> tuple[Place, Place]:
        """Endpoints of a trip between hotspots (where incidents happen) in a time class."""
        origin = self.place(self.origins[klass].draw(random), random)
        destination = self.destinations[klass][origin[2]].draw(random)
        return origin, self.place(destination, random)


_MASK64 = (1 << 64) - 1


def _mix(x: int) -> int:
    """SplitMix64's finaliser: 64 well-mixed bits from an integer."""
    x = (x + 0x9E3779B97F4A7C15) & _MASK64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _MASK64
    return x ^ (x >> 31)


def segment_distance2(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    """Squared distance from point P to segment AB (same units as the inputs).

    >>> segment_distance2(1.0, 1.0, 0.0, 0.0, 2.0, 0.0)
    1.0
    """
    vx, vy = bx - ax, by - ay
    length2 = vx * vx + vy * vy
    f = 0.0 if length2 == 0 else ((px - ax) * vx + (py - ay) * vy) / length2
    f = 0.0 if f < 0 else 1.0 if f > 1 else f
    dx, dy = px - ax - f * vx, py - ay - f * vy
    return dx * dx + dy * dy


@dataclass(frozen=True, slots=True)
class _Segment:
    """A corridor in the city's km frame."""

    ax: float
    ay: float
    bx: float
    by: float
    width2: float

    @classmethod
    def of(cls, city: City, region: Region) -> _Segment:
        assert region.corridor is not None
        (alat, alon), (blat, blon) = region.corridor.start, region.corridor.end
        ax, ay = city.xy(alat, alon)
        bx, by = city.xy(blat, blon)
        return cls(ax, ay, bx, by, region.corridor.width_km**2)

    def holds(self, ox: float, oy: float, dx: float, dy: float) -> bool:
        """True for a trip along the corridor: both ends within its width of the line, and
        most of the way (at least CORRIDOR_MIN_KM) in the corridor's direction."""
        ax, ay, bx, by = self.ax, self.ay, self.bx, self.by
        if segment_distance2(ox, oy, ax, ay, bx, by) > self.width2:
            return False
        if segment_distance2(dx, dy, ax, ay, bx, by) > self.width2:
            return False
        vx, vy = bx - ax, by - ay
        along = abs((dx - ox) * vx + (dy - oy) * vy) / math.hypot(vx, vy)
        return along >= CORRIDOR_MIN_KM and along >= 0.5 * math.hypot(dx - ox, dy - oy)


@dataclass(slots=True)
class Incident:
    """A crash or breakdown: slows trips that pass within its radius while it lasts."""

    incident_id: str
    start: float
    end: float
    x: float
    y: float
    delay: int  # seconds added to a trip that meets it
    cells: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Survey:
    """What sample trips tell about a region (constants of the region, used for defaults)."""

    exposure: float  # probability that a trip passes near one incident placed where trips go
    reach: tuple[float, ...]  # relative exposure of trips by length (quantile means, mean 1)
    trip_seconds: float  # mean travel time at the default traffic level


def survey(city: City, volume: Sequence[float], congestion: Sequence[float], samples: int = 3000) -> Survey:
    """Monte Carlo over sample trips of new riders at the default commute share.

    Hours come from ``volume`` (request volume per local hour of the week);
    ``congestion`` gives the extra travel time per local quarter-hour at the default
    ``--heavy-traffic-multiplier``. A fixed seed per region makes the results
    constants of the region, so ``--incident-probability`` means the same in every run.
    """
    rng = Rng(derive_seed("eta-survey", city.region.title))
    random = rng.random
    hours = Weighted(range(168), volume)
    radius2 = INCIDENT_RADIUS_KM**2
    hits, seconds, reach = 0, 0.0, []
    for _ in range(samples):
        how = hours.draw(random)
        home, work = city.rider_places(int(random() * 2**32), 0)
        klass = city.class_of[how]
        o, d = city.trip(random, klass, city.trip_kind(random, klass, CALIBRATION_COMMUTE_SHARE), home, work)
        io, idd = city.random_trip(random, klass)
        f = random()
        px, py = city.xy(io[0] + f * (idd[0] - io[0]), io[1] + f * (idd[1] - io[1]))
        ox, oy = city.xy(o[0], o[1])
        dx, dy = city.xy(d[0], d[1])
        hits += segment_distance2(px, py, ox, oy, dx, dy) <= radius2
        km = city.km(o, d)
        reach.append(2 * INCIDENT_RADIUS_KM * km + math.pi * radius2)  # area near the trip's line
        free_flow = city.route(km, random)[2]
        seconds += free_flow * (1.0 + congestion[how * 4 + int(random() * 4)])
    reach.sort()
    mean = sum(reach) / samples
    bins = [reach[i * samples // _REACH_BINS : (i + 1) * samples // _REACH_BINS] for i in range(_REACH_BINS)]
    return Survey(max(hits, 1) / samples, tuple(sum(b) / len(b) / mean for b in bins), seconds / samples)


def incident_rate(probability: float, survey: Survey) -> float:
    """Incidents per second such that a share ``probability`` of trips meets one.

    Active incidents are Poisson-many (rate times mean duration); a trip misses
    each with probability ``1 - exposure`` (more for long trips, less for short
    ones), so it meets none with probability ``exp(-rate * mean duration * exposure)``.
    The rate is solved over the trips' spread of exposures.
    """
    if probability <= 0:
        return 0.0
    target = min(probability, 0.999)
    levels = [survey.exposure * r for r in survey.reach]

    def share(k: float) -> float:
        return sum(1.0 - math.exp(-k * q) for q in levels) / len(levels)

    low, high = 0.0, 1.0
    while share(high) < target:
        high *= 2
    for _ in range(50):
        mid = (low + high) / 2
        low, high = (mid, high) if share(mid) < target else (low, mid)
    return high / INCIDENT_MEAN_SECONDS


class Incidents:
    """Incidents as a Poisson process over event time and space, shared by every shard.

    Incidents appear at a constant rate, at places along the routes trips take at
    that hour, and each lasts a log-normal time. Active incidents are indexed by
    grid cell, so a trip looks only at the cells along its own line.
    """

    def __init__(self, city: City, clock: RegionClock, rng: Rng, start: float) -> None:
        self._city = city
        self._clock = clock
        self._random = rng.random
        self._grid: dict[int, list[Incident]] = {}
        self.active: list[Incident] = []  # created and not yet expired (some may start later)
        self._count = 0
        self.next_step = math.floor((start - INCIDENT_WARMUP) / INCIDENT_STEP) * INCIDENT_STEP

    def advance(self, t: float, rate: float) -> None:
        """Create the incidents of every step up to ``t`` (``rate`` per second) and expire old ones."""
        while t >= self.next_step:
            step = self.next_step
            self.next_step = step + INCIDENT_STEP
            local = self._clock.local(step)
            day = int(local // 86400)
            klass = self._city.class_of[((day + 3) % 7) * 24 + int((local - day * 86400) // 3600)]
            for _ in range(_poisson(rate * INCIDENT_STEP, self._random)):
                self._add(step + self._random() * INCIDENT_STEP, klass)
            self._expire(step)

    def _add(self, start: float, klass: int) -> None:
        random, city = self._random, self._city
        o, d = city.random_trip(random, klass)
        f = random()
        x, y = city.xy(o[0] + f * (d[0] - o[0]), o[1] + f * (d[1] - o[1]))
        duration = INCIDENT_MEDIAN_SECONDS * math.exp(INCIDENT_SIGMA * NORMALS[int(random() * NORMAL_COUNT)])
        low, high = INCIDENT_DELAY_SECONDS
        cx, cy = int(x // _CELL_KM), int(y // _CELL_KM)
        cells = tuple((cx + i) * _ROW + cy + j for i in (-1, 0, 1) for j in (-1, 0, 1))
        self._count += 1
        incident = Incident(
            f"incident_{int(start)}_{self._count}",
            start,
            start + duration,
            x,
            y,
            low + int(random() * (high - low + 1)),
            cells,
        )
        self.active.append(incident)
        for cell in cells:
            self._grid.setdefault(cell, []).append(incident)

    def _expire(self, now: float) -> None:
        done = [i for i in self.active if i.end <= now]
        if not done:
            return
        self.active = [i for i in self.active if i.end > now]
        for incident in done:
            for cell in incident.cells:
                bucket = self._grid[cell]
                bucket.remove(incident)
                if not bucket:
                    del self._grid[cell]

    def near(self, t: float, ox: float, oy: float, dx: float, dy: float, length_km: float) -> Incident | None:
        """An incident active at ``t`` within its radius of the trip's line, if any.

        The line is sampled every cell width at most; every incident is registered
        in its cell and the 8 around it, so no incident within the radius is missed.
        """
        grid = self._grid
        if not grid:
            return None
        steps = int(length_km / _CELL_KM) + 1
        radius2 = INCIDENT_RADIUS_KM * INCIDENT_RADIUS_KM
        for k in range(steps + 1):
            f = k / steps
            bucket = grid.get(
                int((ox + f * (dx - ox)) // _CELL_KM) * _ROW + int((oy + f * (dy - oy)) // _CELL_KM)
            )
            if bucket:
                for incident in bucket:
                    if (
                        incident.start <= t < incident.end
                        and segment_distance2(incident.x, incident.y, ox, oy, dx, dy) <= radius2
                    ):
                        return incident
        return None


def _poisson(mean: float, random: Random) -> int:
    """A Poisson draw (inversion by products; a normal approximation for large means)."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(mean + math.sqrt(mean) * NORMALS[int(random() * NORMAL_COUNT)]))
    limit, k, p = math.exp(-mean), 0, random()
    while p > limit:
        k += 1
        p *= random()
    return k
