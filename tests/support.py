"""Helpers shared by the tests."""

from __future__ import annotations

import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from streamsim import simulate
from streamsim.registry import scenarios
from streamsim.sinks.memory import ListSink

Json = dict[str, Any]  # a decoded event
START = "2025-03-03T00:00:00Z"  # a Monday
SCENARIOS = list(scenarios())
#: The runnable examples the docs show (docs/examples/<name>.py).
EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
#: The command line of a real `streamsim` process.
STREAMSIM = [sys.executable, "-m", "streamsim"]


def load_example(name: str) -> ModuleType:
    """docs/examples/<name>.py as a module (registered under its name: pydantic resolves the
    annotations of a model defined in it there)."""
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run_in_memory(scenario: str, **options: Any) -> ListSink:
    """Run a scenario at full speed into a list sink."""
    options.setdefault("start", START)
    sink = ListSink()
    simulate(scenario, sink=sink, **options)
    return sink


def wait_until(condition: Callable[[], Any], what: str, timeout: float = 120.0) -> Any:
    """Probe ``condition`` until it returns something truthy, and return that (no fixed sleeps:
    a short pause between probes only)."""
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return found
