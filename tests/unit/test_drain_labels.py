"""--drain-labels: a bounded run ends with the delayed label of every main event it emitted."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from click.testing import CliRunner

from streamsim import simulate, stream
from streamsim.cli import cli
from streamsim.sinks.null import NullSink
from support import START

#: Per scenario: options with delayed labels, the field joining a label to its main event(s),
#: and how many labels one key may get (fraud: a matured 0 can be flipped by a late dispute).
DELAYED: dict[str, tuple[dict[str, Any], str, int]] = {
    "fraud": ({"label_mode": "delayed"}, "transaction_id", 2),
    "eta": ({"label_mode": "delayed"}, "trip_id", 1),
    "ecommerce": ({"session_outcomes": True}, "session_id", 1),
}


def _drained(name: str, **limit: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    options, _, _ = DELAYED[name]
    events = list(stream(name, seed=7, start=START, streams="all", drain_labels=True, **options, **limit))
    times = [e["time"] for e in events]
    assert times == sorted(times), "records out of event-time order"
    main = [e for e in events if e["stream"] == "main"]
    return main, [e for e in events if e["stream"] != "main"]


@pytest.mark.parametrize("name", DELAYED)
@pytest.mark.parametrize("limit", [{"count": 3000}, {"duration": "2h"}])
def test_every_main_event_gets_its_label_after_it(name: str, limit: dict[str, Any]) -> None:
    _, key, most = DELAYED[name]
    main, labels = _drained(name, **limit)
    if "count" in limit:
        assert len(main) == limit["count"]
    last_seen: dict[str, float] = {}
    for e in main:
        last_seen[e["value"][key]] = e["time"]
    per_key = Counter(e["value"][key] for e in labels)
    assert set(per_key) == set(last_seen), "a main event without a label, or a label without one"
    assert max(per_key.values()) <= most
    assert all(e["time"] >= last_seen[e["value"][key]] for e in labels), "a label before its event"


def test_a_late_label_flips_only_a_matured_zero() -> None:
    _, labels = _drained("fraud", count=3000)
    history: dict[str, list[int]] = {}
    for e in labels:
        history.setdefault(e["value"]["transaction_id"], []).append(e["value"]["is_fraud"])
    assert all(h in ([0], [1], [0, 1]) for h in history.values())


@pytest.mark.parametrize("name", DELAYED)
def test_the_summary_counts_labels_emitted_and_pending(name: str) -> None:
    options, _, _ = DELAYED[name]
    undrained = simulate(name, seed=7, start=START, count=3000, sink=NullSink(), **options)
    drained = simulate(name, seed=7, start=START, count=3000, drain_labels=True, sink=NullSink(), **options)
    assert undrained.labels_pending > 0
    assert drained.labels_pending == 0
    # Every pending label came, and (fraud) late disputes may flip matured labels on top.
    assert drained.labels_emitted >= undrained.labels_emitted + undrained.labels_pending
    assert "0 pending" in drained.line() and "labels drained" in drained.stop_reason


def test_drain_labels_from_the_cli_needs_a_limit_and_reports_the_drain() -> None:
    runner = CliRunner()
    refused = runner.invoke(cli, ["run", "eta", "--drain-labels", "--sink", "null"])
    assert refused.exit_code == 2
    assert refused.stderr.strip().splitlines() == [
        "streamsim: error: --drain-labels needs a limit: --count, --duration or --until"
    ]
    args = ["run", "eta", "--seed", "3", "--start", START, "--count", "500", "--speed", "max"]
    drained = runner.invoke(cli, [*args, "--label-mode", "delayed", "--drain-labels", "--sink", "null"])
    assert drained.exit_code == 0, drained.stderr
    assert "reached --count, labels drained" in drained.stderr
    assert "500 main events, 500 delayed labels emitted, 0 pending" in drained.stderr
