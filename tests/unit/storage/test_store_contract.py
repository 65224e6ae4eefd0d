"""The `DocumentStore` contract, run against the local store and the S3 store (SeaweedFS)."""

from __future__ import annotations

import errno
import hashlib
import re
import secrets
import urllib.request
from collections.abc import AsyncIterator
from email.message import Message
from pathlib import Path

import anyio
import pytest
from botocore.exceptions import ReadTimeoutError

import storage.local
from storage import (
    LocalDocumentStore,
    NotFound,
    S3DocumentStore,
    StorageError,
    StorageUnavailable,
    StoredObject,
    TooLarge,
    UnsupportedType,
    attachment_disposition,
)
from tests.support.seaweedfs import S3Endpoint, free_ports
from tests.unit.storage.harness import (
    ELF_HEADER,
    MIB,
    MINIMAL_PDF,
    Generated,
    Harness,
    SourceBroke,
    read_all,
    stream,
)

KEY_SHAPE = re.compile(r"docs/[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{32}")
PDF_ONLY = frozenset({"application/pdf"})


async def test_put_small_document_round_trips(harness: Harness) -> None:
    data = "name,amount\nTanaka,1200000\nNguyễn,350000000\n".encode()

    stored = await harness.store.put(stream(data, chunk_size=7))

    expected = StoredObject(stored.key, len(data), hashlib.sha256(data).hexdigest(), "text/csv")
    assert stored == expected
    assert await read_all(await harness.store.open(stored.key)) == data
    assert await harness.store.exists(stored.key) is True


async def test_put_empty_document_stores_zero_bytes(harness: Harness) -> None:
    stored = await harness.store.put(stream(b""))

    assert (stored.size, stored.sha256_hex) == (0, hashlib.sha256(b"").hexdigest())
    assert stored.content_type == "application/octet-stream"
    assert await read_all(await harness.store.open(stored.key)) == b""


async def test_put_streams_document_larger_than_a_part(harness: Harness) -> None:
    source = Generated(20 * MIB)

    stored = await harness.store.put(source.stream(), max_size=20 * MIB)

    assert (stored.size, stored.sha256_hex) == (20 * MIB, source.sha256_hex())
    digest, size = hashlib.sha256(), 0
    async for chunk in await harness.store.open(stored.key):
        digest.update(chunk)
        size += len(chunk)
    assert (size, digest.hexdigest()) == (20 * MIB, source.sha256_hex())
    assert harness.leftovers() == _only(harness, stored.key)


@pytest.mark.parametrize(
    ("limit", "total"),
    [(100, 64 * 1024), (3 * MIB, 4 * MIB), (18 * MIB, 24 * MIB)],
    ids=["within-sniffed-head", "single-part", "mid-multipart"],
)
async def test_put_over_max_size_raises_too_large_and_leaves_nothing(
    harness: Harness, limit: int, total: int
) -> None:
    source = Generated(total)

    with pytest.raises(TooLarge) as raised:
        await harness.store.put(source.stream(), max_size=limit)

    assert raised.value.limit == limit
    assert source.pulled <= limit + source.chunk_size  # stopped at the chunk that crossed
    assert harness.leftovers() == []


async def test_put_disallowed_type_raises_before_reading_on(harness: Harness) -> None:
    source = Generated(8 * MIB)
    fake_pdf = _prefixed(ELF_HEADER, source)

    with pytest.raises(UnsupportedType) as raised:
        await harness.store.put(fake_pdf, allowed_types=PDF_ONLY)

    assert raised.value.sniffed == "application/x-executable"
    assert source.pulled <= 64 * 1024  # only what the sniffer needed
    assert harness.leftovers() == []


async def test_put_allowed_type_is_stored(harness: Harness) -> None:
    stored = await harness.store.put(stream(MINIMAL_PDF), allowed_types=PDF_ONLY)

    assert stored.content_type == "application/pdf"
    assert await read_all(await harness.store.open(stored.key)) == MINIMAL_PDF


@pytest.mark.parametrize(
    "fail_after", [1024, 4 * MIB, 20 * MIB], ids=["head", "single-part", "multipart"]
)
async def test_put_failing_source_raises_its_error_and_leaves_nothing(
    harness: Harness, fail_after: int
) -> None:
    source = Generated(24 * MIB, fail_after=fail_after)

    with pytest.raises(SourceBroke):
        await harness.store.put(source.stream())

    assert harness.leftovers() == []


async def test_put_cancelled_midway_leaves_nothing(harness: Harness) -> None:
    source = Generated(24 * MIB, stall_after=20 * MIB)

    async with anyio.create_task_group() as group:
        group.start_soon(harness.store.put, source.stream())
        with anyio.fail_after(30):
            await source.stalled.wait()
        await anyio.sleep(0.2)  # let parts already read reach the backend
        group.cancel_scope.cancel()

    assert harness.leftovers() == []


