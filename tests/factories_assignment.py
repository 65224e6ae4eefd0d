"""A call ready for reviewer assignment: JST and NAFOSTED co-fund a closed call with eligible
proposals on distinct topics, and reviewers in each agency's pool whose expertise matches."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Proposal, ReviewAssignment, User
from tests.factories import make_proposal, make_reviewer, make_user
from tests.factories_proposals import World, make_world

TOPICS = [
    ("Chiplet interconnects for edge accelerators", ["chiplet", "interconnect", "packaging"]),
    ("Placement and routing with learned EDA flows", ["placement", "routing", "EDA"]),
    ("Spiking neural hardware for sensors", ["neuromorphic", "spiking", "sensor"]),
    ("Gallium nitride power transistors", ["GaN", "power", "transistor"]),
]
EXPERTISE = [
    ("Chiplet packaging and interconnect design.", ["chiplet", "interconnect", "packaging"]),
    ("EDA placement and routing algorithms.", ["placement", "routing", "EDA"]),
    ("Neuromorphic spiking circuits for sensor nodes.", ["neuromorphic", "spiking", "sensor"]),
    ("GaN power transistor devices.", ["GaN", "power", "transistor"]),
]


@dataclass
class ReviewWorld:
    world: World
    vn_officer: User
    proposals: list[Proposal]
    jp: list[User]
    vn: list[User]
    call_id: uuid.UUID

    @property
    def call_path(self) -> str:
        return f"/api/calls/{self.call_id}"


async def make_review_world(
    db: AsyncSession,
    *,
    proposals: int = 3,
    jp: int = 3,
    vn: int = 3,
    cap: int = 8,
    **call_fields: Any,
) -> ReviewWorld:
    """A closed call with `proposals` eligible proposals (JV-2026-0001…) and `jp`/`vn`
    reviewers in the JST/NAFOSTED pools; reviewer i knows topic i (mod 4)."""
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    fields = {"state": "closed", "closes_at": now - datetime.timedelta(days=1), **call_fields}
    world = await make_world(db, **fields)
    vn_officer = await make_user(db, "officer", agency=world.nafosted, email="officer@naf.example")
    rows = []
    for i in range(proposals):
        title, keywords = TOPICS[i % len(TOPICS)]
        rows.append(
            await make_proposal(
                db,
                world.call,
                {world.jst.id: world.jp_pi, world.nafosted.id: world.vn_pi},
                state="eligible",
                number=i + 1,
                reference=f"JV-2026-{i + 1:04d}",
                title={"en": title},
                abstract={"en": f"We study {' and '.join(keywords)}."},
                keywords=keywords,
            )
        )
    return ReviewWorld(
        world,
        vn_officer,
        rows,
        [await _reviewer(db, world.jst, "JP", i, cap) for i in range(jp)],
        [await _reviewer(db, world.nafosted, "VN", i, cap) for i in range(vn)],
        world.call.id,
    )


async def _reviewer(db: AsyncSession, agency: Agency, country: str, i: int, cap: int) -> User:
    expertise, keywords = EXPERTISE[i % len(EXPERTISE)]
    return await make_reviewer(
        db, agency, country=country, expertise=expertise, keywords=keywords, load_cap=cap
    )


async def stored(db: AsyncSession) -> list[ReviewAssignment]:
    """Every assignment, freshly read, by proposal then reviewer."""
    db.expire_all()
    rows = await db.scalars(select(ReviewAssignment))
    return sorted(rows, key=lambda r: (str(r.proposal_id), str(r.reviewer_id)))
