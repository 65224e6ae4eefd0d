"""Property: what `options` (the transitions endpoint) lists is exactly what `fire` (the events
endpoint) does, for random states, facts and personas of the call, proposal, ranking, grant,
account and review assignment machines.

Each example arranges one entity in a random state with random facts, picks a persona, asks
`options`, then fires EVERY event of the machine at the entity's version with valid data, each
in a savepoint rolled back afterwards:
- listed as allowed ⇔ the event is applied;
- listed but refused → Conflict whose reasons are the listed reasons;
- not listed → Forbidden, NotFound, or Conflict because the state does not allow it;
- `options` itself refused (the entity is hidden from the persona) → every event refused alike.
"""

from __future__ import annotations

import asyncio
import datetime
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hypothesis
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import ACCOUNTS, ASSIGNMENTS, CALLS, GRANTS, PROPOSALS, RANKINGS
from grants.db.models import Agency, Call, User
from grants.errors import Conflict, DomainError, Forbidden, NotFound, StaleVersion
from grants.security.middleware import principal_for
from grants.security.principal import Principal
from grants.settings import Settings
from grants.workflow.binding import Binding
from grants.workflow.service import EventRequest, Option, fire, options
from tests.factories import (
    AgencyFactory,
    ConflictFactory,
    RankingFactory,
    ReviewAssignmentFactory,
    ReviewFactory,
    make_call,
    make_proposal,
    make_reviewer,
    make_user,
    persist,
)
from tests.factories_awards import GrantFactory
from tests.factories_guards import approve
from tests.factories_proposals import World, ready_proposal
from tests.support.property_db import migrated_sqlite, property_settings, rolled_back
from workflows.errors import NotAllowedFromState
from workflows.machines.call import CallState
from workflows.machines.proposal import ProposalState

PERSONAS = (
    "pi",
    "researcher",
    "jst_officer",
    "nafosted_officer",
    "outside_officer",
    "auditor",
    "admin",
)
OFFICERS = ("jst_officer", "nafosted_officer")


def personas(*favoured: str) -> st.SearchStrategy[str]:
    """Any persona, the ones who act on the machine drawn three times as often."""
    return st.sampled_from([*PERSONAS, *favoured, *favoured])


KEYS = st.sampled_from([(), ("JST",), ("NAFOSTED",), ("JST", "NAFOSTED")])
REASON = {"reason": "Stated for the record."}
DATA: dict[str, dict[str, Any]] = {
    "declare_ineligible": REASON,
    "decline": REASON,
    # A rejection needs no budget, so it is valid data whoever decides on whichever proposal.
    "decide": {"decision": "reject", "rationale": "Stated for the record."},
}
EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Settings]:
    directory: Path = tmp_path_factory.mktemp("transitions")
    return migrated_sqlite(directory), property_settings(directory)


@dataclass
class Cast:
    """JST and NAFOSTED co-fund; NRF does not. One user per persona, and the Vietnamese PI."""

    jst: Agency
    nafosted: Agency
    nrf: Agency
    users: dict[str, User]
    vn_pi: User

    @property
    def agencies(self) -> dict[str, Agency]:
        return {"JST": self.jst, "NAFOSTED": self.nafosted}

    def principal(self, persona: str) -> Principal:
        user = self.users[persona]
        return principal_for(user, "token", user.id)


async def make_cast(db: AsyncSession) -> Cast:
    jst = AgencyFactory(code="JST")
    nafosted = AgencyFactory(code="NAFOSTED", country="VN", currency="VND", time_zone="UTC")
    nrf = AgencyFactory(code="NRF", country="KR", currency="KRW", time_zone="Asia/Seoul")
    await persist(db, jst, nafosted, nrf)
    users = {
        "pi": await make_user(db, "researcher", country="JP"),
        "researcher": await make_user(db, "researcher", country="JP"),
        "jst_officer": await make_user(db, "officer", agency=jst),
        "nafosted_officer": await make_user(db, "officer", agency=nafosted),
        "outside_officer": await make_user(db, "officer", agency=nrf),
        "auditor": await make_user(db, "auditor"),
        "admin": await make_user(db, "admin"),
    }
    vn_pi = await make_user(db, "researcher", country="VN")
    return Cast(jst, nafosted, nrf, users, vn_pi)


