"""streamsim: realistic, labeled, longitudinal event streams for real-time machine learning."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from streamsim.api import simulate

try:
    __version__ = version("streamsim")
except PackageNotFoundError:  # running from a source tree
    __version__ = "0.0.0"

__all__ = ["__version__", "simulate"]
