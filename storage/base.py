"""The `DocumentStore` protocol the application codes against, and what a put returns."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True)
class StoredObject:
    """What a successful `DocumentStore.put` stored.

    `content_type` is sniffed from the bytes, never taken from the client's claim.
    """

    key: str
    size: int
    sha256_hex: str
    content_type: str


@runtime_checkable
class DocumentStore(Protocol):
    """Where document bytes live. There is deliberately no delete: documents are immutable
    and the application never removes them.
    """

    async def put(
        self,
        chunks: AsyncIterator[bytes],
        *,
        max_size: int | None = None,
        allowed_types: frozenset[str] | None = None,
    ) -> StoredObject:
        """Stream `chunks` into a new object under a fresh random key.

        Reads `chunks` once, holding at most a bounded buffer; hashes (SHA-256) and counts on
        the way; sniffs the content type from the first bytes before storing anything.

        Raises `TooLarge` as soon as more than `max_size` bytes arrived, `UnsupportedType` if
        the sniffed type is not in `allowed_types` (None allows any), `StorageUnavailable` /
        `StorageError` when the backend fails, and re-raises whatever `chunks` raises. On any
        failure or cancellation nothing is left behind in the store.
        """
        ...

    async def open(self, key: str) -> AsyncIterator[bytes]:
        """Return an async iterator over the object's bytes, in chunks.

        Awaiting `open` already contacts the backend, so `NotFound` is raised here, before the
        caller starts a response: `stream = await store.open(key)`, then `async for`.
        Iterate the stream to its end or `aclose()` it to release the connection or file.
        """
        ...

    async def presigned_url(
        self, key: str, *, expires_in: int, filename: str, content_type: str
    ) -> str | None:
        """A time-limited URL that downloads the object as an attachment named `filename`
        with `content_type`, or None when the store cannot hand out URLs (then the
        application streams `open(key)` itself).
        """
        ...

    async def exists(self, key: str) -> bool:
        """Whether an object is stored under `key`."""
        ...

    async def check(self) -> None:
        """Raise `StorageUnavailable` with a reason unless the store is usable right now."""
        ...
