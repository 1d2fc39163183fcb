"""The drift-detection example of docs/drift.md tells the story it claims, with River."""

from __future__ import annotations

import statistics
from types import ModuleType

from support import EXAMPLES, load_example


def load() -> ModuleType:
    return load_example("drift_detection")


def test_accuracy_falls_after_the_drift_and_the_adaptive_model_recovers() -> None:
    example = load()
    table, detected = example.evaluate()
    before = [acc for _, concept, acc in table if concept == "card-testing"]
    after = [acc for _, concept, acc in table if concept == "account-takeover"]

    def mean(rows: list[dict[str, float]], model: str) -> float:
        return statistics.mean(row[model] for row in rows)

    assert mean(after, "frozen") < mean(before, "frozen") - 0.1  # the frozen model loses accuracy
    assert after[0]["adaptive"] < mean(before, "adaptive")  # the adaptive one dips at the drift...
    assert mean(after[1:], "adaptive") > mean(before, "adaptive") - 0.05  # ...and recovers
    assert mean(after, "adaptive") > mean(after, "frozen") + 0.1
    assert detected is not None and detected.startswith(("2025-03-06", "2025-03-07"))
    docs = (EXAMPLES.parent / "drift.md").read_text()
    assert example.report(table, detected) in docs, "refresh docs/drift.md with the example's output"
