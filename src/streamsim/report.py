"""`streamsim report`: one self-contained HTML page of what a run produced.

The page is built from a run's JSON Lines output (a file, gzip or not, or a directory of
them, with companion streams in the same file or beside it). Records are recognised by
their fields, aggregated as they are read (nothing is kept per event), and plotted with
matplotlib as inline SVG: the page needs no network access and stays small however long
the run. Needs the ``report`` extra (matplotlib).
"""

from __future__ import annotations

import gzip
import html
import io
import math
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import orjson
from pydantic import Field

from streamsim.config import Options
from streamsim.errors import UsageError

if TYPE_CHECKING:
    from streamsim.source import Batch

#: Section ids of the page, in order (the tests look for each).
SECTIONS = ("summary", "volume", "labels", "label-delay", "recurrence", "views", "figures")
#: Entity whose recurrence the page shows, per scenario.
ENTITY = {"fraud": "user_id", "eta": "driver_id", "ecommerce": "customer_id"}
LABEL_TITLE = {
    "fraud": "Fraud share per hour",
    "eta": "Actual / initial travel time per hour",
    "ecommerce": "Conversion per hour (sessions with a purchase)",
}


class ReportOptions(Options):
    """The run report: an HTML page of what the run produced."""

    group_title: ClassVar[str] = "Report"

    report: Path | None = Field(
        None,
        description="At the end of the run, write an HTML page of plots of what it produced "
        "(as `streamsim report` does from the output). Needs the report extra.",
        json_schema_extra={"metavar": "PATH"},
    )


