"""Streaming an upload into S3: one PutObject when it fits in a part, else a multipart upload
with a bounded number of parts in flight.

Memory stays bounded by `(concurrency + 2) × part_size`: the parts being sent, the one being
filled and the look-ahead part that tells a single-part upload from a multipart one. boto3
blocks, so every call runs in a worker thread; several threads send parts at once, which is
what reaches the throughput of boto3's own `upload_file`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import anyio
from anyio import to_thread
from botocore.exceptions import BotoCoreError, ClientError

from storage.s3_errors import first_error

logger = logging.getLogger(__name__)
_CHECKSUMS = ("ChecksumCRC32", "ChecksumCRC32C", "ChecksumCRC64NVME", "ChecksumSHA1")


@dataclass
class Target:
    """Where an upload goes and how it is cut."""

    client: Any
    bucket: str
    key: str
    content_type: str
    part_size: int
    concurrency: int


@dataclass
class _Multipart:
    target: Target
    upload_id: str
    completed: dict[int, dict[str, Any]] = field(default_factory=dict)

    async def send(self, number: int, body: bytes, slot: anyio.Semaphore) -> None:
        try:
            response = await in_thread(
                self.target.client.upload_part,
                Bucket=self.target.bucket,
                Key=self.target.key,
                UploadId=self.upload_id,
                PartNumber=number,
                Body=body,
            )
        finally:
            slot.release()
        # CompleteMultipartUpload must repeat any checksum the SDK attached to a part.
        part = {"PartNumber": number, "ETag": response["ETag"]}
        part.update({name: response[name] for name in _CHECKSUMS if name in response})
        self.completed[number] = part

    async def complete(self) -> None:
        parts = [self.completed[number] for number in sorted(self.completed)]
        await in_thread(
            self.target.client.complete_multipart_upload,
            Bucket=self.target.bucket,
            Key=self.target.key,
            UploadId=self.upload_id,
            MultipartUpload={"Parts": parts},
        )

    async def abort(self) -> None:
        try:
            await in_thread(
                self.target.client.abort_multipart_upload,
                Bucket=self.target.bucket,
                Key=self.target.key,
                UploadId=self.upload_id,
            )
        except (BotoCoreError, ClientError):
            # Raising here would hide the error that made us abort; the bucket's
            # lifecycle rule for incomplete uploads is the backstop.
            logger.warning("abort of upload %s for %s failed", self.upload_id, self.target.key)


async def upload(target: Target, chunks: AsyncIterator[bytes]) -> None:
    """Store all of `chunks` under `target.key`; the object appears only if all succeeded.

    Raises whatever `chunks` raises (size limit, caller errors) or botocore errors. On any
    failure or cancellation an open multipart upload is aborted, after every part in flight
    has finished, so no orphaned part survives the abort.
    """
    parts = _parts(chunks, target.part_size)
    first = await anext(parts, b"")
    second = await anext(parts, None)
    if second is None:
        await in_thread(
            target.client.put_object,
            Bucket=target.bucket,
            Key=target.key,
            Body=first,
            ContentType=target.content_type,
        )
        return
    response = await in_thread(
        target.client.create_multipart_upload,
        Bucket=target.bucket,
        Key=target.key,
        ContentType=target.content_type,
    )
    multipart = _Multipart(target, response["UploadId"])
    head = [first, second]
    del first, second  # `head` alone holds them, so each is freed once it has been sent
    try:
        await _send_all(multipart, _prepend(head, parts))
        await multipart.complete()
    except BaseException:
        with anyio.CancelScope(shield=True):
            await multipart.abort()
        raise


async def _send_all(multipart: _Multipart, parts: AsyncIterator[bytes]) -> None:
    slot = anyio.Semaphore(multipart.target.concurrency)
    try:
        async with anyio.create_task_group() as group:
            number = 0
            async for body in parts:
                number += 1
                # Waiting for a free slot before reading on is what bounds memory.
                await slot.acquire()
                group.start_soon(multipart.send, number, body, slot)
                del body
    except BaseExceptionGroup as errors:
        raise first_error(errors) from None


async def _parts(chunks: AsyncIterator[bytes], part_size: int) -> AsyncIterator[bytes]:
    """Re-cut `chunks` into parts of exactly `part_size` bytes, the last one shorter."""
    pending = bytearray()
    async for chunk in chunks:
        pending += chunk
        while len(pending) >= part_size:
            part = bytes(pending[:part_size])
            del pending[:part_size]
            yield part
    if pending:
        yield bytes(pending)


async def _prepend(head: list[bytes], rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    while head:
        yield head.pop(0)
    async for part in rest:
        yield part


async def in_thread(method: Any, **kwargs: Any) -> Any:
    """Call the blocking boto3 `method` with `kwargs` in a worker thread."""
    return await to_thread.run_sync(partial(method, **kwargs))
