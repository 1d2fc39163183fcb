"""Drift schedules: validation, switching, mixing, recurrence and markers."""

from __future__ import annotations

import random
import re
import statistics
from pathlib import Path

import pytest
from click.testing import CliRunner

from streamsim.cli import cli
from streamsim.drift import INCREMENTAL_STEPS, Drift, Phase, smoothstep
from streamsim.errors import UsageError
from streamsim.scenarios.fraud import FraudOptions
from streamsim.timeutil import parse_time
from support import START, Json, run_in_memory

T0 = parse_time(START)
HOUR = 3600.0


def controller(*phases: dict[str, object]) -> Drift[float]:
    schedule = [Phase.model_validate(p) for p in phases]
    return Drift(FraudOptions(), schedule, lambda o: o.fraud_probability, random.Random(1), start=T0)


def test_sudden_switch_at_the_scheduled_time() -> None:
    drift = controller({"at": "+2h", "set": {"fraud_probability": 0.3}, "name": "wave"})
    assert drift.at(T0 + 2 * HOUR - 0.001, 10) == 0.01
    assert (drift.concept, drift.phase) == ("base", 0)
    assert drift.at(T0 + 2 * HOUR, 11) == 0.3
    assert (drift.concept, drift.phase) == ("wave", 1)


def test_after_counts_main_events_and_phases_chain() -> None:
    drift = controller(
        {"after": 100, "set": {"fraud_probability": 0.2}},
        {"at": "+1h", "set": {"cvv_provided_missing_probability": 0.5}},
    )
    assert drift.at(T0 + 10, 99) == 0.01
    assert drift.at(T0 + 11, 100) == 0.2
    # the second phase keeps the first phase's overrides (concepts are cumulative)
    assert drift.at(T0 + HOUR, 500) == 0.2
    assert drift.concept == "phase-2" and drift.phase == 2


def test_gradual_share_follows_the_schedule() -> None:
    drift = controller({"at": "+0s", "how": "gradual", "width": "10h", "set": {"fraud_probability": 0.9}})
    for progress in (0.1, 0.3, 0.5, 0.7, 0.9):
        t = T0 + progress * 10 * HOUR
        share = statistics.mean(drift.at(t, 1) == 0.9 for _ in range(4000))
        assert share == pytest.approx(smoothstep(progress), abs=0.03)
    assert drift.at(T0 + 10 * HOUR, 1) == 0.9


def test_incremental_moves_parameters_steadily() -> None:
    drift = controller(
        {"at": "+0s", "how": "incremental", "width": "10h", "set": {"fraud_probability": 0.51}}
    )
    values = [drift.at(T0 + k * HOUR, 1) for k in range(11)]
    assert values == sorted(values)
    assert values[5] == pytest.approx(0.26, abs=0.5 / INCREMENTAL_STEPS)
    assert values[-1] == 0.51 and drift.concept == "phase-1"


def test_recurring_alternates_until_the_next_phase() -> None:
    drift = controller(
        {
            "name": "weekend",
            "at": "+0s",
            "how": "recurring",
            "period": "4h",
            "duration": "1h",
            "set": {"fraud_probability": 0.4},
        },
        {"name": "calm", "at": "+12h", "set": {"fraud_probability": 0.02}},
    )
    seen = [(drift.at(T0 + m * 1800, 1), drift.concept) for m in range(24)]  # every 30 min for 12 h
    assert seen[0] == (0.4, "weekend") and seen[1] == (0.4, "weekend")
    assert seen[2] == (0.01, "base") and seen[7] == (0.01, "base")
    assert seen[8] == (0.4, "weekend")  # the next period
    assert drift.at(T0 + 12 * HOUR, 1) == 0.02 and drift.concept == "calm"


def test_markers_and_summary_agree_with_the_schedule(tmp_path: Path) -> None:
    schedule = [{"name": "surge", "at": "2025-03-03T06:00:00Z", "set": {"incident_probability": 0.9}}]
    sink = run_in_memory("eta", seed=3, duration="12h", schema="full", drift=schedule)
    events: list[Json] = sink.events
    switch = parse_time("2025-03-03T06:00:00Z")
    for record, event in zip(sink.records, events, strict=True):
        before = record.event.time < switch
        assert (event["concept_id"], event["drift_phase"]) == (("base", 0) if before else ("surge", 1))
    early = [e for e in events if e["drift_phase"] == 0]
    late = [e for e in events if e["drift_phase"] == 1]
    # Incidents are a process in time (they build up over their duration), not per-trip draws.
    met = statistics.mean(e["debug_incident_delay_seconds"] > 0 for e in late)
    assert met > 0.6 and met > 10 * statistics.mean(e["debug_incident_delay_seconds"] > 0 for e in early)


