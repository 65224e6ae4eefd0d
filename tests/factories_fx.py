"""Exchange rates for the money tests: rows written as the application writes them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import FxRate, User
from tests.factories import persist


class FxRateFactory(factory.Factory):
    class Meta:
        model = FxRate

    rate_date = datetime.date(2027, 3, 31)
    base = "JPY"
    quote = "USD"
    rate = Decimal("0.0067")
    source = "BOJ"


async def make_rates(db: AsyncSession, entered_by: User, *rows: dict[str, object]) -> list[FxRate]:
    """Persisted rates, each `FxRateFactory` with the row's fields."""
    rates = [FxRateFactory(entered_by=entered_by.id, **row) for row in rows]
    await persist(db, *rates)
    return rates


async def rate_count(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(FxRate)) or 0)
