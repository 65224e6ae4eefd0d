"""Review assignments, call services, rankings and reviews: who reaches them and which pools'
reviews they read (each agency's wall)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from grants.security.policy.calls import CallFacts, call_roles
from grants.security.policy.core import (
    CONSORTIUM,
    OVERSIGHT,
    READERS_OF_ASSIGNMENT,
    Action,
    Decision,
    allow,
    forbidden,
    not_found,
    reads_everything,
)
from grants.security.principal import Principal
from messages import define
from workflows.machines.review_assignment import AssignmentState
from workflows.roles import (
    ADMIN,
    AGENCY_OFFICER,
    ASSIGNED_REVIEWER,
    AUDITOR,
    COFUNDING_OFFICER,
    INVITED_REVIEWER,
)

WALL_DETAIL = define(
    "security.pool.behind_wall",
    "{agency}'s reviews, scores and ranking stay behind its wall until the joint ranking is "
    "recorded.",
)
NO_SUCH_ASSIGNMENT = define("security.assignment.not_found", "No such assignment.")
NOT_FOUND = define("security.not_found", "Not found.")
ASSIGNERS_ONLY = define(
    "security.assignment.cofunding_officers_only",
    "Only officers of the call's co-funding agencies assign reviewers.",
)
NO_SUCH_SERVICE = define("security.service.not_found", "No such service.")
NO_SUCH_RANKING = define("security.ranking.not_found", "No such ranking.")
SCORES_OFFICERS_ONLY = define(
    "security.scores.cofunding_officers_only",
    "Only the co-funding agencies' officers see scores and rankings.",
)
OWN_RANKING_ONLY = define(
    "security.ranking.own_agency_only", "Only {agency}'s officers change {agency}'s ranking."
)


class Via(StrEnum):
    """The door through which an assignment is reached: the answers differ by door."""

    CALL = "call"
    """`/api/calls/{id}/assignments/…`: every reader of the call's assignments."""
    MACHINE = "machine"
    """`/api/assignments/{id}/…` (transitions, events): auditors and admins read it too."""
    REVIEW = "review"
    """`/api/assignments/{id}/review`: the reviewer's draft and its pool's officers only."""


@dataclass(frozen=True, slots=True)
class AssignmentFacts:
    """An assignment's call, pool, reviewer and state, and the door it is reached through."""

    call: CallFacts
    pool_agency_id: uuid.UUID
    reviewer_id: uuid.UUID
    state: str
    via: Via


@dataclass(frozen=True, slots=True)
class CallAssignmentsFacts:
    """A call's assignments as a whole (list, loads, solver runs)."""

    call: CallFacts


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """A reviewer's service on a call: who serves and for which agency's pool."""

    reviewer_id: uuid.UUID
    agency_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class RankingFacts:
    """A ranking: its agency (None for the joint ranking) and the call's co-funders."""

    agency_id: uuid.UUID | None
    cofunders: frozenset[uuid.UUID]


class ReviewShape(StrEnum):
    """Which shape of the submitted reviews of a proposal the caller reads."""

    NONE = "none"
    """Nothing yet: the applicants before the decision."""
    APPLICANT = "applicant"
    """Scores, comments to applicants, recommendation; no reviewer, no confidential comments."""
    PANEL = "panel"
    """Everything, with reviewers' names and confidential comments."""
    PEER = "peer"
    """Another reviewer's view: no names, no confidential comments, after their own review."""


def oversees_pool(principal: Principal, call: CallFacts, pool_agency_id: uuid.UUID) -> bool:
    """True for an officer of a co-funder who oversees that pool: in joint review mode every
    co-funder's officers, in parallel mode the pool's own agency's only."""
    agency = principal.officer_agency_id
    if agency is None or agency not in call.cofunders or not principal.officer_of(agency):
        return False
    return call.review_mode == "joint" or agency == pool_agency_id


def _assignment_relation(principal: Principal, facts: AssignmentFacts) -> set[str]:
    roles: set[str] = set()
    if facts.reviewer_id == principal.user_id and facts.state != AssignmentState.PROPOSED:
        roles.add(ASSIGNED_REVIEWER)  # a reviewer sees their own from the invitation on
    if oversees_pool(principal, facts.call, facts.pool_agency_id):
        roles.add(COFUNDING_OFFICER)
    return roles


def decide_assignment(principal: Principal, facts: AssignmentFacts) -> Decision:
    """Its reviewer (once invited) and the officers overseeing its pool; auditors and admins
    too except on the review draft. Anyone else 404 (another reviewer's work is not revealed)."""
    relation = _assignment_relation(principal, facts)
    if facts.via == Via.CALL:
        roles = (call_roles(principal, facts.call) - {COFUNDING_OFFICER}) | relation
        return allow(roles) if roles & READERS_OF_ASSIGNMENT else not_found(NO_SUCH_ASSIGNMENT())
    if relation or (facts.via == Via.MACHINE and reads_everything(principal)):
        return allow(relation)
    return not_found(NO_SUCH_ASSIGNMENT())


