"""Exact SQL query counts of a request on each test backend."""

from __future__ import annotations

# A GET with an API token records the token's last use (one UPDATE) on PostgreSQL; SQLite's
# read-only GETs skip it (grants/db/middleware.py), so they send one statement less.
TOKEN_TOUCH = {"sqlite": 0, "postgres": 1}


def queries_on(backend: str, sqlite_count: int) -> int:
    """The statements a token-authenticated GET sends on `backend`, given its SQLite count."""
    return sqlite_count + TOKEN_TOUCH[backend]
