"""JSON Lines on standard output (the default sink): the main stream unless --streams says more."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, Self

from streamsim.sinks.base import SinkClosed
from streamsim.sinks.lines import LinesSink

if TYPE_CHECKING:
    from collections.abc import Sequence

    from streamsim.config import Resolved
    from streamsim.scenarios.base import Scenario


class StdoutSink(LinesSink):
    name = "stdout"
    default_streams = "main"

    @classmethod
    def from_config(cls, resolved: Resolved, topics: Sequence[str], scenario: Scenario[Any]) -> Self:
        from streamsim.config import OutputOptions
        from streamsim.sinks.lines import select_streams

        streams = resolved.get(OutputOptions).streams
        select_streams(streams, scenario.stream_names(), cls.default_streams)  # names checked up front
        return cls(streams)

    def open(self) -> None:
        self._stream = sys.stdout.buffer

    def flush(self) -> None:
        try:
            super().flush()
        except BrokenPipeError:
            # The reader left (e.g. `| head`). Point stdout at /dev/null so the
            # interpreter's final flush does not complain, and stop the run.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise SinkClosed("stdout was closed by its reader") from None
