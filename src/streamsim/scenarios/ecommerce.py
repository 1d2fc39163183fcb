"""Clickstream of shopping sessions (page views, searches, carts, purchases).

The original ``e_commerce_customer_interactions`` producer, on the engine:
every original field and option; returning customers, a stable product
catalogue, and a session store bounded by a hard cap and event-time expiry.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import Field

from streamsim.catalog import BROWSER_BY_OS
from streamsim.clock import PoissonArrivals, weekly_profile
from streamsim.drift import DRIFT_FIELDS
from streamsim.events import Event
from streamsim.geo import HOUSTON
from streamsim.parameters import ScenarioOptions
from streamsim.rng import Weighted, entity_uuid, uuid4_str
from streamsim.scenarios.base import Scenario
from streamsim.schema import FieldSpec, Level
from streamsim.timeutil import IsoFormatter

if TYPE_CHECKING:
    import random

    from streamsim.rng import RngTree

EVENT_TYPES = ("page_view", "add_to_cart", "purchase", "search", "leave_review")
PRODUCT_CATEGORIES = (
    "Electronics",
    "Fashion & Apparel",
    "Home & Garden",
    "Beauty & Personal Care",
    "Sports & Outdoors",
    "Books",
    "Grocery & Gourmet Food",
    "Automotive",
    "Toys & Games",
    "Computers",
    "Pet Supplies",
    "Health & Household",
)
DEVICE_TYPES = ("Mobile", "Desktop", "Tablet")
DEVICE_WEIGHTS = (60, 35, 5)  # share of e-commerce sessions by device
OS_BY_DEVICE = {
    "Mobile": (("Android", "iOS"), (55, 45)),
    "Tablet": (("iOS", "Android"), (70, 30)),
    "Desktop": (("Windows", "macOS", "Linux", "Other"), (70, 24, 4, 2)),
}
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
SEARCH_TERMS = {
    "Electronics": ("headphones", "wireless", "bluetooth speaker", "smart tv", "charger", "4k"),
    "Fashion & Apparel": ("sneakers", "dress", "jeans", "jacket", "summer", "leather"),
    "Home & Garden": ("sofa", "lamp", "garden hose", "rug", "kitchen", "storage"),
    "Beauty & Personal Care": ("moisturizer", "shampoo", "perfume", "sunscreen", "serum"),
    "Sports & Outdoors": ("running shoes", "yoga mat", "tent", "bike", "dumbbells"),
    "Books": ("novel", "cookbook", "biography", "kids books", "bestseller"),
    "Grocery & Gourmet Food": ("coffee", "organic", "snacks", "olive oil", "tea"),
    "Automotive": ("car charger", "tires", "dash cam", "motor oil", "seat covers"),
    "Toys & Games": ("lego", "board game", "puzzle", "action figure", "doll"),
    "Computers": ("laptop", "monitor", "keyboard", "ssd", "gaming mouse"),
    "Pet Supplies": ("dog food", "cat litter", "pet bed", "leash", "aquarium"),
    "Health & Household": ("vitamins", "paper towels", "detergent", "first aid", "masks"),
}
FIRST_PRODUCT, LAST_PRODUCT = 1000, 1100  # the original's prod_1000 .. prod_1100
#: Share of the day's sessions by local hour (quiet nights, evening peak).
HOURLY_VISITS = (
    1.2,
    0.8,
    0.5,
    0.4,
    0.4,
    0.6,
    1.2,
    2.2,
    3.0,
    3.4,
    3.7,
    3.9,
    4.1,
    4.0,
    3.9,
    3.9,
    4.0,
    4.3,
    4.6,
    5.0,
    5.4,
    5.2,
    4.0,
    2.4,
)
TIME_ZONE = "America/Chicago"  # Houston, as the original's locations


class EcommerceOptions(ScenarioOptions):
    """Options of the e-commerce scenario (names and defaults of the original producer)."""

    group_title = "E-commerce scenario"

    event_rate_per_minute: float = Field(
        600,
        gt=0,
        description="Mean events per minute (sets the rate unless --rate is given).",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    max_active_sessions: int = Field(
        500,
        ge=1,
        description="Hard cap on open sessions; starting one more closes the least recently active.",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    session_timeout_minutes: float = Field(
        30,
        gt=0,
        description="A session ends after this much inactivity (event time); no event of it comes later.",
        json_schema_extra={"metavar": "MINUTES"},
    )
    customers: int = Field(
        50_000,
        ge=1,
        description="Customer population (sessions of returning customers reuse "
        "their ids, devices and locations).",
        json_schema_extra={"metavar": "N", "drift": False},
    )


@dataclass(slots=True, frozen=True)
class Customer:
    customer_id: str
    device: dict[str, str]
    location: dict[str, float]


@dataclass(slots=True, frozen=True)
class Product:
    product_id: str
    category: str
    price: float
    page_url: str


@dataclass(slots=True)
class Session:
    session_id: str
    customer: Customer
    last_time: float
    events: int = 0
    focus: Product | None = None
    slot: int = -1  # position in the active list, -1 once closed


class EcommerceScenario(Scenario[EcommerceOptions]):
    """Customer interaction events of shopping sessions.

    >>> from streamsim.timeutil import parse_time
    >>> events = iter(EcommerceScenario(seed=3, start=parse_time("2025-03-01T18:00:00Z")))
    >>> first = next(events).fields
    >>> first["session_event_sequence"], first["event_type"] in ("page_view", "search")
    (1, True)
    """

    name = "ecommerce"
    description = "Shopping-session clickstream: views, searches, carts, purchases."
    topic = "e_commerce_customer_interactions"
    key_doc = "session_id"
    Options = EcommerceOptions

    def default_rate(self) -> float:
        return self.options.event_rate_per_minute / 60.0

    def field_specs(self) -> dict[str, list[FieldSpec]]:
        return {"": [*FIELDS, *DRIFT_FIELDS]}

    def _generate(self, rng: RngTree) -> Iterator[Event]:
        o = self.options
        arrivals = PoissonArrivals(
            self.effective_rate,
            rng.stream("arrivals"),
            start=self.start,
            intensity=weekly_profile(HOURLY_VISITS, tz=TIME_ZONE),
        )
        r = rng.stream("events")
        random, randint, choice = r.random, r.randint, r.choice
        catalogue = _catalogue(rng.shared("catalogue"))
        customers = _Customers(rng, o.customers)
        iso = IsoFormatter()
        focused_next = Weighted(("add_to_cart", "page_view", "leave_review"), (0.6, 0.35, 0.05))
        browsing_next = Weighted(("page_view", "search", "add_to_cart"), (0.6, 0.2, 0.2))
        store = _SessionStore(o.max_active_sessions, o.session_timeout_minutes * 60.0)
        drift = self._drift(rng, lambda options: options)
        n = 0
        while True:
            t = arrivals.next()
            n += 1
            store.timeout = drift.at(t, n).session_timeout_minutes * 60.0
            store.expire(t)
            session = store.pick(r) if store.active and random() < 0.7 else None
            if session is None:
                session = store.open(Session(uuid4_str(r), customers.pick(), t))
            # The original producer's state machine.
            product = session.focus
            if session.events == 0:
                event_type = "page_view" if random() < 0.8 else "search"
            elif product is not None and random() < 0.4:
                event_type = focused_next.draw(random)
                if event_type == "add_to_cart" and random() < 0.3:
                    event_type = "purchase"
            else:
                event_type = browsing_next.draw(random)
            product_id = category = price = quantity = page_url = query = None
            if event_type == "search":
                category_terms = SEARCH_TERMS[choice(PRODUCT_CATEGORIES)]
                query = " ".join(r.sample(category_terms, randint(1, 2)))
                page_url = "https://example.com/search?q=" + query.replace(" ", "+")
                time_on_page = randint(5, 60)
                session.focus = None
            else:
                if product is None or event_type == "page_view":
                    product = choice(catalogue)
                product_id, category, price, page_url = (
                    product.product_id,
                    product.category,
                    product.price,
                    product.page_url,
                )
                time_on_page = randint(5, 300)
                session.focus = product
                if event_type in ("add_to_cart", "purchase"):
                    quantity = randint(1, 4)
                if event_type == "purchase":
                    time_on_page = randint(30, 180)
                if event_type in ("purchase", "leave_review"):
                    session.focus = None
            session.events += 1
            store.touch(session, t)
            fields = {
                "event_id": uuid4_str(r),
                "customer_id": session.customer.customer_id,
                "session_id": session.session_id,
                "timestamp": iso(t),
                "event_type": event_type,
                "product_id": product_id,
                "product_category": category,
                "price": price,
                "quantity": quantity,
                "page_url": page_url,
                "referrer_url": choice(REFERRER_URLS) if session.events == 1 else None,
                "device_info": session.customer.device,
                "location": session.customer.location,
                "time_on_page_seconds": time_on_page,
                "search_query": query,
                "session_event_sequence": session.events,
                "concept_id": drift.concept,
                "drift_phase": drift.phase,
            }
            yield Event(t, session.session_id, event_type, fields)


def _catalogue(r: random.Random) -> list[Product]:
    """Products with a stable category and price (shared by all shards)."""
    products = []
    for number in range(FIRST_PRODUCT, LAST_PRODUCT + 1):
        category = r.choice(PRODUCT_CATEGORIES)
        product_id = f"prod_{number}"
        slug = category.lower().replace(" & ", "-").replace(" ", "-")
        products.append(
            Product(
                product_id,
                category,
                round(r.uniform(5.0, 2500.0), 2),
                f"https://example.com/{slug}/{product_id}",
            )
        )
    return products


class _Customers:
    """The customer population, created lazily on first visit."""

    def __init__(self, rng: RngTree, population: int) -> None:
        self._rng = rng.stream("customers")
        self._pick = rng.stream("customer-choice")
        self._shard = rng.shard
        self._population = population
        self._known: dict[int, Customer] = {}

    def pick(self) -> Customer:
        n = self._pick.randrange(self._population)
        found = self._known.get(n)
        if found is None:
            r = self._rng
            device_type = r.choices(DEVICE_TYPES, DEVICE_WEIGHTS)[0]
            os_names, os_weights = OS_BY_DEVICE[device_type]
            os_name = r.choices(os_names, os_weights)[0]
            browsers, browser_weights = BROWSER_BY_OS[os_name]
            browser = r.choices(browsers, browser_weights)[0]
            lat, lon = HOUSTON.uniform(r)
            found = self._known[n] = Customer(
                entity_uuid(r, self._shard, n),
                {"device_type": device_type, "browser": browser, "os": os_name},
                {"lat": round(lat, 3), "lon": round(lon, 3)},
            )
        return found


class _SessionStore:
    """Open sessions, bounded by a hard cap and expired by event time (never probabilistically).

    ``active`` allows O(1) random choice and removal; ``_activity`` lists
    (time, session) in time order, with stale entries skipped lazily, so the
    least recently active session is always at its front.
    """

    def __init__(self, cap: int, timeout: float) -> None:
        self.cap = cap
        self.timeout = timeout
        self.active: list[Session] = []
        self._activity: deque[tuple[float, Session]] = deque()

    def pick(self, r: random.Random) -> Session:
        return self.active[r.randrange(len(self.active))]

    def open(self, session: Session) -> Session:
        if len(self.active) >= self.cap:
            self._close_least_recent()
        session.slot = len(self.active)
        self.active.append(session)
        return session

    def touch(self, session: Session, t: float) -> None:
        session.last_time = t
        self._activity.append((t, session))

    def expire(self, t: float) -> None:
        horizon = t - self.timeout
        activity = self._activity
        while activity and activity[0][0] <= horizon:
            last, session = activity.popleft()
            if session.slot >= 0 and session.last_time == last:
                self._close(session)

    def _close_least_recent(self) -> None:
        while True:
            last, session = self._activity.popleft()
            if session.slot >= 0 and session.last_time == last:
                self._close(session)
                return

    def _close(self, session: Session) -> None:
        moved = self.active.pop()
        if moved is not session:
            moved.slot = session.slot
            self.active[session.slot] = moved
        session.slot = -1


FIELDS = [
    FieldSpec("event_id", "string", "Unique id of the event.", Level.CLASSIC, format="uuid"),
    FieldSpec("customer_id", "string", "Customer id, stable across the customer's sessions.", Level.CLASSIC),
    FieldSpec("session_id", "string", "Session id.", Level.CLASSIC, format="uuid"),
    FieldSpec("timestamp", "string", "Event time, ISO-8601 UTC.", Level.CLASSIC, format="date-time"),
    FieldSpec("event_type", "string", "What the customer did.", Level.CLASSIC, enum=EVENT_TYPES),
    FieldSpec("product_id", "string", "Product involved (null for searches).", Level.CLASSIC, nullable=True),
    FieldSpec(
        "product_category",
        "string",
        "The product's category.",
        Level.CLASSIC,
        nullable=True,
        enum=PRODUCT_CATEGORIES,
    ),
    FieldSpec("price", "number", "The product's unit price, USD.", Level.CLASSIC, nullable=True),
    FieldSpec(
        "quantity",
        "integer",
        "Units added or bought (cart and purchase events).",
        Level.CLASSIC,
        nullable=True,
    ),
    FieldSpec("page_url", "string", "URL of the page.", Level.CLASSIC, nullable=True),
    FieldSpec(
        "referrer_url",
        "string",
        "Where the session came from (first event only).",
        Level.CLASSIC,
        nullable=True,
        enum=REFERRER_URLS,
    ),
    FieldSpec("device_info.device_type", "string", "Device type.", Level.CLASSIC, enum=DEVICE_TYPES),
    FieldSpec("device_info.browser", "string", "Browser.", Level.CLASSIC),
    FieldSpec("device_info.os", "string", "Operating system.", Level.CLASSIC),
    FieldSpec("location.lat", "number", "Customer latitude (Houston metro).", Level.CLASSIC),
    FieldSpec("location.lon", "number", "Customer longitude (Houston metro).", Level.CLASSIC),
    FieldSpec("time_on_page_seconds", "integer", "Seconds spent on the page.", Level.CLASSIC),
    FieldSpec("search_query", "string", "Search terms (search events only).", Level.CLASSIC, nullable=True),
    FieldSpec(
        "session_event_sequence", "integer", "Position of the event in its session: 1, 2, 3...", Level.CLASSIC
    ),
]
