"""How soon a standard drift detector notices each e-commerce drift preset, at the default rate.

The model is the one a shop runs on landing: will this session buy? At each session's first
event a logistic regression (River) scores it from what is known then: traffic source, device,
new or returning visitor, landing page, category and price band. The label comes when the
session closes (its outcome on the `_sessions` topic); the model then learns it, and ADWIN
(River's defaults) is fed the model's absolute error |converted - predicted probability|.

The model learns for a day before ADWIN watches it (its error falls while it learns). A preset
is detected at the first ADWIN alarm from its first phase's start on, as an event time, so the
delay includes the wait for labels; alarms between the warm-up and the drift are false alarms.

Run it with `python docs/examples/ecommerce_drift_delay.py [PRESET...]` (needs `pip install river`).
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

from river import drift, linear_model

import streamsim
from streamsim.drift import start_offset
from streamsim.scenarios.ecommerce import PRESETS
from streamsim.timeutil import parse_time

START = "2025-03-03T00:00:00Z"  # a Monday in March, far from the holiday calendar
SEED = 1
WARM_UP = timedelta(days=1)
HORIZON = timedelta(days=1)  # how long after the drift starts a detection still counts
# What the model reads of the main stream (fewer fields: a faster run).
FIELDS = (
    "session_id", "session_event_sequence", "traffic_source", "device_info.device_type", "visitor_type",
    "page_type", "product_category", "price",
)  # fmt: skip


class Detection(NamedTuple):
    preset: str
    phase: str
    drift_at: datetime
    detected_at: datetime | None  # None: no alarm within HORIZON of the drift
    false_alarms: int  # alarms after the warm-up, before the drift

    @property
    def delay(self) -> timedelta | None:
        return None if self.detected_at is None else self.detected_at - self.drift_at


def landing_features(event: dict[str, Any]) -> dict[str, float]:
    """What the shop knows when a session lands, one-hot (so no scaling is needed)."""
    price = event["price"]
    band = "none" if price is None else str(int(math.log2(1.0 + price)))  # doubling price bands
    return {
        f"source={event['traffic_source']}": 1.0,
        f"device={event['device_info']['device_type']}": 1.0,
        f"visitor={event['visitor_type']}": 1.0,
        f"page={event['page_type']}": 1.0,
        f"category={event['product_category']}": 1.0,
        f"price_band={band}": 1.0,
    }


def outcomes(preset: str, until: datetime) -> Iterator[tuple[datetime, dict[str, float], bool]]:
    """(close time, landing features, converted) of each session, in order of close."""
    landed: dict[str, dict[str, float]] = {}
    items = streamsim.stream(
        "ecommerce", seed=SEED, start=START, until=until.isoformat(), drift=preset,
        session_outcomes=True, streams="all", fields=",".join(FIELDS),
    )  # fmt: skip
    for item in items:
        event = item["value"]
        if item["stream"] == "main":
            if event["session_event_sequence"] == 1:
                landed[event["session_id"]] = landing_features(event)
            continue
        closed = datetime.fromtimestamp(item["time"], UTC)
        yield closed, landed.pop(event["session_id"]), bool(event["converted"])


def drift_start(preset: str) -> tuple[str, datetime]:
    """Name and event time of the preset's first phase."""
    phase = PRESETS[preset].phases[0]
    relative, at = start_offset(phase["at"])
    return phase["name"], datetime.fromtimestamp(parse_time(START) + at if relative else at, UTC)


def measure(preset: str) -> Detection:
    phase, drift_at = drift_start(preset)
    watch_from = datetime.fromtimestamp(parse_time(START), UTC) + WARM_UP
    model = linear_model.LogisticRegression()
    detector = drift.ADWIN()
    false_alarms = 0
    for closed, x, converted in outcomes(preset, drift_at + HORIZON):
        predicted = model.predict_proba_one(x).get(True, 0.0)  # test, then train
        model.learn_one(x, converted)
        if closed < watch_from:
            continue
        detector.update(abs(float(converted) - predicted))
        if not detector.drift_detected:
            continue
        if closed < drift_at:
            false_alarms += 1
        else:
            return Detection(preset, phase, drift_at, closed, false_alarms)
    return Detection(preset, phase, drift_at, None, false_alarms)


def report(detections: list[Detection]) -> str:
    """A Markdown table of the detections."""
    lines = [
        "| preset | phase | drift starts | detected after | false alarms before |",
        "|---|---|---|---:|---:|",
    ]
    for d in detections:
        delay = "not within a day" if d.delay is None else _hours_minutes(d.delay)
        start = d.drift_at.strftime("%Y-%m-%d %H:%M UTC")
        lines.append(f"| `{d.preset}` | `{d.phase}` | {start} | {delay} | {d.false_alarms} |")
    return "\n".join(lines)


def _hours_minutes(delay: timedelta) -> str:
    minutes = int(delay.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min"


def main() -> None:
    presets = sys.argv[1:] or list(PRESETS)  # some presets only: `... price-increase`
    print(report([measure(preset) for preset in presets]))


if __name__ == "__main__":
    main()
