"""A reviewing world for pool and conflict tests: the proposal world's joint call with one
submitted proposal (University of Tokyo on the JST side, Hanoi University of Science and
Technology on the NAFOSTED side, no ROR there) and helpers for reviewers serving on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Proposal, ReviewerPool, User
from tests.factories import (
    CallReviewerFactory,
    ReviewerProfileFactory,
    make_proposal,
    make_user,
    persist,
)
from tests.factories_proposals import World, make_world

TOKYO_ROR = "057zh3y96"
KYOTO_ROR = "02kpeqv85"
ORCID = "0000-0002-1825-0097"
OTHER_ORCID = "0000-0001-5109-3700"


@dataclass
class ReviewWorld:
    world: World
    proposal: Proposal

    @property
    def call_id(self) -> Any:
        return self.world.call.id


async def submitted_proposal(db: AsyncSession, world: World, number: int = 1) -> Proposal:
    """A submitted proposal of the world's call with both parts' host institutions."""
    proposal = await make_proposal(
        db,
        world.call,
        {world.jst.id: world.jp_pi, world.nafosted.id: world.vn_pi},
        state="submitted",
        number=number,
        reference=f"JV-2026-{number:04}",
        title={"en": f"Proposal {number}"},
    )
    jp, vn = proposal.parts
    jp.institution_ror, jp.institution_name = TOKYO_ROR, "The University of Tokyo"
    vn.institution_name = "Hanoi University of Science and Technology"
    await db.flush()
    return proposal


async def make_review_world(db: AsyncSession) -> ReviewWorld:
    world = await make_world(db)
    return ReviewWorld(world, await submitted_proposal(db, world))


async def pool_reviewer(
    db: AsyncSession,
    *agencies: Agency,
    country: str = "JP",
    email: str | None = None,
    **fields: Any,
) -> User:
    """A reviewer (with `email` when given) whose profile is in the pools of `agencies`."""
    user = await make_user(db, "reviewer", country=country, **({"email": email} if email else {}))
    await add_profile(db, user, *agencies, country=country, **fields)
    return user


async def add_profile(
    db: AsyncSession, user: User, *agencies: Agency, country: str = "JP", **fields: Any
) -> None:
    """Give an existing user (say, a researcher who also reviews) a profile in `agencies`."""
    profile = ReviewerProfileFactory(user_id=user.id, country=country, **fields)
    profile.pools = [ReviewerPool(agency_id=a.id) for a in agencies]
    await persist(db, profile)


async def serving_reviewer(
    db: AsyncSession, rw: ReviewWorld, agency: Agency | None = None, **fields: Any
) -> User:
    """A reviewer in `agency`'s pool (JST by default) who accepted to serve on the call."""
    pool = agency or rw.world.jst
    reviewer = await pool_reviewer(db, pool, **fields)
    await persist(
        db, CallReviewerFactory(call_id=rw.call_id, reviewer_id=reviewer.id, agency_id=pool.id)
    )
    return reviewer
