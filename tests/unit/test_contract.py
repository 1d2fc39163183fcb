"""The scenario contract, checked for every registered scenario."""

from __future__ import annotations

import gzip
import itertools
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest

from streamsim import simulate
from streamsim.events import MAIN_STREAM
from streamsim.registry import get_scenario
from streamsim.rng import Shard
from streamsim.timeutil import parse_time
from support import START, run_in_memory

# The original producers' fields and JSON types (the public contract in DESIGN.md).
ORIGINAL_FIELDS: dict[str, dict[str, tuple[type, ...]]] = {
    "fraud": {
        "transaction_id": (str,),
        "user_id": (str,),
        "timestamp": (str,),
        "amount": (float, int),
        "currency": (str,),
        "merchant_id": (str,),
        "product_category": (str,),
        "transaction_type": (str,),
        "payment_method": (str,),
        "location": (dict,),
        "ip_address": (str, type(None)),  # null in store (card present)
        "device_info": (dict,),
        "user_agent": (str, type(None)),
        "account_age_days": (int,),
        "cvv_provided": (bool,),
        "billing_address_match": (bool,),
        "is_fraud": (int,),
    },
    "eta": {
        "trip_id": (str,),
        "driver_id": (str,),
        "vehicle_id": (str,),
        "timestamp": (str,),
        "origin": (dict,),
        "destination": (dict,),
        "estimated_distance_km": (float, int),
        "weather": (str,),
        "temperature_celsius": (float, int),
        "day_of_week": (int,),
        "hour_of_day": (int,),
        "driver_rating": (float, int),
        "vehicle_type": (str,),
        "initial_estimated_travel_time_seconds": (int,),
        "simulated_actual_travel_time_seconds": (int,),
        "debug_traffic_factor": (float, int),
        "debug_weather_factor": (float, int),
        "debug_incident_delay_seconds": (int, float),
        "debug_driver_factor": (float, int),
    },
    "ecommerce": {
        "event_id": (str,),
        "customer_id": (str,),
        "session_id": (str,),
        "timestamp": (str,),
        "event_type": (str,),
        "product_id": (str, type(None)),
        "product_category": (str, type(None)),
        "price": (float, int, type(None)),
        "quantity": (int, type(None)),
        "page_url": (str, type(None)),
        "referrer_url": (str, type(None)),
        "search_query": (str, type(None)),
        "time_on_page_seconds": (int,),
        "session_event_sequence": (int,),
        "device_info": (dict,),
        "location": (dict,),
    },
}
NESTED = {
    "location": {"lat", "lon"},
    "origin": {"lat", "lon"},
    "destination": {"lat", "lon"},
}
ENTITY_FIELDS = {"fraud": "user_id", "eta": "driver_id", "ecommerce": "customer_id"}


def values(scenario: str, **options: object) -> list[bytes]:
    return [r.value for r in run_in_memory(scenario, **options).records]


def test_every_scenario_has_its_original_field_table(scenario_name: str) -> None:
    assert scenario_name in ORIGINAL_FIELDS


def test_seeded_runs_repeat_byte_for_byte(scenario_name: str) -> None:
    assert values(scenario_name, seed=11, count=300) == values(scenario_name, seed=11, count=300)


def test_different_seeds_differ(scenario_name: str) -> None:
    assert values(scenario_name, seed=11, count=50) != values(scenario_name, seed=12, count=50)


def test_unseeded_runs_differ(scenario_name: str) -> None:
    assert values(scenario_name, count=50) != values(scenario_name, count=50)


def test_pausable(scenario_name: str) -> None:
    cls = get_scenario(scenario_name)
    scenario = cls(seed=5, start=parse_time(START))
    stream = iter(scenario)
    paused = [*itertools.islice(stream, 3), *itertools.islice(stream, 2)]
    whole = list(itertools.islice(iter(scenario), 5))
    assert [e.fields for e in paused] == [e.fields for e in whole]


