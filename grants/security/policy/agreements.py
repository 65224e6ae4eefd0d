"""A grant side's papers after the award: who uploads its signed agreement and who submits its
financial statements (the rules are stated in the package docstring)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from grants.security.policy.core import Decision, allow, forbidden
from grants.security.principal import Principal
from messages import define
from workflows.roles import PI

AGREEMENT_SIDE_ONLY = define(
    "policy.agreement.side_only",
    "Only the PI of {agency}'s side or {agency}'s officers upload its signed grant agreement.",
)
STATEMENT_PI_ONLY = define(
    "policy.statement.pi_only",
    "Only the PI of {agency}'s side submits its financial statements.",
)


@dataclass(frozen=True, slots=True)
class SideFacts:
    """One side of a grant the caller sees: their relation to that side's part
    (`side_relation`: `pi` or `coapplicant`), the side's agency and its code."""

    side_relation: frozenset[str]
    agency_id: uuid.UUID
    agency: str


def agreement_upload_decision(principal: Principal, facts: SideFacts) -> Decision:
    """The side's PI uploads the agreement both signed, or the side's agency's officer records
    the copy it received; nobody else (the other side, co-investigators, oversight) 403."""
    if PI in facts.side_relation or principal.officer_of(facts.agency_id):
        return allow()
    return forbidden(AGREEMENT_SIDE_ONLY(agency=facts.agency))


def statement_submit_decision(facts: SideFacts) -> Decision:
    """The side's PI accounts for its spending; officers read it, never write it (they approve
    the tranche the statement supports)."""
    if PI in facts.side_relation:
        return allow()
    return forbidden(STATEMENT_PI_ONLY(agency=facts.agency))
