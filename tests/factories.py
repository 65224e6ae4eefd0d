"""factory-boy factories for every model; build in memory, persist with `persist`.

factory-boy has no async support, so factories only build objects and `persist` adds and
flushes them in the test's session.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import factory
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import (
    Agency,
    ApiToken,
    Bid,
    BudgetLine,
    Call,
    CallAgency,
    CallReviewer,
    Conflict,
    Document,
    LoginAttempt,
    PartMember,
    Proposal,
    ProposalInvitation,
    ProposalPart,
    Ranking,
    Review,
    ReviewAssignment,
    ReviewerPool,
    ReviewerProfile,
    User,
    UserRole,
    UserSession,
)
from grants.security.passwords import hash_password
from grants.security.tokens import digest

PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password(PASSWORD)  # Argon2 is slow on purpose: hash once per run


def _later(**delta: int) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(**delta)


class AgencyFactory(factory.Factory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"AG{n}")
    name = factory.LazyAttribute(lambda o: f"Agency {o.code}")
    country = "JP"
    currency = "JPY"
    fiscal_year_start_month = 4
    time_zone = "Asia/Tokyo"


class UserFactory(factory.Factory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    locale = None
    time_zone = "UTC"
    password_hash = _PASSWORD_HASH
    state = "active"
    roles = factory.LazyFunction(list)


class UserRoleFactory(factory.Factory):
    class Meta:
        model = UserRole

    role = "researcher"
    agency_id = None


class UserSessionFactory(factory.Factory):
    class Meta:
        model = UserSession

    token_hash = factory.Sequence(lambda n: digest(f"session-{n}"))
    csrf_token = factory.Sequence(lambda n: f"csrf-{n}")
    expires_at = factory.LazyFunction(lambda: _later(hours=1))


class ApiTokenFactory(factory.Factory):
    class Meta:
        model = ApiToken

    name = "test token"
    prefix = "cft_test"
    token_hash = factory.Sequence(lambda n: digest(f"token-{n}"))


class LoginAttemptFactory(factory.Factory):
    class Meta:
        model = LoginAttempt

    email = "someone@example.org"
    ip_address = "127.0.0.1"


async def persist(session: AsyncSession, *objects: Any) -> None:
    session.add_all(objects)
    await session.flush()


async def make_user(
    session: AsyncSession, *roles: str, agency: Agency | None = None, **fields: Any
) -> User:
    """A persisted user holding `roles` (an officer role is bound to `agency`)."""
    user = UserFactory(**fields)
    user.roles = [
        UserRoleFactory(role=r, agency_id=agency.id if r == "officer" and agency else None)
        for r in roles
    ]
    await persist(session, user)
    return user


async def bearer(session: AsyncSession, user: User) -> dict[str, str]:
    """Headers authenticating as `user` with a fresh API token."""
    secret = f"cft_{user.id.hex}{datetime.datetime.now(datetime.UTC).timestamp()}"
    await persist(session, ApiTokenFactory(user_id=user.id, token_hash=digest(secret)))
    return {"Authorization": f"Bearer {secret}"}


# Calls and proposals ---------------------------------------------------------------------


def _at(**delta: int) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0) + datetime.timedelta(**delta)


RUBRIC = [
    {"key": "novelty", "label": "Scientific novelty", "weight": 40, "scale_min": 1, "scale_max": 5},
    {"key": "feasibility", "label": "Feasibility", "weight": 30, "scale_min": 1, "scale_max": 5},
    {"key": "impact", "label": "Bilateral impact", "weight": 30, "scale_min": 1, "scale_max": 5},
]
DOCUMENT_KINDS = [
    {
        "kind": "project_description",
        "label": "Project description",
        "required": True,
        "max_bytes": 10 * 1024 * 1024,
        "allowed_types": ["application/pdf"],
    },
    {
        "kind": "cv",
        "label": "CVs of the PIs",
        "required": False,
        "max_bytes": 5 * 1024 * 1024,
        "allowed_types": ["application/pdf"],
    },
]


class CallFactory(factory.Factory):
    class Meta:
        model = Call

    code = factory.Sequence(lambda n: f"CALL-{n:03}")
    title = factory.LazyAttribute(lambda o: {"en": f"Joint call {o.code}"})
    description = factory.LazyFunction(
        lambda: {"en": "Semiconductor research co-funded by two agencies."}
    )
    topics = factory.LazyFunction(
        lambda: ["advanced packaging", "chip design", "EDA", "edge-AI hardware"]
    )
    opens_at = factory.LazyFunction(lambda: _at(days=-10))
    closes_at = factory.LazyFunction(lambda: _at(days=30))
    durations = factory.LazyFunction(lambda: [3, 5, 10])
    cofunding_mode = "own_side"
    review_mode = "parallel"
    reviewers_per_proposal = 3
    min_reviewers_per_country = 0
    review_deadline = None
    rubric = factory.LazyFunction(lambda: [dict(c) for c in RUBRIC])
    document_kinds = factory.LazyFunction(lambda: [dict(k) for k in DOCUMENT_KINDS])
    state = "open"
    last_proposal_number = 0
    agencies = factory.LazyFunction(list)


class CallAgencyFactory(factory.Factory):
    class Meta:
        model = CallAgency

    currency = "JPY"
    cap_per_year = 10_000_000
    cap_total = 45_000_000
    envelope = 300_000_000
    max_indirect_percent = 30
    pi_once_per_call = True
    share_percent = None


async def make_call(session: AsyncSession, creator: User, *agencies: Agency, **fields: Any) -> Call:
    """A persisted call co-funded by `agencies`, with caps in each agency's currency."""
    call = CallFactory(created_by=creator.id, **fields)
    call.agencies = [
        CallAgencyFactory(agency_id=a.id, position=i, currency=a.currency)
        for i, a in enumerate(agencies)
    ]
    await persist(session, call)
    return call


