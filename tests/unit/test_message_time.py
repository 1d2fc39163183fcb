"""A Kafka message's timestamp and the event's JSON `timestamp` come from the same instant."""

from __future__ import annotations

import orjson

from kafka_support import iso_millis
from streamsim.timeutil import IsoFormatter, epoch_millis
from support import run_in_memory


def test_message_time_is_the_printed_time_truncated_to_milliseconds(scenario_name: str) -> None:
    sink = run_in_memory(scenario_name, seed=12, count=20_000, speed="max")
    checked = 0
    for record in sink.records:
        printed = orjson.loads(record.value).get("timestamp")
        if printed is None:
            continue
        assert epoch_millis(record.event.time) == iso_millis(printed), printed
        checked += 1
    assert checked >= 20_000


def test_rounding_up_to_the_next_millisecond_carries_into_the_message_time() -> None:
    t = 1_740_988_801.0009996  # prints as .001000
    assert IsoFormatter()(t).endswith(".001000+00:00")
    assert epoch_millis(t) == 1_740_988_801_001 == iso_millis(IsoFormatter()(t))
