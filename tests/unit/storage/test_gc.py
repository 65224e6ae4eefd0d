"""`storage.gc` on both stores (local and SeaweedFS S3): listing objects and partial uploads,
the pure diff against the referenced keys with a grace period, and removal."""

from __future__ import annotations

import datetime
from typing import Any

from storage.gc import OBJECT, PARTIAL, Listed, list_stored, orphans, remove
from storage.local import LocalDocumentStore
from storage.s3 import S3DocumentStore
from tests.unit.storage.harness import Harness, stream

NOW = datetime.datetime(2027, 1, 1, 12, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)
PDF = b"%PDF-1.7\n" + b"x" * 1000


def _at(hours_ago: float) -> datetime.datetime:
    return NOW - hours_ago * HOUR


def test_orphans_are_unreferenced_objects_and_partials_older_than_the_grace() -> None:
    listed = [
        Listed("docs/aa/aa/a", OBJECT, 10, _at(30)),  # referenced
        Listed("docs/bb/bb/b", OBJECT, 20, _at(30)),  # orphan
        Listed("docs/cc/cc/c", OBJECT, 30, _at(1)),  # too young: an upload in progress
        Listed(".tmp/x.part", PARTIAL, 40, _at(25)),  # a temp file left behind
        Listed("docs/aa/aa/a", PARTIAL, 0, _at(48), "upload-1"),  # an unfinished multipart
    ]

    found = orphans(listed, {"docs/aa/aa/a"}, now=NOW, grace=24 * HOUR)

    assert [(f.key, f.kind, f.upload_id) for f in found] == [
        (".tmp/x.part", PARTIAL, None),
        ("docs/aa/aa/a", PARTIAL, "upload-1"),
        ("docs/bb/bb/b", OBJECT, None),
    ]
    assert orphans(listed, set(), now=NOW, grace=100 * HOUR) == []


async def _partial(harness: Harness) -> None:
    """Leave what a crashed upload leaves: a temp file, or an unfinished multipart upload."""
    store: Any = harness.store
    if isinstance(store, LocalDocumentStore):
        (store.root / ".tmp" / "crashed.part").write_bytes(b"half")
    else:
        assert isinstance(store, S3DocumentStore)
        store._client.create_multipart_upload(Bucket=store.bucket, Key="docs/00/00/crashed")


async def test_gc_lists_and_removes_only_what_nothing_points_to(harness: Harness) -> None:
    kept = await harness.store.put(stream(PDF))
    lost = await harness.store.put(stream(PDF))
    await _partial(harness)
    later = datetime.datetime.now(datetime.UTC) + HOUR

    stored = await list_stored(harness.store)
    found = orphans(stored, {kept.key}, now=later, grace=datetime.timedelta(0))
    removed = await remove(harness.store, found)

    assert sorted((s.key, s.kind, s.size) for s in stored if s.kind == OBJECT) == sorted(
        [(kept.key, OBJECT, len(PDF)), (lost.key, OBJECT, len(PDF))]
    )
    assert sorted((f.kind, f.key == lost.key) for f in found) == [(OBJECT, True), (PARTIAL, False)]
    assert removed == found
    assert [(s.key, s.kind) for s in await list_stored(harness.store)] == [(kept.key, OBJECT)]
    assert await harness.store.exists(kept.key)
    assert not await harness.store.exists(lost.key)
