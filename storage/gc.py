"""Garbage collection of a document store: what is stored, what nothing points to, and removing
it. The application never deletes a document; this is for what a crash left behind — an object
stored by an upload or export whose database row never committed, a temp file of an upload cut
off mid-stream, an S3 multipart upload never completed.

`list_stored(store)` lists a local or S3 store; `orphans(...)` is the pure diff against the
keys the database points to, keeping everything younger than a grace period (an upload in
progress stores its object before its row commits); `remove(store, found)` deletes them.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anyio import to_thread

from storage.base import DocumentStore
from storage.errors import StorageError
from storage.keys import check_key
from storage.local import LocalDocumentStore
from storage.s3 import S3DocumentStore
from storage.s3_errors import S3_ERRORS

OBJECT = "object"  # a stored object under a key the store issued
PARTIAL = "partial"  # an upload's leftovers: a local temp file, an S3 multipart upload
_TMP = ".tmp"


@dataclass(frozen=True, slots=True)
class Listed:
    """One thing in a store: `key` (for a partial S3 upload, its key and upload id), its kind,
    its size in bytes (0 when unknown) and when it was last written (UTC)."""

    key: str
    kind: str
    size: int
    modified: datetime.datetime
    upload_id: str | None = None


def orphans(
    listed: Iterable[Listed],
    referenced: Collection[str],
    *,
    now: datetime.datetime,
    grace: datetime.timedelta,
) -> list[Listed]:
    """What `listed` holds that no key in `referenced` names and that is older than `grace`
    at `now`: partial uploads are never referenced. Sorted by key."""
    cutoff = now - grace
    return sorted(
        (
            item
            for item in listed
            if item.modified <= cutoff and (item.kind == PARTIAL or item.key not in referenced)
        ),
        key=lambda item: (item.key, item.upload_id or ""),
    )


async def list_stored(store: DocumentStore) -> list[Listed]:
    """Everything in `store`: objects and partial uploads. Raises StorageError when the store
    cannot be listed, TypeError for a store of another kind."""
    if isinstance(store, LocalDocumentStore):
        return await to_thread.run_sync(_list_local, store.root)
    if isinstance(store, S3DocumentStore):
        return await to_thread.run_sync(_list_s3, store)
    raise TypeError(f"cannot list a {type(store).__name__}")


async def remove(store: DocumentStore, found: Iterable[Listed]) -> list[Listed]:
    """Delete `found` from `store`; returns what was removed (something already gone counts as
    removed). Raises StorageError on the first failure, TypeError for another kind of store."""
    items = list(found)
    if isinstance(store, LocalDocumentStore):
        return await to_thread.run_sync(_remove_local, store.root, items)
    if isinstance(store, S3DocumentStore):
        return await to_thread.run_sync(_remove_s3, store, items)
    raise TypeError(f"cannot remove from a {type(store).__name__}")


def _utc(timestamp: float) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC)


def _list_local(root: Path) -> list[Listed]:
    found = []
    try:
        for path in sorted((root / "docs").rglob("*")):
            if path.is_file():
                key = path.relative_to(root).as_posix()
                stat = path.stat()
                found.append(Listed(key, OBJECT, stat.st_size, _utc(stat.st_mtime)))
        for path in sorted((root / _TMP).glob("*")):
            if path.is_file():
                stat = path.stat()
                key = f"{_TMP}/{path.name}"
                found.append(Listed(key, PARTIAL, stat.st_size, _utc(stat.st_mtime)))
    except OSError as exc:
        raise StorageError(f"listing {root}: {exc}") from exc
    return found


def _local_path(root: Path, item: Listed) -> Path:
    if item.kind == PARTIAL:
        name = item.key.removeprefix(f"{_TMP}/")
        if "/" in name or name in ("", ".", ".."):
            raise StorageError(f"not a temp file of this store: {item.key}")
        return root / _TMP / name
    return root / check_key(item.key)


def _remove_local(root: Path, items: list[Listed]) -> list[Listed]:
    removed = []
    for item in items:
        try:
            _local_path(root, item).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"removing {item.key}: {exc}") from exc
        removed.append(item)
    if removed:
        _fsync_dirs({_local_path(root, item).parent for item in removed})
    return removed


def _fsync_dirs(directories: Iterable[Path]) -> None:
    for directory in directories:
        try:
            fd = os.open(directory, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _client(store: S3DocumentStore) -> Any:
    # The store's own boto3 client (thread-safe, shared by its worker threads).
    return store._client


def _list_s3(store: S3DocumentStore) -> list[Listed]:
    client, found = _client(store), []
    try:
        for page in client.get_paginator("list_objects_v2").paginate(
            Bucket=store.bucket, Prefix="docs/"
        ):
            for entry in page.get("Contents", []):
                found.append(Listed(entry["Key"], OBJECT, entry["Size"], entry["LastModified"]))
        for page in client.get_paginator("list_multipart_uploads").paginate(Bucket=store.bucket):
            for upload in page.get("Uploads", []):
                found.append(
                    Listed(upload["Key"], PARTIAL, 0, upload["Initiated"], upload["UploadId"])
                )
    except S3_ERRORS as exc:
        raise StorageError(f"listing bucket {store.bucket}: {exc}") from exc
    return found


def _remove_s3(store: S3DocumentStore, items: list[Listed]) -> list[Listed]:
    client, removed = _client(store), []
    try:
        for item in items:
            if item.kind == PARTIAL:
                client.abort_multipart_upload(
                    Bucket=store.bucket, Key=item.key, UploadId=item.upload_id
                )
            else:
                client.delete_object(Bucket=store.bucket, Key=check_key(item.key))
            removed.append(item)
    except S3_ERRORS as exc:
        raise StorageError(f"removing from bucket {store.bucket}: {exc}") from exc
    return removed