def _at(days: int) -> datetime.datetime:
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    return now + datetime.timedelta(days=days)


async def _joint_call(db: AsyncSession, cast: Cast, **fields: Any) -> Call:
    creator = cast.users["jst_officer"]
    fields = {"opens_at": _at(-30), "reviewers_per_proposal": 1, **fields}
    return await make_call(db, creator, cast.jst, cast.nafosted, **fields)


async def _reviews(db: AsyncSession, cast: Cast, proposal_id: uuid.UUID, kinds: list[str]) -> None:
    """One selection-round assignment per kind (`invited`, `accepted`, `submitted`), each with
    its own reviewer; a submitted one alternates pools and carries a scored review."""
    for i, kind in enumerate(kinds):
        pool = (cast.jst, cast.nafosted)[i % 2]
        reviewer = await make_reviewer(db, pool)
        row = ReviewAssignmentFactory(
            proposal_id=proposal_id, reviewer_id=reviewer.id, pool_agency_id=pool.id, state=kind
        )
        await persist(db, row)
        if kind == "submitted":
            await persist(db, ReviewFactory(assignment_id=row.id, submitted_at=_at(0)))


# The check -------------------------------------------------------------------------------


async def listed_is_accepted(
    db: AsyncSession,
    binding: Binding[Any],
    entity_id: uuid.UUID,
    version: int,
    principal: Principal,
    config: Settings,
) -> None:
    """Compare `options` with the outcome of firing every event of the machine."""
    db.expunge_all()  # the binding loads everything afresh, as in a request
    try:
        listed = {o.event: o for o in await options(db, binding, entity_id, principal)}
        hidden: type[DomainError] | None = None
    except (NotFound, Forbidden) as refused:
        listed, hidden = {}, type(refused)
    for event in binding.machine.events:
        outcome = await _fire_and_undo(db, binding, entity_id, event, version, principal, config)
        _agrees(event, listed.get(event), hidden, outcome)


async def _fire_and_undo(
    db: AsyncSession,
    binding: Binding[Any],
    entity_id: uuid.UUID,
    event: str,
    version: int,
    principal: Principal,
    config: Settings,
) -> DomainError | None:
    savepoint = await db.begin_nested()
    try:
        body = EventRequest(version, DATA.get(event, {}))
        await fire(db, binding, entity_id, event, body, principal, settings=config)
    except DomainError as refused:
        return refused
    finally:
        await savepoint.rollback()
        db.expunge_all()
    return None


def _agrees(
    event: str, option: Option | None, hidden: type[DomainError] | None, outcome: Any
) -> None:
    seen = (event, option, outcome and (type(outcome).__name__, outcome.detail, outcome.reasons))
    # `--hypothesis-show-statistics` shows how often each case was exercised.
    kind = "hidden" if hidden else "unlisted" if option is None else f"allowed={option.allowed}"
    hypothesis.event(f"{event}: {kind}")
    assert not isinstance(outcome, StaleVersion), seen
    if hidden is not None:
        assert isinstance(outcome, hidden), seen
    elif option is None:
        wrong_state = isinstance(outcome, Conflict) and isinstance(
            outcome.__cause__, NotAllowedFromState
        )
        assert isinstance(outcome, Forbidden | NotFound) or wrong_state, seen
    elif option.allowed:
        assert outcome is None, seen
    else:
        assert type(outcome) is Conflict, seen
        assert outcome.reasons == option.reasons, seen


Check = Callable[[AsyncSession, Cast, dict[str, Any]], Awaitable[tuple[Binding[Any], Any]]]


