"""Card transactions of persistent cardholders, with fraud campaigns and inline or delayed labels.

The original ``transaction_fraud_detection`` producer, on the engine: every
original field and option, with cardholders who keep their habits, merchants
with a risk, five fraud typologies that come as campaigns, and labels either
on the transaction (``is_fraud``) or on a companion stream when the fraud is
confirmed. The simulation runs in the native core (``core/src/scenarios/fraud``);
this package holds its options, fields and docs. See ``docs/scenarios/fraud.md``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from streamsim.clock import DAY
from streamsim.drift import DRIFT_FIELDS
from streamsim.scenarios.fraud.fields import FIELDS, LABEL_FIELDS
from streamsim.scenarios.fraud.options import BACK_TO_NORMAL, DEFAULT_MIX, FraudOptions, TypologyMix
from streamsim.scenarios.native import NativeScenario
from streamsim.schema import FieldSpec

#: Mean gap of the original producer: it slept uniform(0.05, 0.5) s between transactions.
ORIGINAL_MEAN_GAP_SECONDS = (0.05 + 0.5) / 2
TRANSACTIONS_PER_USER_PER_DAY = 1.0
LABELS = "labels"  # the companion stream of delayed labels: <topic>_labels

__all__ = [
    "BACK_TO_NORMAL",
    "DEFAULT_MIX",
    "LABELS",
    "FraudOptions",
    "FraudScenario",
    "TypologyMix",
]


class FraudScenario(NativeScenario[FraudOptions]):
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
        """Cardholders: ``users``, or enough for one transaction a day each."""
        return self.options.users or max(1, round(self.effective_rate * DAY / TRANSACTIONS_PER_USER_PER_DAY))

    def field_specs(self) -> dict[str, list[FieldSpec]]:
        main = [*FIELDS, *DRIFT_FIELDS]
        if self.options.label_mode == "inline":
            return {"": main}
        return {"": [spec for spec in main if spec.path != "is_fraud"], LABELS: LABEL_FIELDS}
