"""Progress reports and the mid-term gate: who reaches them and which roles their machines see
(the rules are stated in the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass

from grants.security.policy.core import CONSORTIUM, OVERSIGHT, Decision, allow, not_found
from messages import define

NO_SUCH_REPORT = define("policy.report.not_found", "No such progress report.")
NO_SUCH_GATE = define("policy.midterm.not_found", "No mid-term gate for this grant.")


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
