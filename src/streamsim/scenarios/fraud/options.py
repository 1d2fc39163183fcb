"""Options of the fraud scenario and its drift presets."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from streamsim.config import Allowed, Probability
from streamsim.parameters import DriftPreset, ScenarioOptions
from streamsim.scenarios.fraud.world import HIGH_VALUE_TYPOLOGIES

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
        "--typology-mix; the rest is card testing: bursts of small amounts on many cards at one merchant, "
        "often followed by high-value cash-outs.",
    )
    users: int | None = Field(
        None,
        ge=1,
        le=1_000_000_000,
        description="Cardholders (accounts open and close over time, the number stays). Default: "
        "rate x 86,400, so that a cardholder makes one transaction a day on average.",
        json_schema_extra={"metavar": "N", "drift": False},
    )
    typology_mix: Annotated[TypologyMix, Allowed(MIX_HELP)] = Field(
        DEFAULT_MIX,
        description="Relative weights of the high-value typologies within the high-value share of fraud.",
        json_schema_extra={"metavar": "MIX"},
    )
    cash_out_probability: Probability = Field(
        0.6,
        description="Probability that a card tested in a card-testing burst is then cashed out for a high "
        "value.",
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
        description="New accounts opened per year, as a share of the cardholders; as many close (dormant "
        "accounts first), so the population keeps its size.",
        json_schema_extra={"metavar": "SHARE"},
    )
    label_mode: Literal["inline", "delayed"] = Field(
        "inline",
        description="inline: is_fraud on each transaction (the original). delayed: transactions carry no "
        "label; label events go to <topic>_labels when a fraud or a dispute is confirmed (1), and when a "
        "transaction nobody disputed matures (0).",
        json_schema_extra={"metavar": "MODE", "drift": False},
    )
    label_delay_median_days: float = Field(
        2.0,
        gt=0,
        le=3650,
        description="Median days from a victim's last fraudulent transaction to its confirmation when the "
        "victim reports at once (an alert, a declined card, the banking app; log-normal).",
        json_schema_extra={"metavar": "DAYS"},
    )
    label_delay_sigma: float = Field(
        1.0,
        ge=0,
        le=3,
        description="Spread of the delay of a report at once: standard deviation of its logarithm.",
        json_schema_extra={"metavar": "SIGMA"},
    )
    label_statement_share: Probability = Field(
        0.4,
        description="Share of frauds reported from the victim's next monthly statement (each card has its "
        "statement day; then a week or so to read it and call). Friendly-fraud disputes all come this way "
        "unless late.",
    )
    label_late_share: Probability = Field(
        0.1,
        description="Share of frauds and disputes reported late: uniformly from 60 days to the end of the "
        "dispute window.",
    )
    label_maturity_days: float = Field(
        45.0,
        gt=0,
        le=3650,
        description="Days after which a transaction nobody disputed is labelled legitimate (0), by a daily "
        "job at 00:00 UTC (at most the dispute window). A dispute after that flips it with a second label.",
        json_schema_extra={"metavar": "DAYS", "drift": False},
    )
    dispute_window_days: float = Field(
        120.0,
        gt=0,
        le=3650,
        description="Days a cardholder has to dispute a transaction: the latest a fraud or a dispute is "
        "confirmed.",
        json_schema_extra={"metavar": "DAYS", "drift": False},
    )
    difficulty: Literal["easy", "realistic", "hard"] = Field(
        "realistic",
        description="How hard fraud is to tell apart, set together: the share of attacks that imitate "
        "their victim (own device, network, city, usual amounts and shops: 0 / 20% / 60%), legitimate "
        "oddities (trips, device changes and borrowed devices x1 / x1 / x2; one-off large purchases "
        "0 / 1% / 2%; purchases at high-risk merchants 0 / 3% / 8%) and the label noise defaults below.",
        json_schema_extra={"metavar": "LEVEL"},
    )
    unreported_fraud_probability: Probability | None = Field(
        None,
        description="Share of fraudulent transactions never reported, labelled 0 (ground truth keeps "
        "fraud_type). Default by difficulty: 0 / 0.15 / 0.3 (surveys put unreported or written-off "
        "card fraud at roughly 10-30%).",
    )
    friendly_fraud_probability: Probability | None = Field(
        None,
        description="Share of legitimate transactions disputed as fraud by their own cardholder "
        "(friendly fraud), labelled 1 with a null fraud_type. Default by difficulty: 0 / 0.002 / 0.005 "
        "(a few tenths of a percent of transactions).",
    )

    @model_validator(mode="after")
    def _reporting_shares(self) -> FraudOptions:
        if self.label_statement_share + self.label_late_share > 1:
            raise ValueError("label_statement_share + label_late_share must be at most 1")
        return self
