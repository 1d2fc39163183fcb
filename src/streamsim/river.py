"""River-style datasets over the scenarios: iterate ``(x, y)``, evaluate with delayed labels.

Each dataset runs its scenario (same options as ``streamsim run``, seeded) and yields ``x``, the
features a model may see (no label, no ground truth, no ids unless ``ids=True``; nested fields
flattened to ``location.lat``) and ``y``, the label. The labels of a real stream arrive late:
``dataset.moment`` (the event time) and ``dataset.delay`` (how long until the scenario confirms
the label) plug into River's evaluation, so each label reaches the model when it would in
production::

    from river import evaluate, linear_model, metrics, preprocessing
    import streamsim.river

    dataset = streamsim.river.ETA(seed=1, count=2000)
    model = preprocessing.StandardScaler() | linear_model.LinearRegression()
    evaluate.progressive_val_score(
        dataset, model, metrics.MAE(), moment=dataset.moment, delay=dataset.delay
    )

- :class:`Fraud` (binary classification): is the transaction fraudulent? Labels come when the
  fraud is confirmed (a chargeback, days or weeks later), or when a transaction nobody disputed
  matures (``label_maturity_days``).
- :class:`ETA` (regression): the trip's actual travel time, known when the trip ends.
- :class:`Ecommerce` (binary classification): will this event's session end in a purchase?
  Known when the session closes (last event + the inactivity timeout).

``moment`` and ``delay`` answer for the ``x`` the dataset yielded last (River asks as soon as it
gets it); the delay is a :class:`~datetime.timedelta`, the moment a UTC datetime.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from streamsim._core import fraud_maturity
from streamsim.api import EventStream, resolve_for, stream_groups
from streamsim.config import Value
from streamsim.errors import UsageError
from streamsim.registry import get_scenario
from streamsim.schema import Level

try:
    from river.datasets import base
except ImportError:  # pragma: no cover - depends on the installed extras
    raise UsageError("streamsim.river needs river: pip install river") from None

__all__ = ["ETA", "Ecommerce", "Fraud"]

Features = dict[Hashable, Any]  # as River types them


def flatten(fields: dict[str, Any], prefix: str = "") -> Features:
    """Nested fields as one level, with dotted names.

    >>> flatten({"a": 1, "loc": {"lat": 2.0, "lon": 3.0}})
    {'a': 1, 'loc.lat': 2.0, 'loc.lon': 3.0}
    """
    out: Features = {}
    for key, value in fields.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


class _Lookahead:
    """Records of a companion stream, read ahead of the main stream until the one wanted comes.

    Keeps only the records ``keep`` accepts, until they are taken: memory is bounded by what
    is confirmed ahead of the main stream, not by the whole window.
    """

    def __init__(
        self, events: Iterator[dict[str, Any]], key: str, keep: Callable[[dict[str, Any]], bool]
    ) -> None:
        self._events, self._key, self._keep = events, key, keep
        self._found: dict[str, dict[str, Any]] = {}

    def take(self, key: str) -> dict[str, Any]:
        found = self._found.pop(key, None)
        while found is None:
            record = next(self._events)
            if record[self._key] == key:
                return record
            if self._keep(record):
                self._found[record[self._key]] = record
        return found


class ScenarioDataset(base.Dataset):
    """A scenario as a River dataset (see the module's documentation)."""

    scenario: ClassVar[str]
    task_kind: ClassVar[str]
    #: Options the dataset sets for its scenario (the label routing it reads).
    forced: ClassVar[dict[str, Any]] = {}
    #: Fields that are never features: the label, ground truth.
    hidden: ClassVar[tuple[str, ...]] = ()
    #: Fields that are ids (features only with ``ids=True``).
    id_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, seed: int | None = None, *, ids: bool = False, **options: Any) -> None:
        cls = get_scenario(self.scenario)
        for name in self.forced:
            if name in options:
                raise UsageError(f"{type(self).__name__} sets {name} itself")
        self._given = {**options, **self.forced, "seed": seed}
        if seed is None:
            del self._given["seed"]
        self._cls = cls
        self.ids = ids
        resolved = self._resolve(self._given)  # options are checked now, not at the first event
        probe = EventStream(resolved, cls)
        self.seed, self.start = probe.seed, probe.start
        self._given.update(seed=self.seed, start=self.start)
        # Never features: the label, ground truth (the full preset's fields), the event time (it is
        # the moment); ids only when asked for.
        drop = {
            "timestamp",
            *self.hidden,
            *(s.path for s in probe.projection.selected if s.level == Level.FULL),
        }
        if not ids:
            drop.update(self.id_fields)
        self.features = [path for path in probe.projection.paths if path not in drop]
        super().__init__(task=self.task_kind, n_features=len(self.features))  # type: ignore[no-untyped-call]
        self._last: tuple[Features | None, datetime, timedelta] = (None, datetime.min, timedelta())

    def _resolve(self, given: dict[str, Any]) -> Any:
        values = {k: Value(v, f"argument {k}") for k, v in given.items()}
        return resolve_for(self._cls, stream_groups(self._cls), values)

    def events(self, **more: Any) -> EventStream:
        """A fresh run of the dataset's scenario (the same seed and start every time)."""
        return EventStream(self._resolve({**self._given, **more}), self._cls)

    def features_of(self, event: dict[str, Any]) -> Features:
        x = flatten(event)
        return {name: x[name] for name in self.features if name in x}

    def moment(self, x: Features) -> datetime:
        """Event time of ``x`` (for River's ``moment=``)."""
        return self._answer(x)[0]

    def delay(self, x: Features, y: Any) -> timedelta:
        """How long after its event time the label of ``x`` is known (for River's ``delay=``)."""
        return self._answer(x)[1]

    def _answer(self, x: Features) -> tuple[datetime, timedelta]:
        last, when, delay = self._last
        if x is not last:
            raise ValueError("moment and delay answer for the x the dataset yielded last, unchanged")
        return when, delay

    def _labeled(self) -> Iterator[tuple[Features, Any, float, float]]:
        """(x, y, event time, label delay in seconds) of each main-stream event."""
        raise NotImplementedError

    def __iter__(self) -> Iterator[tuple[Features, Any]]:
        for x, y, t, delay in self._labeled():
            self._last = (x, datetime.fromtimestamp(t, UTC), timedelta(seconds=delay))
            yield x, y


