"""Fixtures of the crash tests: a migrated PostgreSQL database of their own (cloned from a
template, as the race harness does) and a var directory for `grants` processes."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.races.arena import Templates


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/crash/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
async def crash_templates() -> AsyncIterator[Templates]:
    templates = Templates()
    yield templates
    await templates.drop()
