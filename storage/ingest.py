"""The part of every upload that does not depend on the backend.

`begin_upload` reads just enough of the caller's stream to sniff its type and refuses it
before any byte reaches the backend; the returned stream then yields every byte exactly once
while counting, hashing and enforcing the size limit.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from storage.base import StoredObject
from storage.errors import TooLarge, UnsupportedType
from storage.sniff import SNIFF_BYTES, sniff


@dataclass
class Meter:
    """Counts and hashes bytes as they pass; raises `TooLarge` once past `max_size`."""

    max_size: int | None
    size: int = 0
    _hash: hashlib._Hash = field(default_factory=hashlib.sha256)

    def feed(self, chunk: bytes) -> None:
        """Account for `chunk`. Raises `TooLarge` before hashing a chunk that crosses the
        limit, so the caller stops reading right there."""
        self.size += len(chunk)
        if self.max_size is not None and self.size > self.max_size:
            raise TooLarge(self.max_size)
        self._hash.update(chunk)

    @property
    def sha256_hex(self) -> str:
        """Hex SHA-256 of everything fed so far."""
        return self._hash.hexdigest()


@dataclass
class Upload:
    """An upload that passed the type check: its sniffed type and its metered byte stream."""

    content_type: str
    chunks: AsyncIterator[bytes]
    meter: Meter

    def stored(self, key: str) -> StoredObject:
        """The `StoredObject` for `key`, once `chunks` has been consumed to its end."""
        return StoredObject(
            key=key,
            size=self.meter.size,
            sha256_hex=self.meter.sha256_hex,
            content_type=self.content_type,
        )


async def begin_upload(
    chunks: AsyncIterator[bytes],
    *,
    max_size: int | None,
    allowed_types: frozenset[str] | None,
) -> Upload:
    """Read the first `SNIFF_BYTES` of `chunks`, sniff them and check the type.

    Raises `UnsupportedType` if the sniffed type is not in `allowed_types` (None allows all),
    `TooLarge` if `max_size` is already exceeded, and whatever `chunks` raises. Reads no
    further than needed for the decision.
    """
    meter = Meter(max_size)
    iterator = aiter(chunks)  # one iterator, resumed after the head by `_metered`
    head: list[bytes] = []
    buffered = 0
    exhausted = True
    async for chunk in iterator:
        if not chunk:
            continue
        meter.feed(chunk)
        head.append(chunk)
        buffered += len(chunk)
        if buffered >= SNIFF_BYTES:
            exhausted = False
            break
    content_type = sniff(b"".join(head)[:SNIFF_BYTES], complete=exhausted)
    if allowed_types is not None and content_type not in allowed_types:
        raise UnsupportedType(content_type)
    return Upload(content_type, _chain(head, _metered(iterator, meter)), meter)


async def _metered(chunks: AsyncIterator[bytes], meter: Meter) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        if chunk:
            meter.feed(chunk)
            yield chunk


async def _chain(head: list[bytes], rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    while head:
        yield head.pop(0)  # drop each head chunk once handed on, so it can be freed
    async for chunk in rest:
        yield chunk
