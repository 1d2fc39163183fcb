"""Evaluate a drift detector and an adaptive model on a fraud stream with a scheduled drift.

Fraudsters switch from card testing (bursts of tiny amounts) to account takeover
(high amounts from a new device and place) on day 4. A model trained before the
drift and then frozen loses accuracy; an adaptive random forest dips and recovers;
ADWIN on the frozen model's errors flags the drift.

Run it with `python docs/examples/drift_detection.py` (needs `pip install river`).
"""

from __future__ import annotations

import math
from typing import Any

from river import compose, drift, forest, linear_model, metrics, preprocessing

from streamsim import simulate
from streamsim.geo import haversine_km
from streamsim.sinks.memory import ListSink

START = "2025-03-03T00:00:00Z"
SCHEDULE = [
    {"name": "card-testing", "at": "+0s", "set": {"high_value_fraud_probability": 0.0}},
    {
        "name": "account-takeover",
        "at": "+3d",
        "set": {
            "high_value_fraud_probability": 1.0,
            "typology_mix": {
                "stolen_card": 0.0, "account_takeover": 1.0, "new_account": 0.0, "compromised_merchant": 0.0
            },
        },
    },
]  # fmt: skip
WINDOW_HOURS = 12


def stream() -> list[dict[str, Any]]:
    """Six days of transactions, 30% fraudulent so that the classes are easy to read, and labels
    without noise (difficulty easy) so that the drift is all that changes."""
    sink = ListSink()
    simulate(
        "fraud", seed=7, start=START, duration="6d", rate=0.05, fraud_probability=0.3, drift=SCHEDULE,
        schema="full", difficulty="easy", sink=sink,
    )  # fmt: skip
    return sink.events


class Features:
    """History-aware features, as a real pipeline would keep them: per cardholder, the last device,
    network and place (the stream is longitudinal: cardholders come back)."""

    def __init__(self) -> None:
        self.last: dict[str, tuple[str, str, float, float]] = {}

    def __call__(self, e: dict[str, Any]) -> dict[str, float]:
        # Card-present purchases have no device or network: the cardholder's last ones stand.
        last = self.last.get(e["user_id"])
        device = e["user_agent"] or (last[0] if last else "")
        network = e["ip_address"].rsplit(".", 1)[0] if e["ip_address"] else (last[1] if last else "")
        lat, lon = e["location"]["lat"], e["location"]["lon"]
        self.last[e["user_id"]] = (device, network, lat, lon)
        return {
            "log_amount": math.log1p(e["amount"]),
            "cvv_missing": float(not e["cvv_provided"]),
            "billing_mismatch": float(not e["billing_address_match"]),
            "new_device": float(last is not None and last[0] != device),
            "new_network": float(last is not None and last[1] != network),
            "log_km_moved": 0.0 if last is None else math.log1p(haversine_km(last[2], last[3], lat, lon)),
        }


def evaluate() -> tuple[list[tuple[str, str, dict[str, float]]], str | None]:
    """Prequential accuracy per window (test on each event, then learn from it) and the detection time."""
    models: dict[str, Any] = {
        "frozen": compose.Pipeline(preprocessing.StandardScaler(), linear_model.LogisticRegression()),
        "online": compose.Pipeline(preprocessing.StandardScaler(), linear_model.LogisticRegression()),
        "adaptive": forest.ARFClassifier(n_models=5, seed=1),
    }
    detector, detected = drift.ADWIN(), None
    features = Features()
    windows: dict[str, tuple[str, dict[str, Any]]] = {}
    for e in stream():
        x, y = features(e), e["is_fraud"] == 1
        hour = int(e["timestamp"][11:13]) // WINDOW_HOURS * WINDOW_HOURS
        window = f"{e['timestamp'][:10]} {hour:02d}h"
        _, scores = windows.setdefault(window, (e["concept_id"], {k: metrics.Accuracy() for k in models}))
        for name, model in models.items():
            predicted = model.predict_one(x)
            scores[name].update(y, predicted)
            if name == "frozen":
                detector.update(float(predicted != y))
                if detector.drift_detected and detected is None and e["drift_phase"] == 2:
                    detected = e["timestamp"]
            if name != "frozen" or e["drift_phase"] < 2:  # the frozen model stops learning at the drift
                model.learn_one(x, y)
    table = [(w, concept, {k: m.get() for k, m in s.items()}) for w, (concept, s) in windows.items()]
    return table, detected


def report(table: list[tuple[str, str, dict[str, float]]], detected: str | None) -> str:
    lines = [f"{'window':<15} {'concept':<17} {'frozen':>7} {'online':>7} {'adaptive':>9}"]
    for window, concept, accuracy in table:
        lines.append(
            f"{window:<15} {concept:<17} {accuracy['frozen']:7.3f} {accuracy['online']:7.3f} "
            f"{accuracy['adaptive']:9.3f}"
        )
    lines.append(f"ADWIN on the frozen model's errors flagged the drift at {detected}")
    return "\n".join(lines)


def main() -> None:
    print(report(*evaluate()))


if __name__ == "__main__":
    main()
