"""What the benchmarks share: a scenario's source, built as `streamsim run` builds it, and the
rewriting of one section of BENCHMARKS.md."""

from __future__ import annotations

from typing import Any

from streamsim.api import resolve_for, run_groups
from streamsim.config import Value
from streamsim.registry import get_scenario
from streamsim.runner import build_projection, build_scenario
from streamsim.source import Source

START = 1_740_960_000.0  # 2025-03-03T00:00:00Z


def open_source(scenario: str, **options: Any) -> Source:
    """A fresh run of the scenario as the runner would build it (``--speed max``, seed 1 unless
    given), to pull batches from without a sink."""
    cls = get_scenario(scenario)
    given = {"seed": 1, "start": START, "speed": "max", **options}
    resolved = resolve_for(cls, run_groups(cls), {k: Value(v, "bench") for k, v in given.items()})
    built = build_scenario(resolved, cls)
    return built.source(build_projection(resolved, built))


def entities(source: Source) -> float:
    """The source's ``entities`` gauge (0 when it has none)."""
    return dict(source.gauges()).get("entities", 0.0)


def replace_section(text: str, start: str, end: str, section: str, targets: dict[str, str]) -> str:
    """``text`` with what runs from ``start`` up to ``end`` replaced by ``section``, and each line
    after it that begins with a key of ``targets`` (its target lines) replaced by that key's value."""
    head, rest = text.split(start, 1)
    tail = rest[rest.index(end) :].split("\n")
    return (
        head
        + section
        + "\n".join(
            next((new for prefix, new in targets.items() if old.startswith(prefix)), old) for old in tail
        )
    )
