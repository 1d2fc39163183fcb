"""Files: every selected stream in one file, or one file per stream; JSON Lines, Parquet or Avro; rolled.

``--output`` names

- a file: the selected streams in it, in run order (JSON Lines, gzip-compressed when the name
  ends in ``.gz``; lines are envelopes naming their stream when there are several). A
  ``.parquet`` or ``.avro`` file holds one stream (the main one unless ``--streams`` says);
- a directory (a name ending in ``/``): one file per stream,
  ``<topic>.jsonl``, so a labels file sits beside its transactions;
- a template with placeholders, ``out/{topic}.parquet``: one file per stream, the format from
  the extension. Placeholders: ``{topic}``, ``{stream}`` (``main`` for the main stream),
  ``{scenario}``, ``{time}`` (event time a rolled file starts at, ``20250303T080000Z``) and
  ``{part}`` (number of a rolled file, from 0; ``{part:03d}`` pads it).

With ``--roll``, a new file starts every so much event time (windows aligned to the epoch, so
``1h`` rolls on the hour) or once the current file reaches a size; a name without ``{time}``
or ``{part}`` gets ``-{time}`` (rolled by time) or ``-{part}`` (by size) before its extension.
A file is complete when the next one starts: Parquet and Avro files are written as
``<name>.inprogress`` and renamed when complete, so a reader that lists ``*.parquet`` only ever
sees finished files.
"""

from __future__ import annotations

import gzip
import importlib
import math
import os
import string
from abc import ABC, abstractmethod
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Self

import orjson

from streamsim.errors import RunFailure, UsageError
from streamsim.events import Record
from streamsim.sinks.base import Sink
from streamsim.sinks.lines import BUFFER_RECORDS, envelope, public_name, select_streams

if TYPE_CHECKING:
    from collections.abc import Sequence

    from streamsim._core import RecordTuple
    from streamsim.config import Resolved, Roll
    from streamsim.scenarios.base import Scenario
    from streamsim.schema import FieldSpec
    from streamsim.source import Batch

PLACEHOLDERS = ("topic", "stream", "scenario", "time", "part")
#: Extensions by format; JSON Lines is the format of any other name.
EXTENSIONS = {".parquet": "parquet", ".avro": "avro"}
#: Suffix of a Parquet or Avro file being written (renamed without it once complete).
IN_PROGRESS = ".inprogress"


def file_format(name: str) -> tuple[str, bool]:
    """(format, gzip) of an output file name.

    >>> file_format("out/fraud.jsonl.gz"), file_format("x/{topic}.parquet")
    (('jsonl', True), ('parquet', False))
    """
    lower = name.lower()
    gz = lower.endswith(".gz")
    base = lower.removesuffix(".gz")
    for ext, fmt in EXTENSIONS.items():
        if base.endswith(ext):
            if gz:
                raise UsageError(f"invalid value for --output: {name!r} (a {fmt} file is compressed inside)")
            return fmt, False
    return "jsonl", gz


def _extension(name: str) -> int:
    """Where the extension of a file name starts (``.jsonl.gz`` counts as one)."""
    base = name.removesuffix(".gz")
    dot = base.rfind(".")
    slash = base.rfind("/")
    return dot if dot > slash + 1 else len(base)


def _check_template(template: str) -> None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise UsageError(f"invalid value for --output: {template!r} ({exc})") from None
    for name in fields:
        if name not in PLACEHOLDERS:
            raise UsageError(
                f"invalid value for --output: {template!r} (unknown placeholder {{{name}}}; "
                f"allowed: {', '.join('{' + p + '}' for p in PLACEHOLDERS)})"
            )


def compact_time(t: float) -> str:
    """An event time in file names.

    >>> compact_time(1740988800.0)
    '20250303T080000Z'
    """
    return datetime.fromtimestamp(t, UTC).strftime("%Y%m%dT%H%M%SZ")


def timestamp_paths(specs: Sequence[FieldSpec]) -> list[tuple[str, ...]]:
    """Paths of the date-time fields (parsed into datetimes before they become columns)."""
    return [tuple(s.path.split(".")) for s in specs if s.type == "string" and s.format == "date-time"]


