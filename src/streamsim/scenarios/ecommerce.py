"""Clickstream of shopping sessions: returning customers, a product catalogue and the full funnel.

The original ``e_commerce_customer_interactions`` producer, on the engine:
every original field and option. Sessions are timelines: each open session
schedules its next event at its last event's time plus the time spent on that
page, and new sessions start from a Poisson process that follows the daily,
weekly and holiday rhythm. Open sessions are bounded by a hard cap and closed
by event-time inactivity, so memory stays flat however long the run.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import TYPE_CHECKING

from streamsim.clock import PoissonArrivals
from streamsim.drift import DRIFT_FIELDS
from streamsim.events import Event
from streamsim.rng import Weighted, uuid4_str
from streamsim.scenarios.base import Scenario, Timeline
from streamsim.scenarios.ecommerce_calendar import Calendar
from streamsim.scenarios.ecommerce_catalogue import (
    CATEGORIES,
    CATEGORY_NAMES,
    QUERY_MODIFIERS,
    SHOP,
    Catalogue,
)
from streamsim.scenarios.ecommerce_customers import Customer, Population
from streamsim.scenarios.ecommerce_funnel import (
    ABANDONED,
    ADD,
    BOUNCED,
    BROWSE,
    BROWSED,
    CART,
    CHECKOUT,
    LAND,
    MAX_BOUNCE_PROBABILITY,
    MAX_CART_PROBABILITY,
    OUTCOMES,
    PRODUCT,
    PURCHASE,
    PURCHASED,
    REMOVE,
    Regime,
    build_plan,
    events_per_session,
)
from streamsim.scenarios.ecommerce_options import CHANNELS, DEVICE_TYPES, EcommerceOptions
from streamsim.schema import FieldSpec, Level
from streamsim.timeutil import IsoFormatter

if TYPE_CHECKING:
    from streamsim.rng import Rng, RngTree

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
#: The original producer's referrers, by channel (search engines by US search share).
REFERRERS: dict[str, Weighted[str]] = {
    "direct": Weighted(("direct",), (1,)),
    "organic_search": Weighted(("google.com", "bing.com", "yahoo.com"), (88, 8, 4)),
    "paid": Weighted(("google.com", "facebook.com", "instagram.com", "affiliate_link"), (60, 15, 10, 15)),
    "social": Weighted(
        (
            "facebook.com",
            "instagram.com",
            "tiktok.com",
            "pinterest.com",
            "youtube.com",
            "twitter.com",
            "reddit.com",
            "linkedin.com",
        ),
        (30, 22, 14, 12, 10, 5, 5, 2),
    ),
    "email": Weighted(("email_campaign",), (1,)),
    "marketplace": Weighted(("amazon.com",), (1,)),
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

# Kinds of page (and of action on a page), with their page_type and time-on-page distribution.
HOME, LISTING, SEARCH, DETAIL, REVIEWS, ADDED, REMOVED, CART_PAGE, CHECKOUT_PAGE, CONFIRMATION = range(10)
PAGE_TYPES = (
    "home",
    "category",
    "search",
    "product",
    "review",
    "product",
    "cart",
    "cart",
    "checkout",
    "confirmation",
)
#: Median seconds on each kind of page and the spread (sigma of its logarithm): log-normal, right-skewed.
DWELL = (
    (15.0, 0.9),
    (25.0, 0.9),
    (18.0, 0.8),
    (40.0, 1.0),
    (80.0, 0.7),
    (14.0, 0.8),
    (9.0, 0.7),
    (28.0, 0.8),
    (100.0, 0.6),
    (30.0, 0.8),
)
PAUSE_PROBABILITY = 0.04  # a distraction: another tab, a phone call...
PAUSE_MEDIAN, PAUSE_SPREAD = 150.0, 1.0
QUANTILES = 1024
# Log-normal draws by inverse CDF: QUANTILES + 1 quantiles, interpolated linearly (one uniform per draw).
_NORMAL = [NormalDist().inv_cdf((i + 0.5) / (QUANTILES + 1)) for i in range(QUANTILES + 1)]
DWELL_QUANTILES = tuple(tuple(median * math.exp(spread * z) for z in _NORMAL) for median, spread in DWELL)
PAUSE_QUANTILES = tuple(PAUSE_MEDIAN * math.exp(PAUSE_SPREAD * z) for z in _NORMAL)
#: Where a session lands, by channel: (home, category, search results, product page).
LANDING = {
    "direct": (0.55, 0.2, 0.05, 0.2),
    "organic_search": (0.1, 0.35, 0.0, 0.55),
    "paid": (0.05, 0.2, 0.0, 0.75),
    "social": (0.15, 0.15, 0.0, 0.7),
    "email": (0.15, 0.35, 0.0, 0.5),
    "marketplace": (0.1, 0.0, 0.0, 0.9),
}
#: The next page while browsing, by the current kind: (home, category, search results, product page).
NEXT_PAGE = {
    HOME: (0.05, 0.4, 0.25, 0.3),
    LISTING: (0.05, 0.15, 0.1, 0.7),
    SEARCH: (0.02, 0.08, 0.15, 0.75),
    DETAIL: (0.05, 0.2, 0.15, 0.6),
    CART_PAGE: (0.05, 0.25, 0.15, 0.55),
}
BROWSE_KINDS = (HOME, LISTING, SEARCH, DETAIL)
QUANTITY = Weighted((1, 2, 3, 4), (75, 17, 5, 3))
#: Star ratings of reviews: J-shaped, as on real shops (many 5s, some 1s).
RATINGS = Weighted((5, 4, 3, 2, 1), (55, 20, 9, 6, 10))
HOME_URL = f"{SHOP}/"
CART_URL = f"{SHOP}/cart"
CHECKOUT_URL = f"{SHOP}/checkout"
CONFIRMATION_URL = f"{SHOP}/checkout/confirmation"
SEARCH_URL = f"{SHOP}/search?q="
SEARCH_HIT_CLICK = 0.6  # after a search, the next product page is the searched product
STAY_IN_CATEGORY = 0.75  # a product page stays in the session's current category
CART_FROM_INTENT = 0.8  # what goes in the cart is mostly from the category the session came for


@dataclass(slots=True, eq=False)
class Session:
    """An open session: who, where from, its plan, and where it is in the funnel."""

    key: int
    session_id: str
    customer: Customer
    visitor_type: str
    device: dict[str, str]
    channel: str
    referrer: str
    outcome: int
    plan: list[int]
    started: float
    last_time: float
    intent: int  # the category the session came for (its add-to-cart propensity depends on its prices)
    category: int  # the category the shopper is looking at
    holiday: str | None  # shopping-calendar period when the session started
    step: int = 0
    events: int = 0
    page: int = HOME  # kind of the current page
    focus: int = -1  # product last viewed
    search_hit: int = -1
    cart: dict[int, tuple[int, float]] = field(default_factory=dict)  # product -> (quantity, unit price)
    cart_items: int = 0
    cart_value: float = 0.0
    lines: list[tuple[int, int, float]] = field(default_factory=list)  # purchase lines still to emit
    order_id: str | None = None
    hold: float = 0.0  # time on the confirmation page, shared by the order's lines
    added: bool = False
    items: int = 0  # units bought
    value: float = 0.0  # order value
    last_type: str = ""
    closed: bool = False


class EcommerceScenario(Scenario[EcommerceOptions]):
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

    def sessions_per_second(self) -> float:
        """Session start rate of ordinary hours on average: the event rate over the mean session length."""
        return self.effective_rate / events_per_session(self.options)

    def field_specs(self) -> dict[str, list[FieldSpec]]:
        specs = {"": [*FIELDS, *DRIFT_FIELDS]}
        if self.options.session_outcomes:
            specs[SESSIONS] = SESSION_FIELDS
        return specs

    def _generate(self, rng: RngTree) -> Iterator[Event]:
        o = self.options
        shop = _Shop(self, rng)
        base_sessions = self.sessions_per_second()
        drift = self._drift(
            rng, lambda options: Regime.build(options, shop.catalogue, shop.calendar, base_sessions)
        )
        arrivals_rng = rng.stream("arrivals")
        regime = drift.regime
        arrivals = PoissonArrivals(
            regime.sessions_per_second, arrivals_rng, start=self.start, intensity=regime.intensity
        )
        next_arrival = arrivals.next
        next_start = next_arrival()
        static = drift.static
        timeline: Timeline[Session] = Timeline()
        next_time, pop, schedule = timeline.next_time, timeline.pop, timeline.schedule
        store: OrderedDict[int, Session] = OrderedDict()  # least recently active first
        first_open = store.values
        timeout = o.session_timeout_minutes * 60.0
        cap = o.max_active_sessions
        outcomes = o.session_outcomes
        expiry = math.inf  # no open session closes before this (a lower bound, refreshed lazily)
        step, start_session, move_to_end = shop.step, shop.start, store.move_to_end
        self._expose(lambda: {"sessions": len(store), "entities": shop.population.known()})
        n = 0
        while True:
            if next_time() < next_start:
                t, session = pop()
                if session.closed:  # closed by the cap while it still had pages to go
                    continue
                starting = False
            else:
                t, starting = next_start, True
            if t >= expiry:  # close the sessions idle for the timeout (session_ended at that time)
                expiry = math.inf
                while store:
                    oldest = next(iter(first_open()))
                    end = oldest.last_time + timeout
                    if end > t:
                        expiry = end
                        break
                    del store[oldest.key]
                    shop.close(oldest)
                    if outcomes:
                        yield shop.ended(oldest, end, "timeout")
            n += 1
            current = regime if static else drift.at(t, n)
            if current is not regime:  # memoryless: restarting the arrival process here is exact
                regime = current
                arrivals = PoissonArrivals(
                    regime.sessions_per_second, arrivals_rng, start=t, intensity=regime.intensity
                )
                next_arrival = arrivals.next
                next_start = next_arrival()
            elif starting:
                next_start = next_arrival()
            if starting:
                if len(store) >= cap:
                    _, evicted = store.popitem(last=False)
                    shop.close(evicted)
                    if outcomes:
                        yield shop.ended(evicted, t, "cap")
                session = start_session(t, regime)
                store[session.key] = session
                if expiry == math.inf:
                    expiry = t + timeout
            else:
                move_to_end(session.key)
            event_type, fields, gap = step(session, t, regime)
            fields["concept_id"] = drift.concept
            fields["drift_phase"] = drift.phase
            if gap is not None:
                schedule(t + gap, session)
            yield Event(t, session.session_id, event_type, fields, phase=drift.phase)


class _Shop:
    """The shop's state and the state machine's steps (the loop in ``_generate`` drives it)."""

    def __init__(self, scenario: EcommerceScenario, rng: RngTree) -> None:
        o = scenario.options
        self.catalogue = Catalogue(rng.shared("catalogue"), o.products)
        self.calendar = Calendar()
        self.population = Population(rng, o.customers, self.catalogue)
        self.r: Rng = rng.stream("sessions")
        self.iso = IsoFormatter()
        self.iso_end = IsoFormatter()  # its own: session ends lag the main stream by the timeout
        self.iso_start = IsoFormatter()
        self.limit = o.session_timeout_minutes * 60.0 * 0.999  # gaps stay below the timeout
        self.numbers = 0
        self.landing = {c: Weighted(BROWSE_KINDS, LANDING[c]) for c in CHANNELS}
        self.next_page = [
            Weighted(BROWSE_KINDS, NEXT_PAGE.get(kind, NEXT_PAGE[DETAIL])) for kind in range(10)
        ]
        self.category_urls = tuple(f"{SHOP}/{c.slug}" for c in CATEGORIES)

    # -- a session's start: who, from where, headed for which outcome ------------------

    def start(self, t: float, g: Regime) -> Session:
        random = self.r.random
        o = g.options
        customer = None
        if random() >= o.new_visitor_share:
            customer = self.population.returning(g.devices, g.interest)
        if customer is None:
            visitor = "new"
            customer = self.population.newcomer(g.devices, g.interest, random() < o.signup_probability)
            device = customer.device
            propensity = g.new_factor
        else:
            visitor = "returning"
            device = customer.second_device if random() < o.cross_device_share else customer.device
            propensity = g.returning_factor * (0.5 + customer.loyalty)
        customer.busy = True
        channel_index = g.channels.draw(random)
        channel = CHANNELS[channel_index]
        u = random()
        category = (
            customer.preferred[0]
            if u < 0.5
            else customer.preferred[1]
            if u < 0.7
            else g.interest.draw(random)
        )
        propensity *= g.channel_cart[channel_index]
        holiday = None
        if g.holiday_conversion is not None:
            holiday = self.calendar.at(t)[2]
            if holiday is not None:
                propensity *= g.holiday_conversion[holiday]
        log_multiplier = g.log_price_multipliers[category]
        if log_multiplier:
            propensity *= math.exp(-o.price_elasticity * (0.5 + customer.sensitivity) * log_multiplier)
        device_type = device["device_type"]
        if random() < min(MAX_CART_PROBABILITY, propensity):
            outcome = PURCHASED if random() < g.device_completion[device_type] else ABANDONED
        elif random() < min(
            MAX_BOUNCE_PROBABILITY, g.channel_bounce[channel_index] * g.device_bounce[device_type]
        ):
            outcome = BOUNCED
        else:
            outcome = BROWSED
        review = (
            visitor == "returning"
            and customer.last_purchase >= 0
            and outcome != BOUNCED
            and random() < o.review_probability
        )
        self.numbers += 1
        return Session(
            self.numbers,
            uuid4_str(self.r),
            customer,
            visitor,
            device,
            channel,
            REFERRERS[channel].draw(random),
            outcome,
            build_plan(random, outcome, g.log_pages, review),
            t,
            t,
            category,
            category,
            holiday,
        )

    # -- one event --------------------------------------------------------------------

    def step(self, s: Session, t: float, g: Regime) -> tuple[str, dict[str, object], float | None]:
        """The session's next event at ``t``: (event type, fields, gap to its next event or None)."""
        r = self.r
        random = r.random
        catalogue = self.catalogue
        product = -1
        quantity = price = query = rating = category_name = None
        if s.lines:  # the rest of an order's lines, at the same time
            product, quantity, price = s.lines.pop()
            event_type, kind, url = "purchase", CONFIRMATION, CONFIRMATION_URL
        else:
            action = s.plan[s.step]
            s.step += 1
            if action <= PRODUCT:  # LAND, BROWSE or PRODUCT: a page of the shop
                if action == BROWSE:
                    kind = self.next_page[s.page].draw(random)
                elif action == LAND:
                    kind = self.landing[s.channel].draw(random)
                else:
                    kind = DETAIL
                if kind == DETAIL:
                    product = self._product(s, g, action == PRODUCT)
                    s.focus = product
                    s.category = catalogue.category[product]
                    event_type, url = "product_view", catalogue.url[product]
                elif kind == LISTING:
                    if random() >= 0.6:
                        s.category = g.interest.draw(random)
                    event_type, url = "page_view", self.category_urls[s.category]
                    category_name = CATEGORY_NAMES[s.category]
                elif kind == SEARCH:
                    if random() >= 0.8:
                        s.category = g.interest.draw(random)
                    hit = catalogue.in_category[s.category].draw(random)
                    modifier = QUERY_MODIFIERS[int(random() * len(QUERY_MODIFIERS))]
                    query = catalogue.term[hit] if modifier is None else f"{catalogue.term[hit]} {modifier}"
                    s.search_hit = hit
                    event_type, url = "search", SEARCH_URL + query.replace(" ", "+")
                else:
                    event_type, url = "page_view", HOME_URL
            elif action == ADD:
                product, quantity = s.focus, QUANTITY.draw(random)
                price = g.prices[product]
                held, _ = s.cart.get(product, (0, price))
                s.cart[product] = (held + quantity, price)
                s.cart_items += quantity
                s.cart_value += quantity * price
                s.added = True
                event_type, kind, url = "add_to_cart", ADDED, catalogue.url[product]
            elif action == REMOVE and (len(s.cart) > 1 or s.cart_items > 1):
                # A whole line goes; a single line (two views of one product were merged) loses a unit.
                product = r.choice(list(s.cart))
                held, price = s.cart.pop(product)
                quantity = held if s.cart else 1
                if held > quantity:
                    s.cart[product] = (held - quantity, price)
                s.cart_items -= quantity
                s.cart_value -= quantity * price
                event_type, kind, url = "remove_from_cart", REMOVED, CART_URL
            elif action in (CART, REMOVE):  # a cart of one unit is viewed, not emptied
                event_type, kind, url = "view_cart", CART_PAGE, CART_URL
            elif action == CHECKOUT:
                event_type, kind, url = "checkout", CHECKOUT_PAGE, CHECKOUT_URL
            elif action == PURCHASE:
                s.order_id = uuid4_str(r)
                s.lines = [(p, q, unit) for p, (q, unit) in reversed(s.cart.items())]
                s.items, s.value = s.cart_items, s.cart_value
                s.hold = self._dwell(CONFIRMATION, g.options.time_on_page_scale)
                product, quantity, price = s.lines.pop()
                event_type, kind, url = "purchase", CONFIRMATION, CONFIRMATION_URL
            else:  # REVIEW: of their latest purchase
                product = s.customer.last_purchase
                rating = RATINGS.draw(random)
                event_type, kind, url = "leave_review", REVIEWS, catalogue.url[product] + "/reviews"
        if product >= 0:
            category_name = CATEGORY_NAMES[catalogue.category[product]]
            if price is None:
                price = g.prices[product]
        dwell = s.hold if kind == CONFIRMATION else self._dwell(kind, g.options.time_on_page_scale)
        s.page = kind
        s.events += 1
        s.last_time = t
        s.last_type = event_type
        cart_items = s.cart_items
        cart_value = round(s.cart_value * 100) / 100 if cart_items else 0.0
        order_id = None
        if kind == CONFIRMATION:
            order_id = s.order_id
            if not s.lines:  # the order's last line: the cart is bought
                s.cart.clear()
                s.customer.last_purchase = product
                s.cart_items, s.cart_value = 0, 0.0
        if s.lines:
            gap: float | None = 0.0
        elif s.step < len(s.plan):
            gap = dwell
        else:
            gap = None
        fields: dict[str, object] = {
            "event_id": uuid4_str(r),
            "customer_id": s.customer.customer_id,
            "session_id": s.session_id,
            "timestamp": self.iso(t),
            "event_type": event_type,
            "product_id": catalogue.product_id[product] if product >= 0 else None,
            "product_category": category_name,
            "price": price,
            "quantity": quantity,
            "page_url": url,
            "referrer_url": s.referrer if s.events == 1 else None,
            "device_info": s.device,
            "location": s.customer.location,
            "time_on_page_seconds": round(dwell),
            "search_query": query,
            "session_event_sequence": s.events,
            "visitor_type": s.visitor_type,
            "traffic_source": s.channel,
            "page_type": PAGE_TYPES[kind],
            "cart_items": cart_items,
            "cart_value": cart_value,
            "order_id": order_id,
            "review_rating": rating,
            "holiday": s.holiday,
            "session_outcome": OUTCOMES[s.outcome],
        }
        return event_type, fields, gap

    def _product(self, s: Session, g: Regime, for_cart: bool) -> int:
        """A product page: the searched product, or a popular one of the current category.

        The product page before an add to cart shows what the session came for
        (its intent category, mostly), never a product already in the cart.
        """
        random = self.r.random
        catalogue = self.catalogue
        if not for_cart and s.page == SEARCH and s.search_hit >= 0 and random() < SEARCH_HIT_CLICK:
            return s.search_hit
        customer = s.customer
        product = -1
        for _ in range(8):
            u = random()
            if for_cart:
                category = s.intent if u < CART_FROM_INTENT else s.category
            elif u < STAY_IN_CATEGORY:
                category = s.category
            else:
                category = customer.preferred[1] if u < 0.875 else g.interest.draw(random)
            product = catalogue.in_category[category].draw(random)
            if (
                catalogue.base_price[product] > catalogue.expensive[category]
                and random() < customer.sensitivity
            ):
                product = catalogue.in_category[category].draw(random)  # a cheaper-minded second look
            if not (for_cart and product in s.cart):
                break
        return product

    def _dwell(self, kind: int, scale: float) -> float:
        """Seconds on a page: log-normal, sometimes with a pause, always below the session timeout."""
        random = self.r.random
        table = DWELL_QUANTILES[kind]
        x = random() * QUANTILES
        i = int(x)
        dwell = table[i] + (x - i) * (table[i + 1] - table[i])
        if random() < PAUSE_PROBABILITY:
            x = random() * QUANTILES
            i = int(x)
            dwell += PAUSE_QUANTILES[i] + (x - i) * (PAUSE_QUANTILES[i + 1] - PAUSE_QUANTILES[i])
        dwell *= scale
        if dwell >= self.limit:
            dwell = self.limit * random()
        return dwell

    # -- a session's end ---------------------------------------------------------------

    def close(self, s: Session) -> None:
        s.closed = True
        s.customer.busy = False

    def ended(self, s: Session, t: float, reason: str) -> Event:
        """The session_ended event of a closed session (no randomness: the main stream is unaffected)."""
        converted = s.order_id is not None and not s.lines
        outcome = (
            "purchase"
            if converted
            else "cart_abandoned"
            if s.added
            else "bounced"
            if s.events == 1
            else "browsed"
        )
        fields = {
            "session_id": s.session_id,
            "customer_id": s.customer.customer_id,
            "timestamp": self.iso_end(t),
            "event_type": "session_ended",
            "ended_reason": reason,
            "session_start": self.iso_start(s.started),
            "duration_seconds": round((s.last_time - s.started) * 1e3) / 1e3,
            "event_count": s.events,
            "converted": converted,
            "outcome": outcome,
            "items": s.items if converted else 0,
            "value": round(s.value * 100) / 100 if converted else 0.0,
            "cart_items": s.cart_items,
            "cart_value": round(s.cart_value * 100) / 100,
            "visitor_type": s.visitor_type,
            "traffic_source": s.channel,
            "device_type": s.device["device_type"],
            "last_event_type": s.last_type,
        }
        return Event(
            t,
            s.session_id,
            "session_ended",
            fields,
            stream=SESSIONS,
            label=str(int(converted)),
            labeled_time=s.started,
        )


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
        enum=tuple(
            (
                "thanksgiving",
                "black_friday",
                "cyber_weekend",
                "cyber_monday",
                "christmas_season",
                "christmas",
                "after_christmas",
            )
        ),
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
