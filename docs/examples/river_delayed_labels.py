"""Evaluate an online ETA model with labels that arrive when each trip ends, with River.

`streamsim.river.ETA` yields (features, actual travel time). Scored the naive way, each
label reaches the model right after its prediction; in production the actual travel time is
only known when the trip ends, minutes later, and the model has seen fewer labels when it
predicts. `moment=dataset.moment, delay=dataset.delay` replays exactly that: the error is
higher, above even the naive estimate the events carry (straight line at 40 km/h) over this
short run, since the first trips are predicted before any trip has ended.

Run it with `python docs/examples/river_delayed_labels.py` (needs `pip install river`).
"""

from __future__ import annotations

from typing import Any

from river import compose, evaluate, linear_model, metrics, optim, preprocessing

import streamsim.river

NUMERIC = [
    "estimated_distance_km",
    "road_distance_km",
    "initial_estimated_travel_time_seconds",
    "hour_of_day",
    "driver_rating",
    "temperature_celsius",
]


def dataset() -> streamsim.river.ETA:
    """3,000 ride requests of a Monday morning in Houston (the scenario's default region)."""
    return streamsim.river.ETA(seed=7, start="2025-03-03T06:00:00Z", count=3000)


def model() -> Any:
    return (
        compose.Select(*NUMERIC)
        | preprocessing.StandardScaler()
        | preprocessing.TargetStandardScaler(linear_model.LinearRegression(optimizer=optim.Adam(0.01)))
    )


def run() -> dict[str, float]:
    """Mean absolute error, in seconds, of the naive estimate and of the model, scored both ways."""
    naive = metrics.MAE()
    for x, y in dataset():
        naive.update(y, x["initial_estimated_travel_time_seconds"])
    immediate = evaluate.progressive_val_score(dataset(), model(), metrics.MAE())
    data = dataset()
    delayed = evaluate.progressive_val_score(
        data, model(), metrics.MAE(), moment=data.moment, delay=data.delay
    )
    return {
        "naive estimate (40 km/h)": naive.get(),
        "model, labels at once": immediate.get(),
        "model, labels when trips end": delayed.get(),
    }


def report(results: dict[str, float]) -> str:
    width = max(map(len, results))
    return "\n".join(f"{name:<{width}}  MAE {mae:7.1f} s" for name, mae in results.items())


if __name__ == "__main__":
    print(report(run()))
