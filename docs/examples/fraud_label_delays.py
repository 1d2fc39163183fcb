"""How long fraud labels take, with --label-mode delayed: measured quantiles.

Runs 150 days of a small portfolio (seed 3, 400 cardholders, 2% fraud) with delayed labels and
measures, for the transactions of the first 30 days (so that every label within the 120-day
dispute window is seen), the time from each transaction to each of its labels: confirmed
frauds and friendly-fraud disputes (1), the daily maturity job's 0 for transactions nobody
reported by then, and the late disputes that flip such a 0 to 1.

Run it with `python docs/examples/fraud_label_delays.py`.
"""

from __future__ import annotations

import statistics
from datetime import datetime
from typing import Any

import streamsim

DAY = 86400.0
RUN: dict[str, Any] = {"seed": 3, "rate": 0.01, "users": 400, "duration": "150d", "fraud_probability": 0.02}
KINDS = (
    "fraud confirmed",
    "friendly fraud",
    "matured, legitimate",
    "matured, unreported",
    "late dispute, 0 -> 1",
)


def _kind(label: dict[str, Any], matured: set[str], fraud: set[str]) -> str:
    """What a label is: `matured` and `fraud` list the transactions matured, and frauds, so far."""
    transaction = label["transaction_id"]
    if label["is_fraud"]:
        if transaction in matured:
            return "late dispute, 0 -> 1"
        return "fraud confirmed" if label["fraud_type"] is not None else "friendly fraud"
    matured.add(transaction)
    return "matured, unreported" if transaction in fraud else "matured, legitimate"


def main() -> None:
    start = datetime.fromisoformat("2025-03-01T00:00:00+00:00").timestamp()
    delays: dict[str, list[float]] = {kind: [] for kind in KINDS}
    matured: set[str] = set()
    fraud: set[str] = set()  # ground truth, from the full schema's fraud_type
    run = streamsim.stream(
        "fraud", start="2025-03-01T00:00:00Z", label_mode="delayed", streams="all", schema="full", **RUN
    )
    for item in run:
        value = item["value"]
        if item["stream"] == "main":
            if value["fraud_type"] is not None:
                fraud.add(value["transaction_id"])
            continue
        made = datetime.fromisoformat(value["transaction_timestamp"]).timestamp()
        kind = _kind(value, matured, fraud)
        if made < start + 30 * DAY:
            known = datetime.fromisoformat(value["confirmed_at"]).timestamp()
            delays[kind].append((known - made) / DAY)
    print(f"{'label':<22} {'n':>6} {'p10':>6} {'p50':>6} {'p90':>6} {'p99':>6} {'max':>6}  (days)")
    for kind, values in delays.items():
        q = statistics.quantiles(values, n=100, method="inclusive")
        print(
            f"{kind:<22} {len(values):>6} {q[9]:>6.1f} {q[49]:>6.1f} {q[89]:>6.1f} {q[98]:>6.1f}"
            f" {max(values):>6.1f}"
        )


if __name__ == "__main__":
    main()