def test_event_time_never_decreases_and_matches_timestamp(scenario_name: str) -> None:
    sink = run_in_memory(scenario_name, seed=3, count=3000, schema="full")
    times = [r.event.time for r in sink.records]
    assert times == sorted(times)
    assert times[0] >= parse_time(START)
    for record in sink.records[:200]:
        stamp = record.event.fields.get("timestamp")
        if stamp is not None:
            assert datetime.fromisoformat(stamp).timestamp() == pytest.approx(record.event.time, abs=1e-6)


def test_original_fields_present_with_original_types(scenario_name: str) -> None:
    expected = ORIGINAL_FIELDS[scenario_name]
    for event in run_in_memory(scenario_name, seed=4, count=500).events:
        for name, types in expected.items():
            assert name in event, name
            value = event[name]
            assert isinstance(value, types), (name, value)
            if isinstance(value, bool):
                assert bool in types, name
            if name in NESTED:
                assert set(event[name]) == NESTED[name]
                assert all(isinstance(v, float) for v in event[name].values())


def test_classic_schema_is_exactly_the_original_field_set(scenario_name: str) -> None:
    for event in run_in_memory(scenario_name, seed=4, count=200, schema="classic").events:
        assert list(event) == [f for f in event if f in ORIGINAL_FIELDS[scenario_name]]
        assert set(event) == set(ORIGINAL_FIELDS[scenario_name])


def test_events_match_their_json_schema_for_every_preset(scenario_name: str) -> None:
    cls = get_scenario(scenario_name)
    from streamsim.schema import Projection

    for preset in ("classic", "standard", "full"):
        projection = Projection(cls(seed=0, start=0.0).field_specs()[MAIN_STREAM], preset)
        validator = jsonschema.Draft202012Validator(
            projection.json_schema(cls.topic), format_checker=jsonschema.FormatChecker()
        )
        for event in run_in_memory(scenario_name, seed=9, count=300, schema=preset).events:
            validator.validate(event)


def test_full_preset_emits_every_declared_field(scenario_name: str) -> None:
    cls = get_scenario(scenario_name)
    declared = {spec.path.split(".")[0] for spec in cls(seed=0, start=0.0).field_specs()[MAIN_STREAM]}
    event = run_in_memory(scenario_name, seed=1, count=1, schema="full").events[0]
    assert set(event) == declared


def test_shards_have_disjoint_entities_and_independent_streams(scenario_name: str) -> None:
    field = ENTITY_FIELDS[scenario_name]
    shards = [run_in_memory(scenario_name, seed=8, count=2000, shard=f"{i}/3").events for i in range(3)]
    ids = [{event[field] for event in events} for events in shards]
    assert all(ids)
    assert not (ids[0] & ids[1] or ids[0] & ids[2] or ids[1] & ids[2])
    assert shards[0][0]["timestamp"] != shards[1][0]["timestamp"]


def test_output_is_identical_whatever_the_sink_and_pacing(scenario_name: str, tmp_path: Path) -> None:
    reference = values(scenario_name, seed=21, count=200)
    path = tmp_path / "out.jsonl.gz"
    simulate(scenario_name, seed=21, count=200, start=START, sink="file", output=path)
    with gzip.open(path, "rb") as f:
        assert f.read().splitlines() == reference
    # A huge speed factor paces (computes due times) without really sleeping.
    assert values(scenario_name, seed=21, count=200, speed="1000000x") == reference


def test_main_topic_is_the_original_topic(scenario_name: str) -> None:
    records = run_in_memory(scenario_name, seed=2, count=5).records
    cls = get_scenario(scenario_name)
    assert {r.topic for r in records} == {cls.topic}
    sequences = [r.sequence for r in records]
    assert sequences == list(range(len(records)))


def test_shard_parsing_rejects_out_of_range() -> None:
    with pytest.raises(ValueError, match="0 <= i < N"):
        Shard.parse("2/2")
