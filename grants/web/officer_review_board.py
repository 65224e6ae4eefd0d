"""What the officers' assignment board shows, gathered through the assignment and pool services
and the policy (`grants.reviews.assignment`, `grants.reviews.pool`): one page of the call's
proposals with their assigned reviewers (affinity, the terms they share, state, conflicts), the
open slots per pool, every serving reviewer's load against their cap, the services asked and
the active conflicts. It reads and shapes; it decides nothing."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.pagination import Window
from grants.db.models import Call, Proposal, ReviewAssignment, User
from grants.db.models.reviews import ConflictStatus
from grants.reviews.assignment import queries
from grants.reviews.assignment.access import pools_seen
from grants.reviews.assignment.inputs import (
    Serving,
    assignable_states,
    cofunders,
    serving_reviewers,
)
from grants.reviews.assignment.schemas import Assignment, ReviewerLoad
from grants.reviews.pool import decisions, serving, sovereignty
from grants.reviews.pool.schemas import CallService, ConflictDetail
from grants.security.principal import Principal
from reviewers import affinity
from reviewers.affinity import ExpertiseText, TextModel, fit_text_model
from workflows.machines.review_assignment import AssignmentState

# Proposals per page of the board: a call of 300 proposals is twelve pages.
PAGE_SIZE = 25
# Conflicts listed at once (the rest are counted; the API pages through them all).
CONFLICTS_SHOWN = 100


@dataclass(frozen=True, slots=True)
class ProposalText:
    """What the board needs of a proposal: its identity and the texts the solver reads."""

    id: uuid.UUID
    reference: str | None
    title: dict[str, str]
    abstract: dict[str, str]
    keywords: list[str]


@dataclass(frozen=True, slots=True)
class Texts:
    """The call's assignable proposals (by number) and serving reviewers, as plain data."""

    proposals: list[ProposalText]
    reviewers: list[Serving]


async def texts(session: AsyncSession, call: Call) -> Texts:
    """The proposals the solver assigns and the reviewers serving, read as columns (no ORM
    rows): the page fits the solver's TF-IDF model on the same texts."""
    rows = await session.execute(
        select(
            Proposal.id, Proposal.reference, Proposal.title, Proposal.abstract, Proposal.keywords
        )
        .where(Proposal.call_id == call.id, Proposal.state.in_(assignable_states(call)))
        .order_by(Proposal.number, Proposal.id)
    )
    proposals = [ProposalText(*row) for row in rows.tuples()]
    return Texts(proposals, await serving_reviewers(session, call, cofunders(call)))


@dataclass(frozen=True, slots=True)
class Cell:
    """One reviewer on one proposal: the stored assignment and the terms they share."""

    assignment: Assignment
    shared_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Row:
    """One proposal of the board with its reviewers and its open slots per pool."""

    proposal_id: uuid.UUID
    reference: str | None
    title: str
    cells: list[Cell]
    open_slots: dict[str, int]


@dataclass(frozen=True, slots=True)
class Board:
    call: Call
    pools: list[str]
    rows: list[Row]
    total: int
    offset: int
    limit: int
    loads: list[ReviewerLoad]
    services: list[tuple[CallService, str]]
    conflicts: list[ConflictDetail]
    conflicts_total: int

    @property
    def pages(self) -> list[int]:
        """The offsets of the board's pages."""
        return list(range(0, self.total, self.limit)) or [0]

    def reviewers_of(self, pool: str) -> list[ReviewerLoad]:
        return [load for load in self.loads if load.pool == pool]


async def board(
    session: AsyncSession, principal: Principal, call: Call, locale: str, offset: int = 0
) -> Board:
    """The board's page at `offset`: only the pools the caller sees (their own agency's in
    parallel review; every pool in joint review)."""
    pools = pools_seen(principal, call)
    codes = [a.code for a in cofunders(call) if pools is None or a.id in pools]
    inputs = await texts(session, call)
    offset = max(0, min(offset, max(len(inputs.proposals) - 1, 0)))
    shown = inputs.proposals[offset : offset + PAGE_SIZE]
    query = queries.call_assignments(call, pools=pools).where(
        ReviewAssignment.proposal_id.in_([p.id for p in shown])
    )
    views = await queries.views(session, list(await session.scalars(query)), locale)
    terms = _shared_terms(inputs, views)
    rows = [
        Row(
            p.id,
            p.reference,
            p.title.get(locale) or p.title.get("en", ""),
            [Cell(v, terms.get(v.id, ())) for v in views if v.proposal_id == p.id],
            _open_slots(call, codes, [v for v in views if v.proposal_id == p.id]),
        )
        for p in shown
    ]
    conflicts, total = await _conflicts(session, principal, call, locale)
    return Board(
        call=call,
        pools=codes,
        rows=rows,
        total=len(inputs.proposals),
        offset=offset,
        limit=PAGE_SIZE,
        loads=await queries.loads(session, call, pools),
        services=await _services(session, principal, call),
        conflicts=conflicts,
        conflicts_total=total,
    )