def decide_call_assignments(
    principal: Principal, action: Action, facts: CallAssignmentsFacts
) -> Decision:
    """Co-funding officers change a call's assignments; auditors and admins read them (403 on
    a change); anyone else 404."""
    roles = call_roles(principal, facts.call)
    if not roles & OVERSIGHT:
        return not_found(NOT_FOUND())
    if action == Action.WRITE and COFUNDING_OFFICER not in roles:
        return forbidden(ASSIGNERS_ONLY())
    return allow(roles)


def assignment_pools_seen(principal: Principal, call: CallFacts) -> frozenset[uuid.UUID] | None:
    """The pools whose assignments and loads the caller lists: every pool (None) for auditors
    and admins, else the pools the caller's agency oversees."""
    if reads_everything(principal):
        return None
    return frozenset(a for a in call.cofunders if oversees_pool(principal, call, a))


def pool_run(principal: Principal, call: CallFacts) -> uuid.UUID | None:
    """The pool an officer's solver run covers: their own agency's in parallel review (the
    other pool is behind its agency's wall), the whole call (None) in joint review."""
    return principal.officer_agency_id if call.review_mode == "parallel" else None


def decide_service(principal: Principal, facts: ServiceFacts) -> Decision:
    """The reviewer asked (`invited_reviewer`, who alone answers), the pool agency's officers,
    auditors and admins; anyone else 404."""
    mine = facts.reviewer_id == principal.user_id
    if not (mine or principal.officer_of(facts.agency_id) or reads_everything(principal)):
        return not_found(NO_SUCH_SERVICE())
    return allow({INVITED_REVIEWER} if mine else set())


def decide_ranking(principal: Principal, facts: RankingFacts) -> Decision:
    """An agency's ranking: that agency's officers (`agency_officer`); the joint ranking: every
    co-funder's officers (`cofunding_officer`); both read by auditors and admins; else 404."""
    roles: set[str] = set()
    agency = principal.officer_agency_id
    if facts.agency_id is not None and principal.officer_of(facts.agency_id):
        roles.add(AGENCY_OFFICER)
    if facts.agency_id is None and agency in facts.cofunders and principal.officer_of(agency):
        roles.add(COFUNDING_OFFICER)
    if not roles and not reads_everything(principal):
        return not_found(NO_SUCH_RANKING())
    return allow(roles)


def decide_scores(roles: frozenset[str]) -> Decision:
    """A call's scores and rankings are read by its co-funding officers, auditors and admins."""
    if not roles & OVERSIGHT:
        return forbidden(SCORES_OFFICERS_ONLY())
    return allow(roles)


def readable_pools(
    principal: Principal, roles: frozenset[str], wall_stands: bool
) -> frozenset[uuid.UUID] | None:
    """The agencies whose pool's reviews, scores and ranking the caller (an officer of the
    call, an auditor or an admin) reads; None means every agency's. Auditors and admins read
    every pool; a co-funding officer every pool once the wall is down, before that only their
    own agency's."""
    if roles & {AUDITOR, ADMIN} or not wall_stands:
        return None
    own = principal.officer_agency_id
    return frozenset({own}) if own is not None and COFUNDING_OFFICER in roles else frozenset()


def pool_decision(pools: frozenset[uuid.UUID] | None, agency_id: uuid.UUID, code: str) -> Decision:
    """403 (`WALL_DETAIL`) unless that agency's pool is among the readable `pools`."""
    if pools is not None and agency_id not in pools:
        return forbidden(WALL_DETAIL(agency=code))
    return allow()


def ranking_change_decision(principal: Principal, agency_id: uuid.UUID, code: str) -> Decision:
    """An agency's own ranking is changed by that agency's officers only."""
    if not principal.officer_of(agency_id):
        return forbidden(OWN_RANKING_ONLY(agency=code))
    return allow()


def review_shape(roles: frozenset[str], decided: bool) -> ReviewShape:
    """The consortium reads the applicant shape once the proposal is decided (nothing before);
    oversight roles the panel shape (of the pools `readable_pools` allows); whoever else
    reached the proposal (an assigned reviewer) the peer shape."""
    if roles & CONSORTIUM:
        return ReviewShape.APPLICANT if decided else ReviewShape.NONE
    if roles & OVERSIGHT:
        return ReviewShape.PANEL
    return ReviewShape.PEER


def peer_pools(wall_stands: bool, own_pools: frozenset[uuid.UUID]) -> frozenset[uuid.UUID] | None:
    """A peer reads every pool's reviews of their rounds once the wall is down, before that
    only the pools they reviewed for."""
    return own_pools if wall_stands else None
