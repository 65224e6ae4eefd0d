"""Fixtures for the storage tests: the S3 server plugin and one harness per store kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.s3_fixtures import s3_bucket, s3_client, s3_server  # noqa: F401 - fixtures
from tests.unit.storage.harness import Harness, local_harness, s3_harness


@pytest.fixture(params=["local", "s3"])
def harness(request: pytest.FixtureRequest, tmp_path: Path) -> Harness:
    """Each contract test runs once per store: local filesystem and S3 (SeaweedFS)."""
    if request.param == "local":
        return local_harness(tmp_path / "documents")
    return s3_harness(
        request.getfixturevalue("s3_server"),
        request.getfixturevalue("s3_client"),
        request.getfixturevalue("s3_bucket"),
    )
