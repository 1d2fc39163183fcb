"""Every built-in scenario's Python side agrees with its native core, in every stream variant."""

from __future__ import annotations

from typing import Any

import pytest

from streamsim.registry import BUILTIN_SCENARIOS, get_scenario
from streamsim.scenarios.native import native_fields

#: Options that turn each scenario's companion streams on (every other stream variant is the default).
VARIANTS: dict[str, dict[str, Any]] = {
    "fraud": {"label_mode": "delayed"},
    "eta": {"label_mode": "delayed"},
    "ecommerce": {"session_outcomes": True},
}
CASES = [(name, options) for name in sorted(BUILTIN_SCENARIOS) for options in ({}, VARIANTS[name])]


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    remaining = iter(whole)
    return all(name in remaining for name in part)


def test_the_subsequence_check_respects_order() -> None:
    assert _is_subsequence(["a", "c"], ["a", "b", "c"])
    assert not _is_subsequence(["c", "a"], ["a", "b", "c"])


def test_every_builtin_scenario_has_its_variants_listed() -> None:
    assert set(VARIANTS) == set(BUILTIN_SCENARIOS)


@pytest.mark.parametrize(("name", "options"), CASES)
def test_field_specs_are_in_native_order(name: str, options: dict[str, Any]) -> None:
    cls = get_scenario(name)
    native = native_fields(name)
    scenario = cls(cls.Options(**options), seed=1, start=0.0)
    specs = scenario.field_specs()
    assert next(iter(native)) == "" and set(specs) <= set(native)
    for stream, fields in specs.items():
        assert _is_subsequence([spec.path for spec in fields], native[stream]), stream
    assert native[""][-2:] == ["concept_id", "drift_phase"]
    # The run's streams: the core's order, up to the last one these options turn on.
    assert set(scenario.stream_names()) == set(specs)


@pytest.mark.parametrize("name", sorted(BUILTIN_SCENARIOS))
def test_native_fields_are_all_declared_by_some_variant(name: str) -> None:
    cls = get_scenario(name)
    declared = {
        (stream, spec.path)
        for options in ({}, VARIANTS[name])
        for stream, fields in cls(cls.Options(**options), seed=1, start=0.0).field_specs().items()
        for spec in fields
    }
    native = native_fields(name)
    assert declared == {(stream, path) for stream, paths in native.items() for path in paths}
