"""The benchmark baselines make the original producers' events (fields only; no timing here)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from bench import anchor, generation, naive

#: The original producers' fields: top-level names, and the names inside nested objects.
ORIGINAL_FIELDS: dict[str, dict[str, set[str] | None]] = {
    "fraud": {
        "transaction_id": None,
        "user_id": None,
        "timestamp": None,
        "amount": None,
        "currency": None,
        "merchant_id": None,
        "product_category": None,
        "transaction_type": None,
        "payment_method": None,
        "location": {"lat", "lon"},
        "ip_address": None,
        "device_info": {"os", "browser"},
        "user_agent": None,
        "account_age_days": None,
        "cvv_provided": None,
        "billing_address_match": None,
        "is_fraud": None,
    },
    "eta": {
        "trip_id": None,
        "driver_id": None,
        "vehicle_id": None,
        "timestamp": None,
        "origin": {"lat", "lon"},
        "destination": {"lat", "lon"},
        "estimated_distance_km": None,
        "weather": None,
        "temperature_celsius": None,
        "day_of_week": None,
        "hour_of_day": None,
        "driver_rating": None,
        "vehicle_type": None,
        "initial_estimated_travel_time_seconds": None,
        "simulated_actual_travel_time_seconds": None,
        "debug_traffic_factor": None,
        "debug_weather_factor": None,
        "debug_incident_delay_seconds": None,
        "debug_driver_factor": None,
    },
    "ecommerce": {
        "event_id": None,
        "customer_id": None,
        "session_id": None,
        "timestamp": None,
        "event_type": None,
        "product_id": None,
        "product_category": None,
        "price": None,
        "quantity": None,
        "page_url": None,
        "referrer_url": None,
        "device_info": {"device_type", "browser", "os"},
        "location": {"lat", "lon"},
        "time_on_page_seconds": None,
        "search_query": None,
        "session_event_sequence": None,
    },
}

Make = Callable[[], dict[str, Any]]


def _makers(scenario: str) -> list[Make]:
    return [naive.NAIVE[scenario], anchor.ANCHOR[scenario](1)]


def _shape(event: dict[str, Any]) -> dict[str, set[str] | None]:
    return {k: set(v) if isinstance(v, dict) else None for k, v in event.items()}


@pytest.mark.parametrize("scenario", sorted(ORIGINAL_FIELDS))
def test_baselines_make_the_original_fields(scenario: str) -> None:
    for make in _makers(scenario):
        for _ in range(300):
            event = make()
            assert list(event) == list(ORIGINAL_FIELDS[scenario])
            assert _shape(event) == ORIGINAL_FIELDS[scenario]


@pytest.mark.parametrize("scenario", sorted(ORIGINAL_FIELDS))
def test_anchor_values_look_like_the_naive_ones(scenario: str) -> None:
    """Same JSON types per field (null where the original may leave a field empty)."""

    def types(make: Make) -> dict[str, set[str]]:
        seen: dict[str, set[str]] = {}
        for _ in range(2000):
            for k, v in json.loads(json.dumps(make())).items():
                seen.setdefault(k, set()).add(type(v).__name__)
        return seen

    assert types(anchor.ANCHOR[scenario](1)) == types(naive.NAIVE[scenario])


def test_anchor_ids_are_unique_and_timestamps_iso() -> None:
    make = anchor.ANCHOR["fraud"](2)
    events = [make() for _ in range(1000)]
    assert len({e["transaction_id"] for e in events}) == 1000
    naive_stamp = naive.fraud_event()["timestamp"]
    assert all(len(e["timestamp"]) == len(naive_stamp) and e["timestamp"].endswith("+00:00") for e in events)


@pytest.mark.parametrize("scenario", sorted(ORIGINAL_FIELDS))
def test_produce_counts_json_bytes(scenario: str) -> None:
    assert anchor.produce(scenario, 10) > 10 * 100
    assert orjson.loads(orjson.dumps(anchor.maker(scenario)()))


def generation_row(
    scenario: str, streamsim: tuple[float, float], anchor: tuple[float, float], naive: tuple[float, float]
) -> generation.Row:
    """A generation row whose three streamsim runs measure ``streamsim`` (rate, CPU µs per event)."""
    measure = generation.Measure(*streamsim)
    return generation.Row(
        scenario,
        core=measure,
        pipeline=measure,
        metrics=measure,
        anchor=generation.Measure(*anchor),
        naive=generation.Measure(*naive),
        bytes_per_event=700,
        anchor_bytes=600,
        naive_bytes=650,
        engine="native",
    )


def test_targets_are_computed_from_the_figures() -> None:
    from bench import __main__ as report
    from bench import memory, soak, startup

    row = generation_row("fraud", (400_000.0, 2.0), anchor=(100_000.0, 8.0), naive=(5_000.0, 150.0))
    memory_rows = [
        memory.Row("import", 0, 30.0, 0),
        memory.Row("fraud", 1_000_000, 200.0, 400_000, 120.0, 200_000, 180.0),
    ]
    soak_rows = [
        soak.Row("fraud", "null", 600.0, 10**8, 500.0, [(10.0 * i, 100.0 + min(i, 30)) for i in range(61)], 1)
    ]
    startup_rows = [startup.Row("python", 0.02, 0.02, 0.03, 0.02), startup.Row("fraud", 0.25, 0.2, 0.3, 0.2)]
    text = report.verdict([row], None, memory_rows, soak_rows, startup_rows)
    lines = text.splitlines()
    assert "**met**. fraud 400,000/s" in lines[2]
    assert "**met**. fraud 80.0x" in lines[3]
    assert "**met**. fraud 4.0x" in lines[4]
    assert "not measured in this run" in lines[5]
    # 180 MB at 400,000 entities, then 600,000 more at 60 MB per 200,000 (the smaller cost): 360 MB.
    assert "**not met**" in lines[6] and "360 MB projected" in lines[6]
    assert "**met**" in lines[7] and "indicative" not in lines[7]
    assert "**met**. fraud 0.250 s" in lines[8]
    assert memory.projected_mb(memory_rows, memory_rows[1]) == pytest.approx(360.0)


def test_a_soak_refresh_replaces_only_the_soak_section_and_its_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import soak

    growing = [(10.0 * i, 100.0 + i) for i in range(61)]  # +1 MB every 10 s: not flat
    rows = [soak.Row("fraud", "kafka --exactly-once", 600.0, 10**8, 500.0, growing, 1)]
    monkeypatch.setattr(soak, "run", lambda seconds, interval, kafka, parallel: rows)
    path = tmp_path / "BENCHMARKS.md"
    before = "## Memory\n\nkept\n\n## Soak: old\n\nold table\n\n## Against the targets\n\n"
    path.write_text(before + "- **Rate**: kept.\n- **Flat RSS at full speed**: old.\n- **First**: kept.\n")
    soak.record(path, 600.0, 10.0, 600.0)
    text = path.read_text()
    assert text.startswith("## Memory\n\nkept\n\n## Soak: resident memory")
    assert "old table" not in text and ": old." not in text
    assert "| fraud | kafka --exactly-once | 600 |" in text
    assert "- **Rate**: kept.\n- **Flat RSS at full speed** (growth" in text
    assert "**not met**. fraud into kafka --exactly-once +30.0 MB over the last 300 s" in text
    assert text.endswith("- **First**: kept.\n")


def test_a_memory_refresh_replaces_only_the_memory_table_and_its_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import __main__ as report
    from bench import memory

    rows = [memory.Row("import", 0, 30.0, 0), memory.Row("fraud", 1_000_000, 200.0, 1_000_000, 120.0, 0, 0.0)]
    monkeypatch.setattr(memory, "run", lambda events: rows)
    path = tmp_path / "BENCHMARKS.md"
    before = "## Memory\n\nhow it is measured\n\n| run | events | old |\n|---|\n| old row |\n\n"
    targets = "## Against the targets\n\n- **1,000,000 persistent entities**: old.\n- **Flat**: kept.\n"
    path.write_text(before + "## Soak: kept\n\n" + targets)
    report.record_memory(path, 1_000_000)
    text = path.read_text()
    assert text.startswith("## Memory\n\nhow it is measured\n\n| run | events | options |")
    assert "old row" not in text and ": old." not in text
    assert "| fraud | 1,000,000 |" in text and "\n\n## Soak: kept\n\n" in text
    assert "- **1,000,000 persistent entities in at most 300 MB RSS**: **met**. fraud 1,000,000" in text
    assert text.endswith("- **Flat**: kept.\n")


def test_a_generation_refresh_replaces_only_the_generation_tables_and_their_targets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bench import __main__ as report
    from bench import generation

    row = generation_row("eta", (200_000.0, 5.0), anchor=(100_000.0, 10.0), naive=(10_000.0, 100.0))
    monkeypatch.setattr(generation, "run", lambda events, baseline_events, repeats: [row])
    path = tmp_path / "BENCHMARKS.md"
    before = (
        "# Benchmarks\n\n## Generation (targets)\n\nPer scenario, in one process: old.\n\n| old table |\n\n"
    )
    targets = (
        "## Against the targets\n\n- **At least 300,000 events/s on one core** (full): old.\n"
        "- **At least 30x the naive Faker producer**: old.\n"
        "- **At least 2x the tuned pure-Python anchor**: old.\n- **Flat**: kept.\n"
    )
    path.write_text(before + "## Value formats\n\nkept\n\n" + targets)
    report.record_generation(path, report.Settings.choose(quick=False, long_soak=False))
    text = path.read_text()
    assert text.startswith("# Benchmarks\n\n## Generation (targets)\n\nPer scenario, in one process: 300,000")
    assert (
        "old table" not in text and ": old." not in text and "by `python -m bench --generation-only`" in text
    )
    assert "| eta | native | 200,000 |" in text and "\n\n## Value formats\n\nkept\n\n" in text
    assert (
        "- **At least 300,000 events/s on one core** (full pipeline, JSON into the null sink, wall clock): "
        "**not met**. eta 200,000/s" in text
    )
    assert "- **At least 30x the naive Faker producer**: **not met**. eta 20.0x" in text
    assert "- **At least 2x the tuned pure-Python anchor**: **met**. eta 2.0x" in text
    assert text.endswith("- **Flat**: kept.\n")


def test_generation_rounds_run_every_scenarios_measurements_in_turn(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each round runs all scenarios' measurements once, so load on the machine falls on every
    scenario alike; each row keeps its own scenario's best of the rounds."""
    calls: list[tuple[str, str]] = []

    def fake_runs(scenario: str, n: int, baseline_n: int) -> dict[str, tuple[Callable[[int], int], int]]:
        def job(kind: str) -> Callable[[int], int]:
            def made(count: int) -> int:
                calls.append((scenario, kind))
                return count

            return made

        kinds = ("core", "pipeline", "metrics", "anchor", "naive")
        return {kind: (job(kind), 10 if scenario == "a" else 20) for kind in kinds}

    monkeypatch.setattr(generation, "scenarios", lambda: ["a", "b"])
    monkeypatch.setattr(generation, "runs", fake_runs)
    monkeypatch.setattr(generation, "main_bytes", lambda name: 1.0)
    monkeypatch.setattr(generation, "engine", lambda name: "native")
    monkeypatch.setattr(anchor, "produce", lambda name, n: 2 * n)
    monkeypatch.setattr(naive, "produce", lambda name, n: 3 * n)
    rows = generation.run(repeats=3)
    every = [(s, k) for s in ("a", "b") for k in ("core", "pipeline", "metrics", "anchor", "naive")]
    assert calls == every * 4  # the warm-up, then three rounds in the same order
    assert [r.scenario for r in rows] == ["a", "b"]
    assert all(r.core.rate > 0 and r.naive.cpu_us >= 0 for r in rows)
    assert (rows[0].anchor_bytes, rows[0].naive_bytes) == (2.0, 3.0)