def _hour(t: float) -> int:
    return int(t // 3600) * 3600


def _time(text: Any) -> float | None:
    try:
        return datetime.fromisoformat(str(text)).timestamp()
    except ValueError:
        return None


@dataclass
class Observed:
    """Aggregates of a run's output (bounded by hours, entities and bins, not by events)."""

    scenario: str | None = None
    events: int = 0
    companions: Counter[str] = field(default_factory=Counter)
    unreadable: int = 0
    per_hour: Counter[int] = field(default_factory=Counter)
    label_sum: defaultdict[int, float] = field(default_factory=lambda: defaultdict(float))
    label_n: Counter[int] = field(default_factory=Counter)
    drift: dict[int, tuple[float, str]] = field(default_factory=dict)
    delays: list[float] = field(default_factory=list)
    entities: Counter[str] = field(default_factory=Counter)
    view: Counter[Any] = field(default_factory=Counter)
    sessions: dict[str, list[bool]] = field(default_factory=dict)  # ecommerce: [cart, purchase, >1 event]
    visitors: Counter[str] = field(default_factory=Counter)
    chaos: Counter[str] = field(default_factory=Counter)
    first: float | None = None
    last: float | None = None
    _trips: dict[str, tuple[float, float, float]] = field(default_factory=dict)  # eta: awaiting their end
    _actuals: dict[str, float] = field(default_factory=dict)  # eta: ends read before their requests

    def add(self, record: dict[str, Any]) -> None:
        if "transaction_id" in record and "amount" in record:
            self._main("fraud", record)
        elif "trip_id" in record and "estimated_distance_km" in record:
            self._main("eta", record)
        elif "event_id" in record and "session_id" in record:
            self._main("ecommerce", record)
        elif "transaction_timestamp" in record and "confirmed_at" in record:
            self.companions["labels"] += 1
            t0, t1 = _time(record["transaction_timestamp"]), _time(record["confirmed_at"])
            if t0 is not None and t1 is not None:
                self.delays.append(t1 - t0)
                self._label(t0, float(record.get("is_fraud") or 0))
        elif "trip_id" in record and "requested_at" in record:
            self.companions["completed"] += 1
            t0, t1 = _time(record["requested_at"]), _time(record.get("timestamp"))
            if t0 is not None and t1 is not None:
                self.delays.append(t1 - t0)
                self._phase(t0, record)
            actual, trip = record.get("simulated_actual_travel_time_seconds"), str(record["trip_id"])
            if isinstance(actual, int | float):
                requested = self._trips.pop(trip, None)
                if requested is None:
                    self._actuals[trip] = actual  # its request comes later (another file)
                else:
                    self._trip(requested[0], requested[1], requested[2], actual)
        elif "session_id" in record and "ended_reason" in record:
            self.companions["sessions"] += 1
        elif "kind" in record and "seq" in record:
            self.chaos[str(record["kind"])] += 1
        else:
            self.companions["other"] += 1

    def _trip(self, t: float, initial: float, distance: float, actual: float) -> None:
        if initial > 0:
            self._label(t, actual / initial)
        self.view[(min(int(distance), 59), min(int(actual / 120), 59))] += 1

    def _phase(self, t: float, record: dict[str, Any]) -> None:
        phase = record.get("drift_phase")
        if isinstance(phase, int) and (phase not in self.drift or t < self.drift[phase][0]):
            self.drift[phase] = (t, str(record.get("concept_id", phase)))

    def _label(self, t: float, value: float) -> None:
        self.label_sum[_hour(t)] += value
        self.label_n[_hour(t)] += 1

    def _main(self, scenario: str, record: dict[str, Any]) -> None:
        t = _time(record.get("timestamp"))
        if t is None:
            self.unreadable += 1
            return
        self.scenario = self.scenario or scenario
        self.events += 1
        self.first = t if self.first is None else min(self.first, t)
        self.last = t if self.last is None else max(self.last, t)
        self.per_hour[_hour(t)] += 1
        entity = record.get(ENTITY[scenario])
        if entity is not None:
            self.entities[str(entity)] += 1
        self._phase(t, record)
        if scenario == "fraud":
            if isinstance(record.get("is_fraud"), int):
                self._label(t, float(record["is_fraud"]))
            amount = record["amount"]
            if isinstance(amount, int | float) and amount > 0:
                self.view[(int(record.get("is_fraud") or 0), math.floor(math.log10(amount) * 10))] += 1
        elif scenario == "eta":
            actual = record.get("simulated_actual_travel_time_seconds")
            initial = record.get("initial_estimated_travel_time_seconds")
            distance = record.get("estimated_distance_km")
            if not isinstance(initial, int | float) or not isinstance(distance, int | float):
                return
            if not isinstance(actual, int | float):  # delayed labels: the trip's end says
                actual = self._actuals.pop(str(record["trip_id"]), None)
            if actual is None:
                self._trips[str(record["trip_id"])] = (t, initial, distance)
            else:
                self._trip(t, initial, distance, actual)
        else:
            event_type = str(record.get("event_type"))
            self.view[event_type] += 1
            session = self.sessions.get(str(record["session_id"]))
            if session is None:
                session = self.sessions[str(record["session_id"])] = [False, False, False, False]
                self.visitors[str(record.get("visitor_type"))] += 1
                self.label_n[_hour(t)] += 1
            else:
                session[2] = True
            session[0] |= event_type == "add_to_cart"
            if event_type == "purchase" and not session[1]:
                session[1] = True
                self.label_sum[_hour(t)] += 1.0

    def add_value(self, value: bytes) -> None:
        """Add one serialized record (unreadable ones are counted)."""
        try:
            record = orjson.loads(value)
        except orjson.JSONDecodeError:
            self.unreadable += 1
            return
        if isinstance(record, dict):
            if record.keys() >= ENVELOPE_KEYS and isinstance(record["value"], dict):
                record = record["value"]  # a line of a multi-stream output (--streams all)
            self.add(record)

    def add_batch(self, batch: Batch) -> None:
        """Add every record of a batch the run wrote (``--report``)."""
        add = self.add_value
        for record in batch.records():
            add(record[6])


#: The keys of an envelope line, which multi-stream outputs write (streamsim.sinks.lines.envelope).
ENVELOPE_KEYS = frozenset(("stream", "topic", "key", "time", "value"))


def _lines(path: Path) -> Iterator[bytes]:
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if not (file.name.endswith((".jsonl", ".json", ".jsonl.gz", ".ndjson")) or file == path):
            continue
        if file.name.endswith(".gz"):
            with gzip.open(file, "rb") as compressed:
                yield from compressed
        else:
            with file.open("rb") as plain:
                yield from plain


def read(path: Path) -> Observed:
    """Aggregates of the run output at ``path`` (a JSON Lines file or a directory of them)."""
    if not path.exists():
        raise UsageError(f"invalid value for INPUT: {str(path)!r} (no such file or directory)")
    observed = Observed()
    for line in _lines(path):
        observed.add_value(line)
    if observed.scenario is None:
        raise UsageError(f"invalid value for INPUT: {str(path)!r} (no events of a known scenario found)")
    return observed


# ---------------------------------------------------------------------------
# Figures


def pyplot() -> Any:
    try:
        import matplotlib
    except ImportError:
        raise UsageError("streamsim report needs matplotlib: pip install 'streamsim[report]'") from None
    matplotlib.use("Agg")
    matplotlib.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "streamsim", "font.size": 9})
    import matplotlib.pyplot as plt

    return plt


