"""Score a deduplicating, late-tolerant windowed count against the chaos manifest.

A run of the fraud scenario with late, duplicated, dropped and malformed events; a
consumer that skips malformed values, deduplicates on ``transaction_id`` and counts
transactions per 5-minute window of event time, accepting events up to 10 minutes late
(a watermark); then the manifest says what the consumer should have seen.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import orjson

from streamsim import simulate
from streamsim.chaos import CHAOS_STREAM, restore
from streamsim.sinks.memory import ListSink

WINDOW = 300.0  # seconds of event time
LATENESS = 600.0  # allowed lateness


def seconds(iso: str) -> float:
    return datetime.fromisoformat(iso).timestamp()


def window_counts(values: list[bytes]) -> tuple[Counter[float], Counter[str]]:
    """The consumer: skip what does not parse, drop repeats, close windows behind a watermark."""
    counts: Counter[float] = Counter()
    problems: Counter[str] = Counter()
    seen: set[str] = set()
    watermark = float("-inf")
    for value in values:
        try:
            event = orjson.loads(value)
            t = seconds(event["timestamp"])
            float(event["amount"]) if isinstance(event["amount"], int | float) else 1 / 0
        except (orjson.JSONDecodeError, KeyError, TypeError, ZeroDivisionError):
            problems["malformed skipped"] += 1
            continue
        if event["transaction_id"] in seen:
            problems["duplicates removed"] += 1
            continue
        seen.add(event["transaction_id"])
        window = t - t % WINDOW
        if window + WINDOW <= watermark:  # its window is closed: too late
            problems["too late for its window"] += 1
            continue
        watermark = max(watermark, t - LATENESS)
        counts[window] += 1
    return counts, problems


sink = ListSink()
simulate(
    "fraud",
    seed=42,
    start="2025-03-03T08:00:00Z",
    count=5000,
    sink=sink,
    late_share=0.05,
    late_delay_median="2m",
    duplicate_share=0.02,
    drop_share=0.01,
    malformed_share=0.01,
)
main = [r.value for r in sink.records if r.stream == ""]
manifest = [r.value for r in sink.records if r.stream == CHAOS_STREAM]

seen_counts, problems = window_counts(main)
truth, _ = window_counts(restore(main, manifest))  # the clean stream, from the manifest
kinds = Counter(orjson.loads(m)["kind"] for m in manifest)
print("manifest:", ", ".join(f"{kind}={n}" for kind, n in sorted(kinds.items())))
print("consumer:", ", ".join(f"{what}={n}" for what, n in sorted(problems.items())))
for window, n in sorted(truth.items()):
    print(f"  window {datetime.fromtimestamp(window, UTC).time()}: truth {n}, consumer {seen_counts[window]}")
missing = sum(truth.values()) - sum(seen_counts.values())
explained = kinds["drop"] + problems["malformed skipped"] + problems["too late for its window"]
print(f"missing from windows: {missing} (dropped + malformed skipped + too late = {explained})")
