"""Data-quality chaos: faults at their shares, recorded so that the clean output can be restored."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import orjson
import pytest

from streamsim import simulate
from streamsim.chaos import CHAOS_STREAM, EMIT_TIME_FIELD, NEW_FIELD, ChaosOptions, restore
from streamsim.errors import UsageError
from streamsim.events import MAIN_STREAM, Record
from streamsim.registry import scenarios
from streamsim.sinks.memory import ListSink
from streamsim.timeutil import parse_time

START = "2025-03-03T08:00:00Z"
SCENARIOS = sorted(scenarios())
FAULTS: dict[str, Any] = {
    "late_share": 0.05,
    "duplicate_share": 0.05,
    "drop_share": 0.05,
    "null_share": 0.05,
    "malformed_share": 0.05,
}


def run(scenario: str, *, count: int = 600, seed: int = 7, **options: Any) -> list[Record]:
    sink = ListSink()
    simulate(scenario, seed=seed, start=START, count=count, sink=sink, **options)
    return sink.records


def by_stream(records: list[Record], stream: str) -> list[bytes]:
    return [r.value for r in records if r.stream == stream]


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("schema", ["standard", "full"])
def test_manifest_restores_the_clean_output(scenario: str, schema: str) -> None:
    clean = run(scenario, schema=schema)
    perturbed = run(scenario, schema=schema, schema_change_at="2025-03-03T08:30:00Z", **FAULTS)
    main, manifest = by_stream(perturbed, MAIN_STREAM), by_stream(perturbed, CHAOS_STREAM)
    kinds = Counter(orjson.loads(m)["kind"] for m in manifest)
    assert {"late", "duplicate", "drop", "null", "malformed"} <= set(kinds)
    assert main != by_stream(clean, MAIN_STREAM)
    assert restore(main, manifest) == by_stream(clean, MAIN_STREAM)
    # Companion streams (labels, completed trips, sessions) are the clean run's.
    for stream in {r.stream for r in clean} - {MAIN_STREAM}:
        assert by_stream(perturbed, stream) == by_stream(clean, stream)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_share_zero_is_byte_identical(scenario: str) -> None:
    clean = run(scenario, count=300, schema="full")
    zero = run(
        scenario,
        count=300,
        schema="full",
        late_share=0,
        duplicate_share=0,
        drop_share=0,
        null_share=0,
        malformed_share=0,
        late_delay_median="10m",
    )
    assert zero == clean


def test_chaos_leaves_the_world_unchanged() -> None:
    clean = run("fraud", count=500)
    perturbed = run("fraud", count=500, drop_share=0.3)
    dropped = {orjson.loads(m)["index"] for m in by_stream(perturbed, CHAOS_STREAM)}
    kept = [v for i, v in enumerate(by_stream(clean, MAIN_STREAM)) if i not in dropped]
    assert by_stream(perturbed, MAIN_STREAM) == kept


@pytest.mark.parametrize(
    ("option", "kind"),
    [
        ("late_share", "late"),
        ("duplicate_share", "duplicate"),
        ("drop_share", "drop"),
        ("null_share", "null"),
        ("malformed_share", "malformed"),
    ],
)
def test_each_fault_at_its_share(option: str, kind: str) -> None:
    n, share = 4000, 0.1
    faults: dict[str, Any] = {option: share}
    records = run("fraud", count=n, **faults)
    entries = [orjson.loads(m) for m in by_stream(records, CHAOS_STREAM)]
    assert {e["kind"] for e in entries} == {kind}
    expected, sd = n * share, math.sqrt(n * share * (1 - share))
    assert abs(len(entries) - expected) < 5 * sd
    main = by_stream(records, MAIN_STREAM)
    extra = {"duplicate": len(entries), "drop": -len(entries)}.get(kind, 0)
    assert len(main) == n + extra
    for entry in entries:
        assert entry["event_id"] and entry["key"] and entry["event_time"]
        assert isinstance(entry["seq"], int) and isinstance(entry["index"], int)
        if kind == "drop":
            assert entry["position"] is None and entry["emit_time"] is None
        else:
            assert main[entry["position"]]  # points at the emitted record
    if kind == "late":
        times = [orjson.loads(v)["timestamp"] for v in main]
        assert times != sorted(times)  # out of event-time order at max speed
        delays = sorted(e["delay_seconds"] for e in entries)
        assert 40 < delays[len(delays) // 2] < 360  # median about --late-delay-median (120 s)
    if kind == "null":
        assert all(e["fields"] for e in entries)
        for entry in entries:
            node = orjson.loads(main[entry["position"]])
            for part in entry["fields"][0].split("."):
                node = node[part]
            assert node is None
    if kind == "malformed":
        broken = 0
        for entry in entries:
            try:
                document = orjson.loads(main[entry["position"]])
            except orjson.JSONDecodeError:
                broken += 1
            else:
                assert any(isinstance(v, str) and v != entry["original"] for v in document.values())
        assert 0 < broken < len(entries)


def test_schema_change_and_emit_time() -> None:
    at = "2025-03-03T08:12:00Z"
    records = run("eta", count=400, schema="full", schema_change_at=at, late_share=0.2)
    cut = parse_time(at)
    for record in records:
        if record.stream != MAIN_STREAM:
            continue
        event = orjson.loads(record.value)
        assert (NEW_FIELD in event) == (record.time >= cut)
        emitted = parse_time(event[EMIT_TIME_FIELD])
        assert emitted >= record.time - 1e-6
    entries = [orjson.loads(m) for m in by_stream(records, CHAOS_STREAM)]
    late = [e for e in entries if e["kind"] == "late"]
    assert late and all(parse_time(e["emit_time"]) > parse_time(e["event_time"]) for e in late)
    assert any(e["kind"] == "schema_change" for e in entries)


def test_standard_schema_has_no_emit_time() -> None:
    records = run("ecommerce", count=100, late_share=0.5)
    assert all(EMIT_TIME_FIELD not in orjson.loads(v) for v in by_stream(records, MAIN_STREAM))


def test_shares_drift_with_the_schedule() -> None:
    drift = [{"name": "outage", "at": "+10m", "set": {"drop_share": 0.5}}]
    records = run("fraud", count=3000, drift=drift)
    entries = [orjson.loads(m) for m in by_stream(records, CHAOS_STREAM)]
    assert entries and {e["kind"] for e in entries} == {"drop"}
    assert min(parse_time(e["event_time"]) for e in entries) >= parse_time(START) + 600


def test_manifest_topic_only_with_chaos() -> None:
    from streamsim.api import resolve_for, run_groups
    from streamsim.config import Value
    from streamsim.registry import get_scenario
    from streamsim.runner import plan

    cls = get_scenario("fraud")

    def topics(**options: Any) -> dict[str, str]:
        given = {k: Value(v, k) for k, v in {"seed": 1, "sink": "null", **options}.items()}
        return plan(resolve_for(cls, run_groups(cls), given), cls).topics

    assert CHAOS_STREAM not in topics()
    assert topics(drop_share=0.1, topic="tx")[CHAOS_STREAM] == "tx_chaos"


@pytest.mark.parametrize(
    "options",
    [
        {"late_share": 1.5},
        {"drop_share": -0.1},
        {"null_share": float("nan")},
        {"late_delay_median": "soon"},
        {"drop_share": 0.6, "late_share": 0.6},
    ],
)
def test_invalid_options_are_refused(options: dict[str, Any]) -> None:
    with pytest.raises(UsageError, match=r"share|delay|duration"):
        run("fraud", count=5, **options)


def test_invalid_chaos_value_in_a_drift_phase() -> None:
    with pytest.raises(UsageError, match="drift phase 1"):
        run("fraud", count=5, drift=[{"at": "+1h", "set": {"late_share": 2}}])


def test_options_model_defaults_are_off() -> None:
    assert not ChaosOptions().active
    assert ChaosOptions(schema_change_at="2025-01-01T00:00:00Z").active


def test_paced_run_emits_late_events_when_due() -> None:
    # 1e6 times faster than real time: a few seconds of event time take microseconds.
    options: dict[str, Any] = {"speed": "1000000", "late_delay_median": "30s", "late_share": 0.2}
    clean = run("fraud", count=300, speed="1000000")
    perturbed = run("fraud", count=300, **options)
    main, manifest = by_stream(perturbed, MAIN_STREAM), by_stream(perturbed, CHAOS_STREAM)
    assert restore(main, manifest) == by_stream(clean, MAIN_STREAM)
    records = [r for r in perturbed if r.stream == MAIN_STREAM]
    entries = [orjson.loads(m) for m in manifest]
    late = {e["position"] for e in entries}
    on_time = [(p, r.time) for p, r in enumerate(records) if p not in late]
    for entry in entries:
        # A late event goes out when its emit time comes: after the on-time events before it.
        emitted, position = parse_time(entry["emit_time"]), entry["position"]
        assert all(t < emitted + 1e-6 for p, t in on_time if p < position)
        assert all(t >= emitted - 1e-6 for p, t in on_time if p > position)


def test_cli_refuses_a_bad_share() -> None:
    from click.testing import CliRunner

    from streamsim.cli import cli

    result = CliRunner().invoke(cli, ["run", "fraud", "-n", "3", "--late-share", "nan"])
    assert result.exit_code == 2
    assert "--late-share" in result.output
    ok = CliRunner().invoke(
        cli,
        [
            "run",
            "fraud",
            "-n",
            "50",
            "--speed",
            "max",
            "--seed",
            "1",
            "--drop-share",
            "0.5",
            "--streams",
            "all",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert '"kind":"drop"' in ok.output


def test_held_events_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import streamsim.chaos

    monkeypatch.setattr(streamsim.chaos, "MAX_HELD", 3)
    clean = run("eta", count=500)
    perturbed = run("eta", count=500, late_share=0.5, late_delay_median="1d")
    main, manifest = by_stream(perturbed, MAIN_STREAM), by_stream(perturbed, CHAOS_STREAM)
    assert restore(main, manifest) == by_stream(clean, MAIN_STREAM)
    late = [orjson.loads(m) for m in manifest]
    # Released early (a day is longer than the run), each at most 3 late events behind.
    assert all(parse_time(e["emit_time"]) < parse_time(e["event_time"]) + 86400 for e in late[:-3])


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_manifest_names_the_clean_run_sequence_number(scenario: str) -> None:
    clean = run(scenario, count=400)
    perturbed = run(scenario, count=400, drop_share=0.1, late_share=0.1)
    main = by_stream(clean, MAIN_STREAM)
    for entry in map(orjson.loads, by_stream(perturbed, CHAOS_STREAM)):
        record = clean[entry["seq"]]
        assert record.sequence == entry["seq"] and record.stream == MAIN_STREAM
        assert record.value == main[entry["index"]]
        assert entry["event_id"] is not None and f'"{entry["event_id"]}"'.encode() in record.value
        assert record.key == entry["key"]
