"""Card transactions of persistent cardholders, labeled with ``is_fraud``.

The original ``transaction_fraud_detection`` producer, on the engine: every
original field and option, with cardholders that persist across transactions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pydantic import Field

from streamsim.catalog import device, ipv4_in, ipv4_prefix
from streamsim.clock import DAY, PoissonArrivals, weekly_profile
from streamsim.config import Probability
from streamsim.drift import DRIFT_FIELDS
from streamsim.events import Event
from streamsim.geo import WORLD_CITIES, jitter
from streamsim.parameters import ScenarioOptions
from streamsim.rng import entity_uuid, uuid4_str
from streamsim.scenarios.base import Scenario
from streamsim.schema import FieldSpec, Level
from streamsim.timeutil import IsoFormatter

if TYPE_CHECKING:
    import random

    from streamsim.rng import RngTree

TRANSACTION_TYPES = ("purchase", "withdrawal", "transfer", "payment", "deposit")
PAYMENT_METHODS = ("credit_card", "debit_card", "paypal", "bank_transfer", "crypto")
CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CAD", "AUD", "BRL")
PRODUCT_CATEGORIES = (
    "electronics",
    "clothing",
    "groceries",
    "travel",
    "services",
    "digital_goods",
    "luxury_items",
    "gambling",
    "other",
)
FRAUD_CATEGORIES = ("electronics", "luxury_items", "digital_goods", "gambling")
FRAUD_TYPES = ("high_value", "card_testing")

#: Mean gap of the original producer: it slept uniform(0.05, 0.5) s between transactions.
ORIGINAL_MEAN_GAP_SECONDS = (0.05 + 0.5) / 2
#: Card spending by local hour (share of daily volume; quiet nights, busy midday and evening).
HOURLY_SPEND = (
    0.6,
    0.4,
    0.3,
    0.25,
    0.25,
    0.4,
    0.9,
    1.6,
    2.4,
    3.2,
    3.9,
    4.4,
    4.8,
    4.7,
    4.5,
    4.4,
    4.5,
    4.8,
    5.0,
    4.8,
    4.2,
    3.3,
    2.2,
    1.2,
)
TRANSACTIONS_PER_USER_PER_DAY = 2.0
NEW_ACCOUNT_DAYS = 30


class FraudOptions(ScenarioOptions):
    """Options of the fraud scenario (names and defaults of the original producer)."""

    group_title = "Fraud scenario"

    fraud_probability: Probability = Field(0.01, description="Share of transactions that are fraudulent.")
    account_age_days_limit: int = Field(
        5,
        ge=0,
        description="Age of the oldest accounts, in years (the original option's name).",
        json_schema_extra={"metavar": "YEARS", "drift": False},
    )
    merchant_id_limit: int = Field(
        200,
        ge=1,
        description="Number of distinct merchants (merchant_1 .. merchant_N).",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    cvv_provided_missing_probability: Probability = Field(
        0.05,
        description="Probability that the CVV is missing (legitimate transactions mostly "
        "recover it; fraud removes it more often).",
    )
    billing_address_match_missing_probability: Probability = Field(
        0.1,
        description="Probability of a billing address mismatch (mostly corrected for "
        "legitimate transactions; more frequent with fraud).",
    )
    high_value_fraud_probability: Probability = Field(
        0.8, description="Share of fraud that is high value ($300-6,000); the rest is card testing ($1-50)."
    )
    users: int | None = Field(
        None,
        ge=1,
        description="Cardholders at the start (new accounts open over time). "
        "Default: rate x 86400 / 2, so a cardholder makes about two transactions a day.",
        json_schema_extra={"metavar": "N", "drift": False},
    )


@dataclass(slots=True)
class Cardholder:
    user_id: str
    created: float  # account creation, event time
    currency: str
    lat: float
    lon: float
    os: str
    browser: str
    user_agent: str
    ip_prefix: str


class FraudScenario(Scenario[FraudOptions]):
    """Card transactions of persistent cardholders with fraud labels.

    >>> import itertools
    >>> from streamsim.timeutil import parse_time
    >>> scenario = FraudScenario(seed=7, start=parse_time("2025-03-01T12:00:00Z"))
    >>> first, second = itertools.islice(scenario, 2)
    >>> first.fields["timestamp"][:16], first.key == first.fields["user_id"]
    ('2025-03-01T12:00', True)
    >>> [e.fields["transaction_id"] for e in itertools.islice(scenario, 2)] == [
    ...     first.fields["transaction_id"], second.fields["transaction_id"]]  # same seed, same stream
    True
    """

    name = "fraud"
    description = "Card transactions of persistent cardholders, labeled is_fraud (binary)."
    topic = "transaction_fraud_detection"
    key_doc = "user_id (the cardholder)"
    label_name = "is_fraud"
    Options = FraudOptions

    def default_rate(self) -> float:
        return 1.0 / ORIGINAL_MEAN_GAP_SECONDS

    def default_users(self) -> int:
        return self.options.users or max(1, round(self.effective_rate * DAY / TRANSACTIONS_PER_USER_PER_DAY))

    def field_specs(self) -> dict[str, list[FieldSpec]]:
        return {"": [*FIELDS, *DRIFT_FIELDS]}

    def _generate(self, rng: RngTree) -> Iterator[Event]:
        o = self.options
        arrivals = PoissonArrivals(
            self.effective_rate,
            rng.stream("arrivals"),
            start=self.start,
            intensity=weekly_profile(HOURLY_SPEND),
        )
        r = rng.stream("transactions")
        random, uniform, choice = r.random, r.uniform, r.choice
        people = _Cardholders(rng, self.start, o.account_age_days_limit * 365 * DAY, self.default_users())
        merchants = [f"merchant_{i}" for i in range(1, o.merchant_id_limit + 1)]
        iso = IsoFormatter()
        drift = self._drift(rng, lambda options: options)
        n = 0
        while True:
            t = arrivals.next()
            n += 1
            o = drift.at(t, n)
            is_fraud = random() < o.fraud_probability
            if is_fraud and random() < 0.15:
                user = people.open_account(t - uniform(0, NEW_ACCOUNT_DAYS * DAY))
            else:
                user = people.pick()
            cvv_provided = random() >= o.cvv_provided_missing_probability
            billing_address_match = random() >= o.billing_address_match_missing_probability
            product_category = choice(PRODUCT_CATEGORIES)
            payment_method = choice(PAYMENT_METHODS)
            os_name, browser, agent = user.os, user.browser, user.user_agent
            ip_address = ipv4_in(r, user.ip_prefix)
            lat, lon = jitter(r, user.lat, user.lon, 15.0)
            fraud_type = None
            if is_fraud:
                # The original producer's fraud signature.
                if random() < o.high_value_fraud_probability:
                    fraud_type, amount = "high_value", round(uniform(30000, 600000)) / 100
                else:
                    fraud_type, amount = "card_testing", round(uniform(100, 5000)) / 100
                if random() < 0.4:
                    cvv_provided = False
                if random() < 0.3:
                    billing_address_match = False
                if random() < 0.2:
                    product_category = choice(FRAUD_CATEGORIES)
                if random() < 0.1:
                    payment_method = choice(("crypto", "credit_card"))
                if random() < 0.5:  # a stolen card used from another device and place
                    os_name, browser, agent = device(r)
                    ip_address = ipv4_in(r, ipv4_prefix(r))
                    city = choice(WORLD_CITIES)
                    lat, lon = jitter(r, city.lat, city.lon, 15.0)
            else:
                amount = round(uniform(500, 50000)) / 100
                if not cvv_provided and random() < 0.9:
                    cvv_provided = True
                if not billing_address_match and random() < 0.8:
                    billing_address_match = True
            fields = {
                "transaction_id": uuid4_str(r),
                "user_id": user.user_id,
                "timestamp": iso(t),
                "amount": amount,
                "currency": user.currency,
                "merchant_id": choice(merchants),
                "product_category": product_category,
                "transaction_type": choice(TRANSACTION_TYPES),
                "payment_method": payment_method,
                "location": {"lat": round(lat * 1e6) / 1e6, "lon": round(lon * 1e6) / 1e6},
                "ip_address": ip_address,
                "device_info": {"os": os_name, "browser": browser},
                "user_agent": agent,
                "account_age_days": int((t - user.created) // DAY),
                "cvv_provided": cvv_provided,
                "billing_address_match": billing_address_match,
                "is_fraud": int(is_fraud),
                "fraud_type": fraud_type,
                "concept_id": drift.concept,
                "drift_phase": drift.phase,
            }
            yield Event(t, user.user_id, "transaction", fields, label=str(int(is_fraud)))


class _Cardholders:
    """The cardholder population, created lazily (a cardholder exists once first seen)."""

    def __init__(self, rng: RngTree, start: float, max_age: float, population: int) -> None:
        self._rng: random.Random = rng.stream("cardholders")
        self._pick: random.Random = rng.stream("cardholder-choice")
        self._shard = rng.shard
        self._start = start
        self._max_age = max_age
        self._population = population
        self._known: dict[int, Cardholder] = {}
        self._weights = [c.weight for c in WORLD_CITIES]

    def pick(self) -> Cardholder:
        n = self._pick.randrange(self._population)
        found = self._known.get(n)
        if found is None:
            found = self._known[n] = self._create(n, self._start - self._rng.uniform(0, self._max_age))
        return found

    def open_account(self, created: float) -> Cardholder:
        n = self._population
        self._population += 1
        holder = self._known[n] = self._create(n, created)
        return holder

    def _create(self, n: int, created: float) -> Cardholder:
        r = self._rng
        city = r.choices(WORLD_CITIES, self._weights)[0]
        lat, lon = jitter(r, city.lat, city.lon, 12.0)
        os_name, browser, agent = device(r)
        return Cardholder(
            entity_uuid(r, self._shard, n),
            created,
            city.currency,
            lat,
            lon,
            os_name,
            browser,
            agent,
            ipv4_prefix(r),
        )


FIELDS = [
    FieldSpec("transaction_id", "string", "Unique id of the transaction.", Level.CLASSIC, format="uuid"),
    FieldSpec(
        "user_id", "string", "Cardholder id, stable across the cardholder's transactions.", Level.CLASSIC
    ),
    FieldSpec("timestamp", "string", "Event time, ISO-8601 UTC.", Level.CLASSIC, format="date-time"),
    FieldSpec("amount", "number", "Amount in the transaction currency.", Level.CLASSIC),
    FieldSpec(
        "currency",
        "string",
        "ISO 4217 currency (the cardholder's home currency).",
        Level.CLASSIC,
        enum=CURRENCIES,
    ),
    FieldSpec(
        "merchant_id", "string", "Merchant id, merchant_1 .. merchant_<merchant-id-limit>.", Level.CLASSIC
    ),
    FieldSpec(
        "product_category", "string", "Category of what was bought.", Level.CLASSIC, enum=PRODUCT_CATEGORIES
    ),
    FieldSpec("transaction_type", "string", "Kind of transaction.", Level.CLASSIC, enum=TRANSACTION_TYPES),
    FieldSpec("payment_method", "string", "Payment instrument.", Level.CLASSIC, enum=PAYMENT_METHODS),
    FieldSpec("location.lat", "number", "Latitude where the transaction was made.", Level.CLASSIC),
    FieldSpec("location.lon", "number", "Longitude where the transaction was made.", Level.CLASSIC),
    FieldSpec("ip_address", "string", "IPv4 address of the client.", Level.CLASSIC, format="ipv4"),
    FieldSpec("device_info.os", "string", "Operating system of the device.", Level.CLASSIC),
    FieldSpec("device_info.browser", "string", "Browser of the device.", Level.CLASSIC),
    FieldSpec("user_agent", "string", "User-agent string, consistent with OS and browser.", Level.CLASSIC),
    FieldSpec(
        "account_age_days",
        "integer",
        "Whole days since the account was opened (grows with event time).",
        Level.CLASSIC,
    ),
    FieldSpec("cvv_provided", "boolean", "Whether the card verification value was given.", Level.CLASSIC),
    FieldSpec("billing_address_match", "boolean", "Whether the billing address matched.", Level.CLASSIC),
    FieldSpec("is_fraud", "integer", "Label: 1 if fraudulent, else 0.", Level.CLASSIC, enum=(0, 1)),
    FieldSpec(
        "fraud_type",
        "string",
        "Ground truth: the fraud pattern, null for legitimate transactions.",
        Level.FULL,
        nullable=True,
        enum=FRAUD_TYPES,
    ),
]
