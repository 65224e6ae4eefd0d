"""Errors raised by document stores.

Every error derives from `StorageError`, so a caller can map the whole family to one HTTP answer
and pick out the few it treats specially (413 for `TooLarge`, 415 for `UnsupportedType`, 503
for `StorageUnavailable`, 404 for `NotFound`).
"""

from __future__ import annotations

from messages import Message, define

TOO_LARGE = define("storage.upload.too_large", "larger than {limit} bytes")
UNSUPPORTED_TYPE = define(
    "storage.upload.unsupported_type", "content type {sniffed} is not allowed"
)


class StorageError(Exception):
    """Base class of every document store error."""


class TooLarge(StorageError):
    """The upload went past `limit` bytes; reading stopped there and nothing was stored.
    `message` says so to the uploader (about the body they sent)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"document larger than {limit} bytes")
        self.limit = limit

    @property
    def message(self) -> Message:
        return TOO_LARGE(limit=self.limit)


class UnsupportedType(StorageError):
    """The sniffed content type is not among the allowed ones; nothing was stored. `message`
    says so to the uploader."""

    def __init__(self, sniffed: str) -> None:
        super().__init__(f"content type {sniffed} is not allowed")
        self.sniffed = sniffed

    @property
    def message(self) -> Message:
        return UNSUPPORTED_TYPE(sniffed=self.sniffed)


class StorageUnavailable(StorageError):
    """The backend cannot be reached or used (wrong endpoint, missing bucket, no permission)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotFound(StorageError):
    """No document is stored under `key` (or the key is malformed, so none can be)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no document under key {key!r}")
        self.key = key
