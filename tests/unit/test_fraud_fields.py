"""The fraud scenario's Python field specs agree with the native core's rows."""

from __future__ import annotations

import pytest

from streamsim.scenarios.fraud import LABELS, FraudOptions, FraudScenario
from streamsim.scenarios.native import native_fields
from streamsim.timeutil import parse_time
from support import START


def _is_subsequence(paths: list[str], of: list[str]) -> bool:
    remaining = iter(of)
    return all(path in remaining for path in paths)


@pytest.mark.parametrize("label_mode", ["inline", "delayed"])
def test_field_specs_are_an_ordered_subsequence_of_the_native_fields(label_mode: str) -> None:
    native = native_fields("fraud")
    scenario = FraudScenario(FraudOptions(label_mode=label_mode), seed=1, start=parse_time(START))
    specs = scenario.field_specs()
    assert set(specs) <= set(native)
    for stream, fields in specs.items():
        assert _is_subsequence([spec.path for spec in fields], native[stream]), stream
    assert scenario.stream_names() == ["", LABELS]


def test_the_subsequence_check_respects_order() -> None:
    assert _is_subsequence(["a", "c"], ["a", "b", "c"])
    assert not _is_subsequence(["c", "a"], ["a", "b", "c"])
