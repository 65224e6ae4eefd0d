"""The HTTP answers specific to documents, as `DomainError`s the app's handlers render."""

from __future__ import annotations

from grants.errors import DomainError
from messages import Message, define

TOO_LARGE_TITLE = define("document.title.too_large", "Document too large")
UNSUPPORTED_TITLE = define("document.title.unsupported_type", "Unsupported document type")
UNAVAILABLE_TITLE = define("document.title.storage_unavailable", "Document storage unavailable")


class PayloadTooLarge(DomainError):
    status, code = 413, "too_large"

    @property
    def title(self) -> Message:
        return TOO_LARGE_TITLE()


class UnsupportedMediaType(DomainError):
    status, code = 415, "unsupported_type"

    @property
    def title(self) -> Message:
        return UNSUPPORTED_TITLE()


class StorageFailed(DomainError):
    status, code = 503, "storage_unavailable"

    @property
    def title(self) -> Message:
        return UNAVAILABLE_TITLE()
