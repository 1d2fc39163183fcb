"""docs/kafka.md's samples of real runs are what those commands print against a real broker."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import kafka_samples

pytestmark = [pytest.mark.integration, pytest.mark.kafka]

PAGE = Path(__file__).resolve().parents[2] / "docs" / "kafka.md"


@pytest.mark.parametrize("name", sorted(kafka_samples.SESSIONS))
def test_the_page_shows_what_the_commands_print(bootstrap: str, name: str) -> None:
    block = re.search(
        rf"<!-- BEGIN generated: {name} -->\n(.*?)\n<!-- END generated: {name} -->", PAGE.read_text(), re.S
    )
    assert block is not None, f"docs/kafka.md has no {name} block"
    assert kafka_samples.session(name, bootstrap) == block.group(1), (
        "docs/kafka.md is out of date (run: python docs/build.py --kafka)"
    )
