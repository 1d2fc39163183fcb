"""`streamsim report`: the page of a run's output, checked as a person sees it (headless Chromium)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from streamsim import simulate
from streamsim.cli import cli
from streamsim.registry import scenarios
from streamsim.report import SECTIONS, read, write_report

pytest.importorskip("matplotlib", reason="the report extra (matplotlib) is not installed")

START = "2025-03-03T00:00:00Z"


def output_of(tmp_path: Path, scenario: str, **options: Any) -> Path:
    path = tmp_path / f"{scenario}.jsonl"
    simulate(scenario, seed=5, start=START, sink="file", output=path, **options)
    return path


@pytest.mark.parametrize("scenario", sorted(scenarios()))
def test_every_section_for_every_scenario(tmp_path: Path, scenario: str) -> None:
    source = output_of(tmp_path, scenario, count=3000, schema="full")
    page = tmp_path / "report.html"
    observed = write_report(source, page)
    text = page.read_text()
    assert observed.scenario == scenario and observed.events == 3000
    for section in SECTIONS:
        assert f'<section id="{section}">' in text
    assert text.count("<svg") >= 4
    # Self-contained: no scripts, nothing loaded from elsewhere (XML namespaces are names, not loads).
    assert "<script" not in text and not re.search(r'(src|href)\s*=\s*"(https?:)?//', text)
    assert len(text) < 1_000_000


def test_delayed_labels_and_drift_are_shown(tmp_path: Path) -> None:
    storm = [{"name": "storm", "at": "+3h", "set": {"incident_probability": 0.3}}]
    source = output_of(tmp_path, "eta", duration="6h", schema="full", label_mode="delayed", drift=storm)
    observed = read(source)
    assert observed.delays and min(observed.delays) > 0
    assert observed.companions["completed"] > 0
    assert observed.label_n and observed.view  # actual travel times joined from the trips' ends
    assert len(observed.drift) == 2
    page = tmp_path / "report.html"
    write_report(source, page)
    assert "No delayed labels" not in page.read_text()


def test_cli(tmp_path: Path) -> None:
    source = output_of(tmp_path, "ecommerce", count=500)
    page = tmp_path / "page.html"
    result = CliRunner().invoke(cli, ["report", str(source), "-o", str(page)])
    assert result.exit_code == 0, result.output
    assert "ecommerce" in page.read_text()
    missing = CliRunner().invoke(cli, ["report", str(tmp_path / "nothing.jsonl")])
    assert missing.exit_code == 2
    assert "no such file" in missing.output


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("STREAMSIM_CI") == "1":
            pytest.fail("chromium is not installed (STREAMSIM_CI=1): apt-get install chromium")
        pytest.skip("chromium is not installed (apt-get install chromium) to render the report")
    return found


def test_page_renders_in_chromium(tmp_path: Path) -> None:
    browser = chromium()
    source = output_of(tmp_path, "fraud", count=5000, schema="full", drift="merchant-breach")
    page = tmp_path / "report.html"
    write_report(source, page)
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--enable-logging=stderr",
        "--v=0",
    ]
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    for section in SECTIONS:
        assert f'id="{section}"' in dom.stdout
    assert dom.stdout.count("<svg") >= 4
    assert "CONSOLE" not in dom.stderr and "Uncaught" not in dom.stderr, dom.stderr
    shot = tmp_path / "page.png"
    subprocess.run(
        [browser, *flags, "--window-size=1000,2000", f"--screenshot={shot}", page.as_uri()],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_run_writes_the_same_page_from_what_it_saw(tmp_path: Path) -> None:
    page = tmp_path / "run.html"
    options: dict[str, Any] = {"count": 2000, "schema": "full", "drop_share": 0.1, "report": page}
    source = output_of(tmp_path, "fraud", **options)
    text = page.read_text()
    for section in SECTIONS:
        assert f'<section id="{section}">' in text
    from_output = tmp_path / "read.html"
    write_report(source, from_output)
    # Same aggregates, so the same page but for its title.
    assert (
        text.split("</title>", 1)[1].split("</h1>", 1)[1]
        == (from_output.read_text().split("</title>", 1)[1].split("</h1>", 1)[1])
    )
    assert "chaos: drop" in text


def test_directory_of_stream_files_in_any_order(tmp_path: Path) -> None:
    from streamsim.sinks.memory import ListSink

    sink = ListSink()
    simulate("eta", seed=5, start=START, duration="3h", label_mode="delayed", sink=sink)
    folder = tmp_path / "run"
    folder.mkdir()
    # The companion stream's file is read first: ends of trips before their requests.
    (folder / "a_completed.jsonl").write_bytes(b"".join(r.value + b"\n" for r in sink.records if r.stream))
    (folder / "b_trips.jsonl").write_bytes(b"".join(r.value + b"\n" for r in sink.records if not r.stream))
    together = tmp_path / "all.jsonl"
    together.write_bytes(b"".join(r.value + b"\n" for r in sink.records))
    apart, mixed = read(folder), read(together)
    assert apart.label_n == mixed.label_n and apart.view == mixed.view and apart.delays
    assert sorted(apart.delays) == sorted(mixed.delays)
