"""Memory of long runs with large populations: peak resident memory of a fresh process per run.

Each measurement runs in its own interpreter (``python -m bench.memory SCENARIO N``) so
that the peak RSS belongs to that run alone. The baseline rows are the interpreter with
streamsim imported and nothing generated, and the naive producer for the same number of
events (it keeps no entities, so its memory is the floor a stateless producer pays).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

START = "2025-03-03T00:00:00Z"

#: A large population per scenario (option name, size) and the option that keeps runs comparable.
POPULATIONS: dict[str, dict[str, Any]] = {
    "fraud": {"users": 1_000_000, "rate": 50.0},
    "eta": {"drivers": 50_000, "riders": 1_000_000, "rate": 20.0},
    "ecommerce": {"customers": 1_000_000, "event_rate_per_minute": 3000},
}


@dataclass
class Row:
    what: str
    events: int
    peak_mb: float
    entities: float  # the scenario's `entities` gauge at the end of the run


def bytes_per_entity(rows: list[Row], row: Row) -> float | None:
    """Resident memory above `import streamsim` per entity alive at the end (None without entities)."""
    baseline = next(r.peak_mb for r in rows if r.what == "import")
    if not row.entities:
        return None
    return (row.peak_mb - baseline) * 1024 * 1024 / row.entities


def projected_mb(rows: list[Row], row: Row, entities: int = 1_000_000) -> float | None:
    """Peak RSS for ``entities`` entities at the row's bytes per entity, above `import streamsim`."""
    per = bytes_per_entity(rows, row)
    if per is None:
        return None
    baseline = next(r.peak_mb for r in rows if r.what == "import")
    return baseline + per * entities / (1024 * 1024)


def _peak_mb() -> float:
    """This process's peak resident memory. /proc's VmHWM starts afresh at exec, unlike ru_maxrss,
    which a child inherits from the parent it was forked from."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # no procfs: an upper bound


def measure_here(what: str, events: int) -> dict[str, Any]:
    """Run one measurement in this process (called in a child interpreter)."""
    if what == "import":
        import streamsim  # noqa: F401 - the cost measured

        return {"events": 0, "peak_mb": _peak_mb(), "entities": 0}
    if what == "naive":
        from bench import naive

        naive.produce("fraud", events)
        return {"events": events, "peak_mb": _peak_mb(), "entities": 0}
    from streamsim.api import resolve_for, run_groups
    from streamsim.config import Value
    from streamsim.registry import get_scenario
    from streamsim.runner import execute, plan
    from streamsim.sinks.null import NullSink

    cls = get_scenario(what)
    options = {"seed": 1, "start": START, "speed": "max", "count": events, **POPULATIONS[what]}
    given = {k: Value(v, "bench") for k, v in options.items()}
    p = plan(resolve_for(cls, run_groups(cls), given), cls, NullSink())
    summary = execute(p, install_signals=False)
    return {
        "events": summary.events,
        "peak_mb": _peak_mb(),
        "entities": p.scenario.gauges().get("entities", 0),
    }


def measure(what: str, events: int) -> Row:
    out = subprocess.run(
        [sys.executable, "-m", "bench.memory", what, str(events)], capture_output=True, text=True, check=True
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    return Row(what, found["events"], found["peak_mb"], found["entities"])


def run(events: int = 1_000_000) -> list[Row]:
    return [measure("import", 0), measure("naive", events)] + [measure(s, events) for s in POPULATIONS]


def markdown(rows: list[Row]) -> str:
    baseline = next(r.peak_mb for r in rows if r.what == "import")
    lines = [
        "| run | events | options | peak RSS (MB) | above `import streamsim` (MB) | entities at the end "
        "| bytes per entity | peak RSS at 1,000,000 entities (MB, projected) |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        population = ", ".join(f"{k}={v:,}" for k, v in POPULATIONS.get(r.what, {}).items()) or "-"
        label = {"import": "`import streamsim` only", "naive": "naive producer (fraud)"}.get(r.what, r.what)
        entities = f"{r.entities:,.0f}" if r.entities else "-"
        above = r.peak_mb - baseline
        per, projected = bytes_per_entity(rows, r), projected_mb(rows, r)
        per_text = f"{per:,.0f}" if per is not None else "-"
        projected_text = f"{projected:,.0f}" if projected is not None else "-"
        lines.append(
            f"| {label} | {r.events:,} | {population} | {r.peak_mb:,.0f} | {above:,.0f} | {entities} "
            f"| {per_text} | {projected_text} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(measure_here(sys.argv[1], int(sys.argv[2]))))