def _open_slots(call: Call, codes: list[str], cells: list[Assignment]) -> dict[str, int]:
    """Slots still to fill: per pool in parallel review, for the whole panel in joint review
    (key `any`). A declined assignment frees its slot."""
    held = Counter(c.pool for c in cells if c.state != AssignmentState.DECLINED)
    k = call.reviewers_per_proposal
    if call.review_mode == "parallel":
        return {code: max(k - held[code], 0) for code in codes}
    return {"any": max(k - sum(held.values()), 0)}


def _shared_terms(inputs: Texts, views: list[Assignment]) -> dict[uuid.UUID, tuple[str, ...]]:
    """The terms each shown pair shares, from the TF-IDF model the solver fits on the call."""
    p_of = {p.id: i for i, p in enumerate(inputs.proposals)}
    r_of = {r.user_id: j for j, r in enumerate(inputs.reviewers)}
    pairs = [v for v in views if v.proposal_id in p_of and v.reviewer_id in r_of]
    model = _model(inputs) if pairs else None
    if model is None:
        return {}
    found = model.shared_terms(
        [p_of[v.proposal_id] for v in pairs], [r_of[v.reviewer_id] for v in pairs]
    )
    return {v.id: terms for v, terms in zip(pairs, found, strict=True)}


def _model(inputs: Texts) -> TextModel | None:
    try:
        return fit_text_model(
            [
                affinity.ProposalText(
                    p.title.get("en", ""), p.abstract.get("en", ""), tuple(p.keywords)
                )
                for p in inputs.proposals
            ],
            [ExpertiseText(r.expertise, r.keywords) for r in inputs.reviewers],
        )
    except ValueError:  # no usable term: no pair shares any
        return None


async def _conflicts(
    session: AsyncSession, principal: Principal, call: Call, locale: str
) -> tuple[list[ConflictDetail], int]:
    query = decisions.call_conflicts_query(call.id, status=ConflictStatus.ACTIVE, source=None)
    query = query.where(sovereignty.reviewers_visible_on_call(principal, call.id))
    rows, total = await serving.page_of(session, query, Window(CONFLICTS_SHOWN, 0))
    return [decisions.conflict_detail(c, e, n, ref, locale) for c, e, n, ref in rows], total


async def _services(
    session: AsyncSession, principal: Principal, call: Call
) -> list[tuple[CallService, str]]:
    """The reviewers asked to serve (any state) for the pools the caller sees, with names."""
    query = serving.call_services_query(call.id, None).where(sovereignty.serving_visible(principal))
    rows = [serving.service_view(*row) for row in (await session.execute(query)).tuples()]
    ids = {s.reviewer_id for s in rows}
    names = dict(
        (await session.execute(select(User.id, User.display_name).where(User.id.in_(ids))))
        .tuples()
        .all()
    )
    return [(s, names.get(s.reviewer_id, "")) for s in rows]


@dataclass(frozen=True, slots=True)
class Match:
    """How well a reviewer fits a proposal: text similarity and the terms they share."""

    affinity: float
    shared_terms: tuple[str, ...]


async def pair_match(
    session: AsyncSession, call: Call, proposal_id: uuid.UUID, reviewer_id: uuid.UUID
) -> Match | None:
    """The match of one pair by the call's TF-IDF model (None: not both in the call)."""
    inputs = await texts(session, call)
    p = next((i for i, x in enumerate(inputs.proposals) if x.id == proposal_id), None)
    r = next((j for j, x in enumerate(inputs.reviewers) if x.user_id == reviewer_id), None)
    model = _model(inputs) if p is not None and r is not None else None
    if model is None or p is None or r is None:
        return None
    similarity = float(model.proposals[p].multiply(model.reviewers[r]).sum())
    return Match(round(similarity, 3), model.shared_terms([p], [r])[0])
