"""Conflicts of interest between reviewers and proposals: detection and the forbidden pairs.

A pair (proposal, reviewer) is checked for every proposal of the call that reached submission
(see REVIEWABLE_STATES) and every reviewer in the pool of a co-funding agency. Sources:

- `same_institution`: the reviewer's institution is a part's host institution (every consortium
  member belongs to their part's institution). Equal ROR ids decide when both sides have one;
  otherwise the normalized names are compared (see `matching.normalize_institution`).
- `consortium_member`: the reviewer is a part's PI or a team member who accepted their
  invitation (same user id); an e-mail merely listed on a team does not count.
- `excluded_by_applicants`: a ProposalExclusion names the reviewer by email or ORCID iD.
- `enterprise_partner`: the reviewer works for, or declared an interest in, an enterprise
  partner of a part (same country and national identifier).
- `coauthor` and `declared_by_reviewer` come from the reviewer's own declarations
  (grants/reviews/pool/decisions.py), never from detection.

Status: `active` forbids the pair; `dismissed` (a false positive) no longer forbids; `waived`
(known, allowed on purpose by an officer) does not forbid either. Detection never re-activates
a dismissed or waived conflict, and never deletes one.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import Exists

from grants.audit.chain import Entry, append_many
from grants.common.actors import Actor
from grants.common.emails import normalise
from grants.db.models import (
    Bid,
    Call,
    Conflict,
    Proposal,
    ProposalExclusion,
    ReviewerPool,
    ReviewerProfile,
    User,
)
from grants.db.models.reviews import ConflictStatus
from grants.partners.queries import load_partners
from grants.reviews.pool import schemas
from grants.reviews.pool.matching import Candidate, Finding, find_conflicts, normalize_institution
from grants.reviews.pool.reasons import stored
from workflows.machines.proposal import ProposalState

REVIEWABLE_STATES = (
    ProposalState.SUBMITTED,
    ProposalState.ELIGIBLE,
    ProposalState.UNDER_REVIEW,
    ProposalState.REVIEWED,
    ProposalState.AWARDED,
    ProposalState.REJECTED,
)
"""Submitted or later; `ineligible` and `withdrawn` proposals are never reviewed."""


async def _candidates(session: AsyncSession, call: Call) -> list[Candidate]:
    agencies = [t.agency_id for t in call.agencies]
    in_pool = select(ReviewerPool.profile_id).where(ReviewerPool.agency_id.in_(agencies))
    rows = await session.execute(
        select(ReviewerProfile, User.email)
        .join(User, User.id == ReviewerProfile.user_id)
        .where(ReviewerProfile.id.in_(in_pool))
    )
    return [
        Candidate(
            p.user_id,
            normalise(email),
            p.orcid,
            p.institution_ror,
            normalize_institution(p.institution_name),
            tuple(
                (i["country"], i["identifier"], i["relation"]) for i in p.enterprise_interests or []
            ),
        )
        for p, email in rows.tuples()
    ]


async def detect_conflicts(
    session: AsyncSession, call: Call, *, actor: Actor
) -> schemas.DetectionResult:
    """Detect conflicts for every reviewable proposal × pooled reviewer of `call` and insert
    the new ones (one row per pair and source). Existing rows are left as they are: a
    dismissed or waived conflict stays so. Audited row by row: a `conflict.create` event per
    new conflict (on the conflict, so its later dismissal or waiver follows it under the same
    entity), then one `conflicts.detect` event on the call with the totals."""
    proposals = list(
        await session.scalars(
            select(Proposal).where(
                Proposal.call_id == call.id, Proposal.state.in_(REVIEWABLE_STATES)
            )
        )
    )
    ids = [p.id for p in proposals]
    await load_partners(session, *proposals)
    reviewers = await _candidates(session, call)
    exclusions: dict[uuid.UUID, list[ProposalExclusion]] = {}
    for row in await session.scalars(
        select(ProposalExclusion).where(ProposalExclusion.proposal_id.in_(ids))
    ):
        exclusions.setdefault(row.proposal_id, []).append(row)
    existing = {
        (c.proposal_id, c.reviewer_id, c.source): c.status
        for c in await session.scalars(select(Conflict).where(Conflict.proposal_id.in_(ids)))
    }
    created: list[Conflict] = []
    unchanged = kept = 0
    for found in find_conflicts(proposals, reviewers, exclusions):
        status = existing.get((found.proposal_id, found.reviewer_id, found.source))
        if status is None:
            created.append(Conflict(**_fields(found)))
            session.add(created[-1])
        elif status == ConflictStatus.ACTIVE:
            unchanged += 1
        else:
            kept += 1
    await session.flush()
    result = schemas.DetectionResult(
        pairs_checked=len(proposals) * len(reviewers),
        created=len(created),
        unchanged=unchanged,
        kept_decided=kept,
    )
    total = Entry(actor, "conflicts.detect", "call", call.id, result.model_dump())
    await append_many(session, [*(_created_event(c, actor) for c in created), total])
    return result


def _created_event(conflict: Conflict, actor: Actor) -> Entry:
    changes = {
        "status": [None, ConflictStatus.ACTIVE],
        "proposal_id": conflict.proposal_id,
        "reviewer_id": conflict.reviewer_id,
        "source": conflict.source,
        "reason": [None, conflict.reason],
    }
    return Entry(actor, "conflict.create", "conflict", conflict.id, changes)


def _fields(found: Finding) -> dict[str, object]:
    return {
        "proposal_id": found.proposal_id,
        "reviewer_id": found.reviewer_id,
        "source": found.source,
        **stored(found.reason),
        "status": ConflictStatus.ACTIVE,
    }


async def forbidden_pairs(
    session: AsyncSession, call_id: uuid.UUID
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """The (proposal_id, reviewer_user_id) pairs of a call that must never be assigned, listed
    for bidding or shown: those with an ACTIVE conflict of any source, and those whose bid is
    `conflict` (even when the matching declared conflict was later dismissed).

    Dismissed conflicts (false positives) no longer forbid; waived ones are known conflicts an
    officer allowed on purpose, so they do not forbid either. Two statements; read-only.
    """
    active = await session.execute(
        select(Conflict.proposal_id, Conflict.reviewer_id)
        .join(Proposal, Proposal.id == Conflict.proposal_id)
        .where(Proposal.call_id == call_id, Conflict.status == ConflictStatus.ACTIVE)
    )
    bids = await session.execute(
        select(Bid.proposal_id, Bid.reviewer_id)
        .join(Proposal, Proposal.id == Bid.proposal_id)
        .where(Proposal.call_id == call_id, Bid.level == "conflict")
    )
    return {(p, r) for p, r in active.tuples()} | {(p, r) for p, r in bids.tuples()}


def active_conflict_exists(proposal_id: Any, reviewer_id: Any) -> Exists:
    """A SQL condition: the pair has an active conflict (for NOT EXISTS filters)."""
    return (
        select(Conflict.id)
        .where(
            and_(
                Conflict.proposal_id == proposal_id,
                Conflict.reviewer_id == reviewer_id,
                Conflict.status == ConflictStatus.ACTIVE,
            )
        )
        .exists()
    )


async def active_conflicts(
    session: AsyncSession, proposal_id: uuid.UUID, reviewer_id: uuid.UUID
) -> list[Conflict]:
    """The pair's active conflicts, oldest first."""
    rows = await session.scalars(
        select(Conflict)
        .where(
            Conflict.proposal_id == proposal_id,
            Conflict.reviewer_id == reviewer_id,
            Conflict.status == ConflictStatus.ACTIVE,
        )
        .order_by(Conflict.created_at)
    )
    return list(rows)
