"""Business verbs on conflicts: officers dismiss or waive them, reviewers declare them."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.common.actors import Actor
from grants.db.models import Conflict, Proposal, User
from grants.db.models.reviews import ConflictStatus
from grants.errors import Conflict as Refused
from grants.errors import NotFound
from grants.reviews.pool import schemas
from grants.reviews.pool.access import officer_call
from grants.reviews.pool.reasons import shown, stored
from grants.reviews.pool.sovereignty import require_conflict_decider
from grants.security.principal import Principal
from messages import Message, define

DECISIONS = {"dismiss": ConflictStatus.DISMISSED, "waive": ConflictStatus.WAIVED}
NO_SUCH_CONFLICT = define("conflict.not_found", "No such conflict.")
ALREADY_DECIDED = define("conflict.already_decided", "The conflict is already {status}.")


def call_conflicts_query(
    call_id: uuid.UUID, *, status: str | None, source: str | None
) -> Select[Any]:
    """The call's conflicts with each reviewer's email and name and each proposal's reference,
    by proposal reference, reviewer email and source; filtered by status or source."""
    query = (
        select(Conflict, User.email, User.display_name, Proposal.reference)
        .join(Proposal, Proposal.id == Conflict.proposal_id)
        .join(User, User.id == Conflict.reviewer_id)
        .where(Proposal.call_id == call_id)
        .order_by(Proposal.reference, User.email, Conflict.source)
    )
    if status:
        query = query.where(Conflict.status == status)
    if source:
        query = query.where(Conflict.source == source)
    return query


def conflict_view(conflict: Conflict, locale: str) -> schemas.ConflictView:
    """A conflict with its reason in the reader's `locale` (a person's words as written)."""
    view = schemas.ConflictView.model_validate(conflict)
    return view.model_copy(update={"reason": shown(conflict, locale)})


def conflict_detail(
    conflict: Conflict, email: str, name: str, reference: str | None, locale: str
) -> schemas.ConflictDetail:
    """The officers' view of a conflict: who, which proposal, why, and any decision."""
    base = conflict_view(conflict, locale).model_dump()
    return schemas.ConflictDetail(
        **base, reviewer_email=email, reviewer_name=name, proposal_reference=reference
    )


async def decide(
    session: AsyncSession, principal: Principal, conflict_id: uuid.UUID, verb: str, reason: str
) -> Conflict:
    """Dismiss (a false positive) or waive (allowed on purpose) an active conflict, keeping the
    officer and the reason. Raises NotFound, Forbidden (not an officer of the agency whose pool
    the reviewer serves on the call, see grants.security.policy) or Conflict (already
    decided)."""
    conflict = await session.get(Conflict, conflict_id)
    if conflict is None:
        raise NotFound(NO_SUCH_CONFLICT())
    proposal = await session.get(Proposal, conflict.proposal_id)
    assert proposal is not None  # a foreign key guarantees it
    call = await officer_call(session, principal, proposal.call_id)
    await require_conflict_decider(session, principal, call, conflict.reviewer_id)
    if conflict.status != ConflictStatus.ACTIVE:
        raise Refused(ALREADY_DECIDED(status=conflict.status))
    conflict.status = DECISIONS[verb]
    conflict.decided_by = principal.user_id
    conflict.decision_reason = reason
    conflict.decided_at = datetime.datetime.now(datetime.UTC)
    await session.flush()
    await append(
        session,
        actor=principal.actor,
        action=f"conflict.{verb}",
        entity_type="conflict",
        entity_id=conflict.id,
        changes={
            "status": [ConflictStatus.ACTIVE, conflict.status],
            "decision_reason": [None, reason],
        },
    )
    return conflict


async def declare(
    session: AsyncSession,
    proposal: Proposal,
    reviewer_id: uuid.UUID,
    data: schemas.Declaration,
    *,
    actor: Actor,
) -> Conflict:
    """Record the reviewer's own declaration (`coauthor` or `declared_by_reviewer`).

    A repeated declaration updates the reason of an active one; an officer's earlier dismissal
    or waiver of the same declaration stands.
    """
    source = "coauthor" if data.coauthor else "declared_by_reviewer"
    return await record(session, proposal.id, reviewer_id, source, data.reason, actor=actor)


async def record(
    session: AsyncSession,
    proposal_id: uuid.UUID,
    reviewer_id: uuid.UUID,
    source: str,
    reason: Message | str,
    *,
    actor: Actor,
) -> Conflict:
    """Insert the pair's conflict of `source`, or refresh an active one's reason (a message,
    or a person's words); audited."""
    conflict = await session.scalar(
        select(Conflict).where(
            Conflict.proposal_id == proposal_id,
            Conflict.reviewer_id == reviewer_id,
            Conflict.source == source,
        )
    )
    before = None
    if conflict is None:
        conflict = Conflict(
            proposal_id=proposal_id,
            reviewer_id=reviewer_id,
            source=source,
            status=ConflictStatus.ACTIVE,
            **stored(reason),
        )
        session.add(conflict)
    elif conflict.status == ConflictStatus.ACTIVE:
        before = conflict.reason
        for name, value in stored(reason).items():
            setattr(conflict, name, value)
    await session.flush()
    await append(
        session,
        actor=actor,
        action="conflict.declare",
        entity_type="conflict",
        entity_id=conflict.id,
        changes={"source": source, "reason": [before, conflict.reason]},
    )
    return conflict
