"""deploy/Dockerfile, checked without Docker: stages, what the final image holds, and how it runs."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"
CHART_VALUES = ROOT / "deploy" / "helm" / "streamsim" / "values.yaml"

Instruction = tuple[str, str]  # (keyword, arguments)


def instructions() -> list[Instruction]:
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [
        (keyword.upper(), rest.strip())
        for keyword, _, rest in (line.partition(" ") for line in lines if line and not line.startswith("#"))
    ]


def stages() -> list[list[Instruction]]:
    found: list[list[Instruction]] = []
    for keyword, args in instructions():
        if keyword == "FROM":
            found.append([])
        if found:
            found[-1].append((keyword, args))
    return found


@pytest.fixture
def final() -> list[Instruction]:
    return stages()[-1]


def test_two_stages_on_python_3_13_slim() -> None:
    base = next(
        args for keyword, args in instructions() if keyword == "ARG" and args.startswith("PYTHON_IMAGE=")
    )
    assert base == "PYTHON_IMAGE=python:3.13-slim"
    froms = [stage[0][1] for stage in stages()]
    assert froms == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"]


def test_the_build_stage_makes_wheels_from_the_sources_it_copies() -> None:
    build = stages()[0]
    copied = [args.split()[:-1] for keyword, args in build if keyword == "COPY"]
    for sources in copied:
        for source in sources:
            assert (ROOT / source).exists(), source
    run = " ".join(args for keyword, args in build if keyword == "RUN")
    assert "pip wheel" in run and "--only-binary=:all:" in run and ".[kafka,metrics]" in run
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert {"kafka", "metrics"} <= set(extras)
    ignore = (ROOT / "deploy" / "Dockerfile.dockerignore").read_text().split()
    allowed = {"*", "!pyproject.toml", "!README.md", "!.cargo/", "!src/", "!core/", "core/target/"}
    assert allowed <= set(ignore)
    assert "cargo" in run  # the native core is built here, not in the final image


def test_the_final_image_installs_wheels_offline_with_no_build_tools(final: list[Instruction]) -> None:
    run = " ".join(args for keyword, args in final if keyword == "RUN")
    assert "--mount=type=bind,from=build,source=/wheels" in run
    assert "pip install --no-index --find-links /wheels" in run and '"streamsim[kafka,metrics]"' in run
    assert not re.search(r"apt-get|apk |gcc|g\+\+|build-essential|make ", run)
    assert not any(keyword in ("COPY", "ADD") for keyword, _ in final)  # nothing but the installed wheels


def test_runs_streamsim_as_a_non_root_user(final: list[Instruction]) -> None:
    user = next(args for keyword, args in final if keyword == "USER")
    uid, _, gid = user.partition(":")
    assert int(uid) > 0 and int(gid) > 0
    assert json.loads(next(args for keyword, args in final if keyword == "ENTRYPOINT")) == ["streamsim"]
    assert json.loads(next(args for keyword, args in final if keyword == "CMD"))[0] == "run"
    values = yaml.safe_load(CHART_VALUES.read_text())
    assert values["podSecurityContext"]["runAsUser"] == int(uid)
    assert values["podSecurityContext"]["runAsGroup"] == int(gid)
    exposed = {int(port) for keyword, args in final if keyword == "EXPOSE" for port in args.split()}
    assert exposed == {values["metrics"]["port"]}
