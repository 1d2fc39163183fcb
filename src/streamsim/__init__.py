"""streamsim: realistic, labeled, longitudinal event streams for real-time machine learning."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from streamsim.api import simulate

try:
    __version__ = version("streamsim")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__", "simulate"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: the `streamsim` command imports this package before it can handle Ctrl-C.
    if name == "simulate":
        from streamsim.api import simulate

        return simulate
    raise AttributeError(f"module 'streamsim' has no attribute {name!r}")
