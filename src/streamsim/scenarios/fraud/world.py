"""Values of the fraud world that the options, field specifications and docs name.

The simulation itself runs in the native core (``core/src/scenarios/fraud``);
these tuples list the values it emits.
"""

from __future__ import annotations

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
TRANSACTION_TYPES = ("purchase", "withdrawal", "transfer", "payment", "deposit")
PAYMENT_METHODS = ("credit_card", "debit_card", "paypal", "bank_transfer", "crypto")
CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CAD", "AUD", "BRL")
#: Units of each currency per US dollar (rounded 2024 rates): amounts are in the card's currency.
FX = {"USD": 1.0, "EUR": 0.92, "GBP": 0.79, "JPY": 150.0, "CAD": 1.36, "AUD": 1.52, "BRL": 5.0}

CARD_TESTING = "card_testing"
TYPOLOGIES = (CARD_TESTING, "stolen_card", "account_takeover", "new_account", "compromised_merchant")
HIGH_VALUE_TYPOLOGIES = TYPOLOGIES[1:]
