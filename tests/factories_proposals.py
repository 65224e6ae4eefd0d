"""A joint call world for proposal tests: JST (Japan, yen) and NAFOSTED (Vietnam, đồng) co-fund
a call; FWO (Belgium) does not. Built with the shared factories, persisted in the test session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, AuditEvent, Call, Proposal, User
from tests.factories import (
    AgencyFactory,
    BudgetLineFactory,
    DocumentFactory,
    PartMemberFactory,
    make_call,
    make_proposal,
    make_user,
    persist,
)


@dataclass
class World:
    jst: Agency
    nafosted: Agency
    fwo: Agency
    call: Call
    jp_pi: User
    vn_pi: User
    jst_officer: User


async def make_world(db: AsyncSession, **call_fields: Any) -> World:
    """Agencies, a call co-funded by JST and NAFOSTED, one PI per country and a JST officer."""
    jst = AgencyFactory(code="JST", country="JP", currency="JPY")
    nafosted = AgencyFactory(
        code="NAFOSTED",
        country="VN",
        currency="VND",
        fiscal_year_start_month=1,
        time_zone="Asia/Ho_Chi_Minh",
    )
    fwo = AgencyFactory(code="FWO", country="BE", currency="EUR", time_zone="Europe/Brussels")
    await persist(db, jst, nafosted, fwo)
    officer = await make_user(db, "officer", agency=jst, email="officer@jst.example")
    call = await make_call(db, officer, jst, nafosted, code="JV-2026", **call_fields)
    jp_pi = await make_user(db, "researcher", country="JP", email="jp.pi@example.jp")
    vn_pi = await make_user(db, "researcher", country="VN", email="vn.pi@example.vn")
    return World(jst, nafosted, fwo, call, jp_pi, vn_pi, officer)


async def ready_proposal(
    db: AsyncSession,
    world: World,
    jp_pi: User | None = None,
    vn_pi: User | None = None,
    **fields: Any,
) -> Proposal:
    """A draft that passes every submission check: both PIs, host institutions, budgets within
    the caps and the required project description."""
    jp = jp_pi or world.jp_pi
    proposal = await make_proposal(
        db, world.call, {world.jst.id: jp, world.nafosted.id: vn_pi or world.vn_pi}, **fields
    )
    hosts = ("The University of Tokyo", "Vietnam National University, Hanoi")
    for part, host in zip(proposal.parts, hosts, strict=True):
        part.institution_name = host
    for part, currency in zip(proposal.parts, ("JPY", "VND"), strict=True):
        part.budget.extend(
            [
                BudgetLineFactory(part_id=part.id, year=1, amount=5_000_000, currency=currency),
                BudgetLineFactory(
                    part_id=part.id,
                    year=1,
                    category="indirect",
                    amount=1_500_000,
                    currency=currency,
                ),
            ]
        )
    await persist(db, DocumentFactory(proposal_id=proposal.id, uploaded_by=jp.id))
    return proposal


async def audit_count(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def draft_body(world: World, **fields: Any) -> dict[str, Any]:
    """A valid `POST /api/proposals` body for the world's call."""
    body: dict[str, Any] = {
        "call_id": str(world.call.id),
        "title": {"en": "Chiplet interconnects", "ja": "チップレット相互接続"},
        "abstract": {"en": "We co-design chiplet links."},
        "keywords": ["chiplet", "edge AI"],
        "topic": "advanced packaging",
        "duration_years": 3,
        "planned_start": "2027-04-01",
    }
    body.update(fields)
    return body


def problem_of(response: Any) -> dict[str, Any]:
    """A problem+json body without its `request_id` (random per request), for exact asserts."""
    return {k: v for k, v in response.json().items() if k != "request_id"}


async def add_co_investigator(db: AsyncSession, part: Any, user: User) -> None:
    """`user` on `part`'s team as a co-investigator who already accepted (account linked)."""
    part.members.append(
        PartMemberFactory(
            user_id=user.id, role="co_investigator", name=user.display_name, email=user.email
        )
    )
    await db.flush()
