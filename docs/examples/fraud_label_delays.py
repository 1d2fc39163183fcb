"""How long fraud labels take, with --label-mode delayed: measured quantiles.

Runs 150 days of a small portfolio (seed 3, 400 cardholders, 2% fraud) with delayed labels and
measures, for the transactions of the first 30 days (so that every label within the 120-day
dispute window is seen), the time from each transaction to a fraud label: confirmed frauds and
friendly-fraud disputes of legitimate transactions (labelled 0, a transaction waits the whole
window).

Run it with `python docs/examples/fraud_label_delays.py`.
"""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

import streamsim

DAY = 86400.0
RUN: dict[str, Any] = {"seed": 3, "rate": 0.01, "users": 400, "duration": "150d", "fraud_probability": 0.02}


def main() -> None:
    start = datetime.fromisoformat("2025-03-01T00:00:00+00:00").timestamp()
    delays: dict[str, list[float]] = {"fraud": [], "friendly fraud": []}
    labels = streamsim.stream(
        "fraud", start="2025-03-01T00:00:00Z", label_mode="delayed", streams="labels", **RUN
    )
    for envelope in labels:
        label = envelope.get("event", envelope)
        made = datetime.fromisoformat(label["transaction_timestamp"]).timestamp()
        if made >= start + 30 * DAY or not label["is_fraud"]:
            continue
        known = datetime.fromisoformat(label["confirmed_at"]).timestamp()
        kind = "fraud" if label["fraud_type"] is not None else "friendly fraud"
        delays[kind].append((known - made) / DAY)
    print(f"{'label':<16} {'n':>5} {'p10':>6} {'p50':>6} {'p90':>6} {'p99':>6}  (days)")
    for kind, values in delays.items():
        q = statistics.quantiles(values, n=100)
        print(f"{kind:<16} {len(values):>5} {q[9]:>6.1f} {q[49]:>6.1f} {q[89]:>6.1f} {q[98]:>6.1f}")


if __name__ == "__main__":
    main()
