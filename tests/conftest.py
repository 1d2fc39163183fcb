"""Shared fixtures."""

from __future__ import annotations

import pytest

from support import SCENARIOS


@pytest.fixture(params=SCENARIOS)
def scenario_name(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name
