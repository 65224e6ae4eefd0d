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


ACTIVE_CONTENT = define(
    "storage.upload.active_content",
    "the PDF has active content or an embedded file: {names}",
)
ARCHIVE_TOO_LARGE = define(
    "storage.upload.archive_too_large",
    "the archive unpacks to more than {limit} bytes",
)
ARCHIVE_RATIO = define(
    "storage.upload.archive_ratio",
    "the archive unpacks to more than {ratio} times its size",
)


class ActiveContent(StorageError):
    """A PDF names JavaScript, an action run on opening, a launch or an embedded file; reading
    stopped and nothing was stored. `names` are the PDF names found."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(f"active content in PDF: {', '.join(names)}")
        self.names = names

    @property
    def message(self) -> Message:
        return ACTIVE_CONTENT(names=self.names)


class ArchiveBomb(StorageError):
    """A ZIP archive (DOCX, XLSX, …) unpacks to more than `limit` bytes or more than `ratio`
    times its own size; nothing was stored."""

    def __init__(
        self, unpacked: int, packed: int, *, limit: int | None = None, ratio: int | None = None
    ) -> None:
        super().__init__(f"archive of {packed} bytes unpacks to at least {unpacked} bytes")
        self.unpacked, self.packed, self.limit, self.ratio = unpacked, packed, limit, ratio

    @property
    def message(self) -> Message:
        if self.limit is not None:
            return ARCHIVE_TOO_LARGE(limit=self.limit)
        return ARCHIVE_RATIO(ratio=self.ratio)
