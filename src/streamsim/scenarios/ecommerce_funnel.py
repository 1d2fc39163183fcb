"""The shopping funnel: each session's plan through the state machine, and the derived tables of a regime.

A session decides at its start, from its visitor, device, channel, category and
the calendar, whether it will bounce, browse, abandon a cart or buy; its plan is
then the list of actions it walks through (landing, browsing, product views,
add/remove, cart, checkout, purchase). Because plans are drawn from known
distributions, the mean number of events per session has a closed form, which
calibrates the session start rate to the requested event rate.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from streamsim.rng import Weighted
from streamsim.scenarios.ecommerce_calendar import weekly_rhythm
from streamsim.scenarios.ecommerce_catalogue import CATEGORIES
from streamsim.scenarios.ecommerce_customers import MEAN_SESSION_LOYALTY, SECOND_DEVICE, device_profiles
from streamsim.scenarios.ecommerce_options import CHANNELS, DEVICE_TYPES

if TYPE_CHECKING:
    from streamsim.scenarios.ecommerce_calendar import Calendar
    from streamsim.scenarios.ecommerce_catalogue import Catalogue
    from streamsim.scenarios.ecommerce_options import EcommerceOptions

# Actions of a plan: one event each, except PURCHASE (one event per cart line).
LAND, BROWSE, PRODUCT, ADD, REMOVE, CART, CHECKOUT, PURCHASE, REVIEW = range(9)
# Outcomes a session is headed for.
BOUNCED, BROWSED, ABANDONED, PURCHASED = range(4)
OUTCOMES = ("bounced", "browsed", "cart_abandoned", "purchase")

# Shape of a plan (fixed; the drifting parameters are in the options).
EXTRA_LINES = 0.6  # mean cart lines beyond the first
BROWSE_BETWEEN_ADDS = 1.0  # mean pages between one add and the next product page
REMOVE_SHARE = 0.25  # carts of two lines or more that drop one
VIEW_CART_FIRST = 0.8  # shoppers who view the cart before checking out
# Where cart abandoners leave: just after adding, on the cart page, or in the checkout.
EXIT_AFTER_ADD, EXIT_AT_CART = 0.45, 0.25
EXIT_IN_CHECKOUT = 1.0 - EXIT_AFTER_ADD - EXIT_AT_CART
BROWSE_ON = 0.4  # of those leaving after adding, the share who browse on first (1 + Geometric(1) pages)
MAX_CART_PROBABILITY = 0.9
MAX_BOUNCE_PROBABILITY = 0.95
MAX_COMPLETION = 0.98

_TWO_LINES = EXTRA_LINES / (1.0 + EXTRA_LINES)  # P(cart lines >= 2)
#: Expected events of a cart session beyond its browsing, by branch.
CART_EVENTS = 2.0 + EXTRA_LINES * (BROWSE_BETWEEN_ADDS + 2.0) + _TWO_LINES * REMOVE_SHARE
PURCHASE_EVENTS = VIEW_CART_FIRST + 1.0 + (1.0 + EXTRA_LINES - _TWO_LINES * REMOVE_SHARE)
ABANDON_EVENTS = EXIT_AFTER_ADD * BROWSE_ON * 2.0 + EXIT_AT_CART + EXIT_IN_CHECKOUT * (VIEW_CART_FIRST + 1.0)


def geometric_log(mean: float) -> float:
    """log(mean / (1 + mean)): the parameter of :func:`geometric` (0 for a mean of 0)."""
    return math.log(mean / (1.0 + mean)) if mean > 0 else 0.0


def geometric(random: Callable[[], float], log_ratio: float) -> int:
    """A count 0, 1, 2... with P(>= k) = ratio ** k (``log_ratio`` from :func:`geometric_log`).

    >>> from streamsim.rng import Rng
    >>> r, log_ratio = Rng(2), geometric_log(1.5)
    >>> round(sum(geometric(r.random, log_ratio) for _ in range(20000)) / 20000, 1)
    1.5
    """
    if log_ratio == 0.0:
        return 0
    return int(math.log(1.0 - random()) / log_ratio)


_LOG_EXTRA_LINES = geometric_log(EXTRA_LINES)
_LOG_BETWEEN_ADDS = geometric_log(BROWSE_BETWEEN_ADDS)
_LOG_ONE = geometric_log(1.0)


def build_plan(random: Callable[[], float], outcome: int, log_pages: float, review: bool) -> list[int]:
    """The actions of a session headed for ``outcome``.

    >>> from streamsim.rng import Rng
    >>> r = Rng(4)
    >>> build_plan(r.random, BOUNCED, geometric_log(3.0), False)
    [0]
    >>> plan = build_plan(r.random, PURCHASED, geometric_log(3.0), False)
    >>> plan[0], plan[-2:], plan.count(ADD) == plan.count(PRODUCT)
    (0, [6, 7], True)
    """
    plan = [LAND]
    if outcome == BOUNCED:
        return plan
    pages = 1 + geometric(random, log_pages)  # after the landing page; mean browse_depth - 1
    if review:
        plan.append(REVIEW)  # replaces a page: the session's length does not change
        pages -= 1
    plan.extend([BROWSE] * pages)
    if outcome == BROWSED:
        return plan
    plan += (PRODUCT, ADD)
    lines = 1
    for _ in range(geometric(random, _LOG_EXTRA_LINES)):
        plan.extend([BROWSE] * geometric(random, _LOG_BETWEEN_ADDS))
        plan += (PRODUCT, ADD)
        lines += 1
    if lines > 1 and random() < REMOVE_SHARE:
        plan.append(REMOVE)
    if outcome == PURCHASED:
        if random() < VIEW_CART_FIRST:
            plan.append(CART)
        plan += (CHECKOUT, PURCHASE)
        return plan
    exit_point = random()
    if exit_point < EXIT_AFTER_ADD:
        if random() < BROWSE_ON:
            plan.extend([BROWSE] * (1 + geometric(random, _LOG_ONE)))
    elif exit_point < EXIT_AFTER_ADD + EXIT_AT_CART:
        plan.append(CART)
    else:
        if random() < VIEW_CART_FIRST:
            plan.append(CART)
        plan.append(CHECKOUT)
    return plan


@dataclass(frozen=True, slots=True)
class Regime:
    """Everything a session needs from the options in effect, precomputed."""

    options: EcommerceOptions
    sessions_per_second: float  # before the weekly rhythm and holidays
    intensity: Callable[[int], float]
    holiday_conversion: dict[str, float] | None
    channels: Weighted[int]
    channel_cart: tuple[float, ...]  # add-to-cart propensity of a reference visitor, by channel
    channel_bounce: tuple[float, ...]  # bounce probability of a non-buyer, by channel (times device)
    device_bounce: dict[str, float]
    device_completion: dict[str, float]  # probability that a cart is bought, by device type
    devices: Weighted[dict[str, str]]  # main device profiles of new customers
    interest: Weighted[int]
    new_factor: float  # add-to-cart multiplier of a new visitor
    returning_factor: float  # ... of a returning one, times (0.5 + loyalty)
    prices: list[float]
    log_price_multipliers: tuple[float, ...]
    log_pages: float  # geometric parameter of the pages after landing

    @classmethod
    def build(
        cls, o: EcommerceOptions, catalogue: Catalogue, calendar: Calendar, base_sessions: float
    ) -> Regime:
        t = _Tables(o)
        holidays = o.holiday_effects if o.holidays else None
        return cls(
            options=o,
            sessions_per_second=base_sessions * o.traffic_multiplier,
            intensity=calendar.intensity(
                weekly_rhythm(o.seasonality),
                None if holidays is None else {k: v.traffic for k, v in holidays.items()},
            ),
            holiday_conversion=None if holidays is None else {k: v.conversion for k, v in holidays.items()},
            channels=Weighted(range(len(CHANNELS)), [o.channels[c].share for c in CHANNELS]),
            channel_cart=t.channel_cart,
            channel_bounce=t.channel_bounce,
            device_bounce=t.device_bounce,
            device_completion=t.device_completion,
            devices=device_profiles({d: o.devices[d].share for d in DEVICE_TYPES}),
            interest=Weighted(range(len(CATEGORIES)), [o.category_interest[c.name] for c in CATEGORIES]),
            new_factor=t.new_factor,
            returning_factor=t.returning_factor,
            prices=catalogue.prices(o.category_price_multipliers),
            log_price_multipliers=tuple(math.log(o.category_price_multipliers[c.name]) for c in CATEGORIES),
            log_pages=geometric_log(o.browse_depth - 2.0),
        )


class _Tables:
    """Normalised propensities: relative effects average to 1 over the mixes, so rates mean what they say."""

    def __init__(self, o: EcommerceOptions) -> None:
        channel_share = _normalised([o.channels[c].share for c in CHANNELS])
        mean_conversion = sum(
            s * o.channels[c].conversion for s, c in zip(channel_share, CHANNELS, strict=True)
        )
        mean_bounce = sum(s * o.channels[c].bounce for s, c in zip(channel_share, CHANNELS, strict=True))
        atc = o.add_to_cart_rate
        self.channel_share = channel_share
        self.channel_cart = tuple(atc * o.channels[c].conversion / mean_conversion for c in CHANNELS)
        # Bounces come from sessions that do not add to the cart, hence the 1 / (1 - atc).
        self.channel_bounce = tuple(
            o.bounce_rate * o.channels[c].bounce / mean_bounce / (1.0 - atc) for c in CHANNELS
        )
        self.device_share = session_devices(o)
        mean_device_bounce = sum(self.device_share[d] * o.devices[d].bounce for d in DEVICE_TYPES)
        mean_device_conversion = sum(self.device_share[d] * o.devices[d].conversion for d in DEVICE_TYPES)
        self.device_bounce = {d: o.devices[d].bounce / mean_device_bounce for d in DEVICE_TYPES}
        self.device_completion = {
            d: min(
                MAX_COMPLETION,
                (1.0 - o.cart_abandonment_rate) * o.devices[d].conversion / mean_device_conversion,
            )
            for d in DEVICE_TYPES
        }
        mean_visitor = o.new_visitor_share + (1.0 - o.new_visitor_share) * o.returning_conversion_lift
        self.new_factor = 1.0 / mean_visitor
        self.returning_factor = o.returning_conversion_lift / mean_visitor / (0.5 + MEAN_SESSION_LOYALTY)


def _normalised(weights: list[float]) -> list[float]:
    total = sum(weights)
    return [w / total for w in weights]


def session_devices(o: EcommerceOptions) -> dict[str, float]:
    """Share of sessions by device type: customers' devices, some returning sessions on the second one."""
    primary = dict(zip(DEVICE_TYPES, _normalised([o.devices[d].share for d in DEVICE_TYPES]), strict=True))
    switched = (1.0 - o.new_visitor_share) * o.cross_device_share
    out = {d: (1.0 - switched) * share for d, share in primary.items()}
    for d, share in primary.items():
        out[SECOND_DEVICE[d]] += switched * share
    return out