def _run(database: tuple[str, Settings], arrange: Check, facts: dict[str, Any]) -> None:
    url, config = database

    async def run() -> None:
        async with rolled_back(url) as db:
            cast = await make_cast(db)
            binding, entity = await arrange(db, cast, facts)
            entity_id, version = entity.id, entity.version
            principal = cast.principal(facts["persona"])
            await listed_is_accepted(db, binding, entity_id, version, principal, config)

    asyncio.run(run())


# Call ------------------------------------------------------------------------------------

CALL_FACTS = st.fixed_dictionaries(
    {
        "state": st.sampled_from(list(CallState)),
        "closed": st.booleans(),
        "complete": st.booleans(),
        "keys": KEYS,
        "proposals": st.lists(
            st.sampled_from(["submitted", "eligible", "under_review", "reviewed"]), max_size=2
        ),
        "reviewed_fully": st.booleans(),
        "final_rankings": KEYS,
        "joint_keys": st.none() | KEYS,
        "review_mode": st.sampled_from(["parallel", "joint"]),
        "persona": personas(*OFFICERS),
    }
)


async def arrange_call(db: AsyncSession, cast: Cast, facts: dict[str, Any]) -> tuple[Any, Any]:
    """A call in any state: closing time passed or not, set-up complete or not, publishing
    keys, proposals in review (fully reviewed or not), final agency rankings, a joint ranking
    with some keys."""
    call = await _joint_call(
        db,
        cast,
        state=facts["state"],
        closes_at=_at(-1 if facts["closed"] else 20),
        review_mode=facts["review_mode"],
        **({} if facts["complete"] else {"document_kinds": []}),
    )
    for code in facts["keys"]:
        officer = cast.users[f"{code.lower()}_officer"]
        await approve(db, ("call", call.id, "publish_call", 1), cast.agencies[code], officer)
    for n, state in enumerate(facts["proposals"], start=1):
        pis = {cast.jst.id: cast.users["pi"], cast.nafosted.id: cast.vn_pi}
        proposal = await make_proposal(db, call, pis, state=state, number=n)
        if facts["reviewed_fully"]:
            await _reviews(db, cast, proposal.id, ["submitted", "submitted"])
    await _rankings(db, cast, call, facts["final_rankings"], facts["joint_keys"])
    return CALLS, call


async def _rankings(
    db: AsyncSession, cast: Cast, call: Call, final: tuple[str, ...], keys: tuple[str, ...] | None
) -> None:
    rows = [
        RankingFactory(call_id=call.id, agency_id=cast.agencies[c].id, state="final") for c in final
    ]
    joint = RankingFactory(call_id=call.id, agency_id=None) if keys is not None else None
    await persist(db, *rows, *([joint] if joint else []))
    for code in keys or ():
        officer = cast.users[f"{code.lower()}_officer"]
        assert joint is not None
        await approve(db, ("ranking", joint.id, "joint_ranking", 0), cast.agencies[code], officer)


def call_case(**facts: Any) -> dict[str, Any]:
    """A call example: a complete draft co-funded by both, nothing else, for JST's officer."""
    base = {
        "state": "draft",
        "closed": False,
        "complete": True,
        "keys": (),
        "proposals": [],
        "reviewed_fully": False,
        "final_rankings": (),
        "joint_keys": None,
        "review_mode": "parallel",
        "persona": "jst_officer",
    }
    return base | facts


# Random draws rarely line every fact up for an event to go through: each event is also
# tried where its guards agree.
@EXAMPLES
@example(facts=call_case(keys=("NAFOSTED",)))
@example(facts=call_case(keys=("JST", "NAFOSTED")))
@example(facts=call_case(state="open", closed=True))
@example(facts=call_case(state="closed", closed=True, proposals=["eligible"]))
@example(
    facts=call_case(state="reviewing", closed=True, proposals=["under_review"], reviewed_fully=True)
)
@example(
    facts=call_case(
        state="ranking",
        closed=True,
        final_rankings=("JST", "NAFOSTED"),
        joint_keys=("JST", "NAFOSTED"),
    )
)
@example(facts=call_case(state="deciding", closed=True))
@given(facts=CALL_FACTS)
def test_call_transitions_listed_are_accepted(
    database: tuple[str, Settings], facts: dict[str, Any]
) -> None:
    _run(database, arrange_call, facts)


