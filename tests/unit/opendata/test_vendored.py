"""The schema files under tests/data/standards are the maintained ones in ../shared."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.standards import SHARED, VENDORED


def files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared/standards beside this clone")
@pytest.mark.parametrize("standard", ["360giving", "iati"])
def test_the_vendored_schemas_are_the_shared_ones(standard: str) -> None:
    assert files(VENDORED / standard) == files(SHARED / standard)
