"""Discards every record (for benchmarks and dry runs); counts them as delivered."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Self

from streamsim.sinks.base import Sink

if TYPE_CHECKING:
    from collections.abc import Sequence

    from streamsim.config import Resolved
    from streamsim.events import Record
    from streamsim.scenarios.base import Scenario
    from streamsim.source import Batch


class NullSink(Sink):
    name = "null"

    @classmethod
    def from_config(cls, resolved: Resolved, topics: Sequence[str], scenario: Scenario[Any]) -> Self:
        return cls()

    def write(self, record: Record) -> None:
        self.accepted += 1
        self.delivered += 1

    def write_batch(self, batch: Batch, topics: Sequence[str], sequence: int) -> None:
        self.accepted += len(batch)
        self.delivered += len(batch)

    def flush(self) -> None:
        pass