# Proposal --------------------------------------------------------------------------------

ELIGIBILITY = st.sampled_from([None, "approve", "reject"])
PROPOSAL_FACTS = st.fixed_dictionaries(
    {
        "call_state": st.sampled_from(list(CallState)),
        "closed": st.booleans(),
        "state": st.sampled_from(list(ProposalState)),
        "complete": st.booleans(),
        "eligibility": st.tuples(ELIGIBILITY, ELIGIBILITY),
        "reviews": st.lists(st.sampled_from(["invited", "accepted", "submitted"]), max_size=2),
        "decisions": st.tuples(ELIGIBILITY, ELIGIBILITY),
        "persona": personas("pi", *OFFICERS),
    }
)


async def arrange_proposal(db: AsyncSession, cast: Cast, facts: dict[str, Any]) -> tuple[Any, Any]:
    """A proposal in any state, in a call in any state before or after its deadline: complete
    or not, with each agency's eligibility answer or none, reviews outstanding or submitted,
    each agency's funding decision or none."""
    call = await _joint_call(
        db, cast, state=facts["call_state"], closes_at=_at(-1 if facts["closed"] else 20)
    )
    world = World(
        cast.jst,
        cast.nafosted,
        cast.nrf,
        call,
        cast.users["pi"],
        cast.vn_pi,
        cast.users["jst_officer"],
    )
    numbered = {} if facts["state"] == "draft" else {"number": 1, "reference": "CALL-0001"}
    proposal = await ready_proposal(
        db,
        world,
        state=facts["state"],
        **numbered,
        **({} if facts["complete"] else {"abstract": {"ja": "概要"}}),
    )
    for code, answer in zip(("JST", "NAFOSTED"), facts["eligibility"], strict=True):
        if answer is not None:
            officer = cast.users[f"{code.lower()}_officer"]
            subject = ("proposal", proposal.id, "eligibility", 0)
            await approve(db, subject, cast.agencies[code], officer, answer)
    await _reviews(db, cast, proposal.id, facts["reviews"])
    for code, answer in zip(("JST", "NAFOSTED"), facts["decisions"], strict=True):
        if answer is not None:
            officer = cast.users[f"{code.lower()}_officer"]
            subject = ("proposal", proposal.id, "funding", 0)
            await approve(db, subject, cast.agencies[code], officer, answer)
    return PROPOSALS, proposal


def proposal_case(**facts: Any) -> dict[str, Any]:
    """A proposal example: a complete draft in an open call, for its Japanese PI."""
    base = {
        "call_state": "open",
        "closed": False,
        "state": "draft",
        "complete": True,
        "eligibility": (None, None),
        "reviews": [],
        "decisions": (None, None),
        "persona": "pi",
    }
    return base | facts


@EXAMPLES
@example(facts=proposal_case())
@example(facts=proposal_case(state="submitted"))
@example(
    facts=proposal_case(
        call_state="closed",
        closed=True,
        state="submitted",
        eligibility=(None, "approve"),
        persona="jst_officer",
    )
)
@example(
    facts=proposal_case(
        call_state="closed",
        closed=True,
        state="submitted",
        eligibility=("approve", "approve"),
        persona="nafosted_officer",
    )
)
@example(
    facts=proposal_case(
        call_state="reviewing", closed=True, state="eligible", persona="nafosted_officer"
    )
)
@example(
    facts=proposal_case(
        call_state="reviewing",
        closed=True,
        state="under_review",
        reviews=["submitted"],
        persona="jst_officer",
    )
)
@example(
    facts=proposal_case(call_state="deciding", closed=True, state="reviewed", persona="jst_officer")
)
@example(
    facts=proposal_case(
        call_state="deciding",
        closed=True,
        state="reviewed",
        decisions=("approve", None),
        persona="nafosted_officer",
    )
)
@example(
    facts=proposal_case(
        call_state="deciding",
        closed=True,
        state="reviewed",
        decisions=("approve", "approve"),
        persona="jst_officer",
    )
)
@given(facts=PROPOSAL_FACTS)
def test_proposal_transitions_listed_are_accepted(
    database: tuple[str, Settings], facts: dict[str, Any]
) -> None:
    _run(database, arrange_proposal, facts)


