"""Business verbs on reviewer profiles: add a reviewer, edit a profile, list the pools."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from grants.audit.chain import append
from grants.common.actors import Actor
from grants.common.edits import apply_changes, apply_values, check_version
from grants.common.emails import normalise
from grants.common.pagination import Window
from grants.db.models import Agency, ReviewerPool, ReviewerProfile, User, UserRole
from grants.errors import Conflict, FieldError, Invalid, NotFound
from grants.reviews.pool import schemas
from messages import define

UNKNOWN_AGENCY = define("pool.agency.unknown_code", "no agency has the code '{code}'")
NO_PROFILE = define("reviewer.profile.not_found", "No such reviewer profile.")
NO_ACCOUNT = define("reviewer.profile.no_account", "no account has this email")
CANNOT_ADD = define("reviewer.profile.cannot_add", "The reviewer cannot be added.")
HAS_PROFILE = define("reviewer.profile.exists", "This user already has a reviewer profile.")
ALREADY_REVIEWER = define("reviewer.profile.already_reviewer", "already a reviewer")
UNKNOWN_POOLS = define("reviewer.profile.unknown_pools", "Some pools are unknown.")

WITH_POOLS = selectinload(ReviewerProfile.pools).selectinload(ReviewerPool.agency)
"""The loader option of a profile's pools and their agencies (both lazy="raise")."""

PROFILE_FIELDS = (
    "expertise",
    "keywords",
    "institution_ror",
    "institution_name",
    "country",
    "orcid",
    "load_cap",
)


def profile_view(profile: ReviewerProfile, user: User) -> schemas.ReviewerProfile:
    """The API view of a profile with its owner's email and name and its pools' codes."""
    return schemas.ReviewerProfile(
        user_id=user.id,
        email=user.email,
        display_name=user.display_name,
        expertise=profile.expertise,
        keywords=list(profile.keywords),
        institution_ror=profile.institution_ror,
        institution_name=profile.institution_name,
        country=profile.country,
        orcid=profile.orcid,
        load_cap=profile.load_cap,
        pools=pool_codes(profile),
        enterprise_interests=list(profile.enterprise_interests or []),
        version=profile.version,
    )


def _interests_of(data: Any) -> list[dict[str, Any]] | None:
    """The declared enterprise interests of a request as stored (None: not sent)."""
    sent = getattr(data, "enterprise_interests", None)
    return None if sent is None else [i.model_dump() for i in sent]


def pool_codes(profile: ReviewerProfile) -> list[str]:
    """The agency codes of the profile's pools, sorted."""
    return sorted(p.agency.code for p in profile.pools)


async def agencies_by_code(
    session: AsyncSession, wanted: Iterable[str], field: str, errors: list[FieldError]
) -> list[Agency]:
    """The agencies named by `wanted` codes; each unknown code adds an error on `field`."""
    codes = sorted(set(wanted))
    rows = {a.code: a for a in await session.scalars(select(Agency).where(Agency.code.in_(codes)))}
    for code in codes:
        if code not in rows:
            errors.append(FieldError(field, UNKNOWN_AGENCY(code=code)))
    return [rows[c] for c in codes if c in rows]