def _svg(fig: Any) -> str:
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    pyplot().close(fig)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _dates(hours: list[int]) -> list[datetime]:
    return [datetime.fromtimestamp(h, UTC) for h in hours]


def _mark_drift(ax: Any, observed: Observed) -> None:
    for phase, (t, name) in sorted(observed.drift.items()):
        if phase:
            ax.axvline(datetime.fromtimestamp(t, UTC), color="tab:red", linestyle="--", linewidth=1)
            ax.annotate(
                name,
                (datetime.fromtimestamp(t, UTC), 1),
                xycoords=("data", "axes fraction"),
                rotation=90,
                va="top",
                ha="right",
                fontsize=8,
                color="tab:red",
            )


def _volume(observed: Observed) -> str:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 2.6))
    hours = sorted(observed.per_hour)
    ax.bar(_dates(hours), [observed.per_hour[h] for h in hours], width=1 / 24, align="edge")
    ax.set_ylabel("events per hour")
    _mark_drift(ax, observed)
    fig.autofmt_xdate()
    return _svg(fig)


def _labels(observed: Observed) -> str:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 2.6))
    hours = sorted(h for h in observed.label_n if observed.label_n[h])
    ax.plot(_dates(hours), [observed.label_sum[h] / observed.label_n[h] for h in hours], marker=".")
    ax.set_ylabel(LABEL_TITLE[observed.scenario or "fraud"].split(" per ")[0].lower())
    _mark_drift(ax, observed)
    fig.autofmt_xdate()
    return _svg(fig)


def _delays(observed: Observed) -> str | None:
    if not observed.delays:
        return None
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 2.6))
    hours = [d / 3600 for d in observed.delays]
    ax.hist(hours, bins=60)
    ax.set_xlabel("label delay (hours)")
    ax.set_ylabel("labels")
    return _svg(fig)


def _recurrence(observed: Observed) -> str:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 2.6))
    per_entity = Counter(observed.entities.values())
    xs = sorted(per_entity)
    ax.bar(xs, [per_entity[x] for x in xs])
    ax.set_xlabel(f"events per {ENTITY[observed.scenario or 'fraud'].removesuffix('_id')}")
    ax.set_ylabel("entities")
    ax.set_yscale("log")
    return _svg(fig)


def _view(observed: Observed) -> str:
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(8, 3))
    if observed.scenario == "fraud":
        for label, name in ((0, "legitimate"), (1, "fraud")):
            bins = sorted(b for (lab, b) in observed.view if lab == label)
            total = sum(observed.view[(label, b)] for b in bins) or 1
            ax.step(
                [10 ** (b / 10) for b in bins],
                [observed.view[(label, b)] / total for b in bins],
                where="post",
                label=name,
            )
        ax.set_xscale("log")
        ax.set_xlabel("amount")
        ax.set_ylabel("share of transactions")
        ax.legend()
        ax.set_title("Amounts by label")
    elif observed.scenario == "eta":
        import numpy as np

        grid = np.zeros((60, 60))
        for (d, a), n in observed.view.items():
            grid[a, d] = n
        from matplotlib.colors import LogNorm

        cells = np.ma.masked_equal(grid, 0)
        image = ax.imshow(cells, origin="lower", aspect="auto", extent=(0, 60, 0, 120), norm=LogNorm())
        fig.colorbar(image, ax=ax, label="trips")
        ax.set_xlabel("estimated distance (km)")
        ax.set_ylabel("actual travel time (min)")
        ax.set_title("Travel time against distance (trips per cell)")
    else:
        kinds = observed.view.most_common()
        ax.barh([k for k, _ in kinds][::-1], [n for _, n in kinds][::-1])
        ax.set_xscale("log")
        ax.set_xlabel("events")
        ax.set_title("Events by type (the funnel)")
    return _svg(fig)


