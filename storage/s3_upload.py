"""Streaming an upload into S3: one PutObject when it fits in a part, else a multipart upload
with a bounded number of parts in flight.

Memory stays bounded by `concurrency × part_size`: each part buffer is taken only when a send
slot is free, and a finished part's buffer is refilled rather than reallocated (steady memory,
no allocator churn). boto3 blocks, so every call runs in a worker thread; several threads send
parts at once, which is what keeps up with boto3's own `upload_file`.
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

from storage.errors import TooLarge
from storage.s3_errors import first_error

logger = logging.getLogger(__name__)
MAX_PARTS = 10_000  # S3's limit per multipart upload
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

    async def send(
        self, number: int, body: bytearray, slots: anyio.Semaphore, spare: list[bytearray]
    ) -> None:
        """Upload part `number`, then hand its buffer back to `spare` and free its slot."""
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
            spare.append(body)
            slots.release()
        # CompleteMultipartUpload must repeat any checksum the SDK attached to a part.
        part = {"PartNumber": number, "ETag": response["ETag"]}
        part.update({name: response[name] for name in _CHECKSUMS if name in response})
        self.completed[number] = part

    async def complete(self) -> None:
        parts = [self.completed[number] for number in sorted(self.completed)]
        await _commit(
            self.target,
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
    reader = PartReader(chunks, target.part_size)
    first = await reader.next_part(bytearray())
    if await reader.at_end():
        await _commit(
            target,
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
    try:
        await _send_all(multipart, reader, first)
        await multipart.complete()
    except BaseException:
        with anyio.CancelScope(shield=True):
            await multipart.abort()
        raise


async def _send_all(multipart: _Multipart, reader: PartReader, first: bytearray) -> None:
    """Send `first` and every further part, at most `concurrency` buffers alive at once."""
    slots = anyio.Semaphore(multipart.target.concurrency)
    spare: list[bytearray] = []  # buffers of finished parts, refilled instead of reallocated
    try:
        async with anyio.create_task_group() as group:
            await slots.acquire()
            group.start_soon(multipart.send, 1, first, slots, spare)
            number = 1
            while not await reader.at_end():
                number += 1
                if number > MAX_PARTS:
                    raise TooLarge(MAX_PARTS * multipart.target.part_size)
                # A slot is taken before a buffer is filled: that is what bounds memory.
                await slots.acquire()
                part = await reader.next_part(spare.pop() if spare else bytearray())
                group.start_soon(multipart.send, number, part, slots, spare)
    except BaseExceptionGroup as errors:
        raise first_error(errors) from None


class PartReader:
    """Cuts a chunk stream into parts of exactly `part_size` bytes (the last one shorter),
    copying each byte once: from the caller's chunk into the part buffer."""

    def __init__(self, chunks: AsyncIterator[bytes], part_size: int) -> None:
        self._chunks = aiter(chunks)
        self._part_size = part_size
        self._carry = memoryview(b"")  # unread rest of the current chunk
        self._exhausted = False

    async def at_end(self) -> bool:
        """Whether the stream has no byte left (reads ahead one chunk to know)."""
        if not self._carry and not self._exhausted:
            chunk = await anext(self._chunks, None)
            if chunk is None:
                self._exhausted = True
            else:
                self._carry = memoryview(chunk)
        return not self._carry

    async def next_part(self, buffer: bytearray) -> bytearray:
        """Fill `buffer` with the next part, overwriting a spare buffer in place or growing
        a new empty one, and return it."""
        filled = 0
        while filled < self._part_size and not await self.at_end():
            take = min(self._part_size - filled, len(self._carry))
            buffer[filled : filled + take] = self._carry[:take]
            self._carry = self._carry[take:]
            filled += take
        del buffer[filled:]
        return buffer


async def _commit(target: Target, method: Any, **kwargs: Any) -> None:
    """Make the object appear by calling `method`; if that call raises, delete whatever it
    may have created before re-raising.

    An error can arrive after S3 stored the object (a response lost on the way back), so "the
    call raised" does not mean "nothing was stored". The key is fresh and random: the only
    object it can name is this upload's own.
    """
    try:
        await in_thread(method, **kwargs)
    except BaseException:
        with anyio.CancelScope(shield=True):
            try:
                await in_thread(target.client.delete_object, Bucket=target.bucket, Key=target.key)
            except (BotoCoreError, ClientError):
                logger.warning("could not remove half-committed %s", target.key)
        raise


async def in_thread(method: Any, **kwargs: Any) -> Any:
    """Call the blocking boto3 `method` with `kwargs` in a worker thread."""
    return await to_thread.run_sync(partial(method, **kwargs))
