"""A complete plug-in: a Python scenario and a sink, registered by entry points.

A package makes them available to `streamsim run` by declaring, in its pyproject.toml::

    [project.entry-points."streamsim.scenarios"]
    coinflips = "plugin:CoinFlips"

    [project.entry-points."streamsim.sinks"]
    keycount = "plugin:KeyCountSink"

Run `python docs/examples/plugin.py` to see both at work without installing anything.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar, Self

from pydantic import Field

from streamsim.clock import PoissonArrivals
from streamsim.config import Probability, Resolved
from streamsim.events import Event, Record
from streamsim.parameters import ScenarioOptions
from streamsim.rng import RngTree
from streamsim.scenarios.base import Scenario
from streamsim.schema import FieldSpec, Level
from streamsim.sinks.base import Sink
from streamsim.timeutil import IsoFormatter

PLAYERS = 20


class CoinFlipOptions(ScenarioOptions):
    """Options of the coin-flip scenario: each becomes --option, STREAMSIM_OPTION and a config key."""

    group_title: ClassVar[str] = "Coin flips"

    bias: Probability = Field(0.5, description="Probability that a flip comes up heads (can drift).")


class CoinFlips(Scenario[CoinFlipOptions]):
    """Players flipping a biased coin; the label is heads (1) or tails (0)."""

    name = "coinflips"
    description = "Players flipping a biased coin, labeled heads (binary)."
    topic = "coin_flips"
    key_doc = "player"
    label_name = "heads"
    Options = CoinFlipOptions

    def default_rate(self) -> float:
        return 2.0

    def field_specs(self) -> dict[str, list[FieldSpec]]:
        return {
            "": [
                FieldSpec("player", "string", "Who flipped.", Level.CLASSIC),
                FieldSpec(
                    "timestamp", "string", "Event time, ISO-8601 UTC.", Level.CLASSIC, format="date-time"
                ),
                FieldSpec("heads", "integer", "Label: 1 for heads, 0 for tails.", Level.CLASSIC, enum=(0, 1)),
                FieldSpec("bias", "number", "Ground truth: the coin's bias.", Level.FULL),
            ]
        }

    def _generate(self, rng: RngTree) -> Iterator[Event]:
        # Every random draw comes from the run's RNG tree, so a seed replays the run exactly.
        arrivals = PoissonArrivals(self.effective_rate, rng.stream("arrivals"), start=self.start)
        flips = rng.stream("flips")
        drift = self._drift(rng, lambda options: options.bias)
        iso = IsoFormatter()
        n = 0
        while True:
            t = arrivals.next()
            n += 1
            bias = drift.at(t, n)
            player = f"player_{self.shard.entity_number(flips.randrange(PLAYERS))}"
            heads = int(flips.random() < bias)
            fields = {"player": player, "timestamp": iso(t), "heads": heads, "bias": bias}
            yield Event(t, player, "flip", fields, label=str(heads), phase=drift.phase)


class KeyCountSink(Sink):
    """Counts records per key and prints the busiest keys when the run ends."""

    name = "keycount"

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()

    @classmethod
    def from_config(cls, resolved: Resolved, topics: Sequence[str], scenario: Scenario[Any]) -> Self:
        return cls()

    def write(self, record: Record) -> None:
        self.accepted += 1
        self.counts[record.key] += 1
        self.delivered += 1

    def flush(self) -> None:
        pass  # nothing is buffered

    def close(self) -> None:
        for key, count in self.counts.most_common(3):
            print(f"{key}: {count}")


def main() -> None:
    from streamsim import simulate

    sink = KeyCountSink()
    summary = simulate("coinflips", seed=7, start="2025-03-03T08:00:00Z", count=1000, sink=sink, bias=0.7)
    print(f"{summary.events} flips, {summary.labels['heads=1']} heads")


if __name__ == "__main__":
    main()
