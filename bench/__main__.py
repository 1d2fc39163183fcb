"""Run the benchmarks and rewrite BENCHMARKS.md: `python -m bench [--quick]`."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import generation

ROOT = Path(__file__).resolve().parent.parent


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer events (a smoke run, not for the record)")
    parser.add_argument("--output", type=Path, default=ROOT / "BENCHMARKS.md")
    args = parser.parse_args()
    n, naive_n, repeats = (20_000, 2_000, 1) if args.quick else (200_000, 20_000, 3)
    print("generation ...", file=sys.stderr)
    rows = generation.run(n, naive_n, repeats)
    text = f"""# Benchmarks

Measured by `python -m bench` on {datetime.now(UTC):%Y-%m-%d} ({machine()}).
Every figure in a table comes from the same run, so ratios compare like with like on a
shared, noisy machine. Rates are the best of {repeats} repetitions.

## Generation (issue target: at least 10x the naive producer)

{n:,} events per streamsim measurement, {naive_n:,} per naive measurement. *Generation only*
iterates the scenario; *to JSON bytes* runs the whole pipeline (scenario, field projection,
orjson, a sink that discards) at `--speed max`; the next column runs it with the metrics
server on (`--metrics-port`; its start and stop are included). The naive producer builds each event the way
the original scripts did: Faker calls, `uuid4`, one dict, `json.dumps` (`bench/naive.py`).

{generation.markdown(rows)}
"""
    args.output.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
