"""streamsim: realistic, labeled, longitudinal event streams for real-time machine learning."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from streamsim.api import frame, simulate, stream

__all__ = ["__version__", "frame", "simulate", "stream"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: `streamsim` starts fast, imports only what a command needs, and can
    # handle Ctrl-C before the rest is imported.
    if name in ("simulate", "stream", "frame"):
        from streamsim import api

        return getattr(api, name)
    if name == "river":  # River-style datasets (needs river)
        import importlib

        return importlib.import_module("streamsim.river")
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("streamsim")
        except PackageNotFoundError:  # running from a source tree
            return "0.0.0"
    raise AttributeError(f"module 'streamsim' has no attribute {name!r}")