class ProposalFactory(factory.Factory):
    class Meta:
        model = Proposal

    title = factory.LazyFunction(lambda: {"en": "Chiplet interconnects for edge-AI accelerators"})
    abstract = factory.LazyFunction(
        lambda: {"en": "We co-design chiplet links and their EDA flow."}
    )
    keywords = factory.LazyFunction(lambda: ["chiplet", "interconnect", "edge AI"])
    topic = "advanced packaging"
    duration_years = 3
    planned_start = factory.LazyFunction(lambda: datetime.date(2027, 4, 1))
    state = "draft"
    parts = factory.LazyFunction(list)


class ProposalPartFactory(factory.Factory):
    class Meta:
        model = ProposalPart

    institution_ror = None
    institution_name = None
    members = factory.LazyFunction(list)
    budget = factory.LazyFunction(list)


class PartMemberFactory(factory.Factory):
    class Meta:
        model = PartMember

    role = "member"
    name = factory.Sequence(lambda n: f"Member {n}")
    email = factory.Sequence(lambda n: f"member{n}@example.org")
    orcid = None
    erad_number = None


class BudgetLineFactory(factory.Factory):
    class Meta:
        model = BudgetLine

    year = 1
    category = "personnel"
    amount = 1_000_000
    currency = "JPY"


class ProposalInvitationFactory(factory.Factory):
    class Meta:
        model = ProposalInvitation

    email = factory.Sequence(lambda n: f"counterpart{n}@example.org")
    token_hash = factory.Sequence(lambda n: digest(f"invitation-{n}"))
    expires_at = factory.LazyFunction(lambda: _later(days=14))


class DocumentFactory(factory.Factory):
    class Meta:
        model = Document

    kind = "project_description"
    version = 1
    original_name = "description.pdf"
    content_type = "application/pdf"
    size = 1234
    sha256 = "0" * 64
    storage_key = factory.Sequence(lambda n: f"docs/test/{n:032x}")


async def make_proposal(
    session: AsyncSession, call: Call, pis: dict[uuid.UUID, User | None], **fields: Any
) -> Proposal:
    """A persisted draft in `call` with one part per co-funding agency; `pis` maps an agency id
    to its part's PI (who is also listed as a member with role `pi`). The first PI creates it."""
    creator = next(u for u in pis.values() if u is not None)
    proposal = ProposalFactory(call_id=call.id, created_by=creator.id, **fields)
    for position, terms in enumerate(call.agencies):
        pi = pis.get(terms.agency_id)
        part = ProposalPartFactory(
            agency_id=terms.agency_id, position=position, pi_user_id=pi.id if pi else None
        )
        if pi is not None:
            part.members = [
                PartMemberFactory(user_id=pi.id, role="pi", name=pi.display_name, email=pi.email)
            ]
        proposal.parts.append(part)
    await persist(session, proposal)
    return proposal


# Reviewers -------------------------------------------------------------------------------


class ReviewerProfileFactory(factory.Factory):
    class Meta:
        model = ReviewerProfile

    expertise = "Chiplet interconnects, advanced packaging and thermal co-design."
    keywords = factory.LazyFunction(lambda: ["chiplet", "packaging", "interconnect"])
    institution_ror = None
    institution_name = factory.Sequence(lambda n: f"Institute {n}")
    country = "JP"
    orcid = None
    load_cap = 8
    pools = factory.LazyFunction(list)


async def make_reviewer(
    session: AsyncSession, *agencies: Agency, country: str = "JP", **fields: Any
) -> User:
    """A persisted user with the reviewer role and a profile in the pools of `agencies`."""
    user = await make_user(session, "reviewer", country=country)
    profile = ReviewerProfileFactory(user_id=user.id, country=country, **fields)
    profile.pools = [ReviewerPool(agency_id=a.id) for a in agencies]
    await persist(session, profile)
    return user


class ConflictFactory(factory.Factory):
    class Meta:
        model = Conflict

    source = "declared_by_reviewer"
    reason = "Declared by the reviewer."
    status = "active"


class BidFactory(factory.Factory):
    class Meta:
        model = Bid

    level = "willing"


class CallReviewerFactory(factory.Factory):
    class Meta:
        model = CallReviewer

    state = "accepted"


class ReviewAssignmentFactory(factory.Factory):
    class Meta:
        model = ReviewAssignment

    round = 0
    state = "accepted"
    affinity = 0.5
    source = "solver"


class ReviewFactory(factory.Factory):
    class Meta:
        model = Review

    scores = factory.LazyFunction(lambda: {"novelty": 4, "feasibility": 3, "impact": 5})
    comments_to_applicants = "A convincing plan."
    confidential_comments = None
    recommendation = "fund"
    confidence = 4
    submitted_at = None


class RankingFactory(factory.Factory):
    class Meta:
        model = Ranking

    round = 0
    state = "draft"
    entries = factory.LazyFunction(list)
