"""Workflow events of a review assignment through the one `fire` service: the officer invites
(the invitation is mailed through the outbox), the reviewer accepts or declines with a reason."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.calls.access import roles_on
from grants.common.schemas import EventBody
from grants.db.models import Call, Proposal, Review, ReviewAssignment, User
from grants.errors import Conflict, FieldError, Invalid
from grants.mail import queue
from grants.reviews.assignment import schemas
from grants.reviews.assignment.forbidden import pair_conflicts
from grants.reviews.assignment.queries import call_assignments
from grants.security.principal import Principal
from grants.settings import Settings
from grants.workflow.service import EventRequest, Option, fire, options
from workflows.machines.review_assignment import (
    REVIEW_ASSIGNMENT,
    AssignmentContext,
    AssignmentEvent,
)

# The scoring package fires these together with the review's own lock (`submitted_at`).
REVIEW_EVENTS = frozenset({AssignmentEvent.SUBMIT, AssignmentEvent.REOPEN})


async def assignment_context(
    session: AsyncSession, row: ReviewAssignment, call: Call
) -> AssignmentContext:
    """Live conflicts of the pair, and the rubric criteria its review has not scored (all of
    them while there is no review)."""
    review = await session.scalar(select(Review).where(Review.assignment_id == row.id))
    scores = review.scores if review is not None else {}
    missing = tuple(c["key"] for c in call.rubric if scores.get(c["key"]) is None)
    conflicts = await pair_conflicts(session, row.proposal_id, row.reviewer_id)
    return AssignmentContext(conflicts=conflicts, missing=missing)


async def transitions(
    session: AsyncSession, row: ReviewAssignment, call: Call, roles: frozenset[str]
) -> list[Option]:
    """The events of the assignment's state and whether this caller may fire each now."""
    return options(REVIEW_ASSIGNMENT, row, roles, await assignment_context(session, row, call))


async def apply_event(
    session: AsyncSession,
    principal: Principal,
    settings: Settings,
    target: tuple[ReviewAssignment, Proposal, Call, frozenset[str]],
    event: str,
    body: EventBody,
    request_id: str | None,
) -> ReviewAssignment:
    """Fire `event`; `decline` needs `data.reason` (stored), `invite` queues the mail.

    Raises what `fire` raises, Invalid for a missing or overlong decline reason, and Conflict
    for `submit`/`reopen`, which the scoring package fires with the review's lock.
    """
    row, proposal, call, roles = target
    if event in REVIEW_EVENTS:
        raise Conflict(
            f"A review is submitted or reopened at /api/assignments/{row.id}/events/{event}, "
            "which also locks or unlocks the review."
        )
    ctx = await assignment_context(session, row, call)
    if event == AssignmentEvent.DECLINE:
        row.decline_reason = _decline_reason(body)
    await fire(
        session,
        machine=REVIEW_ASSIGNMENT,
        entity=row,
        entity_type="review_assignment",
        request=EventRequest(event=event, version=body.version, data=body.data),
        roles=roles,
        ctx=ctx,
        actor=principal.actor,
        request_id=request_id,
    )
    if event == AssignmentEvent.INVITE:
        await _mail_invitation(session, settings, row, proposal, call)
    return row


async def invite_all(
    session: AsyncSession,
    principal: Principal,
    settings: Settings,
    call: Call,
    request_id: str | None,
) -> schemas.InvitationRound:
    """Invite every proposed assignment of the call, each through `fire` (one audit event and
    one mail each). One whose guard refuses (a conflict appeared) stays proposed and is listed
    with its reasons; the others are invited all the same."""
    rows = list(await session.scalars(call_assignments(call, state="proposed")))
    proposals = {
        p.id: p
        for p in await session.scalars(
            select(Proposal).where(Proposal.id.in_({r.proposal_id for r in rows}))
        )
    }
    roles = roles_on(principal, call)
    refused = []
    for row in rows:
        body = EventBody(version=row.version)
        target = (row, proposals[row.proposal_id], call, roles)
        try:
            await apply_event(session, principal, settings, target, "invite", body, request_id)
        except Conflict as exc:
            refused.append(
                schemas.RefusedInvitation(assignment_id=row.id, reasons=list(exc.reasons))
            )
    return schemas.InvitationRound(invited=len(rows) - len(refused), refused=refused)


def _decline_reason(body: EventBody) -> str:
    reason = (body.data.get("reason") or "").strip()
    if not reason or len(reason) > 2000:
        raise Invalid(
            "Say why you decline (at most 2000 characters).",
            errors=[FieldError("data.reason", "required, at most 2000 characters")],
        )
    return reason


async def _mail_invitation(
    session: AsyncSession, settings: Settings, row: ReviewAssignment, proposal: Proposal, call: Call
) -> None:
    reviewer = await session.get(User, row.reviewer_id)
    assert reviewer is not None  # a foreign key guarantees it
    deadline = call.review_deadline.isoformat() if call.review_deadline else "to be announced"
    link = f"{settings.base_url}/api/calls/{call.id}/assignments/{row.id}/transitions"
    body = (
        f"Dear {reviewer.display_name},\n\n"
        f"You are invited to review proposal {proposal.reference} in the call {call.code}:\n"
        f"{proposal.title.get('en', '')}\n\n"
        f"{proposal.abstract.get('en', '')}\n\n"
        f"Review deadline: {deadline}.\n"
        f"Please accept or decline (declare any conflict of interest): {link}\n"
    )
    await queue(
        session,
        to=reviewer.email,
        subject=f"Invitation to review {proposal.reference} ({call.code})",
        body=body,
        related_type="review_assignment",
        related_id=row.id,
    )
