"""Memory of long runs with large populations: peak resident memory of a fresh process per run.

Each measurement runs in its own interpreter (``python -m bench.memory SCENARIO N``) so
that the peak RSS belongs to that run alone. A scenario's run pulls its source the way
the runner does at ``--speed max`` (no sink: a null sink keeps nothing) and notes its
resident memory and live entities halfway and at the end: what each further entity costs
comes from the second half, after the run's fixed costs (buffers, pools, caches) are paid.
The baseline rows are the interpreter with streamsim imported and nothing generated, and
the naive producer for the same number of events (it keeps no entities, so its memory is
the floor a stateless producer pays).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MIB = 1024 * 1024

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
    half_rss_mb: float = 0.0  # resident memory halfway through the events
    half_entities: float = 0.0  # entities alive then
    end_rss_mb: float = 0.0  # resident memory at the end

    @property
    def marginal_bytes(self) -> float | None:
        """Resident bytes per entity added over the second half of the run."""
        added = self.entities - self.half_entities
        if added <= 0:
            return None
        return max(0.0, self.end_rss_mb - self.half_rss_mb) * MIB / added


def _baseline(rows: list[Row]) -> float:
    return next(r.peak_mb for r in rows if r.what == "import")


def bytes_per_entity(rows: list[Row], row: Row) -> float | None:
    """Peak resident memory above `import streamsim` per entity alive at the end (None without any)."""
    if not row.entities:
        return None
    return (row.peak_mb - _baseline(rows)) * MIB / row.entities


def projected_mb(rows: list[Row], row: Row, entities: int = 1_000_000) -> float | None:
    """Peak RSS with ``entities`` entities alive: measured when the run reached them, else the RSS at
    the end plus the missing entities at the smaller of the two costs per entity (or the run's
    peak, if higher). Both costs are upper bounds: the average above `import streamsim` includes
    the run's fixed costs, the second half's includes what grows besides entities."""
    if not row.entities:
        return None
    if row.entities >= entities:
        return row.peak_mb
    costs = [c for c in (bytes_per_entity(rows, row), row.marginal_bytes) if c is not None]
    return max(row.peak_mb, row.end_rss_mb + min(costs) * (entities - row.entities) / MIB)


def _rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory now (``VmRSS``) or at its peak (``VmHWM``: it starts afresh
    at exec, unlike ru_maxrss, which a child inherits from the parent it was forked from)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # no procfs: an upper bound


def measure_here(what: str, events: int) -> dict[str, Any]:
    """Run one measurement in this process (called in a child interpreter)."""
    if what == "import":
        import streamsim  # noqa: F401 - the cost measured

        return {"events": 0, "peak_mb": _rss_mb("VmHWM"), "entities": 0}
    if what == "naive":
        from bench import naive

        naive.produce("fraud", events)
        return {"events": events, "peak_mb": _rss_mb("VmHWM"), "entities": 0}
    from bench.runs import entities, open_source
    from streamsim.runner import BATCH_RECORDS

    source = open_source(what, **POPULATIONS[what])
    main, half = 0, events // 2
    found: dict[str, Any] = {}
    for goal in (half, events):
        while main < goal:
            batch = source.next_batch(BATCH_RECORDS, goal - main)
            if not len(batch):
                break
            main += batch.main
        if goal == half:
            found.update(half_rss_mb=_rss_mb(), half_entities=entities(source))
    found.update(events=main, peak_mb=_rss_mb("VmHWM"), end_rss_mb=_rss_mb(), entities=entities(source))
    return found


def measure(what: str, events: int) -> Row:
    out = subprocess.run(
        [sys.executable, "-m", "bench.memory", what, str(events)], capture_output=True, text=True, check=True
    )
    return Row(what, **json.loads(out.stdout.strip().splitlines()[-1]))


def run(events: int = 1_000_000) -> list[Row]:
    return [measure("import", 0), measure("naive", events)] + [measure(s, events) for s in POPULATIONS]


def markdown(rows: list[Row]) -> str:
    baseline = _baseline(rows)
    lines = [
        "| run | events | options | peak RSS (MB) | above `import streamsim` (MB) | entities at the end "
        "| bytes per entity (peak above import) | bytes per entity added (second half) "
        "| peak RSS at 1,000,000 entities (MB) |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|",
    ]

    def number(value: float | None) -> str:
        return "-" if value is None else f"{value:,.0f}"

    for r in rows:
        population = ", ".join(f"{k}={v:,}" for k, v in POPULATIONS.get(r.what, {}).items()) or "-"
        label = {"import": "`import streamsim` only", "naive": "naive producer (fraud)"}.get(r.what, r.what)
        entities = f"{r.entities:,.0f}" if r.entities else "-"
        projected = projected_mb(rows, r)
        at_target = (
            "-"
            if projected is None
            else f"{projected:,.0f}" + ("" if r.entities >= 1_000_000 else " (projected)")
        )
        lines.append(
            f"| {label} | {r.events:,} | {population} | {r.peak_mb:,.0f} | {r.peak_mb - baseline:,.0f} "
            f"| {entities} | {number(bytes_per_entity(rows, r))} | {number(r.marginal_bytes)} | {at_target} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(json.dumps(measure_here(sys.argv[1], int(sys.argv[2]))))
