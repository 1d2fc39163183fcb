"""ETA realism: regions, evolving weather and traffic, incidents, persistent drivers and riders,
delayed labels. Fixed seeds, tolerant bounds; each test fails if the behaviour it names is missing."""

from __future__ import annotations

import itertools
import statistics
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from streamsim.cli import cli
from streamsim.scenarios.eta import REGION_NAMES, EtaOptions, EtaScenario
from streamsim.timeutil import parse_time
from support import START, Json, run_in_memory

BAD = {"Rain", "Heavy Rain", "Fog", "Thunderstorm"}
WET = {"Rain", "Heavy Rain", "Thunderstorm"}
#: Mean days with rain per month, January first: NOAA NCEI 1991-2020 normals for Bush
#: Intercontinental (days with at least 0.01 in) and Met Office 1991-2020 averages for Heathrow
#: (days with at least 1 mm), as in the region tables (sources in docs/scenarios/eta.md).
RAINY_DAYS = {
    "houston": (10.0, 8.8, 8.8, 7.3, 8.6, 10.0, 9.1, 8.5, 8.4, 7.7, 7.6, 9.6),
    "london": (11.1, 9.4, 8.8, 9.0, 8.0, 7.9, 7.7, 8.3, 8.2, 10.4, 10.9, 10.4),
}


class Box(NamedTuple):
    lat_min: float
    lat_max: float
    lon_min: float
    lon_max: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.lat_min <= lat <= self.lat_max and self.lon_min <= lon <= self.lon_max


class Expected(NamedTuple):
    """What the events of a built-in region must agree with: its zone, its box and its climate
    normals (mean daily highs and lows by month, January first; sources in docs/scenarios/eta.md)."""

    time_zone: str
    bounds: Box
    high_c: tuple[float, ...]
    low_c: tuple[float, ...]


REGIONS = {
    "houston": Expected(
        "America/Chicago",
        Box(29.5, 30.1, -95.8, -95.0),
        (17.7, 19.9, 23.3, 26.7, 30.5, 33.5, 34.7, 34.9, 32.4, 28.2, 22.6, 18.5),
        (6.5, 8.7, 12.0, 15.4, 19.9, 23.2, 24.3, 24.1, 21.4, 16.1, 10.8, 7.6),
    ),
    "new_york": Expected(
        "America/New_York",
        Box(40.55, 40.92, -74.10, -73.70),
        (4.2, 5.7, 9.9, 16.6, 21.9, 26.5, 29.4, 28.5, 24.6, 18.1, 12.2, 6.8),
        (-2.3, -1.3, 2.1, 7.6, 12.8, 17.9, 21.2, 20.5, 16.8, 10.7, 5.6, 1.1),
    ),
    "london": Expected(
        "Europe/London",
        Box(51.38, 51.62, -0.50, 0.10),
        (8.4, 9.0, 11.7, 15.0, 18.4, 21.6, 23.9, 23.4, 20.3, 15.9, 11.6, 8.9),
        (2.5, 2.4, 3.9, 5.7, 8.8, 11.8, 13.9, 13.8, 11.4, 8.6, 5.2, 2.9),
    ),
    "sao_paulo": Expected(
        "America/Sao_Paulo",
        Box(-23.75, -23.40, -46.85, -46.40),
        (28.3, 28.8, 27.9, 26.2, 23.6, 22.6, 22.4, 24.1, 25.0, 26.2, 26.9, 27.8),
        (19.2, 19.5, 18.8, 17.0, 14.4, 13.0, 12.4, 13.3, 14.9, 16.5, 17.6, 18.6),
    ),
    "mumbai": Expected(
        "Asia/Kolkata",
        Box(18.89, 19.30, 72.77, 73.00),
        (31.2, 31.8, 33.1, 33.3, 33.6, 32.2, 30.2, 29.9, 30.8, 33.6, 34.1, 32.7),
        (17.4, 18.5, 21.6, 24.5, 27.0, 26.4, 25.5, 25.1, 24.7, 23.8, 21.6, 19.1),
    ),
    "sydney": Expected(
        "Australia/Sydney",
        Box(-34.05, -33.70, 150.95, 151.32),
        (26.1, 26.0, 24.9, 22.6, 19.7, 17.3, 17.1, 18.2, 20.3, 22.3, 23.9, 25.6),
        (18.8, 19.0, 17.6, 14.7, 11.6, 9.3, 8.4, 9.4, 11.5, 13.6, 15.7, 17.6),
    ),
}
HOUSTON_KINDS = {
    "Downtown": "downtown",
    "Uptown Galleria": "business",
    "Texas Medical Center": "business",
    "Energy Corridor": "business",
    "Bush Intercontinental Airport": "airport",
    "Hobby Airport": "airport",
    "Midtown and Montrose": "leisure",
    "NRG Park": "leisure",
    "The Heights": "residential",
    "Sugar Land": "residential",
    "Pearland": "residential",
    "Spring": "residential",
    "Katy and Cinco Ranch": "residential",
    "Pasadena": "residential",
    "Alief and Westchase": "residential",
    "Kingwood and Humble": "residential",
}
#: Houston's corridor (I-45 North, Downtown to Bush Intercontinental): ends (lat, lon) and width, km.
HOUSTON_CORRIDOR = ((29.7604, -95.3698), (29.9902, -95.3368), 3.0)


