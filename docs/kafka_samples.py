"""Samples of docs/kafka.md produced by real runs against a real broker.

`python docs/build.py --kafka` starts a broker (infra/kafka) and rewrites these blocks; the
integration tests render them against their own broker and check that the page is up to date.
The commands shown are run literally (the broker's address comes from the environment, as
`KAFKA_BOOTSTRAP_SERVERS`); what depends on the machine (log times, rates, the address) is
replaced by `...` or the default address.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Callable

from confluent_kafka.admin import AdminClient

DEFAULT_BOOTSTRAP = "localhost:9092"

#: (block name, topic the commands write, commands), each command as the page shows it.
SESSIONS: dict[str, tuple[str, list[str]]] = {
    "consume-sample": (
        "docs-trips",
        [
            "streamsim run eta --seed 42 --start 2025-03-03T08:00:00Z --speed max -n 3 --sink kafka "
            "--topic docs-trips --partitions 1",
            "streamsim consume --topic docs-trips --from-beginning -n 1",
            "streamsim consume --topic docs-trips --from-beginning -n 1 --metadata",
        ],
    ),
    "delivery-failure-sample": (
        "tiny-messages",
        [
            "streamsim run fraud --seed 42 --start 2025-03-03T08:00:00Z --speed max -n 20 --sink kafka "
            "--topic tiny-messages --topic-config max.message.bytes=200",
        ],
    ),
}

_LOG_PREFIX = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} ", re.M)
_RATE = re.compile(r"[\d,.]+ events/s over [\d.]+\S*")


def _normalise(text: str, bootstrap: str) -> str:
    text = _LOG_PREFIX.sub("... ", text).replace(bootstrap, DEFAULT_BOOTSTRAP)
    return _RATE.sub("... events/s over ...", text)


def _delete_topics(bootstrap: str, topics: list[str]) -> None:
    """A sample starts from no topic, so that the page shows the topic being created."""
    admin = AdminClient({"bootstrap.servers": bootstrap})
    existing = set(admin.list_topics(timeout=30).topics)
    doomed = [t for t in topics if t in existing]
    for future in admin.delete_topics(doomed, operation_timeout=30).values() if doomed else []:
        future.result(timeout=60)


def session(name: str, bootstrap: str) -> str:
    """The console session of one block: each command and what it printed (stdout, then stderr)."""
    topic, commands = SESSIONS[name]
    _delete_topics(bootstrap, [topic, *(f"{topic}_{s}" for s in ("labels", "completed", "sessions"))])
    env = {**os.environ, "KAFKA_BOOTSTRAP_SERVERS": bootstrap}
    lines = []
    for command in commands:
        args = shlex.split(command)
        out = subprocess.run(
            [sys.executable, "-m", "streamsim", *args[1:]],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        lines.append(f"$ {command}")
        printed = out.stdout + out.stderr
        lines.append(_normalise(printed, bootstrap).rstrip())
    return "```console\n" + "\n".join(line for line in lines if line) + "\n```"


def blocks(bootstrap: str) -> dict[str, Callable[..., str]]:
    """The generated blocks of docs/kafka.md that need a broker."""
    return {name: (lambda name=name: session(name, bootstrap)) for name in SESSIONS}
