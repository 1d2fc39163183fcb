"""Options of the e-commerce scenario: every behaviour parameter, its default and its bounds.

Defaults come from published figures (see ``docs/scenarios/ecommerce.md`` for
the sources). Mixes and per-category tables are mappings, set in a config file
or a drift phase; keys left out keep their default.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from streamsim.config import Allowed, Probability
from streamsim.parameters import DriftPreset, ScenarioOptions
from streamsim.scenarios.ecommerce.catalogue import CATEGORIES

CHANNELS = ("direct", "organic_search", "paid", "social", "email", "marketplace")
DEVICE_TYPES = ("Mobile", "Desktop", "Tablet")
HOLIDAYS = (
    "thanksgiving",
    "black_friday",
    "cyber_weekend",
    "cyber_monday",
    "christmas_season",
    "christmas",
    "after_christmas",
)


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChannelSpec(_Spec):
    """A traffic channel: its share of sessions and its relative bounce and conversion propensities."""

    share: float = Field(ge=0)
    bounce: float = Field(gt=0, le=10)
    conversion: float = Field(gt=0, le=10)


class DeviceSpec(_Spec):
    """A device type: its share of customers and its relative bounce and checkout-completion propensities."""

    share: float = Field(ge=0)
    bounce: float = Field(gt=0, le=10)
    conversion: float = Field(gt=0, le=10)


class HolidayEffect(_Spec):
    """How a calendar period multiplies session starts (traffic) and purchase propensity (conversion)."""

    traffic: float = Field(gt=0, le=20)
    conversion: float = Field(gt=0, le=10)


# Channel shares: Monetate's e-commerce traffic by source (search about a third),
# Yotpo's 65 million orders (social 6%, email 3%); relative conversion: Endertech/Retail
# TouchPoints (email 5.2% against about 3% overall); bounce: social and paid land cold.
DEFAULT_CHANNELS: dict[str, dict[str, float]] = {
    "direct": {"share": 0.28, "bounce": 0.85, "conversion": 1.3},
    "organic_search": {"share": 0.33, "bounce": 1.0, "conversion": 1.0},
    "paid": {"share": 0.17, "bounce": 1.2, "conversion": 0.85},
    "social": {"share": 0.08, "bounce": 1.45, "conversion": 0.45},
    "email": {"share": 0.06, "bounce": 0.75, "conversion": 1.8},
    "marketplace": {"share": 0.08, "bounce": 0.9, "conversion": 1.1},
}
# Device shares: the original producer's 60/35/5. Bounce: Monetate EQ4 2015 (mobile 37%,
# desktop 26%, tablet 28%). Conversion: Monetate (mobile converts at about 40-50% of desktop).
DEFAULT_DEVICES: dict[str, dict[str, float]] = {
    "Mobile": {"share": 0.60, "bounce": 1.15, "conversion": 0.75},
    "Desktop": {"share": 0.35, "bounce": 0.8, "conversion": 1.5},
    "Tablet": {"share": 0.05, "bounce": 0.87, "conversion": 1.3},
}
# Adobe Digital Economy Index, 2024 season: Cyber Monday $13.3B, Black Friday $10.8B and
# Thanksgiving $6.1B against about $4B on an average day of November-December. Traffic grows
# less than revenue: holiday traffic reports (Adobe Analytics, Salesforce Shopping Index) put
# Cyber Monday's visits at about 1.5-2x an ordinary day, so its conversion multiplier carries
# the rest of its ~3.3x revenue (1.6 x 1.85 on a Monday, itself 13% above the average day).
DEFAULT_HOLIDAYS: dict[str, dict[str, float]] = {
    "thanksgiving": {"traffic": 1.5, "conversion": 1.2},
    "black_friday": {"traffic": 2.4, "conversion": 1.5},
    "cyber_weekend": {"traffic": 1.8, "conversion": 1.3},
    "cyber_monday": {"traffic": 1.6, "conversion": 1.85},
    "christmas_season": {"traffic": 1.3, "conversion": 1.15},
    "christmas": {"traffic": 0.8, "conversion": 0.85},
    "after_christmas": {"traffic": 1.2, "conversion": 1.05},
}
DEFAULT_INTEREST: dict[str, float] = {c.name: c.interest for c in CATEGORIES}
DEFAULT_CONVERSION_RATE = 0.025
DEFAULT_CART_ABANDONMENT_RATE = 0.70
DEFAULT_BOUNCE_RATE = 0.35
DEFAULT_NEW_VISITOR_SHARE = 0.52
DEFAULT_RETURNING_CONVERSION_LIFT = 1.75
DEFAULT_PRICE_MULTIPLIERS: dict[str, float] = {c.name: 1.0 for c in CATEGORIES}


def _complete_specs(defaults: Mapping[str, Mapping[str, float]], what: str) -> Callable[[Any], Any]:
    """Fill a partial mapping of specs from the defaults, key by key and field by field."""

    def complete(value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise ValueError(f"expected a mapping of {what} to settings")
        unknown = [key for key in value if key not in defaults]
        if unknown:
            raise ValueError(f"unknown {what} {unknown[0]!r}; expected some of: {', '.join(defaults)}")
        out: dict[str, Any] = {}
        for key, default in defaults.items():
            given = value.get(key, {})
            if isinstance(given, BaseModel):
                given = given.model_dump()
            if not isinstance(given, Mapping):
                raise ValueError(f"expected a mapping of settings for {what} {key!r}")
            out[key] = {**default, **given}
        return out

    return complete


def _complete_numbers(defaults: Mapping[str, float], what: str) -> Callable[[Any], Any]:
    def complete(value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise ValueError(f"expected a mapping of {what} to numbers")
        unknown = [key for key in value if key not in defaults]
        if unknown:
            raise ValueError(f"unknown {what} {unknown[0]!r}; expected some of: {', '.join(defaults)}")
        return {**defaults, **value}

    return complete


ChannelMix = Annotated[
    dict[str, ChannelSpec],
    BeforeValidator(_complete_specs(DEFAULT_CHANNELS, "channel")),
    Allowed("channel -> {share, bounce, conversion}; channels: " + ", ".join(CHANNELS)),
]
DeviceMix = Annotated[
    dict[str, DeviceSpec],
    BeforeValidator(_complete_specs(DEFAULT_DEVICES, "device type")),
    Allowed("device type -> {share, bounce, conversion}; types: " + ", ".join(DEVICE_TYPES)),
]
HolidayEffects = Annotated[
    dict[str, HolidayEffect],
    BeforeValidator(_complete_specs(DEFAULT_HOLIDAYS, "holiday")),
    Allowed("holiday -> {traffic, conversion}; holidays: " + ", ".join(HOLIDAYS)),
]
CategoryNumbers = Annotated[
    dict[str, Annotated[float, Field(ge=0, le=100)]],
    BeforeValidator(_complete_numbers(DEFAULT_INTEREST, "category")),
    Allowed("category -> number from 0 to 100"),
]
PriceMultipliers = Annotated[
    dict[str, Annotated[float, Field(gt=0, le=100)]],
    BeforeValidator(_complete_numbers(DEFAULT_PRICE_MULTIPLIERS, "category")),
    Allowed("category -> number > 0"),
]

_GIFTS = {"Toys & Games": 2.6, "Electronics": 1.6, "Beauty & Personal Care": 1.3, "Books": 1.2}
_SALE = {"Electronics": 0.85, "Toys & Games": 0.9, "Fashion & Apparel": 0.85, "Computers": 0.9}
# Tariffs on goods mostly made abroad, passed on to shelf prices: most on electronics and toys,
# less on clothes, furniture and sports gear.
_TARIFF = {
    "Electronics": 1.3,
    "Computers": 1.3,
    "Toys & Games": 1.3,
    "Fashion & Apparel": 1.2,
    "Home & Garden": 1.2,
    "Sports & Outdoors": 1.15,
}
# A campaign adds half the usual traffic, all of it new visitors from social ads, colder than the
# shop's own social followers.
_CAMPAIGN_EXTRA = 0.5
_CAMPAIGN_CHANNELS = {
    "social": {
        "share": DEFAULT_CHANNELS["social"]["share"] + _CAMPAIGN_EXTRA,
        "bounce": 1.6,
        "conversion": 0.25,
    }
}
_CAMPAIGN_NEW_VISITORS = (DEFAULT_NEW_VISITOR_SHARE + _CAMPAIGN_EXTRA) / (1 + _CAMPAIGN_EXTRA)
_PROMOTED = {"Fashion & Apparel": 2.0, "Beauty & Personal Care": 2.0}


def _same_visitors_behave_alike(
    channels: Mapping[str, Mapping[str, float]], new_share: float
) -> dict[str, float]:
    """Conversion and bounce rates under a new channel and visitor mix that keep each channel's and
    visitor type's propensities as they were.

    The scenario normalises channel and visitor effects to average 1 over the mix in effect, so
    that the rates mean what they say. A mix that shifts towards visitors who buy less must
    therefore lower the rates themselves, or everyone else would buy more to make up for them.
    """
    old = {name: dict(spec) for name, spec in DEFAULT_CHANNELS.items()}
    new = {name: {**spec, **channels.get(name, {})} for name, spec in old.items()}

    def mean(mix: Mapping[str, Mapping[str, float]], key: str) -> float:
        return sum(s["share"] * s[key] for s in mix.values()) / sum(s["share"] for s in mix.values())

    def visitors(share: float) -> float:
        return share + (1 - share) * DEFAULT_RETURNING_CONVERSION_LIFT

    conversion = DEFAULT_CONVERSION_RATE * mean(new, "conversion") / mean(old, "conversion")
    conversion *= visitors(new_share) / visitors(DEFAULT_NEW_VISITOR_SHARE)
    carts_before, carts_after = (
        rate / (1 - DEFAULT_CART_ABANDONMENT_RATE) for rate in (DEFAULT_CONVERSION_RATE, conversion)
    )
    bounce = (
        DEFAULT_BOUNCE_RATE
        * mean(new, "bounce")
        / mean(old, "bounce")
        * (1 - carts_after)
        / (1 - carts_before)
    )
    return {"conversion_rate": round(conversion, 4), "bounce_rate": round(bounce, 4)}


PRESETS = {
    "holiday-season": DriftPreset(
        "From day 2 a holiday season builds up over two days: 80% more sessions, conversion up from "
        "2.5% to 3.4%, gift categories (toys, electronics, beauty, books) in demand and discounted "
        "10-15%. From day 12 it fades over a day into a post-holiday lull (15% less traffic, 2.1% "
        "conversion, regular prices and interests).",
        (
            {
                "name": "holiday-season",
                "at": "+2d",
                "how": "gradual",
                "width": "2d",
                "set": {
                    "traffic_multiplier": 1.8,
                    "conversion_rate": 0.034,
                    "category_interest": {k: DEFAULT_INTEREST[k] * v for k, v in _GIFTS.items()},
                    "category_price_multipliers": _SALE,
                },
            },
            {
                "name": "post-holiday-lull",
                "at": "+12d",
                "how": "gradual",
                "width": "1d",
                "set": {
                    "traffic_multiplier": 0.85,
                    "conversion_rate": 0.021,
                    "category_interest": {},
                    "category_price_multipliers": {},
                },
            },
        ),
    ),
    "price-increase": DriftPreset(
        "On day 3 tariffs on imported goods reach the shelf at once: Electronics, Computers and Toys "
        "& Games cost 30% more, Fashion & Apparel and Home & Garden 20%, Sports & Outdoors 15%. The "
        "same products cost more, and the sessions that come for them add to carts a fifth to a "
        "third less often (price-sensitive customers most), so the shop's conversion falls from "
        "2.5% to about 2.1% while books, groceries, beauty and the other domestic goods sell as before.",
        (
            {
                "name": "tariff-price-increase",
                "at": "+3d",
                "set": {"category_price_multipliers": _TARIFF},
            },
        ),
    ),
    "social-campaign": DriftPreset(
        "From day 2, every week a two-day social-media ad campaign runs (recurring) for fashion and "
        "beauty: 50% more sessions, all the extra from social ads and first-time visitors. They come "
        "for the promoted categories, bounce more and buy less than the shop's usual social visitors "
        "(a cold audience), while everyone else behaves as before: traffic rises, conversion per "
        "session falls from 2.5% to about 1.7%.",
        (
            {
                "name": "social-campaign",
                "at": "+2d",
                "how": "recurring",
                "period": "7d",
                "duration": "2d",
                "set": {
                    "traffic_multiplier": 1.5,
                    "new_visitor_share": _CAMPAIGN_NEW_VISITORS,
                    "channels": _CAMPAIGN_CHANNELS,
                    "category_interest": {k: DEFAULT_INTEREST[k] * v for k, v in _PROMOTED.items()},
                    **_same_visitors_behave_alike(_CAMPAIGN_CHANNELS, _CAMPAIGN_NEW_VISITORS),
                },
            },
        ),
    ),
}


class EcommerceOptions(ScenarioOptions):
    """Options of the e-commerce scenario (the original producer's four, then the new ones)."""

    group_title = "E-commerce scenario"
    drift_presets = PRESETS

    event_rate_per_minute: float = Field(
        600,
        ge=6e-5,
        le=6e8,
        description="Mean events per minute over ordinary weeks (sets the rate unless --rate is given); "
        "the session start rate is calibrated so that sessions produce this many events.",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    max_active_sessions: int = Field(
        50_000,
        ge=1,
        le=100_000_000,
        description="Hard cap on open sessions; starting one more first closes the least recently "
        "active one (ended_reason 'cap').",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    session_timeout_minutes: float = Field(
        30,
        gt=0,
        le=10080,
        description="A session ends after this much inactivity (event time); no event of it comes later.",
        json_schema_extra={"metavar": "MINUTES", "drift": False},
    )
    customers: int = Field(
        50_000,
        ge=1,
        le=1_000_000_000,
        description="Customer base: returning customers keep their id, devices, location and tastes; "
        "sign-ups replace churned customers, so the size stays constant.",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    products: int = Field(
        5_000,
        ge=1,
        le=1_000_000,
        description="Products in the catalogue (prod_1000 onwards), each with a fixed category and price.",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    session_outcomes: bool = Field(
        False,
        description="Also write one session_ended event per closed session (converted, items, value, "
        "reason) to the companion topic <topic>_sessions.",
        json_schema_extra={"drift": False},
    )
    seasonality: bool = Field(
        True, description="Daily and weekly rhythm of traffic in Houston time (off: a flat rate)."
    )
    holidays: bool = Field(
        True,
        description="Holiday calendar: Thanksgiving, Black Friday, Cyber Monday, the Christmas season... "
        "multiply traffic and conversion (see holiday_effects).",
    )
    holiday_effects: HolidayEffects = Field(
        DEFAULT_HOLIDAYS,
        validate_default=True,
        description="Traffic and conversion multipliers of each holiday period.",
        json_schema_extra={"cli": False},
    )
    traffic_multiplier: float = Field(
        1.0,
        gt=0,
        le=100,
        description="Multiplies the session start rate: a surge or slump of traffic (for drift).",
        json_schema_extra={"metavar": "X"},
    )
    conversion_rate: float = Field(
        DEFAULT_CONVERSION_RATE,
        gt=0,
        lt=1,
        description="Share of sessions that end in a purchase, on average over visitors, devices "
        "and channels (outside holidays, at regular prices).",
        json_schema_extra={"metavar": "P"},
    )
    cart_abandonment_rate: float = Field(
        DEFAULT_CART_ABANDONMENT_RATE,
        ge=0,
        lt=1,
        description="Share of sessions with an add-to-cart that do not buy (Baymard: 70%).",
        json_schema_extra={"metavar": "P"},
    )
    bounce_rate: float = Field(
        DEFAULT_BOUNCE_RATE,
        ge=0,
        lt=1,
        description="Share of sessions with a single page view.",
        json_schema_extra={"metavar": "P"},
    )
    new_visitor_share: Probability = Field(
        DEFAULT_NEW_VISITOR_SHARE,
        description="Share of sessions from first-time visitors; the rest are returning customers.",
        json_schema_extra={"metavar": "P"},
    )
    signup_probability: Probability = Field(
        0.05,
        description="Probability that a first-time visitor joins the customer base (and comes back); "
        "each sign-up replaces a churning customer, the less loyal more likely.",
        json_schema_extra={"metavar": "P"},
    )
    returning_conversion_lift: float = Field(
        DEFAULT_RETURNING_CONVERSION_LIFT,
        gt=0,
        le=10,
        description="How much more often returning customers add to cart than new visitors "
        "(loyal ones more, occasional ones less).",
        json_schema_extra={"metavar": "X"},
    )
    cross_device_share: Probability = Field(
        0.1,
        description="Share of a returning customer's sessions on their second device.",
        json_schema_extra={"metavar": "P"},
    )
    browse_depth: float = Field(
        5.0,
        ge=2,
        le=100,
        description="Mean pages (views and searches) of a session that does not bounce, before it "
        "leaves or adds to the cart.",
        json_schema_extra={"metavar": "N"},
    )
    review_probability: Probability = Field(
        0.05,
        description="Probability that a returning customer who bought before reviews that product.",
        json_schema_extra={"metavar": "P"},
    )
    time_on_page_scale: float = Field(
        1.0,
        gt=0,
        le=10,
        description="Multiplies every time on page (and so the gaps between a session's events).",
        json_schema_extra={"metavar": "X"},
    )
    price_elasticity: float = Field(
        1.5,
        ge=0,
        le=10,
        description="How strongly a category's price multiplier moves add-to-cart propensity "
        "(price-sensitive customers react more).",
        json_schema_extra={"metavar": "X"},
    )
    channels: ChannelMix = Field(
        DEFAULT_CHANNELS,
        validate_default=True,
        description="Traffic channels: share of sessions, relative bounce and conversion propensity.",
        json_schema_extra={"cli": False},
    )
    devices: DeviceMix = Field(
        DEFAULT_DEVICES,
        validate_default=True,
        description="Device types of new customers: share, relative bounce and checkout completion.",
        json_schema_extra={"cli": False},
    )
    category_interest: CategoryNumbers = Field(
        DEFAULT_INTEREST,
        validate_default=True,
        description="Relative demand of each category (customers' preferences are drawn from it).",
        json_schema_extra={"cli": False},
    )
    category_price_multipliers: PriceMultipliers = Field(
        DEFAULT_PRICE_MULTIPLIERS,
        validate_default=True,
        description="Multiplies the prices of each category's products (a price change or a sale).",
        json_schema_extra={"cli": False},
    )

    @property
    def add_to_cart_rate(self) -> float:
        """Share of sessions with an add-to-cart implied by conversion and abandonment."""
        return self.conversion_rate / (1.0 - self.cart_abandonment_rate)

    @model_validator(mode="after")
    def _consistent_funnel(self) -> EcommerceOptions:
        if self.add_to_cart_rate > 0.5:
            raise ValueError(
                "--conversion-rate / (1 - --cart-abandonment-rate), the add-to-cart rate, must be <= 0.5"
            )
        if self.bounce_rate + self.add_to_cart_rate >= 0.95:
            raise ValueError("--bounce-rate plus the add-to-cart rate must be < 0.95")
        for name, table in (("channels", self.channels), ("devices", self.devices)):
            if sum(spec.share for spec in table.values()) <= 0:
                raise ValueError(f"{name} needs some positive share")
        if sum(self.category_interest.values()) <= 0:
            raise ValueError("category_interest needs some positive value")
        return self