def test_drift_is_deterministic_and_shared_by_shards() -> None:
    schedule = [{"at": "+1h", "how": "gradual", "width": "2h", "set": {"fraud_probability": 0.5}}]
    a = run_in_memory("fraud", seed=9, duration="4h", drift=schedule, schema="full").events
    b = run_in_memory("fraud", seed=9, duration="4h", drift=schedule, schema="full").events
    assert a == b
    other = run_in_memory("fraud", seed=9, duration="4h", drift=schedule, schema="full", shard="1/2").events
    first = {
        shard: min(e["timestamp"] for e in events if e["drift_phase"] == 1)
        for shard, events in (("a", a), ("b", other))
    }
    assert first["a"][:13] == first["b"][:13] == "2025-03-03T01"


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ([{"at": "+1h", "set": {"fraud_prob": 0.1}}], "drift phase 1: unknown parameter 'fraud_prob'"),
        ([{"at": "+1h", "set": {"fraud_probability": 2}}], "invalid value for fraud_probability: 2"),
        ([{"name": "x", "at": "+1h", "set": {"users": 5}}], "drift phase 1 ('x'): unknown parameter 'users'"),
        ([{"set": {"fraud_probability": 0.1}}], "drift phase 1: give exactly one of 'at'"),
        ([{"at": "+1h", "how": "gradual", "set": {"fraud_probability": 0.1}}], "needs 'width'"),
        ([{"at": "+1h", "how": "recurring", "set": {"fraud_probability": 0.1}}], "needs 'period'"),
        ([{"at": "+1h", "how": "sideways", "set": {"fraud_probability": 0.1}}], "drift phase 1: how"),
        ([{"at": "tomorrow", "set": {"fraud_probability": 0.1}}], "+DURATION"),
        ([{"at": "+1h", "set": {}}], "at least one parameter"),
        ([{"at": "+1h", "width": "soon", "how": "gradual", "set": {"fraud_probability": 0.1}}], "width"),
    ],
)
def test_invalid_schedules_are_usage_errors(schedule: list[object], message: str) -> None:
    with pytest.raises(UsageError, match=re.escape(message)):
        run_in_memory("fraud", count=1, drift=schedule)


def test_invalid_schedule_in_a_config_file_is_one_line_exit_2(tmp_path: Path) -> None:
    config = tmp_path / "drift.yaml"
    config.write_text("fraud:\n  drift:\n    - {at: +1d, set: {fraud_probability: -1}}\n")
    result = CliRunner().invoke(cli, ["run", "fraud", "--config", str(config)])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "streamsim: error: drift phase 1: invalid value for fraud_probability: -1 "
        "(allowed: a number from 0 to 1)"
    ]


def test_unknown_preset_lists_the_choices() -> None:
    result = CliRunner().invoke(cli, ["run", "fraud", "--drift", "nope"])
    assert result.exit_code == 2
    assert "invalid value for --drift: 'nope'" in result.stderr


def _presets() -> list[tuple[str, str]]:
    from streamsim.registry import scenarios

    return [(name, preset) for name, cls in scenarios().items() for preset in cls.Options.drift_presets]


def test_every_scenario_has_at_least_two_documented_presets() -> None:
    from streamsim.registry import scenarios

    for cls in scenarios().values():
        presets = cls.Options.drift_presets
        assert len(presets) >= 2, cls.name
        assert all(len(p.description) > 40 for p in presets.values())


@pytest.mark.parametrize(("scenario", "preset"), _presets())
def test_presets_cross_their_drift_points_in_order(scenario: str, preset: str) -> None:
    from streamsim import simulate
    from streamsim.drift import start_offset
    from streamsim.registry import get_scenario
    from streamsim.sinks.null import NullSink
    from streamsim.timeutil import parse_duration

    phases = [Phase.model_validate(p) for p in get_scenario(scenario).Options.drift_presets[preset].phases]
    last_start = max(start_offset(p.at)[1] for p in phases if p.at is not None)
    summary = simulate(
        scenario, seed=1, start=START, rate=0.01, sink=NullSink(), drift=preset,
        duration=last_start + parse_duration("1h"),
    )  # fmt: skip
    names = [p.name or f"phase-{i}" for i, p in enumerate(phases, 1)]
    assert [point.name for point in summary.drift_points] == names
    assert [point.phase for point in summary.drift_points] == list(range(1, len(phases) + 1))
    times = [point.time for point in summary.drift_points]
    assert times == sorted(times)
    assert times[0] >= parse_time(START) + start_offset(phases[0].at or 0)[1]
