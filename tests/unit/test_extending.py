"""Plug-ins: the documented example scenario and sink, found by entry points as if installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from support import STREAMSIM

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "plugin.py"


def test_the_example_runs_its_scenario_into_its_sink() -> None:
    out = subprocess.run(
        [sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=120, check=True
    )
    *top_keys, last = out.stdout.strip().splitlines()
    assert len(top_keys) == 3 and all(line.startswith("player_") for line in top_keys)
    flips, heads = (int(word) for word in last.replace(",", "").split() if word.isdigit())
    assert flips == 1000 and 640 < heads < 760  # bias 0.7


def _installed(tmp_path: Path) -> dict[str, str]:
    """An environment in which the example is installed: its module and a dist-info with entry points."""
    shutil.copy(EXAMPLE, tmp_path / "plugin.py")
    info = tmp_path / "streamsim_coinflips-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: streamsim-coinflips\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(
        "[streamsim.scenarios]\ncoinflips = plugin:CoinFlips\n\n"
        "[streamsim.sinks]\nkeycount = plugin:KeyCountSink\n"
    )
    return {**os.environ, "PYTHONPATH": str(tmp_path)}


def test_plugins_are_found_by_entry_points(tmp_path: Path) -> None:
    env = _installed(tmp_path)
    listed = subprocess.run(
        [*STREAMSIM, "list"], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert "coinflips" in listed.stdout
    run = subprocess.run(
        [*STREAMSIM, "run", "coinflips", "--speed", "max", "-n", "50", "--seed", "3", "--sink", "keycount"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("player_") and "coinflips: 50 events" in run.stderr
    bad = subprocess.run(
        [*STREAMSIM, "run", "coinflips", "--bias", "2"], env=env, capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        "streamsim: error: invalid value for --bias: '2' (allowed: a number from 0 to 1)"
    ]
