"""streamsim: realistic, labeled, longitudinal event streams for real-time machine learning."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from streamsim.api import simulate

__all__ = ["__version__", "simulate"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: `streamsim` starts fast, imports only what a command needs, and can
    # handle Ctrl-C before the rest is imported.
    if name == "simulate":
        from streamsim.api import simulate

        return simulate
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("streamsim")
        except PackageNotFoundError:  # running from a source tree
            return "0.0.0"
    raise AttributeError(f"module 'streamsim' has no attribute {name!r}")
