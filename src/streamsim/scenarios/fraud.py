"""Card transactions of persistent cardholders, with fraud campaigns and inline or delayed labels.

The original ``transaction_fraud_detection`` producer, on the engine: every
original field and option, with cardholders who keep their habits, merchants
with a risk, five fraud typologies that come as campaigns, and labels either
on the transaction (``is_fraud``) or on a companion stream when the fraud is
confirmed. See ``docs/scenarios/fraud.md``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from streamsim.clock import DAY
from streamsim.config import Allowed, Probability
from streamsim.drift import DRIFT_FIELDS
from streamsim.events import Event
from streamsim.parameters import DriftPreset, ScenarioOptions
from streamsim.scenarios.base import Scenario, Timeline
from streamsim.scenarios.fraud_stream import transactions
from streamsim.scenarios.fraud_typologies import HIGH_VALUE_TYPOLOGIES, TYPOLOGIES
from streamsim.scenarios.fraud_world import CURRENCIES, PAYMENT_METHODS, PRODUCT_CATEGORIES, TRANSACTION_TYPES
from streamsim.schema import FieldSpec, Level
from streamsim.timeutil import IsoFormatter

if TYPE_CHECKING:
    from streamsim.rng import RngTree
    from streamsim.scenarios.fraud_stream import Transaction

#: Mean gap of the original producer: it slept uniform(0.05, 0.5) s between transactions.
ORIGINAL_MEAN_GAP_SECONDS = (0.05 + 0.5) / 2
TRANSACTIONS_PER_USER_PER_DAY = 2.0
LABELS = "labels"  # the companion stream of delayed labels: <topic>_labels
MIX_HELP = (
    "comma-separated TYPOLOGY=WEIGHT pairs, typologies among "
    + ", ".join(HIGH_VALUE_TYPOLOGIES)
    + " (others 0)"
)


class TypologyMix(BaseModel):
    """Relative weights of the high-value fraud typologies; typologies left out weigh 0.

    >>> str(TypologyMix.model_validate("stolen_card=3, account_takeover=1"))
    'stolen_card=3,account_takeover=1'
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    stolen_card: float = Field(0.0, ge=0)
    account_takeover: float = Field(0.0, ge=0)
    new_account: float = Field(0.0, ge=0)
    compromised_merchant: float = Field(0.0, ge=0)

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if isinstance(value, str):
            pairs: dict[str, Any] = {}
            for part in value.split(","):
                if not part.strip():
                    continue
                name, sep, weight = part.partition("=")
                if not sep:
                    raise ValueError(f"expected {MIX_HELP}")
                pairs[name.strip()] = weight.strip()
            value = pairs
        if isinstance(value, dict):
            for name in value:
                if name not in HIGH_VALUE_TYPOLOGIES:
                    hint = (
                        " (its share is 1 - high_value_fraud_probability)" if name == "card_testing" else ""
                    )
                    raise ValueError(f"unknown typology {name!r}{hint}; expected {MIX_HELP}")
        return value

    @model_validator(mode="after")
    def _some_weight(self) -> TypologyMix:
        if sum(self.weights().values()) <= 0:
            raise ValueError("expected at least one positive weight")
        return self

    def weights(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in HIGH_VALUE_TYPOLOGIES}

    def __str__(self) -> str:
        return ",".join(f"{name}={weight:g}" for name, weight in self.weights().items() if weight)


DEFAULT_MIX = TypologyMix(stolen_card=0.6, account_takeover=0.15, new_account=0.1, compromised_merchant=0.15)
BACK_TO_NORMAL = {"fraud_probability": 0.01, "typology_mix": DEFAULT_MIX.weights()}


