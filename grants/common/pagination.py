"""Limit/offset parameters and the count-plus-page query pair every list endpoint uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from litestar.params import Parameter
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Window:
    limit: int
    offset: int


def provide_window(
    limit: int = Parameter(query="limit", default=50, ge=1, le=MAX_LIMIT),
    offset: int = Parameter(query="offset", default=0, ge=0),
) -> Window:
    return Window(limit=limit, offset=offset)


async def fetch_page(
    session: AsyncSession, query: Select[Any], window: Window
) -> tuple[list[Any], int]:
    """Rows of one page and the total count: two statements whatever the page size."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.scalars(query.limit(window.limit).offset(window.offset))
    return list(rows), int(total or 0)