# Ranking ---------------------------------------------------------------------------------

RANKING_FACTS = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["JST", "NAFOSTED", "joint"]),
        "state": st.sampled_from(["draft", "final"]),
        "keys": KEYS,
        "final_rankings": KEYS,
        "persona": personas(*OFFICERS),
    }
)


async def arrange_ranking(db: AsyncSession, cast: Cast, facts: dict[str, Any]) -> tuple[Any, Any]:
    """An agency's ranking or the joint one, draft or final; for the joint one, some agencies'
    rankings final and some agencies' keys on it."""
    call = await _joint_call(db, cast, state="ranking", closes_at=_at(-10))
    kind = facts["kind"]
    agency_id = cast.agencies[kind].id if kind != "joint" else None
    ranking = RankingFactory(call_id=call.id, agency_id=agency_id, state=facts["state"])
    await persist(db, ranking)
    if kind == "joint":
        await _rankings(db, cast, call, facts["final_rankings"], None)
        for code in facts["keys"]:
            officer = cast.users[f"{code.lower()}_officer"]
            subject = ("ranking", ranking.id, "joint_ranking", 0)
            await approve(db, subject, cast.agencies[code], officer)
    return RANKINGS, ranking


@EXAMPLES
@example(
    facts={
        "kind": "joint",
        "state": "draft",
        "keys": ("NAFOSTED",),
        "final_rankings": ("JST", "NAFOSTED"),
        "persona": "jst_officer",
    }
)
@example(
    facts={
        "kind": "joint",
        "state": "draft",
        "keys": ("JST", "NAFOSTED"),
        "final_rankings": ("JST", "NAFOSTED"),
        "persona": "nafosted_officer",
    }
)
@example(
    facts={
        "kind": "NAFOSTED",
        "state": "draft",
        "keys": (),
        "final_rankings": (),
        "persona": "nafosted_officer",
    }
)
@given(facts=RANKING_FACTS)
def test_ranking_transitions_listed_are_accepted(
    database: tuple[str, Settings], facts: dict[str, Any]
) -> None:
    _run(database, arrange_ranking, facts)


# Grant -----------------------------------------------------------------------------------

GRANT_FACTS = st.fixed_dictionaries(
    {
        "state": st.sampled_from(["active", "suspended", "completed", "terminated"]),
        "ended": st.booleans(),
        "persona": personas("pi", *OFFICERS),
    }
)


async def arrange_grant(db: AsyncSession, cast: Cast, facts: dict[str, Any]) -> tuple[Any, Any]:
    """A grant in any state, its project ended or still running, the Japanese PI's."""
    call = await _joint_call(db, cast, state="finished", opens_at=_at(-500), closes_at=_at(-400))
    pis = {cast.jst.id: cast.users["pi"], cast.nafosted.id: cast.vn_pi}
    proposal = await make_proposal(db, call, pis, state="awarded", number=1)
    end = (_at(-2) if facts["ended"] else _at(400)).date()
    grant = GrantFactory(
        proposal_id=proposal.id,
        call_id=call.id,
        state=facts["state"],
        start_date=end - datetime.timedelta(days=3 * 365),
        end_date=end,
    )
    await persist(db, grant)
    return GRANTS, grant


@EXAMPLES
@example(facts={"state": "active", "ended": True, "persona": "nafosted_officer"})
@example(facts={"state": "suspended", "ended": False, "persona": "jst_officer"})
@given(facts=GRANT_FACTS)
def test_grant_transitions_listed_are_accepted(
    database: tuple[str, Settings], facts: dict[str, Any]
) -> None:
    _run(database, arrange_grant, facts)


