"""Outputs outside Kafka: per-stream files (JSON Lines, Parquet, Avro), rolling, and the streams
that stdout and files carry."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import fastavro
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from streamsim import simulate
from streamsim.cli import cli
from streamsim.errors import UsageError
from streamsim.sinks.file import FileSink
from support import START

DELAYED: dict[str, Any] = {
    "label_mode": "delayed",
    "dispute_window_days": 0.0005,
}  # legitimate labels 43.2s later
RUN = ["--seed", "3", "--start", START, "--speed", "max"]


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_stdout_prints_the_main_stream_only_by_default() -> None:
    code, out, err = invoke("run", "fraud", *RUN, "-n", "300", "--label-mode", "delayed")
    assert code == 0, err
    events = [json.loads(line) for line in out.splitlines()]
    assert len(events) == 300 and all("transaction_id" in e and "amount" in e for e in events)


def test_stdout_streams_all_wraps_every_line_in_an_envelope() -> None:
    args = ["-n", "300", "--label-mode", "delayed", "--dispute-window-days", "0.0005", "--streams", "all"]
    code, out, err = invoke("run", "fraud", *RUN, *args)
    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    assert all(set(line) == {"stream", "topic", "key", "time", "value"} for line in lines)
    by_stream = {line["stream"] for line in lines}
    assert by_stream == {"main", "labels"}
    label = next(line for line in lines if line["stream"] == "labels")
    assert label["topic"] == "transaction_fraud_detection_labels" and "is_fraud" in label["value"]
    assert sum(line["stream"] == "main" for line in lines) == 300
    # The main stream's values are exactly what a main-only run prints.
    _, main_only, _ = invoke("run", "fraud", *RUN, *args[:-2])
    mains = [line["value"] for line in lines if line["stream"] == "main"]
    assert mains == [json.loads(line) for line in main_only.splitlines()]


def test_streams_names_a_companion_and_refuses_unknown_ones() -> None:
    code, out, _ = invoke("run", "eta", *RUN, "-n", "50", "--label-mode", "delayed", "--streams", "completed")
    assert code == 0
    assert all(json.loads(line)["event_type"] == "trip_completed" for line in out.splitlines())
    code, _, err = invoke("run", "eta", *RUN, "-n", "5", "--streams", "labels")
    assert code == 2 and "--streams: 'labels'" in err and "main" in err


def test_a_directory_gets_one_file_per_stream(tmp_path: Path) -> None:
    out = tmp_path / "out"
    simulate("fraud", seed=3, start=START, count=500, sink="file", output=f"{out}/", **DELAYED)
    main = out / "transaction_fraud_detection.jsonl"
    labels = out / "transaction_fraud_detection_labels.jsonl"
    transactions = [json.loads(line) for line in main.read_text().splitlines()]
    confirmed = [json.loads(line) for line in labels.read_text().splitlines()]
    assert len(transactions) == 500 and "is_fraud" not in transactions[0]
    assert confirmed and {c["transaction_id"] for c in confirmed} <= {
        t["transaction_id"] for t in transactions
    }


def test_a_template_names_files_and_picks_the_format(tmp_path: Path) -> None:
    template = str(tmp_path / "{stream}" / "{scenario}-{topic}.jsonl.gz")
    simulate("eta", seed=3, start=START, count=100, sink="file", output=template, label_mode="delayed")
    with gzip.open(tmp_path / "main" / "eta-estimated_time_of_arrival.jsonl.gz") as f:
        assert f.read().count(b"\n") == 100
    assert (tmp_path / "completed" / "eta-estimated_time_of_arrival_completed.jsonl.gz").exists()


def test_a_single_file_interleaves_streams_as_envelopes(tmp_path: Path) -> None:
    path = tmp_path / "all.jsonl"
    simulate("fraud", seed=3, start=START, count=300, sink="file", output=str(path), **DELAYED)
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert {line["stream"] for line in lines} == {"main", "labels"}
    times = [line["time"] for line in lines]
    assert times == sorted(times)  # run order


def test_parquet_files_have_typed_columns_and_nested_structs(tmp_path: Path) -> None:
    template = str(tmp_path / "{topic}.parquet")
    simulate(
        "fraud", seed=3, start=START, count=2500, sink="file", output=template, row_group_size=1000, **DELAYED
    )
    main = tmp_path / "transaction_fraud_detection.parquet"
    assert pq.ParquetFile(main).num_row_groups == 3  # written as they filled: 1000, 1000, 500
    table = pq.read_table(main)
    schema = table.schema
    assert schema.field("amount").type == pa.float64()
    assert schema.field("account_age_days").type == pa.int64()
    assert schema.field("cvv_provided").type == pa.bool_()
    assert schema.field("timestamp").type == pa.timestamp("us", tz="UTC")
    location = schema.field("location").type
    assert pa.types.is_struct(location) and [location.field(i).type for i in range(2)] == [pa.float64()] * 2
    assert table.num_rows == 2500
    labels = pd.read_parquet(tmp_path / "transaction_fraud_detection_labels.parquet")
    assert str(labels["is_fraud"].dtype) == "int64" and str(labels["confirmed_at"].dtype).startswith(
        "datetime64"
    )
    assert labels["fraud_type"].isna().any()  # nullable: null for legitimate transactions
    assert not list(tmp_path.glob("*.inprogress"))


def test_rolling_by_event_time_gives_several_complete_readable_files(tmp_path: Path) -> None:
    template = str(tmp_path / "{topic}.parquet")
    simulate("eta", seed=3, start=START, duration="3h", rate=0.2, sink="file", output=template, roll="1h")
    files = sorted(tmp_path.glob("*.parquet"))
    assert [f.name for f in files] == [
        f"estimated_time_of_arrival-20250303T0{h}0000Z.parquet" for h in (0, 1, 2)
    ]
    for hour, path in enumerate(files):
        frame = pd.read_parquet(path)
        assert len(frame) > 0
        assert frame["timestamp"].dt.hour.eq(hour).all()  # each file holds its hour of event time


def test_a_rolled_file_is_complete_while_the_next_is_written(tmp_path: Path) -> None:
    from streamsim.config import Roll
    from streamsim.schema import FieldSpec

    sink = FileSink(
        tmp_path / "{topic}.parquet",
        roll=Roll(seconds=60),
        topics=["t"],
        specs=[[FieldSpec("i", "integer", "i")]],
    )
    from streamsim.events import Record

    with sink:
        for i in range(150):
            sink.write(Record("t", "k", b'{"i":%d}' % i, float(i), "e", i))
        sink.flush()
        done = sorted(tmp_path.glob("*.parquet"))
        assert [path.name for path in done] == ["t-19700101T000000Z.parquet", "t-19700101T000100Z.parquet"]
        assert pq.read_table(done[1]).column("i").to_pylist() == list(range(60, 120))
        assert len(list(tmp_path.glob("*.inprogress"))) == 1  # the current file, not listed as parquet
    assert pq.read_table(tmp_path / "t-19700101T000200Z.parquet").num_rows == 30


def test_rolling_by_size_numbers_the_parts(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    simulate("fraud", seed=3, start=START, count=3000, sink="file", output=str(path), roll="256KB")
    parts = sorted(tmp_path.glob("events-*.jsonl"))
    assert len(parts) >= 5 and parts[0].name == "events-00000.jsonl"
    assert all(part.stat().st_size < 300_000 for part in parts)
    assert sum(len(part.read_bytes().splitlines()) for part in parts) == 3000


def test_avro_container_files_per_stream(tmp_path: Path) -> None:
    template = str(tmp_path / "{stream}.avro")
    simulate("eta", seed=3, start=START, count=200, sink="file", output=template, label_mode="delayed")
    with (tmp_path / "main.avro").open("rb") as f:
        trips: list[Any] = list(fastavro.reader(f))
    assert len(trips) == 200 and isinstance(trips[0]["origin"]["lat"], float)
    assert trips[0]["timestamp"].tzinfo is not None
    with (tmp_path / "completed.avro").open("rb") as f:
        completed: list[Any] = list(fastavro.reader(f))
    assert all(isinstance(r["simulated_actual_travel_time_seconds"], int) for r in completed)


@pytest.mark.parametrize(
    ("output", "extra", "message"),
    [
        ("{tpic}.jsonl", [], "unknown placeholder {tpic}"),
        (
            "out/all.parquet",
            ["--streams", "all", "--label-mode", "delayed"],
            "a parquet file holds one stream",
        ),
        ("out/{scenario}.jsonl", ["--label-mode", "delayed"], "needs {topic} or {stream}"),
        ("out/x.parquet.gz", [], "compressed inside"),
    ],
)
def test_bad_outputs_are_usage_errors(tmp_path: Path, output: str, extra: list[str], message: str) -> None:
    code, _, err = invoke(
        "run", "fraud", *RUN, "-n", "3", "--sink", "file", "-o", str(tmp_path / output), *extra
    )
    assert code == 2 and message in err, err


def test_roll_needs_the_file_sink_and_a_valid_value() -> None:
    code, _, err = invoke("run", "fraud", *RUN, "-n", "3", "--roll", "1h")
    assert code == 2 and "--roll needs --sink file" in err
    code, _, err = invoke(
        "run", "fraud", *RUN, "-n", "3", "--sink", "file", "-o", "x.jsonl", "--roll", "soon"
    )
    assert code == 2 and "--roll" in err and "64MB" in err


def test_single_parquet_file_holds_the_main_stream(tmp_path: Path) -> None:
    path = tmp_path / "fraud.parquet"
    simulate("fraud", seed=3, start=START, count=100, sink="file", output=str(path), **DELAYED)
    assert pq.read_table(path).num_rows == 100


@pytest.mark.parametrize("name", ["x.parquet", "{topic}.avro"])
@pytest.mark.parametrize("value_format", ["avro", "protobuf", "jsonschema"])
def test_container_files_refuse_another_value_format(tmp_path: Path, name: str, value_format: str) -> None:
    to = ["--sink", "file", "-o", str(tmp_path / name)]
    code, _, err = invoke("run", "fraud", *RUN, "-n", "5", *to, "--format", value_format)
    assert code == 2 and not list(tmp_path.iterdir())
    assert err.strip().splitlines() == [
        f"streamsim: error: --format {value_format} does not apply to .{name.split('.')[-1]} files, which "
        "encode the fields themselves: leave --format at json, or write .jsonl files"
    ]


def test_usage_error_from_python_too(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown placeholder"):
        simulate("fraud", count=1, sink="file", output=str(tmp_path / "{nope}.jsonl"))


@pytest.mark.parametrize(
    ("module", "extra", "name"), [("pyarrow", "parquet", "x.parquet"), ("fastavro", "avro", "x.avro")]
)
def test_a_missing_extra_is_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, module: str, extra: str, name: str
) -> None:
    import sys

    monkeypatch.delitem(sys.modules, f"streamsim.sinks.{extra}", raising=False)
    monkeypatch.setitem(sys.modules, module, None)  # what an installation without it does
    code, _, err = invoke("run", "fraud", *RUN, "-n", "3", "--sink", "file", "-o", str(tmp_path / name))
    assert code == 2 and f"pip install '.[{extra}]'" in err, err
    assert not (tmp_path / name).exists()


def test_streams_is_for_stdout_and_files() -> None:
    code, _, err = invoke("run", "fraud", *RUN, "-n", "3", "--sink", "kafka", "--streams", "main")
    assert code == 2 and "--streams applies to --sink stdout and file" in err


def test_rolled_names_tell_files_apart_whatever_the_placeholders(tmp_path: Path) -> None:
    out = tmp_path / "{topic}-{part:03d}.jsonl"
    simulate("eta", seed=3, start=START, duration="3h", rate=0.2, sink="file", output=str(out), roll="1h")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"estimated_time_of_arrival-00{i}.jsonl" for i in range(3)
    ]
    sized = tmp_path / "sized" / "{time}.jsonl"
    simulate("eta", seed=3, start=START, count=600, sink="file", output=str(sized), roll="64KB")
    names = sorted(p.name for p in sized.parent.iterdir())
    assert len(names) > 2 and names[0].startswith("20250303T00") and names[0].endswith("-00000.jsonl")
