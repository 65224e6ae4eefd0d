"""Helpers shared by the storage tests: store harnesses and upload streams."""

from __future__ import annotations

import hashlib
import random
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio

from storage import DocumentStore, LocalDocumentStore, S3DocumentStore
from tests.support.seaweedfs import S3Endpoint


@dataclass
class Harness:
    """A store under test plus a view of everything it left in its backend."""

    kind: str
    store: DocumentStore
    leftovers: Callable[[], list[str]]


def local_harness(root: Path) -> Harness:
    def leftovers() -> list[str]:
        return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())

    return Harness("local", LocalDocumentStore(root), leftovers)


def s3_harness(endpoint: S3Endpoint, client: Any, bucket: str) -> Harness:
    def leftovers() -> list[str]:
        objects = client.list_objects_v2(Bucket=bucket).get("Contents", [])
        uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
        return sorted(
            [f"object {item['Key']}" for item in objects]
            + [f"upload {item['Key']}" for item in uploads]
        )

    store = S3DocumentStore(
        bucket,
        endpoint_url=endpoint.endpoint_url,
        region=endpoint.region,
        access_key=endpoint.access_key,
        secret_key=endpoint.secret_key,
    )
    return Harness("s3", store, leftovers)


async def stream(data: bytes, chunk_size: int = 64 * 1024) -> AsyncIterator[bytes]:
    """`data` as an upload stream of `chunk_size` chunks."""
    for start in range(0, len(data), chunk_size):
        yield data[start : start + chunk_size]


MIB = 1024 * 1024
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
# The start of a 64-bit ELF executable: magic, class, data, version, padding, type, machine.
ELF_HEADER = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00"


def generated_chunks(total: int, *, chunk_size: int = 64 * 1024) -> list[int]:
    """Sizes of the chunks `Generated` yields for `total` bytes."""
    return [min(chunk_size, total - start) for start in range(0, total, chunk_size)]


class Generated:
    """A deterministic pseudo-random upload of `total` bytes, produced chunk by chunk (never
    held whole), that records how far it was read and can fail or stall on demand."""

    def __init__(
        self,
        total: int,
        *,
        seed: int = 7,
        chunk_size: int = 64 * 1024,
        fail_after: int | None = None,
        stall_after: int | None = None,
    ) -> None:
        self.total = total
        self.seed = seed
        self.chunk_size = chunk_size
        self.fail_after = fail_after
        self.stall_after = stall_after
        self.pulled = 0
        self.stalled = anyio.Event()

    def chunks(self) -> Iterator[bytes]:
        """The bytes this source yields, again, for computing expectations."""
        rng = random.Random(self.seed)
        for size in generated_chunks(self.total, chunk_size=self.chunk_size):
            yield rng.randbytes(size)

    def sha256_hex(self) -> str:
        digest = hashlib.sha256()
        for chunk in self.chunks():
            digest.update(chunk)
        return digest.hexdigest()

    async def stream(self) -> AsyncIterator[bytes]:
        """The upload stream; fails or stalls where told to."""
        for chunk in self.chunks():
            if self.fail_after is not None and self.pulled >= self.fail_after:
                raise SourceBroke("client went away")
            if self.stall_after is not None and self.pulled >= self.stall_after:
                self.stalled.set()
                await anyio.sleep_forever()
            self.pulled += len(chunk)
            yield chunk


class SourceBroke(Exception):
    """What a failing upload source raises."""


async def read_all(stream: AsyncIterator[bytes]) -> bytes:
    """Every byte of `stream`."""
    return b"".join([chunk async for chunk in stream])
