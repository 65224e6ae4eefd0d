"""Agency rankings (parallel review mode) and the joint panel's ranking with its approvals.

An agency's officers build a draft from the aggregated scores of their pool, reorder it and
finalise it (then it never changes). The joint ranking is recorded by a co-funding officer once
every agency's ranking is final (parallel mode) or directly (joint mode), and becomes final
when every co-funding agency has approved it. State changes go through `fire` (see
`grants.reviews.scoring.ranking_binding`).
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import Answer, Purpose, Subject, answers
from grants.audit.chain import append
from grants.calls.workflow import SELECTION_ROUND, agencies_without_final_ranking
from grants.common.edits import check_version
from grants.db.models import Agency, Call, Proposal, Ranking
from grants.errors import Conflict, FieldError, Invalid
from grants.reviews.scoring import schemas
from grants.reviews.scoring.access import require_agency_officer
from grants.reviews.scoring.scores import RANKED_STATES, ScoreOptions, call_scores
from grants.security.principal import Principal
from messages import define
from workflows.machines.call import CallState
from workflows.machines.ranking import RANKINGS_NOT_FINAL, RankingState

NOT_RANKING = define("ranking.call_not_ranking", "The call is {state}, not ranking.")
JOINT_MODE = define(
    "ranking.joint_mode_single", "In joint review mode the call has one ranking: the joint ranking."
)
FINAL = define("ranking.final", "{agency}'s ranking is final and can no longer change.")
NOT_EVERY_ONCE = define(
    "ranking.reorder.invalid", "List every proposal of the ranking exactly once."
)
EACH_ONCE = define("ranking.reorder.entries", "must list each ranked proposal exactly once")
NOT_ALL_FINAL = define(
    "ranking.joint.rankings_not_final", "Every agency's ranking must be final first."
)
HAS_APPROVALS = define(
    "ranking.joint.approved", "The joint ranking has approvals already; it can no longer change."
)
NOT_RANKABLE = define("ranking.joint.not_rankable", "not a reviewed proposal of this call")
LISTED_TWICE = define("ranking.joint.listed_twice", "a proposal is listed twice")
POSITIONS = define("ranking.joint.positions", "positions must be 1..{count}, each once")
JOINT_INVALID = define("ranking.joint.invalid", "The joint ranking's entries are invalid.")


async def ranking_of(session: AsyncSession, call: Call, agency: Agency | None) -> Ranking | None:
    """The selection-round ranking of `agency` (None: the joint ranking), if any."""
    agency_id = agency.id if agency else None
    return await session.scalar(
        select(Ranking).where(
            Ranking.call_id == call.id,
            Ranking.round == SELECTION_ROUND,
            Ranking.agency_id.is_(None) if agency_id is None else Ranking.agency_id == agency_id,
        )
    )


def require_ranking_phase(call: Call, *, joint: bool) -> None:
    """Raises Conflict unless the call is ranking and the ranking fits its review mode."""
    if call.state != CallState.RANKING:
        raise Conflict(NOT_RANKING(state=call.state))
    if not joint and call.review_mode != "parallel":
        raise Conflict(JOINT_MODE())


async def build_draft(
    session: AsyncSession,
    principal: Principal,
    call: Call,
    agency: Agency,
    options: ScoreOptions,
) -> Ranking:
    """Build (or rebuild) the agency's draft ranking from its pool's aggregated scores.
    Raises Forbidden (another agency's officer) and Conflict (final, or not ranking yet)."""
    require_agency_officer(principal, agency)
    require_ranking_phase(call, joint=False)
    ranking = await ranking_of(session, call, agency)
    if ranking is not None and ranking.state == RankingState.FINAL:
        raise Conflict(FINAL(agency=agency.code))
    scores = await call_scores(session, call, agency, replace(options, round=SELECTION_ROUND))
    entries = [
        {
            "proposal_id": str(p.proposal_id),
            "reference": p.reference,
            "position": p.position,
            "score": p.total,
            "recommendation": p.recommendation,
        }
        for p in scores.proposals
    ]
    if ranking is None:
        ranking = Ranking(call_id=call.id, agency_id=agency.id, round=SELECTION_ROUND, entries=[])
        session.add(ranking)
    ranking.entries = entries
    await session.flush()
    await _audit(session, principal, ranking, "ranking.draft", {"entries": _audited(entries)})
    return ranking


async def reorder(
    session: AsyncSession,
    principal: Principal,
    ranking: Ranking,
    agency: Agency,
    data: schemas.RankingUpdate,
) -> Ranking:
    """Put the draft's entries in the given order with the given recommendations. Raises
    Forbidden, StaleVersion, Conflict (final) and Invalid (not every entry exactly once)."""
    require_agency_officer(principal, agency)
    check_version(ranking, data.version)
    if ranking.state == RankingState.FINAL:
        raise Conflict(FINAL(agency=agency.code))
    current = {e["proposal_id"]: e for e in ranking.entries}
    wanted = [str(e.proposal_id) for e in data.entries]
    if sorted(wanted) != sorted(current):
        raise Invalid(NOT_EVERY_ONCE(), errors=[FieldError("entries", EACH_ONCE())])
    before = ranking.entries
    ranking.entries = [
        {**current[str(e.proposal_id)], "position": i, "recommendation": e.recommendation}
        for i, e in enumerate(data.entries, start=1)
    ]
    await session.flush()
    await _audit(
        session,
        principal,
        ranking,
        "ranking.update",
        {"entries": [_audited(before), _audited(ranking.entries)]},
    )
    return ranking


async def rankable(session: AsyncSession, call: Call) -> dict[uuid.UUID, str | None]:
    """The call's proposals past eligibility, by id, with their reference numbers."""
    rows = await session.execute(
        select(Proposal.id, Proposal.reference).where(
            Proposal.call_id == call.id, Proposal.state.in_(RANKED_STATES)
        )
    )
    return dict(rows.tuples().all())


async def record_joint(
    session: AsyncSession, principal: Principal, call: Call, data: schemas.JointRankingCreate
) -> Ranking:
    """Record the joint panel's ranking (a draft until every agency approves it). Raises
    Conflict (agency rankings not final; already approved) and Invalid (bad entries)."""
    require_ranking_phase(call, joint=True)
    references = await rankable(session, call)
    missing = await agencies_without_final_ranking(session, call)
    if missing:
        raise Conflict(NOT_ALL_FINAL(), reasons=[RANKINGS_NOT_FINAL(agencies=list(missing))])
    _check_joint_entries(data, references)
    ranking = await ranking_of(session, call, None)
    if ranking is not None and (
        ranking.state == RankingState.FINAL or await approvals(session, ranking)
    ):
        raise Conflict(HAS_APPROVALS())
    entries = [
        {
            "proposal_id": str(e.proposal_id),
            "reference": references[e.proposal_id],
            "position": e.position,
            "score": None,
            "recommendation": e.recommendation,
        }
        for e in sorted(data.entries, key=lambda e: e.position)
    ]
    if ranking is None:
        ranking = Ranking(call_id=call.id, agency_id=None, round=SELECTION_ROUND, entries=[])
        session.add(ranking)
    ranking.entries, ranking.minutes = entries, data.minutes
    await session.flush()
    changes = {"entries": _audited(entries), "minutes": data.minutes}
    await _audit(session, principal, ranking, "ranking.joint", changes)
    return ranking


def _check_joint_entries(
    data: schemas.JointRankingCreate, references: dict[uuid.UUID, str | None]
) -> None:
    errors = [
        FieldError(f"entries[{i}].proposal_id", NOT_RANKABLE())
        for i, e in enumerate(data.entries)
        if e.proposal_id not in references
    ]
    if len({e.proposal_id for e in data.entries}) != len(data.entries):
        errors.append(FieldError("entries", LISTED_TWICE()))
    if sorted(e.position for e in data.entries) != list(range(1, len(data.entries) + 1)):
        errors.append(FieldError("entries", POSITIONS(count=len(data.entries))))
    if errors:
        raise Invalid(JOINT_INVALID(), errors=errors)


def joint_keys(ranking: Ranking) -> Subject:
    """The co-funding agencies' keys on the joint ranking. Fixed at version 0: once any
    agency approved, the joint ranking's entries can no longer change."""
    return Subject("ranking", ranking.id, Purpose.JOINT_RANKING, 0)


async def approvals(session: AsyncSession, ranking: Ranking) -> set[uuid.UUID]:
    """Ids of the agencies that approved the ranking."""
    answered = await answers(session, joint_keys(ranking))
    return {a for a, row in answered.items() if row.decision == Answer.APPROVE}


def _audited(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries as the audit chain takes them: scores as decimal strings (no floats there)."""
    return [{**e, "score": None if e["score"] is None else f"{e['score']:.6f}"} for e in entries]


async def _audit(
    session: AsyncSession, principal: Principal, ranking: Ranking, action: str, changes: Any
) -> None:
    await append(
        session,
        actor=principal.actor,
        action=action,
        entity_type="ranking",
        entity_id=ranking.id,
        changes=changes,
    )
