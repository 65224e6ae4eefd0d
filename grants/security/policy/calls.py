"""Calls: who sees a call, which roles they hold on it, and which calls a list shows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from grants.security.policy.core import OVERSIGHT, Decision, allow, not_found, reads_everything
from grants.security.principal import Principal
from messages import define
from workflows.machines.call import CallState
from workflows.roles import COFUNDING_OFFICER, OFFICER

NO_SUCH_CALL = define("security.call.not_found", "No such call.")


@dataclass(frozen=True, slots=True)
class CallFacts:
    """What the rules need to know about a call."""

    state: str
    cofunders: frozenset[uuid.UUID]
    review_mode: str = "parallel"


@dataclass(frozen=True, slots=True)
class CallListScope:
    """Which calls a list shows: every call (`everything`), else every call past its draft and
    the drafts co-funded by `draft_agency` (None: no draft at all)."""

    everything: bool
    draft_agency: uuid.UUID | None


def call_roles(principal: Principal, call: CallFacts) -> frozenset[str]:
    """The caller's global roles, plus `cofunding_officer` for an officer of a co-funder."""
    if OFFICER in principal.roles and principal.officer_agency_id in call.cofunders:
        return principal.roles | {COFUNDING_OFFICER}
    return principal.roles


def decide_call(principal: Principal, call: CallFacts) -> Decision:
    """A draft is seen by its co-funders' officers, auditors and admins only (404 for anyone
    else, its existence is not revealed); a call past its draft by everyone signed in."""
    roles = call_roles(principal, call)
    if call.state == CallState.DRAFT and not roles & OVERSIGHT:
        return not_found(NO_SUCH_CALL())
    return allow(roles)


def call_list_scope(principal: Principal) -> CallListScope:
    """Auditors and admins list every call; anyone else the calls past their draft and the
    drafts their own agency co-funds."""
    return CallListScope(reads_everything(principal), principal.officer_agency_id)