def figures(observed: Observed) -> list[tuple[str, str, str]]:
    """(figure, this run, public figure the defaults are calibrated on) rows."""
    rows: list[tuple[str, str, str]] = []
    labelled = sum(observed.label_n.values())
    share = sum(observed.label_sum.values()) / labelled if labelled else float("nan")
    days = ((observed.last or 0) - (observed.first or 0)) / 86400
    if observed.scenario == "fraud":
        rows.append(("fraud rate", f"{share:.3%}", "1% default; ULB/Worldline 0.172%; IEEE-CIS about 3.5%"))
        if days >= 1 and observed.entities:
            rate = observed.events / len(observed.entities) / days
            rows.append(
                (
                    "transactions per active cardholder a day",
                    f"{rate:.2f}",
                    "about 41 card payments a month (Federal Reserve Bank of Atlanta, 2020)",
                )
            )
    elif observed.scenario == "eta":
        rows.append(
            (
                "mean actual / initial travel time",
                f"{share:.3f}",
                "region's TomTom Traffic Index congestion (docs/scenarios/eta.md)",
            )
        )
    else:
        sessions = list(observed.sessions.values())
        n = len(sessions) or 1
        carts = [s for s in sessions if s[0]]
        rows.append(
            (
                "conversion (sessions with a purchase)",
                f"{sum(s[1] for s in sessions) / n:.2%}",
                "2.5% (Endertech via Retail TouchPoints; Monetate)",
            )
        )
        if carts:
            abandoned = sum(not s[1] for s in carts) / len(carts)
            rows.append(("cart abandonment", f"{abandoned:.1%}", "70% (Baymard Institute, 49 studies)"))
        rows.append(
            (
                "bounce rate (one-event sessions)",
                f"{sum(not s[2] for s in sessions) / n:.1%}",
                "35% (Monetate EQ4 2015)",
            )
        )
        visitors = sum(observed.visitors.values()) or 1
        rows.append(
            (
                "new visitors' sessions",
                f"{observed.visitors['new'] / visitors:.1%}",
                "52% (Monetate EQ4 2015)",
            )
        )
    return rows


STYLE = """
body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left}
svg{max-width:100%;height:auto}.note{color:#666}
"""


def render(observed: Observed, title: str) -> str:
    """The HTML page of a run's aggregates."""
    scenario = observed.scenario or "?"
    esc = html.escape
    span = ""
    if observed.first is not None and observed.last is not None:
        span = (
            f"{datetime.fromtimestamp(observed.first, UTC):%Y-%m-%d %H:%M} to "
            f"{datetime.fromtimestamp(observed.last, UTC):%Y-%m-%d %H:%M} UTC"
        )
    summary = [("scenario", scenario), ("main-stream events", f"{observed.events:,}"), ("event time", span)]
    summary += [(f"{name} records", f"{n:,}") for name, n in sorted(observed.companions.items())]
    summary += [(f"chaos: {kind}", f"{n:,}") for kind, n in sorted(observed.chaos.items())]
    if observed.unreadable:
        summary.append(("unreadable lines", f"{observed.unreadable:,}"))
    if observed.drift:
        summary.append(
            ("drift phases", ", ".join(f"{p}: {n}" for p, (_, n) in sorted(observed.drift.items())))
        )
    delays = _delays(observed)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{esc(title)}</title><style>{STYLE}</style></head><body>",
        f"<h1>{esc(title)}</h1>",
        '<section id="summary"><h2>Run</h2><table>',
        *(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in summary),
        "</table></section>",
        '<section id="volume"><h2>Events per hour of event time</h2>',
        _volume(observed),
        "</section>",
        f'<section id="labels"><h2>{esc(LABEL_TITLE[scenario])}</h2>',
        _labels(observed) if observed.label_n else '<p class="note">No labels in this output.</p>',
        '<p class="note">Dashed lines: drift phases (with --schema full).</p></section>',
        '<section id="label-delay"><h2>Label delay</h2>',
        delays
        or '<p class="note">No delayed labels in this output (run with --label-mode delayed and '
        "read the companion stream too).</p>",
        "</section>",
        f'<section id="recurrence"><h2>Entity recurrence ({esc(ENTITY.get(scenario, ""))})</h2>',
        _recurrence(observed),
        "</section>",
        '<section id="views"><h2>Scenario view</h2>',
        _view(observed),
        "</section>",
        '<section id="figures"><h2>This run and the public figures behind the defaults</h2><table>',
        "<tr><th>figure</th><th>this run</th><th>public figure</th></tr>",
        *(f"<tr><td>{esc(a)}</td><td>{esc(b)}</td><td>{esc(c)}</td></tr>" for a, b, c in figures(observed)),
        "</table></section></body></html>",
    ]
    return "\n".join(parts)


def write_report(source: Path, output: Path) -> Observed:
    """Read a run's output at ``source`` and write its HTML page to ``output``."""
    observed = read(source)
    output.write_text(render(observed, f"streamsim report: {observed.scenario} ({source.name})"))
    return observed
