"""Time to first event: wall time from starting the process to its first output line.

Each measurement starts ``streamsim run SCENARIO --count 1 --speed max`` afresh (the
installed console script, as a user would) and times, from just before the process is
spawned, the first line on standard output with ``--sink stdout``, and the whole process
(to its exit) with ``--sink null``. The child's CPU time comes from the kernel's
accounting of waited-for children. ``python -c pass`` is timed the same way for reference:
the interpreter's own start on this machine. Best of several attempts.

The package's bytecode is compiled first, as ``pip install`` does for an installed package:
in a source checkout with ``PYTHONDONTWRITEBYTECODE`` set, every start would otherwise
compile streamsim's modules again, which no installed copy does.
"""

from __future__ import annotations

import compileall
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import streamsim
from streamsim.registry import scenarios


@dataclass
class Row:
    what: str
    first_line: float  # seconds from spawn to the first stdout line (best)
    first_line_cpu: float  # CPU seconds of that process (user + system)
    exit: float  # seconds from spawn to exit with --sink null (best)
    exit_cpu: float


def streamsim_command() -> list[str]:
    """The console script next to this interpreter, or ``python -m streamsim`` without one."""
    script = Path(sys.executable).with_name("streamsim")
    return [str(script)] if script.exists() else [sys.executable, "-m", "streamsim"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_first_line(command: list[str]) -> tuple[float, float]:
    """(seconds to the first stdout line, CPU seconds of the process)."""
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = time.perf_counter() - t0
    proc.stdout.read()
    proc.stdout.close()
    code = proc.wait()
    if code != 0 or not line:
        raise RuntimeError(f"{' '.join(command)} exited with {code} after {line!r}")
    return elapsed, _children_cpu() - cpu0


def time_exit(command: list[str]) -> tuple[float, float]:
    """(seconds from spawn to exit, CPU seconds of the process)."""
    cpu0 = _children_cpu()
    t0 = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - t0, _children_cpu() - cpu0


def _best(timings: list[tuple[float, float]]) -> tuple[float, float]:
    return min(timings)


def measure(scenario: str, attempts: int) -> Row:
    base = [*streamsim_command(), "run", scenario, "--count", "1", "--speed", "max"]
    first, first_cpu = _best([time_first_line([*base, "--sink", "stdout"]) for _ in range(attempts)])
    whole, whole_cpu = _best([time_exit([*base, "--sink", "null"]) for _ in range(attempts)])
    return Row(scenario, first, first_cpu, whole, whole_cpu)


def interpreter(attempts: int) -> Row:
    first, first_cpu = _best([time_first_line([sys.executable, "-c", "print(1)"]) for _ in range(attempts)])
    whole, whole_cpu = _best([time_exit([sys.executable, "-c", "pass"]) for _ in range(attempts)])
    return Row("python", first, first_cpu, whole, whole_cpu)


def run(attempts: int = 7) -> list[Row]:
    compileall.compile_dir(Path(streamsim.__file__).parent, quiet=1)
    return [interpreter(attempts)] + [measure(name, attempts) for name in scenarios()]


def markdown(rows: list[Row]) -> str:
    lines = [
        "| process | first output line, --sink stdout (s) | its CPU time (s) "
        "| whole run, --sink null (s) | its CPU time (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in rows:
        label = (
            "`python -c 'print(1)'` / `python -c pass` (reference)"
            if r.what == "python"
            else f"`streamsim run {r.what} --count 1 --speed max`"
        )
        lines.append(
            f"| {label} | {r.first_line:.3f} | {r.first_line_cpu:.3f} | {r.exit:.3f} | {r.exit_cpu:.3f} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(run(3)))
