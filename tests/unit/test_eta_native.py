"""The ETA scenario's Python side agrees with its native core."""

from __future__ import annotations

import pytest

from streamsim.scenarios.eta import COMPLETED_STREAM, EtaOptions, EtaScenario
from streamsim.scenarios.native import native_fields


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    it = iter(whole)
    return all(name in it for name in part)


@pytest.mark.parametrize("label_mode", ["inline", "delayed"])
def test_eta_field_specs_are_in_native_order(label_mode: str) -> None:
    native = native_fields("eta")
    assert list(native) == ["", COMPLETED_STREAM]
    specs = EtaScenario(EtaOptions(label_mode=label_mode), seed=1, start=0.0).field_specs()
    for stream, fields in specs.items():
        paths = [spec.path for spec in fields]
        assert _is_subsequence(paths, native[stream]), (stream, paths)
    assert native[""][-2:] == ["concept_id", "drift_phase"]


def test_eta_native_fields_cover_every_variant() -> None:
    native = native_fields("eta")
    variants = [EtaScenario(EtaOptions(label_mode=mode), seed=1, start=0.0) for mode in ("inline", "delayed")]
    declared = {
        (stream, spec.path)
        for scenario in variants
        for stream, fields in scenario.field_specs().items()
        for spec in fields
    }
    assert declared == {(stream, path) for stream, paths in native.items() for path in paths}


def test_eta_subsequence_helper() -> None:
    assert _is_subsequence(["a", "c"], ["a", "b", "c"])
    assert not _is_subsequence(["c", "a"], ["a", "b", "c"])
