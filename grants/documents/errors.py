"""The HTTP answers specific to documents, as `DomainError`s the app's handlers render."""

from __future__ import annotations

from grants.errors import DomainError


class PayloadTooLarge(DomainError):
    status, title, code = 413, "Document too large", "too_large"


class UnsupportedMediaType(DomainError):
    status, title, code = 415, "Unsupported document type", "unsupported_type"


class StorageFailed(DomainError):
    status, title, code = 503, "Document storage unavailable", "storage_unavailable"