def test_the_expected_regions_are_the_built_in_ones() -> None:
    assert list(REGIONS) == list(REGION_NAMES)


def _time(event: Json) -> float:
    return datetime.fromisoformat(str(event["timestamp"])).timestamp()


def _speed(events: list[Json]) -> float:
    """Mean road speed, km/h."""
    speeds = [e["road_distance_km"] / e["simulated_actual_travel_time_seconds"] * 3600 for e in events]
    return float(statistics.mean(speeds))


@pytest.fixture(scope="module")
def week() -> list[Json]:
    """A week of Houston trips with every field."""
    return run_in_memory("eta", seed=11, duration="7d", rate=0.1, schema="full").events


def _year(region: str) -> list[Json]:
    return run_in_memory(
        "eta",
        seed=6,
        start="2025-01-01T00:00:00Z",
        duration="365d",
        rate=0.0015,
        region=region,
        fields="timestamp,weather,temperature_celsius,hour_of_day,weather_state_id",
        schema="full",
    ).events


@pytest.fixture(scope="module")
def houston_year() -> list[Json]:
    return _year("houston")


# -- traffic -------------------------------------------------------------------------------


def test_peak_hour_trips_are_slower_than_night_trips(week: list[Json]) -> None:
    peak = [e for e in week if e["day_of_week"] < 5 and e["hour_of_day"] in (7, 8, 16, 17, 18)]
    night = [e for e in week if e["hour_of_day"] in (0, 1, 2, 3, 4)]
    assert _speed(peak) < 0.85 * _speed(night)
    assert statistics.mean(e["debug_traffic_factor"] for e in peak) > 1.3
    assert statistics.mean(e["debug_traffic_factor"] for e in night) < 1.1


def test_weekends_are_faster_than_weekday_peaks(week: list[Json]) -> None:
    peak = [e for e in week if e["day_of_week"] < 5 and e["hour_of_day"] in (7, 8, 16, 17, 18)]
    weekend = [e for e in week if e["day_of_week"] >= 5 and 10 <= e["hour_of_day"] <= 18]
    assert _speed(weekend) > 1.15 * _speed(peak)


def test_heavy_traffic_multiplier_bounds_and_scales_the_peak(week: list[Json]) -> None:
    assert max(e["debug_traffic_factor"] for e in week) <= 2.0
    heavy = run_in_memory(
        "eta", seed=11, start="2025-03-04T22:00:00Z", duration="2h", rate=0.2, heavy_traffic_multiplier=4
    ).events  # 16:00-18:00 in Houston
    normal = [e for e in week if e["day_of_week"] == 1 and e["hour_of_day"] in (16, 17)]
    assert max(e["debug_traffic_factor"] for e in heavy) <= 4.0
    assert statistics.mean(e["debug_traffic_factor"] for e in heavy) > 1.5 * statistics.mean(
        e["debug_traffic_factor"] for e in normal
    )


