"""Clickstream of shopping sessions: returning customers, a product catalogue and the full funnel.

The original ``e_commerce_customer_interactions`` producer, on the engine:
every original field and option. Sessions are timelines: each open session
schedules its next event at its last event's time plus the time spent on that
page, and new sessions start from a Poisson process that follows the daily,
weekly and holiday rhythm. Open sessions are bounded by a hard cap and closed
by event-time inactivity, so memory stays flat however long the run.

The simulation runs in the native core (``core/src/scenarios/ecommerce/``);
this package holds its options, drift presets, fields and docs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from streamsim.scenarios.ecommerce.catalogue import CATEGORIES, CATEGORY_NAMES
from streamsim.scenarios.ecommerce.fields import (
    EVENT_TYPES,
    FIELDS,
    OUTCOMES,
    REFERRER_URLS,
    SESSION_FIELDS,
    SESSIONS,
    field_specs,
)
from streamsim.scenarios.ecommerce.options import CHANNELS, DEVICE_TYPES, HOLIDAYS, PRESETS, EcommerceOptions
from streamsim.scenarios.native import NativeScenario

if TYPE_CHECKING:
    from streamsim.schema import FieldSpec

__all__ = [
    "CATEGORIES",
    "CATEGORY_NAMES",
    "CHANNELS",
    "DEVICE_TYPES",
    "EVENT_TYPES",
    "FIELDS",
    "HOLIDAYS",
    "OUTCOMES",
    "PRESETS",
    "REFERRER_URLS",
    "SESSIONS",
    "SESSION_FIELDS",
    "EcommerceOptions",
    "EcommerceScenario",
]


class EcommerceScenario(NativeScenario[EcommerceOptions]):
    """Customer interaction events of shopping sessions.

    >>> from streamsim.timeutil import parse_time
    >>> events = iter(EcommerceScenario(seed=3, start=parse_time("2025-03-01T18:00:00Z")))
    >>> first = next(events).fields
    >>> first["session_event_sequence"], first["event_type"] in ("page_view", "search", "product_view")
    (1, True)
    """

    name = "ecommerce"
    description = "Shopping-session clickstream: views, searches, carts, purchases."
    topic = "e_commerce_customer_interactions"
    key_doc = "session_id"
    label_name = "converted"  # session_ended events carry it
    Options = EcommerceOptions

    def default_rate(self) -> float:
        return self.options.event_rate_per_minute / 60.0

    def field_specs(self) -> dict[str, list[FieldSpec]]:
        return field_specs(self.options.session_outcomes)
