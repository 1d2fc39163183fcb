"""Field projection and JSON Schema export."""

from __future__ import annotations

import pytest

from streamsim.errors import UsageError
from streamsim.schema import FieldSpec, Level, Projection

SPECS = [
    FieldSpec("id", "string", "id", Level.CLASSIC),
    FieldSpec("where.lat", "number", "lat", Level.CLASSIC),
    FieldSpec("where.lon", "number", "lon", Level.CLASSIC),
    FieldSpec("extra", "integer", "new", Level.STANDARD, nullable=True),
    FieldSpec("truth", "string", "debug", Level.FULL, enum=("a", "b")),
]
EVENT = {"id": "x", "where": {"lat": 1.0, "lon": 2.0}, "extra": None, "truth": "a"}


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("classic", ["id", "where"]),
        ("standard", ["id", "where", "extra"]),
        ("full", ["id", "where", "extra", "truth"]),
    ],
)
def test_presets_nest(preset: str, expected: list[str]) -> None:
    assert list(Projection(SPECS, preset)(EVENT)) == expected


def test_full_preset_passes_events_through_untouched() -> None:
    projection = Projection(SPECS, "full")
    assert projection.is_identity and projection(EVENT) is EVENT


def test_fields_select_in_declaration_order_and_parents_select_children() -> None:
    projection = Projection(SPECS, fields=["truth", "where"])
    assert projection(EVENT) == {"where": {"lat": 1.0, "lon": 2.0}, "truth": "a"}


def test_exclude_a_nested_leaf_keeps_its_sibling() -> None:
    assert Projection(SPECS, "classic", exclude=["where.lat"])(EVENT) == {"id": "x", "where": {"lon": 2.0}}


def test_unknown_names_are_usage_errors_listing_valid_names() -> None:
    with pytest.raises(
        UsageError, match=r"unknown field 'nope' in --fields; valid names: id, where, where.lat"
    ):
        Projection(SPECS, fields=["nope"])
    with pytest.raises(UsageError, match="--exclude-fields"):
        Projection(SPECS, exclude=["where.alt"])


def test_json_schema_is_nested_required_and_closed() -> None:
    schema = Projection(SPECS, "full").json_schema("t")
    assert schema["required"] == ["id", "where", "extra", "truth"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["where"]["required"] == ["lat", "lon"]
    assert schema["properties"]["extra"]["type"] == ["integer", "null"]
    assert schema["properties"]["truth"]["enum"] == ["a", "b"]
