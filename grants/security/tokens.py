"""Opaque secrets for session cookies and API tokens; only their SHA-256 is ever stored."""

from __future__ import annotations

import hashlib
import secrets

API_TOKEN_PREFIX = "cft_"  # noqa: S105 - a public marker, not a secret


def new_secret() -> str:
    """A 256-bit URL-safe random secret."""
    return secrets.token_urlsafe(32)


def new_api_token() -> str:
    """An API token; the prefix makes leaked tokens easy to recognise by secret scanners."""
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 hex digest: tokens are high-entropy, so a fast hash is enough and lookups index."""
    return hashlib.sha256(secret.encode()).hexdigest()
