"""streamsim.stream() and streamsim.frame(): the CLI's options, lazily, and typed DataFrames."""

from __future__ import annotations

import itertools
from typing import Any

import pandas as pd
import polars as pl
import pytest

import streamsim
from streamsim import simulate
from streamsim.errors import UsageError
from streamsim.sinks.memory import ListSink
from support import START


def test_stream_yields_what_a_run_prints() -> None:
    events = list(streamsim.stream("eta", seed=5, start=START, count=20))
    sink = ListSink()
    simulate("eta", seed=5, start=START, count=20, sink=sink)
    assert events == sink.events


def test_stream_is_lazy_and_pausable() -> None:
    events = streamsim.stream("fraud", seed=5, start=START)  # no limit: never ends
    first = list(itertools.islice(events, 3))
    then = list(itertools.islice(events, 2))
    assert first + then == list(itertools.islice(streamsim.stream("fraud", seed=5, start=START), 5))
    assert events.seed == 5


class _Counting:
    """A source that counts the records it hands out (the native stream cannot be patched)."""

    def __init__(self, source: Any) -> None:
        self.source = source
        self.records = 0

    def next_batch(self, *args: Any, **kwargs: Any) -> Any:
        batch = self.source.next_batch(*args, **kwargs)
        self.records += len(batch)
        return batch

    def __getattr__(self, name: str) -> Any:
        return getattr(self.source, name)


def test_stream_generates_little_more_than_it_is_asked_for() -> None:
    events = streamsim.stream("fraud", seed=5, start=START)
    original = events.scenario.source
    counting: list[_Counting] = []

    def counting_source(projection: Any) -> Any:
        counting.append(_Counting(original(projection)))
        return counting[-1]

    events.scenario.source = counting_source  # type: ignore[method-assign]
    list(itertools.islice(events, 3))
    assert counting and counting[0].records <= 4


def test_stream_without_a_seed_records_the_one_that_replays_it() -> None:
    events = streamsim.stream("ecommerce", start=START, count=5)
    assert list(events) == list(streamsim.stream("ecommerce", seed=events.seed, start=START, count=5))


def test_unknown_or_invalid_options_raise_at_once() -> None:
    with pytest.raises(UsageError, match="unknown option 'sed'; did you mean seed"):
        streamsim.stream("fraud", sed=1)
    with pytest.raises(UsageError, match="fraud_probability"):
        streamsim.stream("fraud", fraud_probability=2)
    with pytest.raises(UsageError, match="unknown option 'sink'"):
        streamsim.stream("fraud", sink="kafka")  # an iterator has no sink
    with pytest.raises(UsageError, match="--streams: 'labels'"):
        streamsim.stream("eta", streams="labels")


def test_stream_of_every_stream_gives_envelopes() -> None:
    items = list(
        streamsim.stream("eta", seed=5, start=START, count=40, rate=0.05, label_mode="delayed", streams="all")
    )
    assert {item["stream"] for item in items} == {"main", "completed"}
    done = next(item for item in items if item["stream"] == "completed")
    assert done["topic"] == "estimated_time_of_arrival_completed" and "timestamp" in done["value"]


def test_frame_has_typed_columns() -> None:
    df = streamsim.frame("fraud", seed=5, start=START, count=300)
    assert isinstance(df, pd.DataFrame) and len(df) == 300
    assert str(df["amount"].dtype) == "float64"
    assert str(df["account_age_days"].dtype) == "int64"
    assert str(df["cvv_provided"].dtype) == "bool"
    assert str(df["timestamp"].dtype) == "datetime64[us, UTC]"
    assert str(df["location.lat"].dtype) == "float64"  # nested fields flattened
    assert set(df["is_fraud"].unique()) <= {0, 1}


def test_frame_with_polars_and_a_companion_stream() -> None:
    df = streamsim.frame(
        "eta",
        engine="polars",
        stream_name="completed",
        seed=5,
        start=START,
        duration="1h",
        label_mode="delayed",
    )
    assert isinstance(df, pl.DataFrame) and df.height > 0
    assert df.schema["simulated_actual_travel_time_seconds"] == pl.Int64
    assert df.schema["timestamp"] == pl.Datetime("us", "UTC")


def test_frame_needs_a_limit_and_a_known_engine() -> None:
    with pytest.raises(UsageError, match="needs a limit"):
        streamsim.frame("fraud", seed=1)
    with pytest.raises(UsageError, match="allowed: pandas, polars"):
        streamsim.frame("fraud", count=1, engine="spark")  # type: ignore[arg-type]


def test_top_level_stays_lazy() -> None:
    import subprocess
    import sys

    code = "import sys, streamsim; print('streamsim.api' in sys.modules, callable(streamsim.stream))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]
