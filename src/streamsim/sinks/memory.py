"""An in-memory sink for tests and notebooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

import orjson

from streamsim.sinks.base import Sink

if TYPE_CHECKING:
    from collections.abc import Sequence

    from streamsim.config import Resolved
    from streamsim.events import Record
    from streamsim.scenarios.base import Scenario


class ListSink(Sink):
    """Keeps every record in ``records``.

    >>> from streamsim import simulate
    >>> sink = ListSink()
    >>> _ = simulate("fraud", seed=1, count=3, sink=sink)
    >>> len(sink.records), sorted(sink.events[0])[:3]
    (3, ['account_age_days', 'amount', 'billing_address_match'])
    """

    name = "list"

    def __init__(self) -> None:
        super().__init__()
        self.records: list[Record] = []

    @classmethod
    def from_config(cls, resolved: Resolved, topics: Sequence[str], scenario: Scenario[Any]) -> Self:
        return cls()

    def write(self, record: Record) -> None:
        self.records.append(record)
        self.accepted += 1
        self.delivered += 1

    def flush(self) -> None:
        pass

    @property
    def events(self) -> list[dict[str, Any]]:
        """The emitted events, decoded from the bytes a sink receives."""
        return [orjson.loads(record.value) for record in self.records]
