"""Build the configured `DocumentStore` from plain settings values."""

from __future__ import annotations

from pathlib import Path

from storage.base import DocumentStore
from storage.local import LocalDocumentStore
from storage.s3 import DEFAULT_CONCURRENCY, DEFAULT_PART_SIZE, S3DocumentStore


def build_store(
    kind: str,
    *,
    root: Path | str | None = None,
    bucket: str | None = None,
    endpoint_url: str | None = None,
    region: str = "us-east-1",
    access_key: str | None = None,
    secret_key: str | None = None,
    part_size: int = DEFAULT_PART_SIZE,
    concurrency: int = DEFAULT_CONCURRENCY,
    ensure_bucket: bool = False,
) -> DocumentStore:
    """A store of `kind` `"local"` (needs `root`; creates the directory) or `"s3"` (needs
    `bucket`; the other S3 settings as in `S3DocumentStore`).

    Empty strings count as unset, so values straight from environment variables work.
    Raises `ValueError` for an unknown kind or a missing required setting.
    """
    if kind == "local":
        if not root:
            raise ValueError("a local document store needs a root directory")
        return LocalDocumentStore(Path(root))
    if kind == "s3":
        if not bucket:
            raise ValueError("an S3 document store needs a bucket")
        return S3DocumentStore(
            bucket,
            endpoint_url=endpoint_url or None,
            region=region or "us-east-1",
            access_key=access_key or None,
            secret_key=secret_key or None,
            part_size=part_size,
            concurrency=concurrency,
            ensure_bucket=ensure_bucket,
        )
    raise ValueError(f"unknown document store kind {kind!r} (expected 'local' or 's3')")
