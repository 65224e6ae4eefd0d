"""The pool rules of grants.security.policy applied to requests: which profiles an officer
sees, which memberships and profile fields they change, for whom they invite, which conflicts
they decide. Each check runs before anything is written and names every refused field."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from sqlalchemy import ColumnElement, and_, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Call, CallReviewer, ReviewerPool, ReviewerProfile, User
from grants.errors import FieldError, Forbidden
from grants.reviews.pool import csv_import, schemas
from grants.reviews.pool.profiles import PROFILE_FIELDS, get_profile
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from messages import define

OWN_POOL_ONLY = define("pool.own_pool_only", "An agency manages only its own reviewer pool.")
SEES_OWN_POOL = define("pool.filter.own_pool_only", "you see only your own agency's pool")
MEMBERSHIP_OWN = define(
    "pool.membership.own_agency_only", "only {agency} adds or removes its own pool's reviewers"
)
SHARED_PROFILE = define(
    "pool.profile.shared_reviewer",
    "the reviewer is in another agency's pool too; an admin changes it",
)
INVITES_OWN_POOL = define("pool.invite.own_pool_only", "you invite only for your own agency's pool")
NOT_CONFLICT_DECIDER = define(
    "conflict.decide.not_pool_officer",
    "Only an officer of the agency whose pool the reviewer serves on this call decides their "
    "conflicts.",
)


def pool_ids(profile: ReviewerProfile) -> set[uuid.UUID]:
    """The agencies whose pools the profile is in."""
    return {p.agency_id for p in profile.pools}


async def visible_profile(
    session: AsyncSession, principal: Principal, user_id: uuid.UUID
) -> tuple[ReviewerProfile, User]:
    """The profile when it is in a pool the caller sees; raises NotFound otherwise (another
    agency's reviewer is not revealed)."""
    profile, user = await get_profile(session, user_id)
    facts = policy.ReviewerFacts(frozenset(pool_ids(profile)))
    require(policy.decide(principal, policy.Action.READ, facts))
    return profile, user


def in_visible_pools(principal: Principal) -> ColumnElement[bool]:
    """A filter on ReviewerProfile: only profiles in a pool the caller sees."""
    visible = policy.list_scope(principal, "reviewers")
    if visible is None:
        return true()
    members = select(ReviewerPool.profile_id).where(ReviewerPool.agency_id.in_(visible))
    return ReviewerProfile.id.in_(members)


def serving_visible(principal: Principal) -> ColumnElement[bool]:
    """A filter on CallReviewer: services for an agency whose pool the caller sees."""
    visible = policy.list_scope(principal, "reviewers")
    return true() if visible is None else CallReviewer.agency_id.in_(visible)


def reviewers_visible_on_call(principal: Principal, call_id: uuid.UUID) -> ColumnElement[bool]:
    """A filter on a reviewer's user id: those serving the call for an agency the caller sees,
    or not serving it yet and in such an agency's pool."""
    visible = policy.list_scope(principal, "reviewers")
    if visible is None:
        return true()
    on_call = select(CallReviewer.reviewer_id).where(CallReviewer.call_id == call_id)
    serving = on_call.where(CallReviewer.agency_id.in_(visible))
    pooled = (
        select(ReviewerProfile.user_id)
        .join(ReviewerPool, ReviewerPool.profile_id == ReviewerProfile.id)
        .where(ReviewerPool.agency_id.in_(visible))
    )
    return or_(User.id.in_(serving), and_(User.id.not_in(on_call), User.id.in_(pooled)))


async def require_pool_filter(
    session: AsyncSession, principal: Principal, code: str | None
) -> None:
    """Raises Forbidden when the caller filters by a pool they do not see."""
    visible = policy.list_scope(principal, "reviewers")
    if not code or visible is None:
        return
    agency_id = await session.scalar(select(Agency.id).where(Agency.code == code.upper()))
    if agency_id not in visible:
        raise Forbidden(OWN_POOL_ONLY(), errors=[FieldError("pool", SEES_OWN_POOL())])


def membership_refusals(
    principal: Principal,
    before: Mapping[uuid.UUID, str],
    after: Iterable[Agency],
    field: str,
) -> list[FieldError]:
    """One error on `field` per pool whose membership would change without the caller's say."""
    codes = {**before, **{a.id: a.code for a in after}}
    changed = set(before) ^ {a.id for a in after}
    refused = sorted(
        codes[a] for a in changed if not policy.can_change_pool_membership(principal, a)
    )
    return [FieldError(field, MEMBERSHIP_OWN(agency=code)) for code in refused]


async def _agencies(session: AsyncSession, codes: Iterable[str]) -> list[Agency]:
    """The known agencies among `codes` (an unknown code is the service's Invalid)."""
    wanted = {code.upper() for code in codes}
    return list(await session.scalars(select(Agency).where(Agency.code.in_(wanted))))


async def require_pools(session: AsyncSession, principal: Principal, codes: Iterable[str]) -> None:
    """Raises Forbidden naming `pools` when a new reviewer would join a pool not the caller's."""
    errors = membership_refusals(principal, {}, await _agencies(session, codes), "pools")
    if errors:
        raise Forbidden(OWN_POOL_ONLY(), errors=errors)


async def require_profile_change(
    session: AsyncSession,
    principal: Principal,
    profile: ReviewerProfile,
    data: schemas.ReviewerProfileUpdate,
) -> None:
    """Raises Forbidden naming every refused field: other agencies' pool memberships, and any
    changed profile field of a reviewer who is not in the caller's agency's pool alone."""
    before = {p.agency_id: p.agency.code for p in profile.pools}
    errors = []
    if data.pools is not None:
        after = await _agencies(session, data.pools)
        errors += membership_refusals(principal, before, after, "pools")
    changed = [
        name
        for name in PROFILE_FIELDS
        if getattr(data, name) is not None and getattr(data, name) != getattr(profile, name)
    ]
    if changed and not policy.can_edit_profile(principal, pool_ids(profile)):
        errors += [FieldError(name, SHARED_PROFILE()) for name in changed]
    if errors:
        raise Forbidden(OWN_POOL_ONLY(), errors=errors)


async def require_import_pools(session: AsyncSession, principal: Principal, text: str) -> None:
    """Raises Forbidden naming each CSV row (`line N: pools`) that puts a reviewer into a pool
    the caller does not manage; the rest of the file is checked by the import itself."""
    rows, _ = csv_import.parse(text)
    agencies = await _agencies(session, {code for row in rows for code in row.data.pools})
    errors = []
    for row in rows:
        joined = [a for a in agencies if a.code in row.data.pools]
        errors += membership_refusals(principal, {}, joined, f"line {row.line}: pools")
    if errors:
        raise Forbidden(OWN_POOL_ONLY(), errors=errors)


async def require_invite(
    session: AsyncSession, principal: Principal, call: Call, code: str
) -> None:
    """Raises Forbidden when the caller invites for another co-funding agency's pool (an
    unknown or non-co-funding agency is left to the invitation's own Invalid)."""
    agency_id = await session.scalar(select(Agency.id).where(Agency.code == code.upper()))
    cofunders = {t.agency_id for t in call.agencies}
    if agency_id in cofunders and not policy.can_invite_for(principal, agency_id, cofunders):
        raise Forbidden(OWN_POOL_ONLY(), errors=[FieldError("agency", INVITES_OWN_POOL())])


async def require_conflict_decider(
    session: AsyncSession, principal: Principal, call: Call, reviewer_id: uuid.UUID
) -> None:
    """Raises Forbidden unless the caller is an officer of the agency whose pool the reviewer
    serves on the call (before they serve: an agency co-funding the call whose pool they are in)."""
    serving = await session.scalar(
        select(CallReviewer.agency_id).where(
            CallReviewer.call_id == call.id, CallReviewer.reviewer_id == reviewer_id
        )
    )
    if serving is not None:
        agencies = {serving}
    else:
        pools = await session.scalars(
            select(ReviewerPool.agency_id)
            .join(ReviewerProfile, ReviewerProfile.id == ReviewerPool.profile_id)
            .where(ReviewerProfile.user_id == reviewer_id)
        )
        agencies = set(pools) & {t.agency_id for t in call.agencies}
    if not policy.can_decide_conflict(principal, agencies):
        raise Forbidden(NOT_CONFLICT_DECIDER())
