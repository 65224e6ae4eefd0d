"""pytest plugin: a real S3 server (SeaweedFS) for the whole session, a fresh bucket per test.

Register with `pytest_plugins = ["tests.support.s3_fixtures"]`. Without SeaweedFS the S3 tests
skip locally; under `CI=true` they fail, because CI must prove the S3 store works.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.seaweedfs import S3Endpoint, SeaweedFS, SeaweedFSUnavailable


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Endpoint]:
    """The running SeaweedFS S3 gateway: `endpoint_url`, `access_key`, `secret_key`,
    `region` (and `.client()` for a boto3 client). Started once per session, stopped at its
    end."""
    try:
        server = SeaweedFS()
        endpoint = server.start()
    except SeaweedFSUnavailable as exc:
        if _on_ci():
            pytest.fail(f"SeaweedFS must run on CI: {exc}")
        pytest.skip(f"SeaweedFS unavailable: {exc}")
    try:
        yield endpoint
    finally:
        server.stop()


@pytest.fixture(scope="session")
def s3_client(s3_server: S3Endpoint) -> Any:
    """A boto3 S3 client signed with the test server's credentials."""
    return s3_server.client()


@pytest.fixture
def s3_bucket(s3_client: Any) -> Iterator[str]:
    """The name of a new, empty bucket for this test; emptied and removed afterwards."""
    name = f"test-{secrets.token_hex(8)}"
    s3_client.create_bucket(Bucket=name)
    yield name
    _remove_bucket(s3_client, name)


def _remove_bucket(client: Any, name: str) -> None:
    # Removing the bucket drops its SeaweedFS collection, freeing the volume it used.
    for upload in client.list_multipart_uploads(Bucket=name).get("Uploads", []):
        client.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=name)
    for page in pages:
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            client.delete_objects(Bucket=name, Delete={"Objects": keys, "Quiet": True})
    client.delete_bucket(Bucket=name)
