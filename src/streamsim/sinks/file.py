"""JSON Lines file; gzip-compressed when the name ends in .gz."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from streamsim.errors import RunFailure
from streamsim.sinks.lines import LinesSink

if TYPE_CHECKING:
    from collections.abc import Sequence

    from streamsim.config import Resolved
    from streamsim.scenarios.base import Scenario


class FileSink(LinesSink):
    name = "file"

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    @classmethod
    def from_config(cls, resolved: Resolved, topics: Sequence[str], scenario: Scenario[Any]) -> Self:
        from streamsim.config import OutputOptions

        output = resolved.get(OutputOptions).output
        assert output is not None  # OutputOptions requires it for this sink
        return cls(output)

    def open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.suffix == ".gz":
                self._stream = gzip.open(self.path, "wb", compresslevel=6)  # noqa: SIM115 - closed in close()
            else:
                self._stream = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        except OSError as exc:
            raise RunFailure(f"cannot open output file {str(self.path)!r}: {exc.strerror or exc}") from None

    def close(self) -> None:
        if self._stream is not None:
            self.flush()
            self._stream.close()
            self._stream = None
