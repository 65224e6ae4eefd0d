"""Limit/offset parameters and the count-plus-page query pair every list endpoint uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from litestar.params import Parameter
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
MAX_LIMIT = 200
# Every integer the client puts in a query string stays within a 32-bit column: past 2**63 the
# database driver overflows (a 500), and no page of ours starts two billion rows in.
MAX_QUERY_INT = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Window:
    limit: int
    offset: int


def provide_window(
    limit: int = Parameter(query="limit", default=50, ge=1, le=MAX_LIMIT),
    offset: int = Parameter(query="offset", default=0, ge=0, le=MAX_QUERY_INT),
) -> Window:
    return Window(limit=limit, offset=offset)


async def fetch_page(
    session: AsyncSession, query: Select[Any], window: Window
) -> tuple[list[Any], int]:
    """Rows of one page and the total count: two statements whatever the page size."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.scalars(query.limit(window.limit).offset(window.offset))
    return list(rows), int(total or 0)
