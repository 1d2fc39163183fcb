"""The Python entry points: the CLI's option names as keywords, validated the same way."""

from __future__ import annotations

from typing import Any

import pytest

from streamsim import simulate
from streamsim.errors import UsageError
from streamsim.sinks.memory import ListSink
from support import START


def test_simulate_runs_with_the_clis_option_names() -> None:
    sink = ListSink()
    assert simulate("fraud", seed=1, start=START, count=3, fraud_probability=0.5, sink=sink).events == 3
    assert len(sink.events) == 3


@pytest.mark.parametrize(
    ("keyword", "expected"),
    [
        ("no_such_option", r"^unknown option 'no_such_option'; valid names: account_age_days_limit, "),
        ("sed", r"^unknown option 'sed'; did you mean seed, speed\?$"),
        ("fraud_probabilty", r"did you mean fraud_probability"),
        ("trips_per_year_", r"did you mean trips_per_year"),
    ],
)
def test_unknown_or_misspelled_keywords_are_errors_naming_close_matches(keyword: str, expected: str) -> None:
    sink, options = ListSink(), dict[str, Any]({keyword: 5})
    with pytest.raises(UsageError, match=expected):
        simulate("fraud", seed=1, start=START, count=3, sink=sink, **options)
    assert sink.events == []  # nothing was produced


def test_an_option_of_another_scenario_is_unknown() -> None:
    with pytest.raises(UsageError, match=r"unknown option 'heavy_traffic_multiplier'"):
        simulate("fraud", count=1, sink=ListSink(), heavy_traffic_multiplier=2)


@pytest.mark.parametrize(
    "options",
    [
        {"rate": float("nan")},
        {"rate": float("inf")},
        {"rate": 1e-300},
        {"duration": float("nan")},
        {"start": float("nan")},
        {"start": 1e300},
        {"until": float("inf")},
        {"fraud_probability": float("nan")},
        {"users": 10**20},
    ],
)
def test_non_finite_or_huge_numbers_are_usage_errors(options: dict[str, Any]) -> None:
    with pytest.raises(UsageError, match=r"^invalid value for argument "):
        simulate("fraud", count=1, sink=ListSink(), **options)
