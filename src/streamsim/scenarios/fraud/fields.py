"""Fields of the fraud scenario's streams, in emission order (the core's row order)."""

from __future__ import annotations

from streamsim.scenarios.fraud.world import (
    CURRENCIES,
    PAYMENT_METHODS,
    PRODUCT_CATEGORIES,
    TRANSACTION_TYPES,
    TYPOLOGIES,
)
from streamsim.schema import FieldSpec, Level

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
    FieldSpec(
        "ip_address",
        "string",
        "IPv4 address of the client; null in store (card present: a terminal, no client).",
        Level.CLASSIC,
        nullable=True,
        format="ipv4",
    ),
    FieldSpec(
        "device_info.os",
        "string",
        "Operating system of the device; null in store.",
        Level.CLASSIC,
        nullable=True,
    ),
    FieldSpec(
        "device_info.browser", "string", "Browser of the device; null in store.", Level.CLASSIC, nullable=True
    ),
    FieldSpec(
        "user_agent",
        "string",
        "User-agent string, consistent with OS and browser; null in store.",
        Level.CLASSIC,
        nullable=True,
    ),
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
        "online (card not present) or in_store (card present, only at merchants with a shop).",
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
        "Ground truth: whether the device is not one of the cardholder's usual devices (false in store).",
        Level.FULL,
    ),
]

LABEL_FIELDS = [
    FieldSpec("transaction_id", "string", "The labeled transaction.", Level.CLASSIC, format="uuid"),
    FieldSpec("user_id", "string", "Its cardholder.", Level.CLASSIC),
    FieldSpec(
        "transaction_timestamp", "string", "Event time of the transaction.", Level.CLASSIC, format="date-time"
    ),
    FieldSpec(
        "is_fraud",
        "integer",
        "Label: 1 if reported as fraud, else 0 (a matured transaction; a later dispute sends a 1 after it).",
        Level.CLASSIC,
        enum=(0, 1),
    ),
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
        "When the label became known (the label event's time): the fraud's or the dispute's "
        "confirmation, or the maturity job's run once the transaction was old enough.",
        Level.CLASSIC,
        format="date-time",
    ),
]