def _event_time(event: dict[str, Any]) -> float:
    return datetime.fromisoformat(event["timestamp"]).timestamp()


DAY = 86400.0


class Fraud(ScenarioDataset):
    """Card transactions: is each one fraudulent (``y`` is a bool)?

    ``y`` is the ground truth; its delay is when the transaction's first label comes. A fraud's
    first label is its confirmation, or the 0 of the daily maturity job when it matures first
    (``label_maturity_days``; the later dispute that flips it comes too late for River's single
    label per ``x``). A legitimate transaction's delay is its maturity (a friendly-fraud
    dispute's earlier 1 is label noise, not ``y``). Finding a fraud's first label reads the run
    ahead, as far as that label: a smaller ``label_maturity_days`` or ``rate`` keeps that short.

    Parameters
    ----------
    seed
        Seed of the run (chosen, and kept in ``seed``, when omitted).
    ids
        Whether ids (of the entity, the event...) are features.
    options
        Any option of ``streamsim run fraud`` (``start``, ``count``, ``rate``...), by name.

    Examples
    --------

    >>> dataset = Fraud(seed=1, start="2025-03-03T00:00:00Z", count=2)
    >>> x, y = next(iter(dataset))
    >>> y, x["amount"], "transaction_id" in x, dataset.delay(x, y)
    (False, 652.83, False, datetime.timedelta(days=45, seconds=86399, microseconds=990918))
    """

    scenario = "fraud"
    task_kind = base.BINARY_CLF
    forced: ClassVar[dict[str, Any]] = {"label_mode": "delayed", "schema": "full", "streams": ["main"]}
    hidden = ("is_fraud",)
    id_fields = ("transaction_id", "user_id", "merchant_id", "ip_address")

    def _labeled(self) -> Iterator[tuple[Features, Any, float, float]]:
        options = self._scenario_options()
        horizon, window = options.label_maturity_days * DAY, options.dispute_window_days * DAY
        reached = 0.0  # the main stream's event time

        def ahead(label: dict[str, Any]) -> bool:
            # A fraud's confirmation for a transaction to come: not a late dispute of one gone by,
            # nor a friendly-fraud dispute (its transaction is legitimate: never taken).
            if label["is_fraud"] != 1 or label["fraud_type"] is None:
                return False
            return datetime.fromisoformat(label["transaction_timestamp"]).timestamp() >= reached

        labels = _Lookahead(
            self.events(streams=["labels"], count=None, duration=None, until=None), "transaction_id", ahead
        )
        for event in self.events():
            reached = t = _event_time(event)
            fraud = event["fraud_type"] is not None
            if fraud:
                first = datetime.fromisoformat(labels.take(event["transaction_id"])["confirmed_at"])
                delay = first.timestamp() - t
            else:
                delay = fraud_maturity(t, horizon, window) - t  # the core's maturity job
            yield self.features_of(event), fraud, t, delay

    def _scenario_options(self) -> Any:
        return self._resolve(self._given).get(self._cls.Options)


