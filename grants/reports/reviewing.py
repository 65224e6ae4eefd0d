"""Each progress report is reviewed in its own review round: the assignments of the grant's
proposal with `round` = the report's project year (the selection is round 0, year 1's report
round 1, …), so earlier rounds stay as they were. An agency's officer invites reviewers of its
own pool (serving on the call for it, or with a profile in it) while the report is submitted;
the reviewer then accepts, scores and submits through `/api/assignments/{id}/…` as in the
selection, on the call's rubric."""

from __future__ import annotations

import uuid

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.bindings import ASSIGNMENTS, REPORTS
from grants.common.pagination import Window
from grants.common.schemas import Page
from grants.db.models import (
    CallReviewer,
    ProgressReport,
    ReviewAssignment,
    ReviewerPool,
    ReviewerProfile,
    User,
)
from grants.errors import Conflict, FieldError, Forbidden, Invalid
from grants.reports import schemas
from grants.reports.binding import GrantScope
from grants.reviews.assignment.forbidden import pair_conflicts
from grants.reviews.assignment.services import OTHER_POOL
from grants.reviews.pool.conflicts import detect_conflicts
from grants.reviews.scoring.visibility import ReviewItem, round_reviews
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from grants.settings import Settings
from grants.workflow.service import EventRequest, fire
from messages import define
from workflows.machines.account import AccountState
from workflows.machines.call_service import ServiceState
from workflows.machines.progress_report import PROGRESS_REPORT, ReportState
from workflows.machines.review_assignment import AssignmentEvent, AssignmentState

NOT_SUBMITTED = define(
    "report.reviewer.not_submitted",
    "The report is {state}; reviewers are invited while it is submitted.",
)
NOT_IN_POOL = define("report.reviewer.not_in_pool", "not a reviewer of the {agency} pool")
CANNOT_INVITE = define("report.reviewer.invalid", "The reviewer cannot be invited.")
ALREADY = define(
    "report.reviewer.already_invited",
    "{reviewer} is already on this report's review round ({state}).",
)
CONFLICTED = define(
    "report.reviewer.conflicted", "{reviewer} has a conflict of interest with this project."
)


def review_round(report: ProgressReport) -> int:
    """The review round of a report: its project year (the selection is round 0)."""
    return report.year


async def invite(
    session: AsyncSession,
    principal: Principal,
    report_id: uuid.UUID,
    data: schemas.ReportReviewerCreate,
    *,
    settings: Settings,
    request_id: str | None,
) -> ReviewAssignment:
    """Invite a reviewer of the caller's agency's pool to review the report: a `manual`
    assignment on the grant's proposal in the report's round, invited through the assignment
    machine (its audit event and the invitation mail).

    Raises NotFound (the caller does not see the grant), Forbidden (not a co-funding officer;
    a reviewer of another agency's pool only),
    Conflict (the report is not submitted; the reviewer is already on the round; a conflict of
    interest, with its reasons), Invalid (`reviewer` not in the caller's agency's pool).
    Conflict detection runs first over the call, so a consortium member is never invited.
    """
    target = await REPORTS.load(session, principal, report_id, "invite")  # the row's lock
    report, scope = target.entity, target.scope
    assert isinstance(scope, GrantScope)
    cofunders = frozenset(t.agency_id for t in scope.call.agencies)
    require(policy.report_reviewer_decision(principal, target.roles, cofunders))
    if report.state != ReportState.SUBMITTED:
        raise Conflict(NOT_SUBMITTED(state=report.state))
    own = principal.officer_agency_id
    agency = next(t.agency for t in scope.call.agencies if t.agency_id == own)
    reviewer = await _pooled(session, scope, agency.id, data.reviewer)
    for other in (t.agency for t in scope.call.agencies if reviewer is None and t.agency_id != own):
        if await _pooled(session, scope, other.id, data.reviewer) is not None:
            raise Forbidden(OTHER_POOL(agency=other.code))
    if reviewer is None:
        reason = NOT_IN_POOL(agency=agency.code)
        raise Invalid(CANNOT_INVITE(), errors=[FieldError("reviewer", reason)])
    rnd = review_round(report)
    existing = await session.scalar(
        select(ReviewAssignment.state).where(
            ReviewAssignment.proposal_id == scope.proposal.id,
            ReviewAssignment.reviewer_id == reviewer.id,
            ReviewAssignment.round == rnd,
        )
    )
    if existing is not None:
        raise Conflict(ALREADY(reviewer=reviewer.display_name, state=existing))
    await detect_conflicts(session, scope.call, actor=principal.actor)
    reasons = await pair_conflicts(session, scope.proposal.id, reviewer.id)
    if reasons:
        raise Conflict(CONFLICTED(reviewer=reviewer.display_name), reasons=reasons)
    row = ReviewAssignment(
        proposal_id=scope.proposal.id,
        reviewer_id=reviewer.id,
        pool_agency_id=agency.id,
        round=rnd,
        state=AssignmentState.PROPOSED,
        source="manual",
    )
    session.add(row)
    await session.flush()
    await append(
        session,
        actor=principal.actor,
        action="review_assignment.create",
        entity_type="review_assignment",
        entity_id=row.id,
        changes={
            "state": [None, AssignmentState.PROPOSED],
            "proposal_id": str(row.proposal_id),
            "reviewer_id": str(row.reviewer_id),
            "pool_agency_id": str(row.pool_agency_id),
            "round": rnd,
            "progress_report_id": str(report.id),
        },
    )
    invited = await fire(
        session,
        ASSIGNMENTS,
        row.id,
        AssignmentEvent.INVITE,
        EventRequest(version=row.version, data={}),
        principal,
        settings=settings,
        request_id=request_id,
    )
    assert isinstance(invited.entity, ReviewAssignment)
    return invited.entity


async def _pooled(
    session: AsyncSession, scope: GrantScope, agency_id: uuid.UUID, user_id: uuid.UUID
) -> User | None:
    """The active reviewer serving on the call for the agency, or with a profile in its pool."""
    serving = select(CallReviewer.reviewer_id).where(
        CallReviewer.call_id == scope.call.id,
        CallReviewer.agency_id == agency_id,
        CallReviewer.state == ServiceState.ACCEPTED,
    )
    pooled = (
        select(ReviewerProfile.user_id)
        .join(ReviewerPool, ReviewerPool.profile_id == ReviewerProfile.id)
        .where(ReviewerPool.agency_id == agency_id)
    )
    return await session.scalar(
        select(User).where(
            User.id == user_id,
            User.state == AccountState.ACTIVE,
            or_(User.id.in_(serving), User.id.in_(pooled)),
        )
    )


async def report_reviews(
    session: AsyncSession, principal: Principal, report_id: uuid.UUID, window: Window
) -> Page[ReviewItem]:
    """The submitted reviews of the report's round: oversight in the panel shape (each pool
    behind its agency's wall as in the selection), the consortium in the applicant shape once
    the report is decided (accepted or stopped), nothing before. Anyone else 404."""
    target = await REPORTS.load(session, principal, report_id, None)
    report, scope = target.entity, target.scope
    assert isinstance(scope, GrantScope)
    decided = report.state in PROGRESS_REPORT.final
    return await round_reviews(
        session,
        principal,
        scope.proposal,
        scope.call,
        target.roles,
        review_round(report),
        decided,
        window,
    )