# Account ---------------------------------------------------------------------------------

ACCOUNT_FACTS = st.fixed_dictionaries(
    {
        "subject": st.sampled_from(["admin", "other_admin", "researcher"]),
        "state": st.sampled_from(["active", "suspended", "deactivated"]),
        "persona": personas("admin", "admin"),
    }
)


async def arrange_account(db: AsyncSession, cast: Cast, facts: dict[str, Any]) -> tuple[Any, Any]:
    """An account in any state: the acting admin's own, another admin's, a researcher's."""
    if facts["subject"] == "other_admin":
        subject = await make_user(db, "admin")
    else:
        subject = cast.users[facts["subject"]]
    subject.state = facts["state"]
    await db.flush()
    return ACCOUNTS, subject


@EXAMPLES
@given(facts=ACCOUNT_FACTS)
def test_account_transitions_listed_are_accepted(
    database: tuple[str, Settings], facts: dict[str, Any]
) -> None:
    _run(database, arrange_account, facts)


# Review assignment -----------------------------------------------------------------------

FULL = {"novelty": 4, "feasibility": 3, "impact": 5}
ASSIGNMENT_FACTS = st.fixed_dictionaries(
    {
        "state": st.sampled_from(["proposed", "invited", "accepted", "declined", "submitted"]),
        "conflict": st.booleans(),
        "scores": st.sampled_from([None, {}, {"novelty": 4}, FULL]),
        "pool": st.sampled_from(["JST", "NAFOSTED"]),
        "persona": personas("reviewer", "reviewer", *OFFICERS),
    }
)


async def arrange_assignment(
    db: AsyncSession, cast: Cast, facts: dict[str, Any]
) -> tuple[Any, Any]:
    """An assignment of a proposal in review in any state, in either agency's pool, with a
    conflict of interest or not and a review scored fully, partly or not at all."""
    call = await _joint_call(db, cast, state="reviewing", closes_at=_at(-10))
    pis = {cast.jst.id: cast.users["pi"], cast.nafosted.id: cast.vn_pi}
    proposal = await make_proposal(db, call, pis, state="under_review", number=1)
    pool = cast.agencies[facts["pool"]]
    reviewer = await make_reviewer(db, pool)
    cast.users["reviewer"] = reviewer
    row = ReviewAssignmentFactory(
        proposal_id=proposal.id,
        reviewer_id=reviewer.id,
        pool_agency_id=pool.id,
        state=facts["state"],
    )
    await persist(db, row)
    if facts["scores"] is not None:
        await persist(db, ReviewFactory(assignment_id=row.id, scores=facts["scores"]))
    if facts["conflict"]:
        await persist(
            db,
            ConflictFactory(proposal_id=proposal.id, reviewer_id=reviewer.id, reason="Co-authors."),
        )
    return ASSIGNMENTS, row


def assignment_case(**facts: Any) -> dict[str, Any]:
    """An assignment example: proposed in JST's pool, no conflict, no review, JST's officer."""
    base = {"state": "proposed", "conflict": False, "scores": None, "pool": "JST"}
    return base | {"persona": "jst_officer"} | facts


@EXAMPLES
@example(facts=assignment_case())
@example(facts=assignment_case(state="invited", persona="reviewer"))
@example(facts=assignment_case(state="invited", conflict=True, persona="reviewer"))
@example(facts=assignment_case(state="accepted", scores=FULL, persona="reviewer"))
@example(
    facts=assignment_case(
        state="submitted", scores=FULL, pool="NAFOSTED", persona="nafosted_officer"
    )
)
@given(facts=ASSIGNMENT_FACTS)
def test_assignment_transitions_listed_are_accepted(
    database: tuple[str, Settings], facts: dict[str, Any]
) -> None:
    _run(database, arrange_assignment, facts)
