"""Fixtures of the race harness (`tests.races.arena`): every test here runs on PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.races.arena import Arena, Templates, open_arena


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/races/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
async def race_templates() -> AsyncIterator[Templates]:
    templates = Templates()
    yield templates
    await templates.drop()


@pytest.fixture
async def arena(race_templates: Templates, tmp_path: Path) -> AsyncIterator[Arena]:
    async with open_arena(race_templates, tmp_path) as opened:
        yield opened