def events_per_session(o: EcommerceOptions) -> float:
    """Mean events of a session under these options (ordinary days), from the plan's closed form.

    >>> from streamsim.scenarios.ecommerce_options import EcommerceOptions
    >>> round(events_per_session(EcommerceOptions()), 2)
    4.07
    """
    t = _Tables(o)
    interest = _normalised([o.category_interest[c.name] for c in CATEGORIES])
    price = sum(
        w * o.category_price_multipliers[c.name] ** -o.price_elasticity
        for w, c in zip(interest, CATEGORIES, strict=True)
    )
    bounce = cart = 0.0
    for share, cart_propensity, bounce_propensity in zip(
        t.channel_share, t.channel_cart, t.channel_bounce, strict=True
    ):
        p_cart = min(MAX_CART_PROBABILITY, cart_propensity * price)
        cart += share * p_cart
        for d in DEVICE_TYPES:
            p_bounce = min(MAX_BOUNCE_PROBABILITY, bounce_propensity * t.device_bounce[d])
            bounce += share * t.device_share[d] * (1.0 - p_cart) * p_bounce
    completion = sum(t.device_share[d] * t.device_completion[d] for d in DEVICE_TYPES)
    depth = o.browse_depth
    cart_events = depth + CART_EVENTS + completion * PURCHASE_EVENTS + (1.0 - completion) * ABANDON_EVENTS
    return bounce + (1.0 - bounce - cart) * depth + cart * cart_events
