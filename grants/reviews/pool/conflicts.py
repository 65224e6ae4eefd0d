"""Conflicts of interest between reviewers and proposals: detection and the forbidden pairs.

A pair (proposal, reviewer) is checked for every proposal of the call that reached submission
(see REVIEWABLE_STATES) and every reviewer in the pool of a co-funding agency. Sources:

- `same_institution`: the reviewer's institution is a part's host institution (every consortium
  member belongs to their part's institution). Equal ROR ids decide when both sides have one;
  otherwise the normalized names are compared (see `normalize_institution`).
- `consortium_member`: the reviewer is on the team (same user id, or same email).
- `excluded_by_applicants`: a ProposalExclusion names the reviewer by email or ORCID iD.
- `coauthor` and `declared_by_reviewer` come from the reviewer's own declarations
  (grants/reviews/pool/decisions.py), never from detection.

Status: `active` forbids the pair; `dismissed` (a false positive) no longer forbids; `waived`
(known, allowed on purpose by an officer) does not forbid either. Detection never re-activates
a dismissed or waived conflict, and never deletes one.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.expression import Exists

from grants.audit.chain import Actor, append
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
from grants.reviews.pool import schemas

REVIEWABLE_STATES = ("submitted", "eligible", "under_review", "reviewed", "awarded", "rejected")
"""Submitted or later; `ineligible` and `withdrawn` proposals are never reviewed."""

_NOISE_WORDS = frozenset({"the", "of", "and", "at", "in", "for", "university", "univ"})


def normalize_institution(name: str | None) -> str:
    """A comparable form of an institution name: accents and punctuation removed, casefolded,
    the words "the", "of", "and", "at", "in", "for", "university", "univ" dropped and the rest
    sorted, so "The University of Tokyo" equals "Tokyo University" and "Hanoi University of
    Science and Technology" equals "Science & Technology, Hanoi University". Empty for no name.
    """
    if not name:
        return ""
    plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    words = re.sub(r"[^\w]+", " ", plain.casefold()).split()
    return " ".join(sorted(w for w in words if w not in _NOISE_WORDS))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A reviewer as detection sees them."""

    user_id: uuid.UUID
    email: str
    orcid: str | None
    ror: str | None
    institution: str


@dataclass(frozen=True, slots=True)
class Finding:
    proposal_id: uuid.UUID
    reviewer_id: uuid.UUID
    source: str
    reason: str


def _same_institution(proposal: Proposal, reviewer: Candidate) -> str | None:
    for part in proposal.parts:
        where = f"the {part.agency.code} part ({part.institution_name or part.institution_ror})"
        if part.institution_ror and reviewer.ror:
            if part.institution_ror == reviewer.ror:
                return f"Same institution as {where}: ROR {reviewer.ror}."
            continue
        name = normalize_institution(part.institution_name)
        if name and name == reviewer.institution:
            return f"Same institution as {where}: same normalized name."
    return None


def _member(proposal: Proposal, reviewer: Candidate) -> str | None:
    for part in proposal.parts:
        if part.pi_user_id == reviewer.user_id:
            return f"The reviewer is the PI of the {part.agency.code} part."
        for member in part.members:
            if member.user_id == reviewer.user_id or member.email.lower() == reviewer.email:
                return f"The reviewer is on the {part.agency.code} team ({member.role})."
    return None


def _excluded(exclusions: list[ProposalExclusion], reviewer: Candidate) -> str | None:
    for row in exclusions:
        by_email = row.email is not None and row.email.lower() == reviewer.email
        by_orcid = row.orcid is not None and row.orcid == reviewer.orcid
        if by_email or by_orcid:
            why = f": {row.reason}" if row.reason else "."
            how = "email" if by_email else "ORCID iD"
            return f"Excluded by the applicants ({row.name}, matched by {how}){why}"
    return None


def find_conflicts(
    proposals: list[Proposal],
    reviewers: list[Candidate],
    exclusions: dict[uuid.UUID, list[ProposalExclusion]],
) -> Iterator[Finding]:
    """Every detected (pair, source) with its reason; pure, no database."""
    for proposal in proposals:
        for reviewer in reviewers:
            checks = (
                ("same_institution", _same_institution(proposal, reviewer)),
                ("consortium_member", _member(proposal, reviewer)),
                ("excluded_by_applicants", _excluded(exclusions.get(proposal.id, []), reviewer)),
            )
            for source, reason in checks:
                if reason:
                    yield Finding(proposal.id, reviewer.user_id, source, reason)


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
            email.lower(),
            p.orcid,
            p.institution_ror,
            normalize_institution(p.institution_name),
        )
        for p, email in rows.tuples()
    ]


async def detect_conflicts(
    session: AsyncSession, call: Call, *, actor: Actor
) -> schemas.DetectionResult:
    """Detect conflicts for every reviewable proposal × pooled reviewer of `call` and insert
    the new ones (one row per pair and source). Existing rows are left as they are: a
    dismissed or waived conflict stays so. Audited as one `conflicts.detect` event."""
    proposals = list(
        await session.scalars(
            select(Proposal).where(
                Proposal.call_id == call.id, Proposal.state.in_(REVIEWABLE_STATES)
            )
        )
    )
    ids = [p.id for p in proposals]
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
    created = unchanged = kept = 0
    for found in find_conflicts(proposals, reviewers, exclusions):
        status = existing.get((found.proposal_id, found.reviewer_id, found.source))
        if status is None:
            session.add(Conflict(**_fields(found)))
            created += 1
        elif status == "active":
            unchanged += 1
        else:
            kept += 1
    await session.flush()
    result = schemas.DetectionResult(
        pairs_checked=len(proposals) * len(reviewers),
        created=created,
        unchanged=unchanged,
        kept_decided=kept,
    )
    await append(
        session,
        actor=actor,
        action="conflicts.detect",
        entity_type="call",
        entity_id=call.id,
        changes=result.model_dump(),
    )
    return result


def _fields(found: Finding) -> dict[str, object]:
    return {
        "proposal_id": found.proposal_id,
        "reviewer_id": found.reviewer_id,
        "source": found.source,
        "reason": found.reason,
        "status": "active",
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
        .where(Proposal.call_id == call_id, Conflict.status == "active")
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
                Conflict.status == "active",
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
            Conflict.status == "active",
        )
        .order_by(Conflict.created_at)
    )
    return list(rows)
