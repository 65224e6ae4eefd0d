"""Progress reports and the mid-term gate: who reaches them and which roles their machines see
(the rules are stated in the package docstring)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from grants.security.policy.core import (
    CONSORTIUM,
    OVERSIGHT,
    Decision,
    allow,
    conflict,
    forbidden,
    not_found,
)
from grants.security.principal import Principal
from messages import define
from workflows.machines.grant import GrantState
from workflows.roles import COFUNDING_OFFICER, PI

NO_SUCH_REPORT = define("policy.report.not_found", "No such progress report.")
NO_SUCH_GATE = define("policy.midterm.not_found", "No mid-term gate for this grant.")
NARRATIVE_PI_ONLY = define(
    "policy.report.narrative_pi_only",
    "Only a PI of the grant uploads the narrative of its progress reports.",
)
NARRATIVE_NO_GRANT = define(
    "policy.report.narrative_no_grant",
    "The proposal has no grant: a progress report narrative is uploaded after the award.",
)
NARRATIVE_GRANT_INACTIVE = define(
    "policy.report.narrative_grant_inactive",
    "The grant is {state}: a progress report narrative is uploaded while it is active.",
)


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """A report or mid-term gate as the policy needs it: the caller's roles on its grant (from
    `grant_roles`) and whether it is the gate (`gate`) or a report."""

    grant_roles: frozenset[str]
    gate: bool = False


def decide_report(facts: ReportFacts) -> Decision:
    """Whoever sees the grant sees its reports and gate (anyone else 404); the machines see the
    grant's roles: `pi` of either side submits, `cofunding_officer` answers for their agency."""
    if facts.grant_roles & (CONSORTIUM | OVERSIGHT):
        return allow(facts.grant_roles)
    return not_found(NO_SUCH_GATE() if facts.gate else NO_SUCH_REPORT())


def report_officers_shown(grant_roles: frozenset[str]) -> bool:
    """Oversight roles read which officer answered; the consortium reads the answers and
    comments, never the officers' names (as with funding decisions)."""
    return bool(grant_roles & OVERSIGHT)


def narrative_upload_decision(roles: frozenset[str], grant_state: str | None) -> Decision:
    """A progress report's narrative is uploaded to the proposal of an active grant, by a PI of
    either side (403 for anyone else who sees the proposal; 409 before the award or once the
    grant is no longer active)."""
    if PI not in roles:
        return forbidden(NARRATIVE_PI_ONLY())
    if grant_state is None:
        return conflict(NARRATIVE_NO_GRANT())
    if grant_state != GrantState.ACTIVE:
        return conflict(NARRATIVE_GRANT_INACTIVE(state=grant_state))
    return allow(roles)


REVIEWER_INVITERS_ONLY = define(
    "policy.report.reviewer_inviters_only",
    "Only officers of the grant's co-funding agencies invite reviewers to its progress reports.",
)


def report_reviewer_decision(
    principal: Principal, grant_roles: frozenset[str], cofunders: frozenset[uuid.UUID]
) -> Decision:
    """A progress report's reviewers are invited by a co-funding agency's officer, from that
    agency's own pool (another agency's officer never reaches into it: 403)."""
    agency = principal.officer_agency_id
    if COFUNDING_OFFICER not in grant_roles or agency not in cofunders:
        return forbidden(REVIEWER_INVITERS_ONLY())
    return allow(grant_roles)
