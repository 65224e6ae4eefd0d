"""Recording and listing exchange rates; every stored rate is audited."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import Select, and_, or_, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import Entry, append_many
from grants.common.actors import Actor
from grants.db.models import FxRate
from grants.errors import Conflict, FieldError, Invalid
from grants.fx import schemas
from grants.fx.checks import Errors, RateIn, check_rate, rate_text
from messages import define
from schedules.fx import RecordedRate

REFUSED = define("fx.rate.refused", "The exchange rate was not recorded.")
DUPLICATE = define(
    "fx.rate.duplicate", "A rate of {base}/{quote} on {day} from {source} is recorded already."
)
RECORDED_MEANWHILE = define(
    "fx.rate.recorded_meanwhile",
    "A rate of the same day, pair and source was recorded meanwhile; nothing was stored.",
)
DUPLICATE_FIELD = define("fx.rate.duplicate_field", "recorded already for this day and source")


def view(row: FxRate) -> schemas.FxRate:
    return schemas.FxRate(
        id=row.id,
        rate_date=row.rate_date,
        base=row.base,
        quote=row.quote,
        rate=rate_text(row.rate),
        source=row.source,
        entered_by=row.entered_by,
        created_at=row.created_at,
    )


def rates_query(
    *,
    base: str | None,
    quote: str | None,
    since: datetime.date | None,
    until: datetime.date | None,
) -> Select[tuple[FxRate]]:
    """Rates newest day first (then pair and source), filtered by currency and day range."""
    query = select(FxRate).order_by(
        FxRate.rate_date.desc(), FxRate.base, FxRate.quote, FxRate.source
    )
    if base:
        query = query.where(FxRate.base == base.upper())
    if quote:
        query = query.where(FxRate.quote == quote.upper())
    if since:
        query = query.where(FxRate.rate_date >= since)
    if until:
        query = query.where(FxRate.rate_date <= until)
    return query


async def stored_keys(
    session: AsyncSession, rates: Sequence[RateIn]
) -> set[tuple[datetime.date, str, str, str]]:
    """Which of `rates`' (day, base, quote, source) keys are stored already (one query)."""
    if not rates:
        return set()
    keys = [(r.rate_date, r.base, r.quote, r.source) for r in rates]
    rows = await session.execute(
        select(FxRate.rate_date, FxRate.base, FxRate.quote, FxRate.source).where(
            tuple_(FxRate.rate_date, FxRate.base, FxRate.quote, FxRate.source).in_(keys)
        )
    )
    return {(d, b, q, s) for d, b, q, s in rows.tuples()}


async def store(
    session: AsyncSession,
    rates: Sequence[RateIn],
    *,
    actor: Actor,
    entered_by: uuid.UUID,
    extra: Sequence[Entry] = (),
) -> list[FxRate]:
    """Insert checked rates entered by `entered_by` and audit each as `fx_rate.create` (then
    `extra` events)."""
    rows = [
        FxRate(
            rate_date=r.rate_date,
            base=r.base,
            quote=r.quote,
            rate=r.rate,
            source=r.source,
            entered_by=entered_by,
        )
        for r in rates
    ]
    session.add_all(rows)
    try:
        await session.flush()
    except IntegrityError:
        # Another request stored the same day, pair and source after our check: the unique
        # key refused ours. The request's transaction is rolled back with this refusal.
        raise Conflict(RECORDED_MEANWHILE()) from None
    entries = [
        Entry(
            actor,
            "fx_rate.create",
            "fx_rate",
            row.id,
            {
                "rate_date": [None, row.rate_date.isoformat()],
                "base": [None, row.base],
                "quote": [None, row.quote],
                "rate": [None, rate_text(row.rate)],
                "source": [None, row.source],
            },
        )
        for row in rows
    ]
    await append_many(session, [*entries, *extra])
    return rows


async def create_rate(
    session: AsyncSession, data: schemas.FxRateCreate, *, actor: Actor, entered_by: uuid.UUID
) -> FxRate:
    """Record one rate. Raises Invalid with every reason (unknown currency, a pair of one
    currency, a rate that is not a positive decimal, no source) and Conflict when the same day,
    pair and source is recorded; nothing is written then."""
    errors: Errors = []
    checked = check_rate(data.rate_date, data.base, data.quote, data.rate, data.source, errors)
    if checked is None:
        raise Invalid(REFUSED(), errors=[FieldError(f, m) for f, m in errors])
    if await stored_keys(session, [checked]):
        c = checked
        raise Conflict(
            DUPLICATE(base=c.base, quote=c.quote, day=c.rate_date, source=c.source),
            errors=[FieldError("source", DUPLICATE_FIELD())],
        )
    (row,) = await store(session, [checked], actor=actor, entered_by=entered_by)
    return row


async def recorded_rates(
    session: AsyncSession, currencies: Collection[str], target: str, as_of: datetime.date
) -> list[RecordedRate]:
    """Every rate between `target` and one of `currencies`, either way round, recorded on or
    before `as_of` (one query)."""
    others = sorted(set(currencies) - {target})
    if not others:
        return []
    rows = await session.scalars(
        select(FxRate).where(
            FxRate.rate_date <= as_of,
            or_(
                and_(FxRate.base.in_(others), FxRate.quote == target),
                and_(FxRate.base == target, FxRate.quote.in_(others)),
            ),
        )
    )
    return [RecordedRate(r.rate_date, r.base, r.quote, r.rate, r.source) for r in rows]
