"""Role names the machines' transitions are granted to.

Global roles are held by a user everywhere. Relational roles are computed by the application for
one actor on one entity (a PI is PI *of this proposal*); keeping them distinct from the global
ones means a transition granted to `COFUNDING_OFFICER` can never be fired by an officer of an
unrelated agency, even when the application forgets a scope check.
"""

from __future__ import annotations

from typing import Final

# Global roles (held by the user account).
RESEARCHER: Final = "researcher"
REVIEWER: Final = "reviewer"
OFFICER: Final = "officer"
AUDITOR: Final = "auditor"
ADMIN: Final = "admin"

# Relational roles (computed for the actor on the entity being changed).
PI: Final = "pi"
"""A principal investigator of the proposal or grant (any agency's part)."""
COAPPLICANT: Final = "coapplicant"
"""A team member listed on the proposal or grant who is not a PI."""
COFUNDING_OFFICER: Final = "cofunding_officer"
"""An officer of an agency that co-funds the call the entity belongs to."""
AGENCY_OFFICER: Final = "agency_officer"
"""An officer of the one agency that owns the entity (a tranche is paid by one agency)."""
INVITED_REVIEWER: Final = "invited_reviewer"
"""The reviewer asked to serve on a call."""
ASSIGNED_REVIEWER: Final = "assigned_reviewer"
"""The reviewer named on the review assignment."""
REQUESTER: Final = "requester"
"""The person who requested the tranche."""
JOINT_DECISION: Final = "joint_decision"
"""Held only while the kernel applies what the agencies decided jointly (a stopped progress
report or a failed mid-term gate terminates the grant and withholds both sides' tranches): the
officer whose answer completed it holds it, for that consequence alone."""

GLOBAL_ROLES: Final = frozenset({RESEARCHER, REVIEWER, OFFICER, AUDITOR, ADMIN})
RELATIONAL_ROLES: Final = frozenset(
    {
        PI,
        COAPPLICANT,
        COFUNDING_OFFICER,
        AGENCY_OFFICER,
        INVITED_REVIEWER,
        ASSIGNED_REVIEWER,
        REQUESTER,
        JOINT_DECISION,
    }
)
ALL_ROLES: Final = GLOBAL_ROLES | RELATIONAL_ROLES
KERNEL_ROLES: Final = frozenset({JOINT_DECISION})
"""Roles no request ever holds: a refusal does not name them, as nobody could act on it."""
