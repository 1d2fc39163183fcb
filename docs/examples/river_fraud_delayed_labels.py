"""Score an online fraud model with labels that come when fraud teams get them, with River.

`streamsim.river.Fraud` yields (features, is_fraud). Scored the naive way, each label reaches
the model right after its prediction, as if every fraud were known the moment it happened. In
production a fraud is known when the victim reports it (days to weeks later) and a legitimate
transaction only once it has matured without a dispute: `moment=dataset.moment,
delay=dataset.delay` replays exactly that, so the model predicts each transaction having learned
only from the labels that had come by then. The gap between the two scores is what inline labels
overstate.

Sixty days of a small portfolio, with a 3-day maturity horizon so that the run is short and
labels still come well within it (the default horizon is 45 days). Run it with
`python docs/examples/river_fraud_delayed_labels.py` (needs `pip install river`).
"""

from __future__ import annotations

from typing import Any

from river import compose, evaluate, linear_model, metrics, optim, preprocessing

import streamsim.river

NUMERIC = ["amount", "account_age_days"]
CATEGORICAL = ["product_category", "payment_method", "channel", "currency", "transaction_type"]
FLAGS = ["cvv_provided", "billing_address_match"]
DAYS = 60
TRANSACTIONS = 25_000


def dataset() -> streamsim.river.Fraud:
    """25,000 transactions of 400 cardholders over 60 days, 2% fraud, labels matured in 3 days."""
    return streamsim.river.Fraud(
        seed=11,
        start="2025-03-03T00:00:00Z",
        count=TRANSACTIONS,
        rate=TRANSACTIONS / (DAYS * 86_400),
        users=400,
        fraud_probability=0.02,
        label_maturity_days=3,
    )


def _flags(x: dict[str, Any]) -> dict[str, float]:
    return {name: float(bool(x[name])) for name in FLAGS}


def model() -> Any:
    numeric = compose.Select(*NUMERIC) | preprocessing.StandardScaler()
    categorical = compose.Select(*CATEGORICAL) | preprocessing.OneHotEncoder()
    features = numeric + categorical + compose.FuncTransformer(_flags)
    return features | linear_model.LogisticRegression(optimizer=optim.SGD(0.05))


def auc() -> metrics.ROCAUC:
    return metrics.ROCAUC()  # type: ignore[no-untyped-call]  # River leaves its __init__ untyped


def run() -> dict[str, float]:
    """ROC AUC of the same online model, labels at once and labels when they come."""
    immediate = evaluate.progressive_val_score(dataset(), model(), auc())
    data = dataset()
    delayed = evaluate.progressive_val_score(data, model(), auc(), moment=data.moment, delay=data.delay)
    return {"labels at once": immediate.get(), "labels when confirmed or matured": delayed.get()}


def report(results: dict[str, float]) -> str:
    width = max(map(len, results))
    return "\n".join(f"model, {name:<{width}}  ROC AUC {auc:.3f}" for name, auc in results.items())


if __name__ == "__main__":
    print(report(run()))
