"""How hard the fraud scenario's fraud is to detect, by --difficulty level.

For each level, 60,000 transactions (seed 7, 1,200 cardholders over about 7 days, 1% fraud)
are split in time: a gradient-boosted model (scikit-learn's HistGradientBoostingClassifier)
learns on the first 60% and is scored on the last 40%, against the labels as reported
(`is_fraud`, with its noise: unreported fraud, friendly fraud). "stateless" sees the original
fields of each transaction alone; "history" adds simple per-cardholder history a consumer
could keep: the amount against the cardholder's usual, whether the device, the network and the
merchant are new for the cardholder, the distance from its usual place, its pace.

Run it with `python docs/examples/fraud_difficulty.py` (needs `pip install scikit-learn`).
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from datetime import datetime
from typing import Any

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import average_precision_score, roc_auc_score, roc_curve

import streamsim

RUN = {"seed": 7, "rate": 0.1, "users": 1200, "count": 60_000, "start": "2025-03-01T00:00:00Z"}
LEVELS = ("easy", "realistic", "hard")
CATEGORICAL = ("currency", "product_category", "transaction_type", "payment_method", "channel")


def _code(table: dict[str, int], value: Any) -> int:
    return table.setdefault(str(value), len(table))


def features(events: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Stateless rows, history-aware rows and labels, in event order."""
    codes: dict[str, dict[str, int]] = defaultdict(dict)
    plain, aware, labels = [], [], []
    usual: dict[str, float] = {}
    count: dict[str, int] = defaultdict(int)
    place: dict[str, tuple[float, float]] = {}
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    recent: dict[str, deque[float]] = defaultdict(deque)
    last: dict[str, float] = {}
    for e in events:
        user = e["user_id"]
        t = datetime.fromisoformat(e["timestamp"]).timestamp()
        amount = float(e["amount"])
        lat, lon = e["location"]["lat"], e["location"]["lon"]
        log_amount = math.log1p(amount)
        row = [
            amount,
            float(amount.is_integer()),
            lat,
            lon,
            (t / 3600 + lon / 15) % 24,  # local hour, roughly
            float(e["account_age_days"]),
            float(e["cvv_provided"]),
            float(e["billing_address_match"]),
            float(int(e["merchant_id"].split("_")[1])),
            *(float(_code(codes[name], e[name])) for name in CATEGORICAL),
            float(_code(codes["os"], e["device_info"]["os"])),
            float(_code(codes["browser"], e["device_info"]["browser"])),
        ]
        device = str(e["user_agent"])
        network = (e["ip_address"] or "").rpartition(".")[0]
        known = count[user] > 0
        h_lat, h_lon = place.get(user, (lat, lon))
        window = recent[user]
        while window and window[0] < t - 3600:
            window.popleft()
        history = [
            float(count[user]),
            log_amount - usual.get(user, log_amount),
            abs(lat - h_lat) + abs(lon - h_lon),
            float(known and e["user_agent"] is not None and device not in seen[user]["device"]),
            float(known and bool(network) and network not in seen[user]["network"]),
            float(known and e["merchant_id"] not in seen[user]["merchant"]),
            float(len(window)),
            t - last.get(user, t - 30 * 86400),
        ]
        plain.append(row)
        aware.append(row + history)
        labels.append(int(e["is_fraud"]))
        # What a consumer keeps per cardholder: moving averages, seen sets, a one-hour window.
        usual[user] = 0.9 * usual.get(user, log_amount) + 0.1 * log_amount
        place[user] = (0.95 * h_lat + 0.05 * lat, 0.95 * h_lon + 0.05 * lon) if known else (lat, lon)
        count[user] += 1
        if e["user_agent"] is not None:
            seen[user]["device"].add(device)
        if network:
            seen[user]["network"].add(network)
        seen[user]["merchant"].add(e["merchant_id"])
        window.append(t)
        last[user] = t
    return np.array(plain), np.array(aware), np.array(labels)


def scores(rows: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    """ROC AUC, PR AUC and recall at 1% false positives on the last 40%, trained on the first 60%."""
    cut = int(len(labels) * 0.6)
    model = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, random_state=0)
    model.fit(rows[:cut], labels[:cut])
    p = model.predict_proba(rows[cut:])[:, 1]
    y = labels[cut:]
    fpr, tpr, _ = roc_curve(y, p)
    return {
        "roc_auc": float(roc_auc_score(y, p)),
        "pr_auc": float(average_precision_score(y, p)),
        "recall_at_1pct_fpr": float(np.interp(0.01, fpr, tpr)),
    }


def measure(difficulty: str, **run: Any) -> dict[str, dict[str, float]]:
    """The stateless and the history-aware model's scores at one level."""
    options = {**RUN, **run}
    events = list(streamsim.stream("fraud", schema="full", difficulty=difficulty, **options))
    plain, aware, labels = features(events)
    return {"stateless": scores(plain, labels), "history": scores(aware, labels)}


def main() -> None:
    print(f"{'level':<10} {'model':<10} {'ROC AUC':>8} {'PR AUC':>8} {'recall@1%FPR':>13}")
    for level in LEVELS:
        for model, s in measure(level).items():
            print(
                f"{level:<10} {model:<10} {s['roc_auc']:>8.3f} {s['pr_auc']:>8.3f} "
                f"{s['recall_at_1pct_fpr']:>13.3f}"
            )


if __name__ == "__main__":
    main()
