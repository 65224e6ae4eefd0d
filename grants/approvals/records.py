"""Recording and reading agencies' approvals of a shared subject.

An answer is written under the subject's row lock (the caller's binding takes it), so two
agencies answering at once queue: the later one sees the first's answer and the subject changes
exactly once. The unique key (subject, purpose, agency) stops a second answer regardless.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.common.actors import Actor
from grants.db.models import Approval, Call
from grants.errors import Conflict
from grants.workflow.binding import Firing
from messages import define

ANSWERED = define("workflow.approval.answered_already", "{agency} has answered already.")


class Purpose(StrEnum):
    """What an approval is for; each purpose names one shared subject's two keys."""

    PUBLISH_CALL = "publish_call"
    ELIGIBILITY = "eligibility"
    JOINT_RANKING = "joint_ranking"
    FUNDING = "funding"
    AMENDMENT = "amendment"
    PROGRESS_REPORT = "progress_report"
    MIDTERM_GATE = "midterm_gate"


class Answer(StrEnum):
    """An agency's answer; `revise` only on a progress report's round (returned with comments)."""

    APPROVE = "approve"
    REJECT = "reject"
    REVISE = "revise"


@dataclass(frozen=True, slots=True)
class Subject:
    """What the agencies answer on: an entity (by audit type and id) at a version, and a
    purpose. Answers on an earlier version of the entity do not count."""

    type: str
    id: uuid.UUID
    purpose: Purpose
    version: int


async def answers(session: AsyncSession, subject: Subject) -> dict[uuid.UUID, Approval]:
    """Every agency's answer on the subject at its version, by agency id (one query)."""
    rows = await session.scalars(
        select(Approval).where(
            Approval.subject_type == subject.type,
            Approval.subject_id == subject.id,
            Approval.purpose == subject.purpose,
            Approval.subject_version == subject.version,
        )
    )
    return {row.agency_id: row for row in rows}


def not_approved(
    answered: dict[uuid.UUID, Approval], agencies: Iterable[tuple[uuid.UUID, str]]
) -> tuple[str, ...]:
    """Codes of the agencies (id, code pairs, in the given order) that have not approved."""
    return tuple(
        code
        for agency, code in agencies
        if agency not in answered or answered[agency].decision != Answer.APPROVE.value
    )


def rejected(
    answered: dict[uuid.UUID, Approval], agencies: Iterable[tuple[uuid.UUID, str]]
) -> tuple[str, ...]:
    """Codes of the agencies (in the given order) that rejected."""
    return tuple(
        code
        for agency, code in agencies
        if agency in answered and answered[agency].decision == Answer.REJECT.value
    )


async def record_key(
    session: AsyncSession,
    subject: Subject,
    firing: Firing,
    call: Call,
    *,
    decision: Answer = Answer.APPROVE,
    rationale: str | None = None,
) -> dict[str, str]:
    """Record the answer of the firing officer's agency (a co-funder of `call`: the event's
    role guarantees it) on `subject`; returns the audit detail naming the agency."""
    agency_id = firing.principal.officer_agency_id
    code = next(t.agency.code for t in call.agencies if t.agency_id == agency_id)
    assert agency_id is not None  # the role `cofunding_officer` implies an agency
    await record(
        session,
        subject,
        agency_id=agency_id,
        agency_code=code,
        officer=firing.principal.actor,
        decision=decision,
        rationale=rationale,
        request_id=firing.request_id,
    )
    return {"agency": code}


async def record(
    session: AsyncSession,
    subject: Subject,
    *,
    agency_id: uuid.UUID,
    agency_code: str,
    officer: Actor,
    decision: Answer,
    rationale: str | None,
    request_id: str | None = None,
) -> Approval:
    """Record one agency's answer and its audit event. Raises Conflict when that agency has
    answered already (nothing is written)."""
    row = await add_answer(
        session,
        subject,
        agency_id=agency_id,
        agency_code=agency_code,
        officer=officer,
        decision=decision,
        rationale=rationale,
    )
    await append(
        session,
        actor=officer,
        action=f"approval.{subject.purpose.value}",
        entity_type=subject.type,
        entity_id=subject.id,
        changes={
            "agency": agency_code,
            "decision": decision.value,
            "rationale": rationale,
            "subject_version": subject.version,
        },
        request_id=request_id,
    )
    return row


async def add_answer(
    session: AsyncSession,
    subject: Subject,
    *,
    agency_id: uuid.UUID,
    agency_code: str,
    officer: Actor,
    decision: Answer,
    rationale: str | None,
) -> Approval:
    """Write one agency's answer without an audit event of its own, for a caller whose event
    records it (a funding decision is one `proposal.decide` event). Raises Conflict when that
    agency has answered already (nothing is written)."""
    if agency_id in await answers(session, subject):
        raise Conflict(ANSWERED(agency=agency_code))
    assert officer.id is not None  # only a signed-in officer answers for an agency
    row = Approval(
        subject_type=subject.type,
        subject_id=subject.id,
        purpose=subject.purpose.value,
        subject_version=subject.version,
        agency_id=agency_id,
        officer_id=officer.id,
        decision=decision.value,
        rationale=rationale,
    )
    session.add(row)
    await session.flush()
    return row
