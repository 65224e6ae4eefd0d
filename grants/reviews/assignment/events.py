"""The review assignment machine's binding: the officers overseeing the pool invite (the
invitation is mailed through the outbox) and reopen, the reviewer accepts, declines with a
reason, and submits the review (which locks it)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.calls.access import call_facts
from grants.common.problems import Reason
from grants.common.schemas import Input, examples
from grants.db.models import Call, Proposal, Review, ReviewAssignment, User
from grants.errors import Conflict, NotFound
from grants.mail import queue
from grants.mail.compose import review_invitation
from grants.reviews.assignment import schemas
from grants.reviews.assignment.access import NO_SUCH_ASSIGNMENT, assignment_facts
from grants.reviews.assignment.forbidden import pair_conflicts
from grants.reviews.assignment.queries import call_assignments, views
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from grants.settings import Settings
from grants.times import utcnow
from grants.workflow.binding import Binding, Firing, Target
from grants.workflow.service import EventRequest, fire
from messages import Message, params_json, render
from workflows.machines.review_assignment import (
    REVIEW_ASSIGNMENT,
    AssignmentContext,
    AssignmentEvent,
    AssignmentState,
)


class DeclineData(Input):
    """Why the reviewer declines (a conflict of interest, no time…); officers plan around it."""

    model_config = examples({"reason": "I co-authored a paper with the Japanese PI in 2025."})

    reason: str = Field(min_length=1, max_length=2000)


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


class AssignmentBinding(Binding[ReviewAssignment]):
    resource = "assignments"
    id_name = "assignment_id"
    entity_type = "review_assignment"
    machine = REVIEW_ASSIGNMENT
    view_type = schemas.Assignment
    tag = "reviewer assignment"
    data: ClassVar[Mapping[str, type[BaseModel]]] = {AssignmentEvent.DECLINE: DeclineData}

    async def load(
        self, session: AsyncSession, principal: Principal, entity_id: uuid.UUID, event: str | None
    ) -> Target[ReviewAssignment]:
        """Seen by its reviewer from the invitation on, by the officers overseeing its pool
        (in parallel review mode only the pool's agency), by auditors and admins."""
        query = select(ReviewAssignment).where(ReviewAssignment.id == entity_id)
        row = await session.scalar(query.with_for_update() if event else query)
        proposal = await session.get(Proposal, row.proposal_id) if row else None
        call = await session.get(Call, proposal.call_id) if proposal else None
        if row is None or call is None:
            raise NotFound(NO_SUCH_ASSIGNMENT())
        facts = assignment_facts(call, row, policy.Via.MACHINE)
        roles = require(policy.decide(principal, policy.Action.FIRE, facts))
        return Target(row, roles, (proposal, call))

    async def context(
        self, session: AsyncSession, principal: Principal, target: Target[ReviewAssignment]
    ) -> AssignmentContext:
        return await assignment_context(session, target.entity, target.scope[1])

    async def effects(
        self, session: AsyncSession, target: Target[ReviewAssignment], firing: Firing
    ) -> Mapping[str, Any]:
        row, (proposal, call) = target.entity, target.scope
        if firing.event == AssignmentEvent.INVITE:
            await _mail_invitation(session, firing.settings, row, proposal, call)
        elif firing.event == AssignmentEvent.DECLINE:
            row.decline_reason = firing.data.model_dump()["reason"]
        elif firing.event in (AssignmentEvent.SUBMIT, AssignmentEvent.REOPEN):
            return await _lock_review(session, row, firing.event == AssignmentEvent.SUBMIT)
        return {}

    async def view(
        self, session: AsyncSession, principal: Principal, target: Target[ReviewAssignment]
    ) -> schemas.Assignment:
        return (await views(session, [target.entity], principal.locale))[0]


async def _lock_review(
    session: AsyncSession, row: ReviewAssignment, submitted: bool
) -> dict[str, Any]:
    """A submitted review is locked (`submitted_at`); reopening unlocks it for its reviewer."""
    review = await session.scalar(select(Review).where(Review.assignment_id == row.id))
    if review is None:  # `fully_scored` refuses a submit without scores; a reopen needs one
        return {}
    before = review.submitted_at
    review.submitted_at = utcnow() if submitted else None
    return {"review_submitted_at": [before, review.submitted_at]}


async def invite_all(
    session: AsyncSession,
    principal: Principal,
    settings: Settings,
    call: Call,
    request_id: str | None,
) -> schemas.InvitationRound:
    """Invite every proposed assignment of the call the caller may invite, each through `fire`
    (one audit event and one mail each). One whose guard refuses (a conflict appeared) stays
    proposed and is listed with its reasons, in the caller's language; the others are invited
    all the same."""
    rows = list(await session.scalars(call_assignments(call, state=AssignmentState.PROPOSED)))
    mine = [r for r in rows if policy.oversees_pool(principal, call_facts(call), r.pool_agency_id)]
    binding, refused = AssignmentBinding(), []
    for row in mine:
        body = EventRequest(version=row.version, data={})
        try:
            await fire(
                session,
                binding,
                row.id,
                AssignmentEvent.INVITE,
                body,
                principal,
                settings=settings,
                request_id=request_id,
            )
        except Conflict as exc:
            reasons = [_reason(r, principal.locale) for r in exc.reasons]
            refused.append(schemas.RefusedInvitation(assignment_id=row.id, reasons=reasons))
    return schemas.InvitationRound(invited=len(mine) - len(refused), refused=refused)


def _reason(reason: Message | str, locale: str) -> Reason:
    """A guard's reason as problem+json lists it: code, parameters and the text in `locale`."""
    if isinstance(reason, str):
        return Reason(code=None, params={}, message=reason)
    return Reason(
        code=reason.code, params=params_json(reason.params), message=render(reason, locale)
    )


async def _mail_invitation(
    session: AsyncSession, settings: Settings, row: ReviewAssignment, proposal: Proposal, call: Call
) -> None:
    reviewer = await session.get(User, row.reviewer_id)
    assert reviewer is not None  # a foreign key guarantees it
    link = f"{settings.base_url}/api/assignments/{row.id}/transitions"
    subject, body = review_invitation(reviewer, proposal, call, link)
    await queue(
        session,
        to=reviewer.email,
        subject=subject,
        body=body,
        related_type="review_assignment",
        related_id=row.id,
    )
