"""Migration 0009 rewrites the joint ranking's stored `reserve` to `fund_if_possible` (the one
recommendation vocabulary) and its downgrade gives joint rankings their old word back, on a
fresh database of each backend."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from advanced_alchemy.types import JsonB
from advanced_alchemy.types.datetime import DateTimeUTC
from advanced_alchemy.types.guid import GUID as GUIDType
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from grants.db import migrate
from grants.db.engine import create_engine
from tests.support.databases import fresh_postgres, sqlite_url


@pytest.fixture
async def empty(backend: str, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """A database of the backend with no schema yet."""
    if backend == "sqlite":
        created = create_engine(sqlite_url(tmp_path))
        yield created
        await created.dispose()
        return
    async with fresh_postgres() as url:
        created = create_engine(url)
        yield created
        await created.dispose()


def _entry(position: int, recommendation: str | None) -> dict[str, Any]:
    return {
        "proposal_id": str(uuid.UUID(int=position)),
        "reference": f"JV-2026-000{position}",
        "position": position,
        "score": None,
        "recommendation": recommendation,
    }


BEFORE = "0008"  # the revision 0009 follows
OLD_JOINT = [_entry(1, "fund"), _entry(2, "reserve"), _entry(3, "do_not_fund")]
AGENCY = [_entry(1, "fund_if_possible"), _entry(2, None)]


GUID = GUIDType(length=16)
UTC = DateTimeUTC(timezone=True)
TYPES: dict[str, Any] = {
    **dict.fromkeys(("id", "agency_id", "call_id", "created_by"), GUID),
    **dict.fromkeys(("title", "description", "topics", "durations", "rubric"), JsonB),
    **dict.fromkeys(("document_kinds", "entries"), JsonB),
    **dict.fromkeys(("opens_at", "closes_at", "created_at", "updated_at"), UTC),
}
NOW = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)


async def _insert(conn: AsyncConnection, table: str, **values: Any) -> None:
    """A row as the table holds it before 0009 (not through today's models, which may differ)."""
    values = {"id": uuid.uuid4(), "version": 1, "created_at": NOW, "updated_at": NOW, **values}
    columns = [sa.column(name, TYPES.get(name)) for name in values]
    await conn.execute(sa.table(table, *columns).insert().values(**values))


async def _seed_before(engine: AsyncEngine) -> tuple[uuid.UUID, uuid.UUID]:
    """A call with a joint ranking and an agency ranking as revision 0008 stored them."""
    await migrate.upgrade(engine, BEFORE)
    user, agency, call = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    joint, agency_ranking = uuid.uuid4(), uuid.uuid4()
    async with engine.begin() as conn:
        await _insert(
            conn,
            "users",
            id=user,
            email="officer@example.org",
            display_name="Officer",
            locale="en",
            time_zone="UTC",
            state="active",
        )
        await _insert(
            conn,
            "agencies",
            id=agency,
            code="JST",
            name="Japan Science and Technology Agency",
            country="JP",
            currency="JPY",
            fiscal_year_start_month=4,
            time_zone="Asia/Tokyo",
        )
        await _insert(
            conn,
            "calls",
            id=call,
            code="JV-2026",
            title={"en": "Joint call"},
            description={"en": "Joint call"},
            topics=[],
            opens_at=NOW,
            closes_at=NOW + datetime.timedelta(days=30),
            durations=[3],
            cofunding_mode="own_side",
            review_mode="parallel",
            reviewers_per_proposal=2,
            min_reviewers_per_country=0,
            rubric=[],
            document_kinds=[],
            state="ranking",
            last_proposal_number=3,
            created_by=user,
        )
        for ranking, agency_id, entries in (
            (joint, None, OLD_JOINT),
            (agency_ranking, agency, AGENCY),
        ):
            await _insert(
                conn,
                "rankings",
                id=ranking,
                call_id=call,
                agency_id=agency_id,
                round=0,
                state="final",
                entries=entries,
            )
    return joint, agency_ranking


async def _entries(engine: AsyncEngine, ranking_id: uuid.UUID) -> list[dict[str, Any]]:
    table = sa.table("rankings", sa.column("id", GUID), sa.column("entries", JsonB))
    async with engine.connect() as conn:
        found = await conn.scalar(sa.select(table.c.entries).where(table.c.id == ranking_id))
    return list(found)


async def _downgrade(engine: AsyncEngine, revision: str) -> None:
    await migrate.downgrade(engine, revision)


async def test_migration_0009_rewrites_reserve_to_fund_if_possible(empty: AsyncEngine) -> None:
    joint, agency = await _seed_before(empty)

    await migrate.upgrade(empty)

    assert await _entries(empty, joint) == [
        _entry(1, "fund"),
        _entry(2, "fund_if_possible"),
        _entry(3, "do_not_fund"),
    ]
    assert await _entries(empty, agency) == AGENCY


async def test_migration_0009_downgrade_restores_the_joint_rankings_word(
    empty: AsyncEngine,
) -> None:
    joint, agency = await _seed_before(empty)
    await migrate.upgrade(empty)

    await _downgrade(empty, BEFORE)

    assert (await _entries(empty, joint), await _entries(empty, agency)) == (OLD_JOINT, AGENCY)