async def get_profile(session: AsyncSession, user_id: uuid.UUID) -> tuple[ReviewerProfile, User]:
    """The reviewer profile of `user_id` and its user; raises NotFound."""
    row = (
        await session.execute(
            select(ReviewerProfile, User)
            .join(User, User.id == ReviewerProfile.user_id)
            .where(ReviewerProfile.user_id == user_id)
            .options(WITH_POOLS)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(NO_PROFILE())
    return row[0], row[1]


def grant_reviewer_role(user: User) -> bool:
    """Give `user` the reviewer role when missing; True when it was added."""
    if any(r.role == "reviewer" for r in user.roles):
        return False
    user.roles.append(UserRole(role="reviewer"))
    return True


def new_profile(user: User, data: Any, agencies: Sequence[Agency]) -> ReviewerProfile:
    """A profile for `user` built from a create body or an import row (not yet added)."""
    profile = ReviewerProfile(
        user_id=user.id,
        enterprise_interests=_interests_of(data) or [],
        **{name: getattr(data, name) for name in PROFILE_FIELDS},
    )
    profile.pools = [ReviewerPool(agency_id=a.id, agency=a) for a in agencies]
    return profile


async def create_profile(
    session: AsyncSession, data: schemas.ReviewerProfileCreate, *, actor: Actor
) -> tuple[ReviewerProfile, User]:
    """Give an existing user a reviewer profile in the named pools, and the reviewer role.

    Raises Invalid (unknown email or agency code) or Conflict (the user already has one).
    """
    errors: list[FieldError] = []
    user = await session.scalar(select(User).where(User.email == normalise(data.email)))
    if user is None:
        errors.append(FieldError("email", NO_ACCOUNT()))
    agencies = await agencies_by_code(session, data.pools, "pools", errors)
    if errors or user is None:
        raise Invalid(CANNOT_ADD(), errors=errors)
    if await session.scalar(select(ReviewerProfile.id).where(ReviewerProfile.user_id == user.id)):
        raise Conflict(HAS_PROFILE(), errors=[FieldError("email", ALREADY_REVIEWER())])
    role_added = grant_reviewer_role(user)
    profile = new_profile(user, data, agencies)
    session.add(profile)
    await session.flush()
    changes: dict[str, Any] = {n: [None, getattr(profile, n)] for n in PROFILE_FIELDS}
    changes["pools"] = [None, pool_codes(profile)]
    if profile.enterprise_interests:
        changes["enterprise_interests"] = [None, profile.enterprise_interests]
    changes["role_added"] = role_added
    await append(
        session,
        actor=actor,
        action="reviewer_profile.create",
        entity_type="reviewer_profile",
        entity_id=profile.id,
        changes=changes,
    )
    return profile, user


async def update_profile(
    session: AsyncSession,
    profile: ReviewerProfile,
    data: schemas.ReviewerProfileUpdate | schemas.OwnProfileUpdate,
    *,
    actor: Actor,
) -> ReviewerProfile:
    """Apply the changed fields (and a new set of pools); audits only what changed.

    Raises StaleVersion, or Invalid for an unknown agency code.
    """
    check_version(profile, data.version)
    changes: dict[str, Any] = {}
    wanted = getattr(data, "pools", None)
    if wanted is not None and wanted != pool_codes(profile):
        errors: list[FieldError] = []
        agencies = await agencies_by_code(session, wanted, "pools", errors)
        if errors:
            raise Invalid(UNKNOWN_POOLS(), errors=errors)
        changes["pools"] = [pool_codes(profile), wanted]
        profile.pools.clear()
        await session.flush()  # the old memberships go before the new ones (unique key)
        profile.pools.extend(ReviewerPool(agency_id=a.id, agency=a) for a in agencies)
        profile.updated_at = datetime.datetime.now(datetime.UTC)  # dirty row: bumps `version`
    fields = [n for n in PROFILE_FIELDS if n in type(data).model_fields]
    changes.update(apply_changes(profile, data, fields))
    changes.update(apply_values(profile, {"enterprise_interests": _interests_of(data)}))
    if changes:
        await session.flush()
        await append(
            session,
            actor=actor,
            action="reviewer_profile.update",
            entity_type="reviewer_profile",
            entity_id=profile.id,
            changes=changes,
        )
    return profile


def profiles_query(
    *, pool: str | None, country: str | None, q: str | None
) -> Select[tuple[ReviewerProfile, User]]:
    """Profiles with their users, by email, filtered by pool code, country or a text fragment."""
    query = (
        select(ReviewerProfile, User)
        .join(User, User.id == ReviewerProfile.user_id)
        .options(WITH_POOLS)
        .order_by(User.email)
    )
    if pool:
        members = (
            select(ReviewerPool.profile_id)
            .join(Agency, Agency.id == ReviewerPool.agency_id)
            .where(Agency.code == pool.upper())
        )
        query = query.where(ReviewerProfile.id.in_(members))
    if country:
        query = query.where(ReviewerProfile.country == country.upper())
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(
            or_(
                func.lower(User.email).like(pattern),
                func.lower(User.display_name).like(pattern),
                func.lower(ReviewerProfile.expertise).like(pattern),
                func.lower(ReviewerProfile.institution_name).like(pattern),
            )
        )
    return query


async def list_profiles(
    session: AsyncSession, query: Select[tuple[ReviewerProfile, User]], window: Window
) -> tuple[list[schemas.ReviewerProfile], int]:
    """One page of profiles and the total: a constant number of statements (count, page and
    the pools' select-in loads) whatever the page size."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.execute(query.limit(window.limit).offset(window.offset))
    return [profile_view(p, u) for p, u in rows.tuples()], int(total or 0)