class FraudOptions(ScenarioOptions):
    """Options of the fraud scenario (the original producer's names and defaults come first)."""

    group_title = "Fraud scenario"
    drift_presets: ClassVar[dict[str, DriftPreset]] = {
        "card-testing-to-account-takeover": DriftPreset(
            "A card-testing wave from day 1 (60% of fraud are probes and cash-outs), then from day 4 "
            "fraudsters move on to account takeover over two days.",
            (
                {"name": "card-testing-wave", "at": "+1d", "set": {"high_value_fraud_probability": 0.4}},
                {
                    "name": "account-takeover",
                    "at": "+4d",
                    "how": "gradual",
                    "width": "2d",
                    "set": {
                        "high_value_fraud_probability": 0.95,
                        "typology_mix": {
                            "stolen_card": 0.25,
                            "account_takeover": 0.6,
                            "new_account": 0.05,
                            "compromised_merchant": 0.1,
                        },
                    },
                },
            ),
        ),
        "holiday-season": DriftPreset(
            "From day 7, over three days, the holiday season: cardholders travel three times as often "
            "and use new devices (gifts), fraud doubles with more new-account fraud; back to normal "
            "from day 21.",
            (
                {
                    "name": "holidays",
                    "at": "+7d",
                    "how": "gradual",
                    "width": "3d",
                    "set": {
                        "fraud_probability": 0.02,
                        "trips_per_year": 9.0,
                        "device_changes_per_year": 3.0,
                        "typology_mix": {
                            "stolen_card": 0.5,
                            "account_takeover": 0.15,
                            "new_account": 0.25,
                            "compromised_merchant": 0.1,
                        },
                    },
                },
                {
                    "name": "after-holidays",
                    "at": "+21d",
                    "how": "gradual",
                    "width": "3d",
                    "set": {**BACK_TO_NORMAL, "trips_per_year": 3.0, "device_changes_per_year": 0.7},
                },
            ),
        ),
        "merchant-breach": DriftPreset(
            "From day 2 to day 16, a wave of merchant data breaches: most fraud starts at compromised "
            "merchants and the fraud rate doubles. Victims are hit one to seven days after shopping at a "
            "breached merchant, so this fraud builds up over the first week and fades over the week after.",
            (
                {
                    "name": "breaches",
                    "at": "+2d",
                    "set": {
                        "fraud_probability": 0.02,
                        "typology_mix": {
                            "stolen_card": 0.2,
                            "account_takeover": 0.05,
                            "compromised_merchant": 0.75,
                        },
                    },
                },
                {"name": "breaches-contained", "at": "+16d", "set": BACK_TO_NORMAL},
            ),
        ),
    }

    fraud_probability: Probability = Field(
        0.01,
        description="Share of transactions that are fraudulent. Fraud comes in campaigns whose number "
        "is set so that this is the expected share.",
    )
    account_age_days_limit: int = Field(
        5,
        ge=0,
        le=100,
        description="Age of the oldest accounts at the start, in years (the original option's name); "
        "accounts are opened uniformly over that span.",
        json_schema_extra={"metavar": "YEARS", "drift": False},
    )
    merchant_id_limit: int = Field(
        200,
        ge=1,
        le=100_000_000,
        description="Number of distinct merchants (merchant_1 .. merchant_N).",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    cvv_provided_missing_probability: Probability = Field(
        0.05,
        description="Probability that the CVV is missing (legitimate transactions mostly recover it; "
        "card testing, stolen and cloned cards remove it more often).",
    )
    billing_address_match_missing_probability: Probability = Field(
        0.1,
        description="Probability of a billing address mismatch (mostly corrected for legitimate "
        "transactions; more frequent with card testing, stolen and cloned cards).",
    )
    high_value_fraud_probability: Probability = Field(
        0.8,
        description="Share of fraudulent transactions from the high-value typologies, split by "
        "--typology-mix; the rest is card testing: bursts of tiny amounts, often followed by a "
        "high-value cash-out.",
    )
    users: int | None = Field(
        None,
        ge=1,
        le=1_000_000_000,
        description="Cardholders at the start (new accounts open over time). Default: rate x 86,400 / 2, "
        "so that a cardholder makes two transactions a day on average.",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    typology_mix: Annotated[TypologyMix, Allowed(MIX_HELP)] = Field(
        DEFAULT_MIX,
        description="Relative weights of the high-value typologies within the high-value share of fraud.",
        json_schema_extra={"metavar": "MIX"},
    )
    cash_out_probability: Probability = Field(
        0.6, description="Probability that a card-testing burst ends with a high-value cash-out."
    )
    trips_per_year: float = Field(
        3.0,
        ge=0,
        le=365,
        description="Trips per cardholder per year: 2 to 10 days of purchases in another city, from "
        "another network.",
        json_schema_extra={"metavar": "N"},
    )
    device_changes_per_year: float = Field(
        0.7,
        ge=0,
        le=365,
        description="New devices per cardholder per year that replace one of its usual devices.",
        json_schema_extra={"metavar": "N"},
    )
    new_device_probability: Probability = Field(
        0.005,
        description="Probability that a legitimate transaction comes, once, from a device the cardholder "
        "does not own (a shared or borrowed computer).",
    )
    account_growth_per_year: float = Field(
        0.1,
        ge=0,
        le=100,
        description="New accounts opened per year, as a share of the cardholders.",
        json_schema_extra={"metavar": "SHARE"},
    )
    label_mode: Literal["inline", "delayed"] = Field(
        "inline",
        description="inline: is_fraud on each transaction (the original). delayed: transactions carry no "
        "label; label events go to <topic>_labels when the fraud is confirmed, and when the dispute "
        "window of a legitimate transaction closes.",
        json_schema_extra={"metavar": "MODE", "drift": False},
    )
    label_delay_median_days: float = Field(
        7.0,
        gt=0,
        le=3650,
        description="Median days from a victim's last fraudulent transaction to the confirmation of the "
        "fraud (log-normal, bounded by the dispute window).",
        json_schema_extra={"metavar": "DAYS"},
    )
    label_delay_sigma: float = Field(
        1.0,
        ge=0,
        le=3,
        description="Spread of the confirmation delay: standard deviation of its logarithm.",
        json_schema_extra={"metavar": "SIGMA"},
    )
    dispute_window_days: float = Field(
        120.0,
        gt=0,
        le=3650,
        description="Days a cardholder has to dispute a transaction: the latest a fraud is confirmed, and "
        "when a legitimate transaction gets its label.",
        json_schema_extra={"metavar": "DAYS", "drift": False},
    )


class FraudScenario(Scenario[FraudOptions]):
    """Card transactions of persistent cardholders, with fraud campaigns and labels.

    >>> import itertools
    >>> from streamsim.timeutil import parse_time
    >>> scenario = FraudScenario(seed=7, start=parse_time("2025-03-01T12:00:00Z"))
    >>> first, second = itertools.islice(scenario, 2)
    >>> first.fields["timestamp"][:13], first.key == first.fields["user_id"], first.label
    ('2025-03-01T12', True, '0')
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
    #: Extra blocks of the docs page (docs/build.py): transactions and field tables of delayed mode.
    doc_variants: ClassVar[dict[str, dict[str, Any]]] = {"delayed": {"label_mode": "delayed"}}

    def default_rate(self) -> float:
        return 1.0 / ORIGINAL_MEAN_GAP_SECONDS

    def default_users(self) -> int:
        return self.options.users or max(1, round(self.effective_rate * DAY / TRANSACTIONS_PER_USER_PER_DAY))

    def field_specs(self) -> dict[str, list[FieldSpec]]:
        main = [*FIELDS, *DRIFT_FIELDS]
        if self.options.label_mode == "inline":
            return {"": main}
        return {"": [spec for spec in main if spec.path != "is_fraud"], LABELS: LABEL_FIELDS}

    def _generate(self, rng: RngTree) -> Iterator[Event]:
        stream = transactions(self, rng)
        if self.options.label_mode == "delayed":
            yield from self._with_delayed_labels(rng, stream)
            return
        for t, fields, attack, _ in stream:
            yield Event(
                t,
                fields["user_id"],
                "transaction",
                fields,
                label="0" if attack is None else "1",
                phase=fields["drift_phase"],
            )

    def _with_delayed_labels(self, rng: RngTree, stream: Iterator[Transaction]) -> Iterator[Event]:
        """Transactions without labels, merged in time with their label events.

        A fraud's label is scheduled when its transaction is made (the delay is
        known then). A legitimate transaction is labeled when its dispute window
        closes, a fixed delay: rather than remembering every transaction for the
        whole window, a second copy of the same transaction stream runs that far
        behind and labels its legitimate transactions as they come out. Memory
        stays bounded (the pending fraud labels and a second population) at the
        cost of generating each transaction twice once the window has passed.
        """
        window = self.options.dispute_window_days * DAY
        delays = rng.stream("label-delays")
        iso = IsoFormatter()
        # Pending fraud labels: (transaction id, user, timestamp, typology, event time).
        frauds: Timeline[tuple[str, str, str, str, float]] = Timeline()
        behind = transactions(self, rng, expose=False)
        lag_t, lag_fields, lag_attack, _ = next(behind)
        for t, fields, attack, regime in stream:
            while True:
                fraud_due, legit_due = frauds.next_time(), lag_t + window
                if min(fraud_due, legit_due) > t:
                    break
                if fraud_due <= legit_due:
                    when, (transaction_id, user_id, stamp, typology, made) = frauds.pop()
                    yield _label(when, transaction_id, user_id, stamp, typology, iso(when), made)
                    continue
                if lag_attack is None:
                    yield _label(
                        legit_due,
                        lag_fields["transaction_id"],
                        lag_fields["user_id"],
                        lag_fields["timestamp"],
                        None,
                        iso(legit_due),
                        lag_t,
                    )
                lag_t, lag_fields, lag_attack, _ = next(behind)
            del fields["is_fraud"]
            yield Event(t, fields["user_id"], "transaction", fields, phase=fields["drift_phase"])
            if attack is not None:
                if attack.confirmed is None:  # one confirmation per victim: the cardholder disputes it all
                    attack.confirmed = attack.last + delays.lognormvariate(
                        regime.delay_mu, regime.delay_sigma
                    )
                pending = (
                    fields["transaction_id"],
                    fields["user_id"],
                    fields["timestamp"],
                    attack.typology,
                    t,
                )
                frauds.schedule(min(attack.confirmed, t + window), pending)


def _label(
    when: float,
    transaction_id: str,
    user_id: str,
    stamp: str,
    fraud_type: str | None,
    confirmed: str,
    labeled_time: float,
) -> Event:
    is_fraud = 0 if fraud_type is None else 1
    label = {
        "transaction_id": transaction_id,
        "user_id": user_id,
        "transaction_timestamp": stamp,
        "is_fraud": is_fraud,
        "fraud_type": fraud_type,
        "confirmed_at": confirmed,
    }
    return Event(when, user_id, "label", label, LABELS, str(is_fraud), labeled_time)


FIELDS = [
    FieldSpec("transaction_id", "string", "Unique id of the transaction.", Level.CLASSIC, format="uuid"),
    FieldSpec(
        "user_id", "string", "Cardholder id, stable across the cardholder's transactions.", Level.CLASSIC
    ),
    FieldSpec("timestamp", "string", "Event time, ISO-8601 UTC.", Level.CLASSIC, format="date-time"),
    FieldSpec(
        "amount",
        "number",
        "Amount in the card's currency (whole yen): right-skewed around the cardholder's usual amount.",
        Level.CLASSIC,
    ),
    FieldSpec(
        "currency",
        "string",
        "ISO 4217 currency of the card (the cardholder's home currency).",
        Level.CLASSIC,
        enum=CURRENCIES,
    ),
    FieldSpec(
        "merchant_id", "string", "Merchant id, merchant_1 .. merchant_<merchant-id-limit>.", Level.CLASSIC
    ),
    FieldSpec(
        "product_category",
        "string",
        "Category of what was bought (the merchant's category).",
        Level.CLASSIC,
        enum=PRODUCT_CATEGORIES,
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
    FieldSpec(
        "is_fraud",
        "integer",
        "Label: 1 if fraudulent, else 0 (only with --label-mode inline).",
        Level.CLASSIC,
        enum=(0, 1),
    ),
    FieldSpec(
        "channel",
        "string",
        "online (card not present) or in_store (card present).",
        enum=("online", "in_store"),
    ),
    FieldSpec(
        "fraud_type",
        "string",
        "Ground truth: the fraud typology, null for legitimate transactions.",
        Level.FULL,
        nullable=True,
        enum=TYPOLOGIES,
    ),
    FieldSpec(
        "campaign_id",
        "string",
        "Ground truth: the fraud campaign (shared by a compromised merchant's victims), null if legitimate.",
        Level.FULL,
        nullable=True,
        format="uuid",
    ),
    FieldSpec(
        "home_distance_km",
        "number",
        "Ground truth: distance from the cardholder's home to where the transaction was made, in km.",
        Level.FULL,
    ),
    FieldSpec(
        "new_device",
        "boolean",
        "Ground truth: whether the device is not one of the cardholder's usual devices.",
        Level.FULL,
    ),
]

LABEL_FIELDS = [
    FieldSpec("transaction_id", "string", "The labeled transaction.", Level.CLASSIC, format="uuid"),
    FieldSpec("user_id", "string", "Its cardholder.", Level.CLASSIC),
    FieldSpec(
        "transaction_timestamp", "string", "Event time of the transaction.", Level.CLASSIC, format="date-time"
    ),
    FieldSpec("is_fraud", "integer", "Label: 1 if fraudulent, else 0.", Level.CLASSIC, enum=(0, 1)),
    FieldSpec(
        "fraud_type",
        "string",
        "The fraud typology as confirmed, null for legitimate transactions.",
        Level.CLASSIC,
        nullable=True,
        enum=TYPOLOGIES,
    ),
    FieldSpec(
        "confirmed_at",
        "string",
        "When the label became known (the label event's time): the fraud's confirmation, or the close "
        "of a legitimate transaction's dispute window.",
        Level.CLASSIC,
        format="date-time",
    ),
]