class ETA(ScenarioDataset):
    """Ride requests: the actual travel time in seconds (``y``), known when the trip ends.

    Parameters
    ----------
    seed
        Seed of the run (chosen, and kept in ``seed``, when omitted).
    ids
        Whether ids (of the entity, the event...) are features.
    options
        Any option of ``streamsim run eta`` (``start``, ``count``, ``rate``...), by name.

    Examples
    --------

    >>> dataset = ETA(seed=1, start="2025-03-03T08:00:00Z", count=2)
    >>> x, y = next(iter(dataset))
    >>> y, dataset.delay(x, y) == timedelta(seconds=y), "debug_traffic_factor" in x
    (587, True, False)
    """

    scenario = "eta"
    task_kind = base.REG
    forced: ClassVar[dict[str, Any]] = {"label_mode": "inline", "streams": ["main"]}
    hidden = (
        "simulated_actual_travel_time_seconds",
        "debug_traffic_factor",
        "debug_weather_factor",
        "debug_incident_delay_seconds",
        "debug_driver_factor",
    )
    id_fields = ("trip_id", "driver_id", "vehicle_id", "rider_id")

    def _labeled(self) -> Iterator[tuple[Features, Any, float, float]]:
        for event in self.events():
            y = event["simulated_actual_travel_time_seconds"]
            yield self.features_of(event), y, _event_time(event), float(y)


class Ecommerce(ScenarioDataset):
    """Shopping-session events: will the event's session end in a purchase (``y`` is a bool)?

    The label is known when the session closes: its last event plus the inactivity timeout
    (or earlier, if the cap on open sessions closes it).

    Parameters
    ----------
    seed
        Seed of the run (chosen, and kept in ``seed``, when omitted).
    ids
        Whether ids (of the entity, the event...) are features.
    options
        Any option of ``streamsim run ecommerce`` (``start``, ``count``, ``rate``...), by name.

    Examples
    --------

    >>> dataset = Ecommerce(seed=1, start="2025-03-03T08:00:00Z", count=2)
    >>> x, y = next(iter(dataset))
    >>> y, x["event_type"], "session_id" in x
    (False, 'product_view', False)
    """

    scenario = "ecommerce"
    task_kind = base.BINARY_CLF
    forced: ClassVar[dict[str, Any]] = {"session_outcomes": True, "streams": ["main"]}
    id_fields = ("event_id", "customer_id", "session_id", "product_id", "order_id")

    def _labeled(self) -> Iterator[tuple[Features, Any, float, float]]:
        sessions = _Lookahead(
            self.events(streams=["sessions"], count=None, duration=None, until=None),
            "session_id",
            keep=lambda outcome: True,
        )
        known: dict[str, tuple[bool, float]] = {}  # open sessions' outcomes, once read ahead
        closing: list[tuple[float, str]] = []  # (close time, session) of the sessions in `known`
        for event in self.events():
            t, session = _event_time(event), event["session_id"]
            while closing and closing[0][0] < t:  # closed sessions get no more events
                known.pop(heapq.heappop(closing)[1], None)
            outcome = known.get(session)
            if outcome is None:
                ended = sessions.take(session)
                outcome = known[session] = (bool(ended["converted"]), _event_time(ended))
                heapq.heappush(closing, (outcome[1], session))
            converted, closed = outcome
            yield self.features_of(event), converted, t, max(0.0, closed - t)