# -- weather -------------------------------------------------------------------------------


def test_simultaneous_trips_share_the_weather(week: list[Json]) -> None:
    by_step: dict[int, set[tuple[object, ...]]] = defaultdict(set)
    for e in week:
        by_step[int(_time(e) // 900)].add((e["weather"], e["temperature_celsius"], e["weather_state_id"]))
    crowded = [states for states in by_step.values() if states]
    assert len(crowded) > 600
    assert all(len(states) == 1 for states in crowded)


def test_weather_comes_in_persistent_spells(houston_year: list[Json]) -> None:
    spells: dict[int, list[float]] = defaultdict(list)
    for e in houston_year:
        spells[e["weather_state_id"]].append(_time(e))
    lengths = [max(ts) - min(ts) for ts in spells.values() if len(ts) > 1]
    assert statistics.mean(lengths) > 3600
    assert all(
        len({e["weather"] for e in houston_year if e["weather_state_id"] == s}) == 1
        for s in list(spells)[:50]
    )


def test_bad_weather_probability_is_the_share_of_bad_weather(houston_year: list[Json]) -> None:
    share = statistics.mean(e["weather"] in BAD for e in houston_year)
    assert share == pytest.approx(0.1, abs=0.035)
    wet = run_in_memory(
        "eta", seed=5, duration="60d", rate=0.003, bad_weather_probability=0.4, fields="weather"
    ).events
    assert statistics.mean(e["weather"] in BAD for e in wet) > 0.25


def test_rainy_months_get_more_rain() -> None:
    def bad_share(start: str) -> float:
        events = run_in_memory(
            "eta", seed=3, start=start, duration="20d", rate=0.004, region="mumbai", fields="weather"
        ).events
        return statistics.mean(e["weather"] in BAD for e in events)

    assert bad_share("2025-07-05T00:00:00Z") > 0.2 > 0.02 > bad_share("2025-01-05T00:00:00Z")


def _rainy_days(region: str, years: int) -> tuple[list[float], float]:
    """Days with rain per month (mean over the years) and the share of time in bad weather."""
    events = run_in_memory(
        "eta",
        seed=12,
        start="2025-01-01T00:00:00Z",
        duration=f"{365 * years}d",
        rate=0.001,
        region=region,
        fields="timestamp,weather",
    ).events
    zone = ZoneInfo(REGIONS[region].time_zone)
    wet: dict[date, bool] = defaultdict(bool)
    for e in events:
        day = datetime.fromisoformat(e["timestamp"]).astimezone(zone).date()
        wet[day] |= e["weather"] in WET
    per_month = [0.0] * 12
    for day, rained in wet.items():
        per_month[day.month - 1] += rained / years
    return per_month, statistics.mean(e["weather"] in BAD for e in events)


@pytest.mark.parametrize("region", ["houston", "london"])
def test_rain_falls_on_the_normal_number_of_rainy_days(region: str) -> None:
    per_month, bad = _rainy_days(region, years=5)
    normals = RAINY_DAYS[region]
    # Rain used to fall on about 20 days a month at the same 10% of the time in bad weather.
    assert all(abs(days - normal) < 3.5 for days, normal in zip(per_month, normals, strict=True)), per_month
    assert sum(per_month) == pytest.approx(sum(normals), rel=0.1)
    assert bad == pytest.approx(0.1, abs=0.02)  # the share of time in bad weather is unchanged


def test_rain_comes_in_long_spells_on_rainy_days(houston_year: list[Json]) -> None:
    zone = ZoneInfo(REGIONS["houston"].time_zone)
    by_day: dict[date, list[bool]] = defaultdict(list)
    for e in houston_year:
        by_day[datetime.fromisoformat(e["timestamp"]).astimezone(zone).date()].append(e["weather"] in WET)
    rainy = [statistics.mean(wet) for wet in by_day.values() if any(wet)]
    # A rainy day has hours of rain, not a passing shower: about a third of it is wet.
    assert 0.2 < statistics.mean(rainy) < 0.5
    spells: dict[int, list[float]] = defaultdict(list)
    for e in houston_year:
        if e["weather"] == "Rain":
            spells[e["weather_state_id"]].append(_time(e))
    assert statistics.mean(max(ts) - min(ts) for ts in spells.values() if len(ts) > 1) > 1.5 * 3600


@pytest.mark.parametrize("region", ["houston", "sydney"])
def test_monthly_temperatures_track_the_normals(region: str, houston_year: list[Json]) -> None:
    events = houston_year if region == "houston" else _year(region)
    climate = REGIONS[region]
    by_month: dict[int, list[float]] = defaultdict(list)
    for e in events:
        by_month[datetime.fromisoformat(e["timestamp"]).month - 1].append(e["temperature_celsius"])
    means = [statistics.mean(by_month[m]) for m in range(12)]
    normals = [(hi + lo) / 2 for hi, lo in zip(climate.high_c, climate.low_c, strict=True)]
    assert all(abs(mean - normal) < 3.0 for mean, normal in zip(means, normals, strict=True)), means
    assert statistics.correlation(means, normals) > 0.95
    warm = (means[6] > means[0] + 8) if region == "houston" else (means[0] > means[6] + 5)
    assert warm  # Houston summers are hot; Sydney's summer is in January


def test_temperature_has_a_daily_cycle(houston_year: list[Json]) -> None:
    afternoon = [e["temperature_celsius"] for e in houston_year if e["hour_of_day"] in (14, 15, 16)]
    dawn = [e["temperature_celsius"] for e in houston_year if e["hour_of_day"] in (4, 5, 6)]
    assert statistics.mean(afternoon) > statistics.mean(dawn) + 5


def test_shards_share_the_weather() -> None:
    shards = [
        run_in_memory("eta", seed=8, duration="1d", rate=0.05, shard=f"{i}/2", schema="full").events
        for i in range(2)
    ]
    weather = [
        {int(_time(e) // 900): (e["weather"], e["weather_state_id"]) for e in events} for events in shards
    ]
    common = set(weather[0]) & set(weather[1])
    assert len(common) > 50
    assert all(weather[0][step] == weather[1][step] for step in common)
    assert {e["driver_id"] for e in shards[0]}.isdisjoint({e["driver_id"] for e in shards[1]})


# -- travel time ---------------------------------------------------------------------------


def _oracle(e: Json) -> float:
    """The travel time the exposed factors explain (what a perfect model of them predicts)."""
    factors = ("debug_corridor_factor", "debug_traffic_factor", "debug_weather_factor", "debug_driver_factor")
    seconds = float(e["debug_free_flow_travel_time_seconds"])
    for name in factors:
        seconds *= float(e[name])
    return max(60.0, seconds + float(e["debug_incident_delay_seconds"]))


def test_travel_time_error_grows_with_trip_length(week: list[Json]) -> None:
    def oracle_mae(lo: float, hi: float) -> float:
        errors = [
            abs(e["simulated_actual_travel_time_seconds"] - _oracle(e)) for e in week if lo <= _oracle(e) < hi
        ]
        assert len(errors) > 2000
        return float(statistics.mean(errors))

    short, medium, long = oracle_mae(0, 600), oracle_mae(1200, 1800), oracle_mae(2700, 1e9)
    # It used to be a flat +-60 s (a 30 s MAE at any length).
    assert 20 < short < 45 and medium > 3 * short and long > 8 * short
    # Relative error grows too, with congestion (outliers aside).
    ape = [
        (abs(e["simulated_actual_travel_time_seconds"] / _oracle(e) - 1), e["debug_traffic_factor"])
        for e in week
        if e["delay_cause"] is None
    ]
    assert 0.06 < statistics.mean(a for a, _ in ape) < 0.15
    jammed = statistics.mean(a for a, traffic in ape if traffic >= 1.6)
    assert jammed > 1.2 * statistics.mean(a for a, traffic in ape if traffic <= 1.1)


def test_travel_time_residual_is_right_skewed_with_rare_outliers(week: list[Json]) -> None:
    residuals = [e["simulated_actual_travel_time_seconds"] - _oracle(e) for e in week]
    assert statistics.mean(residuals) > statistics.median(residuals) + 5
    ratios = [e["simulated_actual_travel_time_seconds"] / _oracle(e) for e in week if _oracle(e) > 300]
    assert statistics.median(ratios) == pytest.approx(1.0, abs=0.01)
    assert sum(r > 1.35 for r in ratios) > 1.5 * sum(r < 1 / 1.35 for r in ratios)
    causes = [e["delay_cause"] for e in week]
    assert statistics.mean(c == "detour" for c in causes) == pytest.approx(0.008, abs=0.003)
    assert statistics.mean(c == "pickup_wait" for c in causes) == pytest.approx(0.007, abs=0.003)
    detours = [
        e["simulated_actual_travel_time_seconds"] / _oracle(e) for e in week if e["delay_cause"] == "detour"
    ]
    assert 1.25 < statistics.median(detours) < 1.55
    waits = [
        e["simulated_actual_travel_time_seconds"] - _oracle(e)
        for e in week
        if e["delay_cause"] == "pickup_wait"
    ]
    assert 180 < statistics.median(waits) < 420


# -- incidents -----------------------------------------------------------------------------


def test_incident_probability_is_the_share_of_trips_that_meet_one(week: list[Json]) -> None:
    assert statistics.mean(e["debug_incident_delay_seconds"] > 0 for e in week) == pytest.approx(
        0.02, abs=0.012
    )
    many = run_in_memory(
        "eta", seed=4, duration="3d", rate=0.05, incident_probability=0.2, schema="full"
    ).events
    assert statistics.mean(e["debug_incident_delay_seconds"] > 0 for e in many) == pytest.approx(
        0.2, abs=0.07
    )


def test_incidents_slow_trips_near_them_for_a_while(week: list[Json]) -> None:
    by_incident: dict[str, list[Json]] = defaultdict(list)
    for e in week:
        assert (e["incident_id"] is None) == (e["debug_incident_delay_seconds"] == 0)
        if e["incident_id"] is not None:
            by_incident[e["incident_id"]].append(e)
    shared = [trips for trips in by_incident.values() if len(trips) > 1]
    assert len(shared) > 10  # one incident slows several trips
    for trips in by_incident.values():
        times = [_time(e) for e in trips]
        assert max(times) - min(times) < 8 * 3600
        assert len({e["debug_incident_delay_seconds"] for e in trips}) == 1
        # Every trip's line passes within the incident's radius (1 km) of one place.
        pad = 1.0 / 111.0 * 1.2
        south = max(min(e["origin"]["lat"], e["destination"]["lat"]) - pad for e in trips)
        north = min(max(e["origin"]["lat"], e["destination"]["lat"]) + pad for e in trips)
        west = max(min(e["origin"]["lon"], e["destination"]["lon"]) - pad * 1.2 for e in trips)
        east = min(max(e["origin"]["lon"], e["destination"]["lon"]) + pad * 1.2 for e in trips)
        assert south <= north and west <= east


# -- routes and endpoints ------------------------------------------------------------------


def test_road_distance_is_longer_than_the_straight_line(week: list[Json]) -> None:
    ratios = [e["road_distance_km"] / e["estimated_distance_km"] for e in week]
    assert min(ratios) >= 1.0
    assert 1.2 < statistics.mean(ratios) < 1.6
    short = [r for e, r in zip(week, ratios, strict=True) if e["estimated_distance_km"] < 2]
    long = [r for e, r in zip(week, ratios, strict=True) if e["estimated_distance_km"] > 15]
    assert statistics.mean(short) > statistics.mean(long)


def test_long_trips_use_highways(week: list[Json]) -> None:
    def share(events: list[Json], route: str) -> float:
        return float(statistics.mean(e["route_type"] == route for e in events))

    short = [e for e in week if e["road_distance_km"] < 4]
    long = [e for e in week if e["road_distance_km"] > 25]
    assert share(long, "highway") > 0.6 > 0.2 > share(short, "highway")
    assert share(short, "city") > 0.5


def test_trip_lengths_are_right_skewed(week: list[Json]) -> None:
    road = [e["road_distance_km"] for e in week]
    median = statistics.median(road)
    assert 4 < median < 14  # a few miles
    assert statistics.mean(road) > 1.2 * median
    assert statistics.quantiles(road, n=10)[-1] > 2.5 * median


def test_trips_cluster_at_hotspots_with_commutes_at_rush_hour(week: list[Json]) -> None:
    def toward_work(events: list[Json]) -> float:
        return statistics.mean(
            HOUSTON_KINDS[e["destination_zone"]] in ("business", "downtown") for e in events
        )

    morning = [e for e in week if e["day_of_week"] < 5 and e["hour_of_day"] in (7, 8)]
    evening = [e for e in week if e["day_of_week"] < 5 and e["hour_of_day"] in (17, 18)]
    assert toward_work(morning) > toward_work(evening) + 0.25
    assert statistics.mean(e["trip_kind"] == "commute" for e in morning) > 0.25
    assert not any(e["trip_kind"] == "commute" for e in week if e["day_of_week"] >= 5)
    box = REGIONS["houston"].bounds
    assert all(box.contains(e["origin"]["lat"], e["origin"]["lon"]) for e in week)


def test_riders_persist_with_a_home_and_a_workplace(week: list[Json]) -> None:
    trips: dict[str, list[Json]] = defaultdict(list)
    for e in week:
        trips[e["rider_id"]].append(e)
    assert sum(len(t) > 1 for t in trips.values()) > 1000
    checked = 0
    for rider_trips in trips.values():
        commutes = [e for e in rider_trips if e["trip_kind"] == "commute"]
        from_home = {tuple(e["origin"].values()) for e in commutes if e["hour_of_day"] < 12}
        to_home = {tuple(e["destination"].values()) for e in commutes if e["hour_of_day"] > 11}
        if from_home and to_home:
            assert from_home == to_home  # mornings start where evenings end: at home
            checked += 1
    assert checked > 20


# -- drivers -------------------------------------------------------------------------------


def test_drivers_recur_with_stable_vehicles_and_work_shifts(week: list[Json]) -> None:
    trips: dict[str, list[Json]] = defaultdict(list)
    for e in week:
        trips[e["driver_id"]].append(e)
    assert len(trips) < len(week) / 20
    shifts = []
    for driver_trips in trips.values():
        assert len({(e["vehicle_id"], e["vehicle_type"]) for e in driver_trips}) == 1
        times = [_time(e) for e in driver_trips]
        run = 1
        for a, b in itertools.pairwise(times):
            if b - a > 3 * 3600:  # off shift
                shifts.append(run)
                run = 1
            else:
                run += 1
    assert 8 <= statistics.median(shifts) <= 30
    days_worked = [len({e["timestamp"][:10] for e in driver_trips}) for driver_trips in trips.values()]
    assert statistics.mean(days_worked) < 6.5  # days off


def test_driver_ratings_evolve_slowly(week: list[Json]) -> None:
    trips: dict[str, list[float]] = defaultdict(list)
    for e in week:
        trips[e["driver_id"]].append(e["driver_rating"])
    assert all(3.5 <= r <= 5.0 for ratings in trips.values() for r in ratings)
    assert all(abs(a - b) <= 0.11 for ratings in trips.values() for a, b in itertools.pairwise(ratings))
    assert sum(len(set(ratings)) > 1 for ratings in trips.values()) > len(trips) / 4


def test_a_small_fleet_still_serves_every_request() -> None:
    events = run_in_memory("eta", seed=2, duration="6h", rate=0.5, drivers=50).events
    assert len({e["driver_id"] for e in events}) == 50


# -- labels --------------------------------------------------------------------------------


def test_completed_events_arrive_at_request_plus_duration() -> None:
    sink = run_in_memory("eta", seed=6, duration="1d", rate=0.05, label_mode="delayed")
    records = sink.records
    times = [r.event.time for r in records]
    assert times == sorted(times)
    requested = {}
    completed = []
    for record, event in zip(records, sink.events, strict=True):
        if record.event.stream == "":
            assert record.topic == "estimated_time_of_arrival" and record.event.event_type == "trip_requested"
            assert "simulated_actual_travel_time_seconds" not in event and "debug_traffic_factor" not in event
            requested[event["trip_id"]] = (record.event.key, _time(event))
        else:
            assert record.topic == "estimated_time_of_arrival_completed"
            assert record.event.event_type == "trip_completed"
            completed.append((record.event.key, event))
    assert len(completed) > 0.95 * len(requested)
    for key, event in completed:
        request_key, request_time = requested[event["trip_id"]]
        assert key == request_key == event["driver_id"]
        assert _time(event) == pytest.approx(
            request_time + event["simulated_actual_travel_time_seconds"], abs=1e-6
        )
        assert datetime.fromisoformat(event["requested_at"]).timestamp() == pytest.approx(
            request_time, abs=1e-6
        )


def test_delayed_mode_is_pausable_and_repeatable() -> None:
    scenario = EtaScenario(EtaOptions(label_mode="delayed"), seed=5, start=parse_time(START), rate=0.05)
    stream = iter(scenario)
    paused = [*itertools.islice(stream, 30), *itertools.islice(stream, 20)]
    whole = list(itertools.islice(iter(scenario), 50))
    assert [e.fields for e in paused] == [e.fields for e in whole]
    assert {e.event_type for e in whole} == {"trip_requested", "trip_completed"}


# -- regions -------------------------------------------------------------------------------


@pytest.mark.parametrize("region", list(REGIONS))
def test_every_region_uses_its_map_clock_and_climate(region: str) -> None:
    spec = REGIONS[region]
    events = run_in_memory("eta", seed=1, start="2025-07-01T00:00:00Z", count=400, region=region).events
    zone = ZoneInfo(spec.time_zone)
    for e in events:
        assert e["region"] == region
        for point in (e["origin"], e["destination"]):
            assert spec.bounds.contains(point["lat"], point["lon"])
        local = datetime.fromisoformat(e["timestamp"]).astimezone(zone)
        assert (e["hour_of_day"], e["day_of_week"]) == (local.hour, local.weekday())
    temperature = statistics.mean(e["temperature_celsius"] for e in events)
    assert spec.low_c[6] - 6 < temperature < spec.high_c[6] + 6


CUSTOM = """
eta:
  region: springfield
  custom_regions:
    springfield:
      title: Springfield
      time_zone: America/Chicago
      bounds: {lat_min: 39.70, lat_max: 39.86, lon_min: -89.75, lon_max: -89.55}
      hotspots:
        - {name: Downtown, kind: downtown, lat: 39.80, lon: -89.65, radius_km: 1.0, weight: 3}
        - {name: West Side, kind: residential, lat: 39.78, lon: -89.71, radius_km: 2.0, weight: 2}
      climate:
        high_c: [1, 4, 11, 18, 24, 29, 30, 29, 26, 19, 11, 4]
        low_c: [-8, -6, 0, 6, 12, 17, 19, 18, 13, 7, 0, -5]
        rainy_days: [9, 8, 11, 12, 12, 10, 9, 8, 8, 9, 10, 10]
"""


def test_a_custom_region_comes_from_the_config_file(tmp_path: Path) -> None:
    config = tmp_path / "springfield.yaml"
    config.write_text(CUSTOM)
    events = run_in_memory("eta", seed=1, count=200, config=config).events
    assert {e["region"] for e in events} == {"springfield"}
    assert {e["origin_zone"] for e in events} <= {"Downtown", "West Side"}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("lat: 39.80,", "lat: 39.99,"),  # a hotspot outside the bounds
        ("time_zone: America/Chicago", "time_zone: Mars/Olympus"),
        ("rainy_days: [9, 8, 11,", "rainy_days: [9, 8,"),
        ("region: springfield", "region: shelbyville"),
    ],
)
def test_invalid_region_data_is_a_one_line_usage_error(tmp_path: Path, change: str, message: str) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(CUSTOM.replace(change, message))
    result = CliRunner().invoke(cli, ["run", "eta", "--config", str(config), "-n", "1", "--speed", "max"])
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    expected = {
        "lat: 39.99,": "inside the bounds",
        "time_zone: Mars/Olympus": "IANA time zone",
        "rainy_days: [9, 8,": "12 monthly values",
        "region: shelbyville": "expected one of houston",
    }[message]
    assert expected in lines[0] and ("custom_regions" in lines[0] or "region" in lines[0])


# -- drift ---------------------------------------------------------------------------------


def _on_corridor(event: Json) -> bool:
    """Both ends within the width of Houston's corridor line, going along it for at least 3 km
    (flat-earth distances, km)."""
    (alat, alon), (blat, blon), width_km = HOUSTON_CORRIDOR
    kx, ky = 111.2 * 0.868, 111.2  # km per degree at Houston's latitude
    vx, vy = (blon - alon) * kx, (blat - alat) * ky
    length = (vx * vx + vy * vy) ** 0.5

    def distance(lat: float, lon: float) -> float:
        px, py = (lon - alon) * kx, (lat - alat) * ky
        f = min(1.0, max(0.0, (px * vx + py * vy) / length**2))
        return float(((px - f * vx) ** 2 + (py - f * vy) ** 2) ** 0.5)

    o, d = event["origin"], event["destination"]
    along = abs((d["lon"] - o["lon"]) * kx * vx + (d["lat"] - o["lat"]) * ky * vy) / length
    near = all(distance(p["lat"], p["lon"]) < width_km * 1.02 for p in (o, d))
    return near and along > 2.9


def test_new_highway_preset_speeds_up_corridor_trips_only() -> None:
    events = run_in_memory(
        "eta", seed=9, duration="10d", rate=0.03, drift="new-highway", schema="full", start=START
    ).events
    switch = parse_time(START) + 7 * 86400
    after = [e for e in events if _time(e) >= switch]
    assert all(e["debug_corridor_factor"] == 1.0 for e in events if _time(e) < switch)
    corridor = [e for e in after if e["debug_corridor_factor"] != 1.0]
    assert corridor and all(e["debug_corridor_factor"] == 0.7 for e in corridor)
    assert 0.005 < len(corridor) / len(after) < 0.3  # only some routes
    assert all(_on_corridor(e) for e in corridor)

    def slowness(trips: list[Json]) -> float:
        """Actual time over free-flow time, traffic and weather (what a new road changes)."""
        return float(
            statistics.median(
                (e["simulated_actual_travel_time_seconds"] - e["debug_incident_delay_seconds"])
                / e["debug_free_flow_travel_time_seconds"]
                / e["debug_traffic_factor"]
                / e["debug_weather_factor"]
                for e in trips
                if e["debug_free_flow_travel_time_seconds"] > 600
            )
        )

    same_routes_before = [e for e in events if _time(e) < switch and _on_corridor(e)]
    assert len(same_routes_before) > 100
    assert slowness(corridor) == pytest.approx(0.7 * slowness(same_routes_before), rel=0.06)


def test_rainy_season_preset_brings_more_bad_weather() -> None:
    events = run_in_memory(
        "eta", seed=9, duration="14d", rate=0.01, drift="rainy-season", schema="full", start=START
    ).events
    start = parse_time(START)
    early = [e["weather"] in BAD for e in events if _time(e) < start + 3 * 86400]
    late = [e["weather"] in BAD for e in events if _time(e) >= start + 10 * 86400]
    assert statistics.mean(late) > statistics.mean(early) + 0.1
    concepts = [e["concept_id"] for e in events]
    assert concepts[0] == "base" and concepts[-1] == "rainy-season"
    assert any(c.startswith("base->rainy-season@") for c in concepts)  # an incremental drift
