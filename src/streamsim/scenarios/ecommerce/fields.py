"""Fields of the e-commerce streams: the main clickstream and the session_ended companion."""

from __future__ import annotations

from streamsim.drift import DRIFT_FIELDS
from streamsim.scenarios.ecommerce.catalogue import CATEGORY_NAMES
from streamsim.scenarios.ecommerce.options import CHANNELS, DEVICE_TYPES, HOLIDAYS
from streamsim.schema import FieldSpec, Level

SESSIONS = "sessions"  # companion stream of session outcomes: <topic>_sessions
EVENT_TYPES = (
    "page_view",
    "add_to_cart",
    "purchase",
    "search",
    "leave_review",
    "product_view",
    "remove_from_cart",
    "view_cart",
    "checkout",
)
REFERRER_URLS = (
    "direct",
    "google.com",
    "facebook.com",
    "amazon.com",
    "instagram.com",
    "twitter.com",
    "youtube.com",
    "tiktok.com",
    "pinterest.com",
    "reddit.com",
    "linkedin.com",
    "bing.com",
    "yahoo.com",
    "email_campaign",
    "affiliate_link",
)

OUTCOMES = ("bounced", "browsed", "cart_abandoned", "purchase")


FIELDS = [
    FieldSpec("event_id", "string", "Unique id of the event.", Level.CLASSIC, format="uuid"),
    FieldSpec(
        "customer_id",
        "string",
        "Customer id, stable across a returning customer's sessions (new for each first-time visitor).",
        Level.CLASSIC,
    ),
    FieldSpec("session_id", "string", "Session id (the message key).", Level.CLASSIC, format="uuid"),
    FieldSpec("timestamp", "string", "Event time, ISO-8601 UTC.", Level.CLASSIC, format="date-time"),
    FieldSpec("event_type", "string", "What the customer did.", Level.CLASSIC, enum=EVENT_TYPES),
    FieldSpec(
        "product_id",
        "string",
        "Product involved: product views, cart changes, purchase lines, reviews (else null).",
        Level.CLASSIC,
        nullable=True,
    ),
    FieldSpec(
        "product_category",
        "string",
        "The product's category, or the category page's (else null).",
        Level.CLASSIC,
        nullable=True,
        enum=CATEGORY_NAMES,
    ),
    FieldSpec(
        "price",
        "number",
        "The product's unit price, USD (cart and purchase events: the price when added).",
        Level.CLASSIC,
        nullable=True,
    ),
    FieldSpec(
        "quantity",
        "integer",
        "Units added, removed or bought (cart and purchase events, else null).",
        Level.CLASSIC,
        nullable=True,
    ),
    FieldSpec("page_url", "string", "URL of the page.", Level.CLASSIC, nullable=True),
    FieldSpec(
        "referrer_url",
        "string",
        "Where the session came from (first event of a session only, else null).",
        Level.CLASSIC,
        nullable=True,
        enum=REFERRER_URLS,
    ),
    FieldSpec(
        "device_info.device_type",
        "string",
        "Device type (a customer's own; sometimes their second device).",
        Level.CLASSIC,
        enum=DEVICE_TYPES,
    ),
    FieldSpec("device_info.browser", "string", "Browser.", Level.CLASSIC),
    FieldSpec("device_info.os", "string", "Operating system.", Level.CLASSIC),
    FieldSpec("location.lat", "number", "Customer's home latitude (Houston metro).", Level.CLASSIC),
    FieldSpec("location.lon", "number", "Customer's home longitude (Houston metro).", Level.CLASSIC),
    FieldSpec(
        "time_on_page_seconds",
        "integer",
        "Seconds spent on the page: the gap to the session's next event, rounded.",
        Level.CLASSIC,
    ),
    FieldSpec(
        "search_query",
        "string",
        "Search terms (search events only, else null).",
        Level.CLASSIC,
        nullable=True,
    ),
    FieldSpec(
        "session_event_sequence", "integer", "Position of the event in its session: 1, 2, 3...", Level.CLASSIC
    ),
    FieldSpec(
        "visitor_type",
        "string",
        "new: a first visit; returning: a known customer.",
        enum=("new", "returning"),
    ),
    FieldSpec("traffic_source", "string", "Channel the session came from.", enum=CHANNELS),
    FieldSpec(
        "page_type",
        "string",
        "Kind of page.",
        enum=("home", "category", "search", "product", "review", "cart", "checkout", "confirmation"),
    ),
    FieldSpec(
        "cart_items",
        "integer",
        "Units in the cart after the event (purchase lines: the order's units; 0 after the order).",
    ),
    FieldSpec("cart_value", "number", "Value of those units, USD."),
    FieldSpec(
        "order_id", "string", "Order of a purchase line (shared by its lines), else null.", nullable=True
    ),
    FieldSpec("review_rating", "integer", "Stars of a review, 1-5, else null.", nullable=True),
    FieldSpec(
        "holiday",
        "string",
        "Shopping-calendar period (local date) when the session started, with --holidays; else null.",
        nullable=True,
        enum=HOLIDAYS,
    ),
    FieldSpec(
        "session_outcome",
        "string",
        "Ground truth: where the session was headed when it started (reveals conversion).",
        Level.FULL,
        enum=OUTCOMES,
    ),
]

SESSION_FIELDS = [
    FieldSpec("session_id", "string", "Session id (the message key).", format="uuid"),
    FieldSpec("customer_id", "string", "Customer id."),
    FieldSpec(
        "timestamp",
        "string",
        "When the session closed: last event + timeout, or when the cap closed it.",
        format="date-time",
    ),
    FieldSpec("event_type", "string", "Always session_ended.", enum=("session_ended",)),
    FieldSpec(
        "ended_reason",
        "string",
        "timeout: inactivity; cap: closed to make room under --max-active-sessions.",
        enum=("timeout", "cap"),
    ),
    FieldSpec("session_start", "string", "Time of the session's first event.", format="date-time"),
    FieldSpec("duration_seconds", "number", "First to last event, seconds (0 for a bounce)."),
    FieldSpec("event_count", "integer", "Events of the session on the main topic."),
    FieldSpec("converted", "boolean", "Label: whether the session bought."),
    FieldSpec("outcome", "string", "purchase, cart_abandoned, browsed or bounced.", enum=OUTCOMES[::-1]),
    FieldSpec("items", "integer", "Units bought (0 without a purchase)."),
    FieldSpec("value", "number", "Order value, USD (0 without a purchase)."),
    FieldSpec("cart_items", "integer", "Units left in the cart (abandoned)."),
    FieldSpec("cart_value", "number", "Value left in the cart, USD."),
    FieldSpec("visitor_type", "string", "new or returning.", enum=("new", "returning")),
    FieldSpec("traffic_source", "string", "Channel of the session.", enum=CHANNELS),
    FieldSpec("device_type", "string", "Device type of the session.", enum=DEVICE_TYPES),
    FieldSpec("last_event_type", "string", "Type of the session's last event.", enum=EVENT_TYPES),
]


def field_specs(session_outcomes: bool) -> dict[str, list[FieldSpec]]:
    """Fields of each stream the options produce (the sessions stream with --session-outcomes)."""
    specs = {"": [*FIELDS, *DRIFT_FIELDS]}
    if session_outcomes:
        specs[SESSIONS] = SESSION_FIELDS
    return specs