async def test_put_failing_after_commit_removes_the_document(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_after_commit(harness, monkeypatch)

    with pytest.raises(StorageError):
        await harness.store.put(stream(MINIMAL_PDF))

    assert harness.leftovers() == []


async def test_put_keys_are_random_and_unique(harness: Harness) -> None:
    keys = [(await harness.store.put(stream(b"same bytes\n"))).key for _ in range(5)]

    assert len(set(keys)) == 5
    assert all(KEY_SHAPE.fullmatch(key) for key in keys)


async def test_open_unknown_or_malformed_key_raises_not_found(harness: Harness) -> None:
    unknown = "docs/00/00/" + "0" * 32

    for key in (unknown, "../../etc/passwd", "/etc/passwd"):
        with pytest.raises(NotFound):
            await harness.store.open(key)
        assert await harness.store.exists(key) is False


async def test_presigned_url_downloads_exact_bytes_as_named_attachment(harness: Harness) -> None:
    stored = await harness.store.put(stream(MINIMAL_PDF))
    filename = "研究計画書 (JST–NAFOSTED).pdf"

    url = await harness.store.presigned_url(
        stored.key, expires_in=60, filename=filename, content_type="application/pdf"
    )

    if harness.kind == "local":
        assert url is None
        return
    assert url is not None
    body, headers = await anyio.to_thread.run_sync(_download, url)
    assert body == MINIMAL_PDF
    assert headers["Content-Disposition"] == attachment_disposition(filename)
    assert headers["Content-Type"] == "application/pdf"


async def test_check_passes_on_a_working_store(harness: Harness) -> None:
    await harness.store.check()


async def test_check_local_store_without_its_directory_fails(tmp_path: Path) -> None:
    store = LocalDocumentStore(tmp_path / "docs")
    (tmp_path / "docs" / ".tmp").rmdir()
    (tmp_path / "docs").rmdir()

    with pytest.raises(StorageUnavailable, match="not a writable directory"):
        await store.check()


async def test_check_s3_store_with_wrong_endpoint_fails_fast(s3_server: S3Endpoint) -> None:
    dead = f"http://127.0.0.1:{free_ports(1)[0]}"
    store = S3DocumentStore(
        "anything", endpoint_url=dead, access_key="x", secret_key="y", region="us-east-1"
    )

    with anyio.fail_after(10), pytest.raises(StorageUnavailable, match="cannot reach S3"):
        await store.check()


async def test_check_s3_store_with_missing_bucket_fails(s3_server: S3Endpoint) -> None:
    store = _s3_store(s3_server, "no-such-bucket-here")

    with pytest.raises(StorageUnavailable, match="does not exist"):
        await store.check()


async def test_check_s3_store_with_wrong_secret_fails(
    s3_server: S3Endpoint, s3_bucket: str
) -> None:
    store = S3DocumentStore(
        s3_bucket,
        endpoint_url=s3_server.endpoint_url,
        access_key=s3_server.access_key,
        secret_key="not-the-secret",
    )

    with pytest.raises(StorageUnavailable):
        await store.check()


async def test_s3_store_ensure_bucket_creates_it(s3_server: S3Endpoint) -> None:
    bucket = f"ensure-{secrets.token_hex(6)}"
    store = _s3_store(s3_server, bucket, ensure_bucket=True)

    await store.check()
    stored = await store.put(stream(MINIMAL_PDF))

    assert await read_all(await store.open(stored.key)) == MINIMAL_PDF


def _s3_store(endpoint: S3Endpoint, bucket: str, **options: bool) -> S3DocumentStore:
    return S3DocumentStore(
        bucket,
        endpoint_url=endpoint.endpoint_url,
        region=endpoint.region,
        access_key=endpoint.access_key,
        secret_key=endpoint.secret_key,
        **options,
    )


def _fail_after_commit(harness: Harness, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the step that publishes a document take effect and then fail, like a response
    lost after S3 stored the object or a directory fsync failing after the rename."""
    if isinstance(harness.store, S3DocumentStore):
        target, name = harness.store._client, "put_object"
        error: Exception = ReadTimeoutError(endpoint_url="http://s3.test")
    else:
        target, name = storage.local, "_publish"
        error = OSError(errno.EIO, "fsync failed")
    original = getattr(target, name)

    def then_fail(*args: object, **kwargs: object) -> object:
        original(*args, **kwargs)
        raise error

    monkeypatch.setattr(target, name, then_fail)


def _download(url: str) -> tuple[bytes, Message]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback server
        return response.read(), response.headers


def _only(harness: Harness, key: str) -> list[str]:
    return [f"object {key}"] if harness.kind == "s3" else [key]


async def _prefixed(head: bytes, source: Generated) -> AsyncIterator[bytes]:
    yield head
    async for chunk in source.stream():
        yield chunk
