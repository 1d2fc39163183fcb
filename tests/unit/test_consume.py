"""`streamsim consume` without a broker: how values print, when it stops, Ctrl-C."""

from __future__ import annotations

import base64
import io
import signal
import threading
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

import streamsim.cli
from streamsim.cli import cli
from streamsim.consume import ConsumeOptions, _copy, _render, format_value
from streamsim.runner import stop_on_signals


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (b'{"trip_id":"t1","amount":1.5}', b'{"trip_id":"t1","amount":1.5}'),  # as produced, byte for byte
        (None, b"null"),  # a tombstone
        (b"null", b"null"),
        (b"42", b"42"),
        (b'{\n  "a": [1,\n 2]\n}', b'{"a":[1,2]}'),  # JSON over several lines: one line
        (b"hello", b'{"_raw_base64":"aGVsbG8="}'),
        (b"", b'{"_raw_base64":""}'),
        (b"\xff\xfe\x00binary", b'{"_raw_base64":"//4AYmluYXJ5"}'),
        (b'{"a": 1', b'{"_raw_base64":"eyJhIjogMQ=="}'),
        (b'"caf\xe9"', b'{"_raw_base64":"ImNhZuki"}'),  # a JSON string, but not UTF-8
    ],
)
def test_every_value_prints_as_one_line_of_json(value: bytes | None, printed: bytes) -> None:
    line = format_value(value)
    assert line == printed
    assert b"\n" not in line
    decoded = orjson.loads(line)
    if isinstance(decoded, dict) and "_raw_base64" in decoded:
        assert base64.b64decode(decoded["_raw_base64"]) == value


class Message:
    def __init__(self, value: bytes | None, offset: int = 0) -> None:
        self._value, self._offset = value, offset

    def error(self) -> None:
        return None

    def value(self) -> bytes | None:
        return self._value

    def key(self) -> bytes | None:
        return b"k"

    def topic(self) -> str:
        return "t"

    def partition(self) -> int:
        return 0

    def offset(self) -> int:
        return self._offset

    def timestamp(self) -> tuple[int, int]:
        return 1, 1_700_000_000_000

    def headers(self) -> list[tuple[str, bytes | None]]:
        return [("scenario", b"fraud")]


def test_metadata_embeds_tombstones_and_raw_values() -> None:
    assert orjson.loads(_render(Message(None)))["value"] is None
    assert orjson.loads(_render(Message(b"\x00")))["value"] == {"_raw_base64": "AA=="}
    assert orjson.loads(_render(Message(b'{"a":1}')))["value"] == {"a": 1}


class FakeConsumer:
    """Hands out batches; ``on_poll`` runs at each poll (e.g. the signal handler setting ``stop``)."""

    def __init__(self, batches: list[list[Message]], on_poll: Any = None) -> None:
        self.batches = batches
        self.on_poll = on_poll or (lambda polls: None)
        self.polls = 0

    def consume(self, wanted: int, timeout: float) -> list[Message]:
        self.polls += 1
        self.on_poll(self.polls)
        return self.batches.pop(0) if self.batches else []


def test_tombstones_and_non_json_values_do_not_stop_the_copy() -> None:
    out = io.BytesIO()
    consumer = FakeConsumer([[Message(b'{"a":1}'), Message(None), Message(b"\x01")]])
    seen, reason = _copy(consumer, ConsumeOptions(topic="t", count=3), out, threading.Event())
    assert (seen, reason) == (3, "reached --count")
    assert out.getvalue().splitlines() == [b'{"a":1}', b"null", b'{"_raw_base64":"AQ=="}']


def test_a_stop_request_ends_the_copy_with_what_was_read() -> None:
    out, stop = io.BytesIO(), threading.Event()

    def signal_at_second_poll(polls: int) -> None:
        if polls == 2:
            stop.set()  # what the SIGINT handler does

    consumer = FakeConsumer(
        [[Message(b"1")], [Message(b"2")], [Message(b"3")]], on_poll=signal_at_second_poll
    )
    seen, reason = _copy(consumer, ConsumeOptions(topic="t"), out, stop)
    assert (seen, reason) == (2, "stopped by signal")
    assert out.getvalue() == b"1\n2\n"


def test_idle_timeout_ends_the_copy() -> None:
    seen, reason = _copy(
        FakeConsumer([]), ConsumeOptions(topic="t", idle_timeout="1ms"), io.BytesIO(), threading.Event()
    )
    assert (seen, reason) == (0, "reached --idle-timeout")


def test_the_first_ctrl_c_asks_to_stop_and_the_second_aborts() -> None:
    stop = threading.Event()
    with stop_on_signals(stop):
        signal.raise_signal(signal.SIGINT)
        assert stop.is_set()
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)


def test_consume_stopped_by_ctrl_c_reports_what_it_printed_and_exits_0(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def consume(kafka: Any, options: ConsumeOptions, out: Any) -> tuple[int, str]:
        out.write(b"1\n2\n")
        return 2, "stopped by signal"

    monkeypatch.setattr(streamsim.cli, "consume", consume)
    result = CliRunner().invoke(cli, ["consume", "--topic", "t"], catch_exceptions=False)
    assert result.exit_code == 0
    assert result.stdout == "1\n2\n"
    assert result.stderr == "streamsim: consumed 2 messages from t (stopped by signal)\n"


def test_ctrl_c_while_consume_starts_is_one_line_and_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def consume(kafka: Any, options: ConsumeOptions, out: Any) -> tuple[int, str]:
        raise KeyboardInterrupt  # e.g. while connecting

    monkeypatch.setattr(streamsim.cli, "consume", consume)
    result = CliRunner().invoke(cli, ["consume", "--topic", "t"], catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "streamsim: interrupted\n")
