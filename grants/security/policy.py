"""Who may act for which agency: every sovereignty decision, as small pure functions.

Each co-funding agency is sovereign over its own side of a joint call:

- **Call terms.** An officer changes only their own agency's entry in a call's `agencies`
  (currency, caps, envelope, indirect-cost limit, PI-once rule). Another agency's entry must be
  sent back unchanged, and no officer removes another co-funding agency from a call; an agency
  added to a draft arrives with an empty entry that its own officers fill in. What both agencies
  share (texts, dates, rubric, document kinds, durations, topics, modes, and the budget split
  `share_percent` of a `shared` call, which only adds up when both sides move together) any
  co-funding officer edits while the call is a draft.
- **Reviewer pools.** An officer adds or removes only their own agency's pool membership, sees
  (lists, counts, filters, reads) only reviewers in their own agency's pool, and invites only
  for their own agency to a call it co-funds.
- **Reviewer profiles.** An officer changes a profile's fields (expertise, affiliation, load cap
  …) only when the reviewer is in their agency's pool and in no other: one agency's change to a
  shared reviewer's load cap would silently change the other's assignment. A shared reviewer's
  profile is changed by an admin (or by the reviewer, for their own expertise); each agency
  still controls its own membership, so it can always take the reviewer out of its pool.
- **Conflicts.** A pair's conflict is dismissed or waived only by an officer of the agency whose
  pool the reviewer serves on that call (before the reviewer serves: whose pool they are in).
- **Oversight.** Auditors read everything and write nothing; admins see every pool and manage
  every profile and membership.

The functions take the principal and plain facts (agency ids), never a database session, so
endpoints and services ask them and never re-derive a rule.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from grants.security.principal import Principal, Role

AGENCY_ENTRY_FIELDS = (
    "currency",
    "cap_per_year",
    "cap_total",
    "envelope",
    "max_indirect_percent",
    "pi_once_per_call",
)
"""The fields of a call's agency entry that belong to that agency alone."""

SAFE_METHODS = frozenset({"GET", "HEAD"})


def reads_everything(principal: Principal) -> bool:
    """Auditors and admins read every agency's side."""
    return principal.has(Role.AUDITOR, Role.ADMIN)


def may_reach(principal: Principal, method: str, writers: Collection[str]) -> bool:
    """True for a holder of one of `writers`, or an auditor reading (a safe method)."""
    if principal.has(*writers):
        return True
    return method.upper() in SAFE_METHODS and principal.has(Role.AUDITOR)


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
