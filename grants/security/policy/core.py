"""The vocabulary of every access decision: actions, decisions, and the role sets they use."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum

from grants.security.principal import Principal, Role
from messages import Message
from workflows.roles import (
    ADMIN,
    ASSIGNED_REVIEWER,
    AUDITOR,
    COAPPLICANT,
    COFUNDING_OFFICER,
    PI,
)

CONSORTIUM = frozenset({PI, COAPPLICANT})
"""A proposal's own people: its PIs and co-investigators."""
OVERSIGHT = frozenset({COFUNDING_OFFICER, AUDITOR, ADMIN})
"""Who oversees a call and what is submitted to it."""
READERS_OF_ASSIGNMENT = OVERSIGHT | {ASSIGNED_REVIEWER}

SAFE_METHODS = frozenset({"GET", "HEAD"})


class Action(StrEnum):
    """What the caller wants to do with the resource."""

    READ = "read"
    """The read endpoints of one resource (its detail, its documents, its reviews)."""
    LIST = "list"
    """A list or count of resources."""
    WRITE = "write"
    """Any change, and the endpoints around a change (invitations, exclusions)."""
    FIRE = "fire"
    """Reaching the resource's state machine (its transitions and events); the machine's roles
    then say which events the caller fires."""


@dataclass(frozen=True, slots=True)
class Decision:
    """Allowed (with the caller's roles on the resource) or refused with a status
    (403, 404, 409) and the sentence the caller reads."""

    allowed: bool
    roles: frozenset[str] = frozenset()
    status: int = 200
    detail: Message | str = ""


def allow(roles: Collection[str] = frozenset()) -> Decision:
    return Decision(True, frozenset(roles))


def not_found(detail: Message | str) -> Decision:
    """Refused without revealing that the resource exists."""
    return Decision(False, status=404, detail=detail)


def forbidden(detail: Message | str) -> Decision:
    """Refused to a caller who knows the resource exists."""
    return Decision(False, status=403, detail=detail)


def conflict(detail: Message | str) -> Decision:
    """Refused because of the resource's state, not of who asks."""
    return Decision(False, status=409, detail=detail)


def reads_everything(principal: Principal) -> bool:
    """Auditors and admins read every agency's side."""
    return principal.has(Role.AUDITOR, Role.ADMIN)


def may_reach(principal: Principal, method: str, writers: Collection[str]) -> bool:
    """True for a holder of one of `writers`, or an auditor reading (a safe method)."""
    if principal.has(*writers):
        return True
    return method.upper() in SAFE_METHODS and principal.has(Role.AUDITOR)