def decode(values: Sequence[bytes], times: Sequence[tuple[str, ...]]) -> list[dict[str, Any]]:
    """Records' JSON values as rows, their date-time strings parsed."""
    rows = [orjson.loads(v) for v in values]
    for path in times:
        *parents, leaf = path
        for row in rows:
            node = row
            for part in parents:
                node = node.get(part) or {}
            text = node.get(leaf)
            if isinstance(text, str):
                node[leaf] = datetime.fromisoformat(text)
    return rows


class FileWriter(ABC):
    """One file being written: its records, then ``close`` (which makes it complete)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @property
    @abstractmethod
    def size(self) -> int:
        """Bytes written so far (at least those already on disk)."""

    @abstractmethod
    def write(self, records: Sequence[RecordTuple]) -> None: ...

    def flush(self) -> None:  # noqa: B027 - optional
        """Push what is buffered towards the disk (without ending the file)."""

    @abstractmethod
    def close(self) -> None: ...


class LinesWriter(FileWriter):
    """JSON Lines (gzip optional); envelopes when the file holds several streams."""

    def __init__(self, path: Path, gz: bool, names: Sequence[str] | None, topics: Sequence[str]) -> None:
        super().__init__(path)
        self._names, self._topics = names, topics
        self._raw = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._out: IO[bytes] | gzip.GzipFile = (
            gzip.GzipFile(fileobj=self._raw, mode="wb", compresslevel=6) if gz else self._raw
        )

    @property
    def size(self) -> int:
        return self._raw.tell()

    def write(self, records: Sequence[RecordTuple]) -> None:
        names, topics = self._names, self._topics
        if names is None:
            self._out.write(b"".join(r[6] + b"\n" for r in records))
        else:
            self._out.write(
                b"".join(envelope(names[r[0]], topics[r[0]], r[1], r[4], r[6]) + b"\n" for r in records)
            )

    def write_lines(self, data: bytes) -> None:
        """Lines already joined (values of one stream, each with its newline)."""
        self._out.write(data)

    def flush(self) -> None:
        self._out.flush()

    def close(self) -> None:
        self._out.close()
        if self._out is not self._raw:
            self._raw.close()


class Target:
    """One output of the file sink: some streams, a name template, a format, the current file."""

    def __init__(
        self,
        template: str,
        streams: list[int],
        *,
        fmt: str,
        gz: bool,
        names: Sequence[str],
        topics: Sequence[str],
        scenario: str,
        specs: list[FieldSpec] | None,
        roll: Roll | None,
        row_group_size: int,
    ) -> None:
        self.streams, self.fmt, self.gz, self.roll = streams, fmt, gz, roll
        self.names, self.topics, self.specs = names, topics, specs
        self.row_group_size = row_group_size
        first = streams[0]
        self.fields = {
            "topic": topics[first],
            "stream": public_name(names[first]),
            "scenario": scenario,
        }
        # Rolled files need distinct names: {part} numbers them; {time} tells windows apart only.
        if roll is not None and "{part" not in template and (roll.bytes or "{time}" not in template):
            at = _extension(template)
            template = template[:at] + ("-{time}" if roll.seconds else "-{part:05d}") + template[at:]
        self.template = template
        #: JSON Lines of one stream, never rolled: written straight from a batch's lines.
        self.plain = fmt == "jsonl" and roll is None and len(streams) == 1
        self.writer: FileWriter | None = None
        self.window = -math.inf  # start of the current event-time window
        self.part = 0
        self.completed: list[Path] = []

    def path(self, start: float | None) -> Path:
        time = compact_time(start) if start is not None else ""
        return Path(self.template.format(**self.fields, time=time, part=self.part))

    def _open(self, start: float | None) -> None:
        path = self.path(start)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if self.fmt == "jsonl":
                several = len(self.streams) > 1
                self.writer = LinesWriter(path, self.gz, self.names if several else None, self.topics)
            elif self.fmt == "parquet":
                from streamsim.sinks.parquet import ParquetWriter

                assert self.specs is not None
                self.writer = ParquetWriter(path, self.specs, self.row_group_size)
            else:
                from streamsim.sinks.avro import AvroWriter

                assert self.specs is not None
                self.writer = AvroWriter(path, self.specs, self.fields["topic"])
        except OSError as exc:
            raise RunFailure(f"cannot open output file {str(path)!r}: {exc.strerror or exc}") from None

    def start(self) -> None:
        """Open the file now when it is not rolled (rolled files open with their first record, whose
        event time ``{time}`` names)."""
        if self.roll is None:
            self._open(None)

    def _finish(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.completed.append(self.writer.path)
            self.writer = None
            self.part += 1

    def write(self, records: Sequence[RecordTuple]) -> None:
        roll = self.roll
        if roll is None:
            assert self.writer is not None
            self.writer.write(records)
        elif roll.seconds is not None:
            step, i = roll.seconds, 0
            while i < len(records):
                window = math.floor(records[i][4] / step) * step
                if window != self.window or self.writer is None:
                    self._finish()
                    self.window = window
                    self._open(window)
                end = window + step
                j = i + 1
                while j < len(records) and records[j][4] < end:
                    j += 1
                assert self.writer is not None
                self.writer.write(records[i:j])
                i = j
        else:
            limit, i = roll.bytes or 0, 0
            while i < len(records):
                if self.writer is None:
                    self._open(records[i][4])
                assert self.writer is not None
                room, j = limit - self.writer.size, i
                while j < len(records) and (j == i or room > 0):  # at least one record a file
                    room -= len(records[j][6]) + 1
                    j += 1
                self.writer.write(records[i:j])
                self.writer.flush()
                i = j
                if self.writer.size >= limit:  # at most one record over, for plain JSON Lines
                    self._finish()

    def flush(self) -> None:
        if self.writer is not None:
            self.writer.flush()

    def close(self) -> None:
        self._finish()


def _check_value_format(resolved: Resolved, targets: list[Target]) -> None:
    """Parquet and Avro container files encode the events' fields themselves: they take the JSON
    values, so another --format is a mistake (JSON Lines files take any, delimited if binary)."""
    from streamsim.formats.options import FormatOptions

    options = resolved.models.get(FormatOptions)
    value_format = options.format if isinstance(options, FormatOptions) else "json"
    containers = sorted({t.fmt for t in targets} - {"jsonl"})
    if containers and value_format != "json":
        raise UsageError(
            f"--format {value_format} does not apply to .{containers[0]} files, which encode the "
            "fields themselves: leave --format at json, or write .jsonl files"
        )


class FileSink(Sink):
    """Writes to files (see the module's documentation for names, formats and rolling)."""

    name = "file"

    def __init__(
        self,
        output: str | Path,
        *,
        streams: Sequence[str] | None = None,
        roll: Roll | None = None,
        row_group_size: int = 65536,
        scenario: str = "",
        topics: Sequence[str] = ("events",),
        specs: Sequence[list[FieldSpec]] = (),
    ) -> None:
        super().__init__()
        self.output = str(output)
        self.streams = list(streams) if streams else None
        self.roll, self.row_group_size = roll, row_group_size
        self.scenario = scenario
        self.topics = list(topics)
        self.specs = list(specs)  # fields of each stream, as emitted (for Parquet and Avro)
        self.targets: list[Target] = []
        self._buffer: list[RecordTuple] = []
        _check_template(self.output)

    @property
    def path(self) -> Path:
        return Path(self.output)

    @property
    def per_stream(self) -> bool:
        """One file per stream (a directory or a template) rather than one file."""
        out = self.output
        return out.endswith(("/", os.sep)) or "{" in out

    @classmethod
    def from_config(cls, resolved: Resolved, topics: Sequence[str], scenario: Scenario[Any]) -> Self:
        from streamsim.config import OutputOptions
        from streamsim.runner import build_projection

        output = resolved.get(OutputOptions)
        assert output.output is not None  # OutputOptions requires it for this sink
        names = scenario.stream_names()
        # Streams the run adds to the scenario's (the chaos manifest) come after them: <topic>_<name>.
        names += [topic.removeprefix(f"{topics[0]}_") for topic in topics[len(names) :]]
        specs = scenario.field_specs()
        main = list(build_projection(resolved, scenario).selected)
        sink = cls(
            output.output,
            streams=output.streams,
            roll=output.roll,
            row_group_size=output.row_group_size,
            scenario=scenario.name,
            topics=list(topics),
            specs=[main if i == 0 else list(specs.get(name, [])) for i, name in enumerate(names)],
        )
        sink.stream_names = names
        targets = sink.plan()  # mistakes in --output and --streams stop the run before it starts
        _check_value_format(resolved, targets)
        return sink

    def plan(self) -> list[Target]:
        """The outputs of this sink for the run's streams (checks the options against them, and that
        the extra a format needs is installed)."""
        targets = self._targets()
        for fmt in {target.fmt for target in targets} - {"jsonl"}:
            importlib.import_module(f"streamsim.sinks.{fmt}")  # a missing extra: a UsageError naming it
        return targets

    def _targets(self) -> list[Target]:
        names, out = list(self.stream_names), self.output
        topics = self.topics + [f"{self.topics[0]}_{n}" for n in names[len(self.topics) :]]
        specs = self.specs + [[] for _ in names[len(self.specs) :]]
        common = {
            "names": names,
            "topics": topics,
            "scenario": self.scenario,
            "roll": self.roll,
            "row_group_size": self.row_group_size,
        }
        if self.per_stream:
            template = out
            if "{" not in out:
                template = os.path.join(out, "{topic}.jsonl")
            fmt, gz = file_format(template)
            selected = select_streams(self.streams, names, "all")
            if len(selected) > 1 and "{topic}" not in template and "{stream}" not in template:
                raise UsageError(
                    f"invalid value for --output: {out!r} (one file per stream needs {{topic}} or "
                    "{stream} in the name)"
                )
            return [
                Target(template, [i], fmt=fmt, gz=gz, specs=specs[i], **common)  # type: ignore[arg-type]
                for i in selected
            ]
        fmt, gz = file_format(out)
        default = "all" if fmt == "jsonl" else "main"
        selected = select_streams(self.streams, names, default)
        if fmt != "jsonl" and len(selected) > 1:
            raise UsageError(
                f"invalid value for --streams: a {fmt} file holds one stream; for several, give "
                f"--output a directory or a template such as out/{{topic}}.{fmt}"
            )
        return [
            Target(out, selected, fmt=fmt, gz=gz, specs=specs[selected[0]], **common)  # type: ignore[arg-type]
        ]

    def open(self) -> None:
        self.targets = self.plan()
        for target in self.targets:
            target.start()

    def write(self, record: Record) -> None:
        names = list(self.stream_names)
        index = names.index(record.stream) if record.stream in names else 0
        self._buffer.append(
            (
                index,
                record.key,
                record.event_type,
                record.label,
                record.time,
                record.labeled_time,
                record.value,
                0,
            )
        )
        self.accepted += 1
        if len(self._buffer) >= BUFFER_RECORDS:
            self.flush()

    def write_batch(self, batch: Batch, topics: Sequence[str], sequence: int) -> None:
        if not self._buffer and all(target.plain for target in self.targets):
            # JSON Lines of one stream a file, not rolled: the lines come whole from the batch.
            n, several = len(batch), len(self.stream_names) > 1
            self.accepted += n
            try:
                for target in self.targets:
                    assert isinstance(target.writer, LinesWriter)
                    target.writer.write_lines(batch.lines(target.streams[0]) if several else batch.lines())
                    target.writer.flush()
            except OSError as exc:
                self.failed += n
                raise RunFailure(f"cannot write output file: {exc.strerror or exc}") from None
            self.delivered += n
            return
        records = batch.records()
        self.accepted += len(records)
        self._buffer += records
        self.flush()

    def queue_length(self) -> int:
        return len(self._buffer)

    def flush(self) -> None:
        """Hands the buffered records to the files and flushes them (Parquet rows wait for their row
        group). Records of streams these files do not carry count as delivered."""
        records, self._buffer = self._buffer, []
        try:
            for target in self.targets:
                if len(target.streams) == len(self.stream_names):
                    mine: Sequence[RecordTuple] = records
                else:
                    wanted = target.streams
                    mine = [r for r in records if r[0] in wanted]
                if mine:
                    target.write(mine)
                target.flush()
        except OSError as exc:
            self.failed += len(records)
            raise RunFailure(f"cannot write output file: {exc.strerror or exc}") from None
        self.delivered += len(records)

    def close(self) -> None:
        self.flush()
        for target in self.targets:
            target.close()

    @property
    def completed(self) -> list[Path]:
        """Files finished so far (all of them once the sink is closed)."""
        return [path for target in self.targets for path in target.completed]
