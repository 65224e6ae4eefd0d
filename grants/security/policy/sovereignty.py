"""Sovereignty: which agency changes which side of a joint call and of the reviewer pools
(the rules are stated in the package docstring)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from grants.security.policy.core import Decision, allow, forbidden, not_found, reads_everything
from grants.security.principal import Principal, Role
from messages import define
from workflows.roles import ADMIN, AUDITOR, COFUNDING_OFFICER

AGENCY_ENTRY_FIELDS = (
    "currency",
    "cap_per_year",
    "cap_total",
    "envelope",
    "max_indirect_percent",
    "pi_once_per_call",
    "partner_required",
    "min_matching_percent",
    "members_abroad_allowed",
)
"""The fields of a call's agency entry that belong to that agency alone."""

NO_SUCH_REVIEWER = define("security.reviewer.not_found", "No such reviewer profile.")
CONFLICTS_OFFICERS_ONLY = define(
    "security.conflicts.cofunding_officers_only",
    "Only officers of the call's co-funding agencies see its conflicts.",
)
POOL_OFFICERS_ONLY = define(
    "security.pool.cofunding_officers_only",
    "Only officers of the call's co-funding agencies may do this.",
)
ADMINS_ONLY = define("security.account.admins_only", "Only admins manage accounts.")


def can_edit_agency_entry(principal: Principal, agency_id: uuid.UUID) -> bool:
    """Only the agency's own officers change its entry (caps, envelope, currency …) in a call."""
    return principal.officer_of(agency_id)


def can_remove_cofunder(principal: Principal, agency_id: uuid.UUID) -> bool:
    """No officer removes another co-funding agency from a call. (Leaving out one's own agency
    is refused as invalid input: the editor's agency must co-fund the call it edits.)"""
    return principal.officer_of(agency_id)


def can_edit_shared_call_fields(principal: Principal, cofunders: Collection[uuid.UUID]) -> bool:
    """Any officer of a co-funding agency edits what the agencies share in a draft call."""
    return any(principal.officer_of(agency_id) for agency_id in cofunders)


def pool_agencies_visible(principal: Principal) -> frozenset[uuid.UUID] | None:
    """The agencies whose pools the caller sees: None for every pool (auditors, admins), the
    officer's own agency, or none at all."""
    if reads_everything(principal):
        return None
    if Role.OFFICER in principal.roles and principal.officer_agency_id is not None:
        return frozenset({principal.officer_agency_id})
    return frozenset()


def can_see_reviewer(principal: Principal, pools: Collection[uuid.UUID]) -> bool:
    """True when the reviewer (in `pools`) is in a pool the caller sees."""
    visible = pool_agencies_visible(principal)
    return visible is None or not visible.isdisjoint(pools)


def can_change_pool_membership(principal: Principal, agency_id: uuid.UUID) -> bool:
    """Admins manage every membership; an officer only their own agency's."""
    return principal.has(Role.ADMIN) or principal.officer_of(agency_id)


def can_edit_profile(principal: Principal, pools: Collection[uuid.UUID]) -> bool:
    """Admins edit every profile; an officer only a reviewer whose sole pool is their agency's
    (a shared reviewer's profile is every pool's, so no single agency changes it)."""
    if principal.has(Role.ADMIN):
        return True
    return len(set(pools)) == 1 and all(principal.officer_of(a) for a in pools)


def can_invite_for(
    principal: Principal, agency_id: uuid.UUID, cofunders: Collection[uuid.UUID]
) -> bool:
    """An officer invites from their own agency's pool, to a call that agency co-funds."""
    return principal.officer_of(agency_id) and agency_id in cofunders


def can_decide_conflict(principal: Principal, serving_for: Collection[uuid.UUID]) -> bool:
    """Only an officer of an agency whose pool the reviewer serves (`serving_for`) dismisses or
    waives the pair's conflict."""
    return any(principal.officer_of(agency_id) for agency_id in serving_for)


@dataclass(frozen=True, slots=True)
class ReviewerFacts:
    """A reviewer profile: the agencies whose pools it is in."""

    pools: frozenset[uuid.UUID]


def decide_reviewer(principal: Principal, facts: ReviewerFacts) -> Decision:
    """A profile is seen only in a pool the caller sees (404: another agency's reviewer is not
    revealed)."""
    if not can_see_reviewer(principal, facts.pools):
        return not_found(NO_SUCH_REVIEWER())
    return allow()


def call_pool_decision(roles: frozenset[str], *, reading: bool) -> Decision:
    """A call's pool endpoints: co-funding officers act; auditors and admins also read its
    conflicts (`reading`); anyone else who sees the call gets 403."""
    if COFUNDING_OFFICER in roles:
        return allow(roles)
    if reading and roles & {AUDITOR, ADMIN}:
        return allow(roles)
    if reading:
        return forbidden(CONFLICTS_OFFICERS_ONLY())
    return forbidden(POOL_OFFICERS_ONLY())


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """A user account (nothing about it changes who reaches it)."""


def decide_account(principal: Principal) -> Decision:
    """Accounts are reached by admins (who act) and auditors (who read); anyone else 403."""
    if not principal.has(ADMIN, AUDITOR):
        return forbidden(ADMINS_ONLY())
    return allow(principal.roles)
