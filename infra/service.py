"""What the local services (infra/kafka, infra/schema_registry) share.

Each service is a JVM process started from a state folder that holds its log and a JSON
file with its pid and ports, so that ``start``, ``stop``, ``status`` and ``logs`` can be
called again at any time, from any process. This module has the parts that do not depend
on the service: locks, ports, the process's lifetime, and the command line.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

#: Processes started by this interpreter, by pid: kept so their exit can be observed (and reaped).
children: dict[int, subprocess.Popen[bytes]] = {}


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock file, so concurrent callers assemble or start only once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def free_port() -> int:
    """A TCP port on localhost that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def port_free(port: int) -> bool:
    """Whether nothing listens on ``port`` (connections of a stopped service in TIME_WAIT do not count)."""
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the JVM binds
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


# Looked up before any fork: the child may only make this one call before exec (Linux only).
_PR_SET_PDEATHSIG = 1
_PRCTL = getattr(ctypes.CDLL(None, use_errno=True), "prctl", None)


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to SIGTERM it when the parent exits."""
    assert _PRCTL is not None
    _PRCTL(_PR_SET_PDEATHSIG, signal.SIGTERM)


def launch(
    command: list[str], log_file: Path, *, tied: bool, cwd: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``command`` in its own session, its output appended to ``log_file``; ``tied``: it is
    stopped when this process exits (for tests), instead of running on in the background."""
    with open(log_file, "ab") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_die_with_parent if tied and _PRCTL is not None else None,
        )
    children[process.pid] = process
    return process


def alive(pid: int, marker: str) -> bool:
    """Whether ``pid`` runs and is the service whose command line holds ``marker`` (not a reused
    pid, not an exited child)."""
    child = children.get(pid)
    if child is not None:
        return child.poll() is None
    if not Path("/proc").is_dir():  # no procfs (macOS): the pid alone has to do
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return marker.encode() in cmdline


def terminate(pid: int, marker: str, timeout: float) -> bool:
    """SIGTERM (a clean shutdown), then SIGKILL after ``timeout``; False if it still runs."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 10.0)):
        if not alive(pid, marker):
            return True
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while alive(pid, marker) and time.monotonic() < deadline:
            time.sleep(0.1)  # polling for the exit, not waiting a fixed time
    return not alive(pid, marker)


def tail(path: Path, lines: int) -> str:
    """The last ``lines`` lines of a log ("" if there is none yet)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    return "\n".join(text.splitlines()[-lines:])


def main(
    argv: list[str] | None,
    *,
    prog: str,
    description: str,
    default_home: Path,
    port_help: str,
    start: Callable[[Path, int | None], str],
    stop: Callable[[Path], bool],
    status: Callable[[Path], str | None],
    logs: Callable[[Path, int], str],
    error: type[Exception],
) -> int:
    """``python3 -m infra.<service> start|stop|status|logs``: ``start`` returns the address to
    print, ``status`` a description of the running service (None when stopped: exit status 3)."""
    import argparse

    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("command", choices=["start", "stop", "status", "logs"])
    parser.add_argument("--dir", type=Path, default=default_home, help="state folder (default: %(default)s)")
    parser.add_argument("--port", type=int, help=port_help)
    parser.add_argument("-n", "--lines", type=int, default=50, help="log lines to show (logs)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    home = args.dir.resolve()
    try:
        if args.command == "start":
            print(start(home, args.port))
        elif args.command == "stop":
            if not stop(home):
                print(f"nothing running from {home}", file=sys.stderr)
        elif args.command == "status":
            running = status(home)
            if running is None:
                print("stopped")
                return 3
            print(running)
        else:
            print(logs(home, args.lines))
    except error as exc:
        print(f"{prog.split()[-1].replace('.', '/')}: error: {exc}", file=sys.stderr)
        return 1
    return 0
