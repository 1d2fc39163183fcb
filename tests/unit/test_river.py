"""River datasets: (x, y) with no label or ids in x, labels delayed as the scenarios confirm them."""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from datetime import timedelta
from typing import Any

import pytest
from river import compose, datasets, evaluate, linear_model, metrics, stream

import streamsim.river
from streamsim.errors import UsageError
from support import EXAMPLES, START, load_example


def take(dataset: streamsim.river.ScenarioDataset, n: int) -> list[tuple[dict[Hashable, Any], Any]]:
    return list(itertools.islice(dataset, n))


@pytest.mark.parametrize(
    ("cls", "task", "never"),
    [
        (
            streamsim.river.Fraud,
            datasets.base.BINARY_CLF,
            {"is_fraud", "fraud_type", "transaction_id", "user_id"},
        ),
        (
            streamsim.river.ETA,
            datasets.base.REG,
            {"simulated_actual_travel_time_seconds", "debug_traffic_factor", "trip_id", "driver_id"},
        ),
        (streamsim.river.Ecommerce, datasets.base.BINARY_CLF, {"session_outcome", "session_id", "event_id"}),
    ],
)
def test_datasets_are_seeded_and_hide_labels_ground_truth_and_ids(
    cls: type[streamsim.river.ScenarioDataset], task: str, never: set[str]
) -> None:
    # (Fraud reads ahead to each fraud's confirmation: a slow rate and short window keep it short.)
    options: dict[str, Any] = {"rate": 0.01, "dispute_window_days": 2} if cls is streamsim.river.Fraud else {}
    dataset = cls(seed=2, start=START, count=200, **options)
    assert dataset.task == task and dataset.n_features == len(dataset.features)
    rows = take(dataset, 200)
    assert len(rows) == 200 and rows == take(cls(seed=2, start=START, count=200, **options), 200)
    assert all(not never & set(x) and "timestamp" not in x for x, _ in rows)
    assert {type(y) for _, y in rows} == ({int} if task == datasets.base.REG else {bool})
    assert "location.lat" in rows[0][0] or "origin.lat" in rows[0][0]  # nested fields, flattened
    with_ids = cls(seed=2, start=START, count=1, ids=True)
    assert len(with_ids.features) > len(dataset.features)


def test_delays_are_when_the_scenario_confirms_the_label() -> None:
    fraud = streamsim.river.Fraud(
        seed=4, start=START, count=600, rate=0.01, fraud_probability=0.3, dispute_window_days=10
    )
    delays: dict[bool, set[timedelta]] = {True: set(), False: set()}
    for x, y in fraud:
        delays[bool(y)].add(fraud.delay(x, y))
    # Legitimate: when the daily maturity job runs, the horizon (the window here) after it.
    assert delays[False] and all(timedelta(days=10) <= d <= timedelta(days=11) for d in delays[False])
    # Frauds: the first label, a confirmation or the maturity job's 0 a later dispute flips.
    assert delays[True] and all(timedelta(0) <= d <= timedelta(days=11) for d in delays[True])
    assert len(delays[True]) > 10  # frauds: when each is confirmed
    eta = streamsim.river.ETA(seed=4, start=START, count=50)
    assert all(eta.delay(x, y) == timedelta(seconds=y) for x, y in eta)  # when the trip ends
    shop = streamsim.river.Ecommerce(seed=4, start=START, count=300)
    assert all(shop.delay(x, y) >= timedelta(0) for x, y in shop)


def test_moment_is_the_event_time_and_answers_only_for_the_last_x() -> None:
    dataset = streamsim.river.ETA(seed=1, start=START, count=3)
    it = iter(dataset)
    x, _ = next(it)
    assert dataset.moment(x).isoformat().startswith("2025-03-03T00:")
    with pytest.raises(ValueError, match="yielded last"):
        dataset.moment(dict(x))


def test_delayed_labels_plug_into_rivers_simulate_qa() -> None:
    dataset = streamsim.river.ETA(seed=1, start=START, count=30)
    events = list(stream.simulate_qa(dataset, moment=dataset.moment, delay=dataset.delay))
    questions = [i for i, _, y in events if y is None]
    answers = [i for i, _, y in events if y is not None]
    assert questions == list(range(30)) and sorted(answers) == questions
    assert events[1][2] is None  # the first trip has not ended when the second is requested
    model = compose.SelectType(int, float) | linear_model.LinearRegression()
    score = evaluate.progressive_val_score(
        dataset, model, metrics.MAE(), moment=dataset.moment, delay=dataset.delay
    )
    assert score.get() > 0


def test_unknown_or_forced_options_are_errors() -> None:
    with pytest.raises(UsageError, match="did you mean fraud_probability"):
        streamsim.river.Fraud(fraud_probabilty=0.1)
    with pytest.raises(UsageError, match="sets label_mode itself"):
        streamsim.river.Fraud(label_mode="inline")


def test_the_example_prints_what_the_docs_show() -> None:
    example = load_example("river_delayed_labels")
    results = example.run()
    naive, immediate, delayed = results.values()
    assert immediate < naive  # the model learns the travel times
    assert delayed > immediate  # labels that come when trips end: fewer labels when predicting
    docs = (EXAMPLES.parent / "python.md").read_text()
    assert example.report(results) in docs, "refresh docs/python.md with the example's output"


def test_the_fraud_example_shows_what_inline_labels_overstate() -> None:
    example = load_example("river_fraud_delayed_labels")
    results = example.run()
    immediate, delayed = results.values()
    assert 0.6 < delayed < immediate  # it learns from the labels it has, fewer than inline
    docs = (EXAMPLES.parent / "python.md").read_text()
    assert example.report(results) in docs, "refresh docs/python.md with the example's output"
