"""Account (user) machine: admins suspend, reactivate and deactivate accounts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from messages import Message, define
from workflows.engine import Machine, Transition
from workflows.roles import ADMIN

ONESELF = define(
    "account.guard.oneself", "An admin cannot suspend or deactivate their own account."
)
LAST_ADMIN = define(
    "account.guard.last_admin",
    "This is the last active admin account; appoint another admin first.",
)


class AccountState(StrEnum):
    """States of a user account."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    DEACTIVATED = "deactivated"


class AccountEvent(StrEnum):
    """Events of the account machine."""

    SUSPEND = "suspend"
    REACTIVATE = "reactivate"
    DEACTIVATE = "deactivate"


@dataclass(frozen=True)
class AccountContext:
    """Facts the account guards read.

    `actor_is_subject`: the admin acting is the account's own user. `subject_is_admin`: the
    account holds the admin role. `other_active_admins`: active admin accounts other than this one.
    """

    actor_is_subject: bool
    subject_is_admin: bool
    other_active_admins: int


def not_oneself(ctx: AccountContext) -> Iterator[Message]:
    """An admin cannot suspend or deactivate their own account."""
    if ctx.actor_is_subject:
        yield ONESELF()


def not_last_admin(ctx: AccountContext) -> Iterator[Message]:
    """The last active admin cannot be suspended or deactivated."""
    if ctx.subject_is_admin and ctx.other_active_admins < 1:
        yield LAST_ADMIN()


_REMOVAL_GUARDS = (not_oneself, not_last_admin)

ACCOUNT = Machine(
    name="account",
    states=tuple(AccountState),
    initial=AccountState.ACTIVE,
    transitions=(
        Transition(
            AccountEvent.SUSPEND,
            (AccountState.ACTIVE,),
            AccountState.SUSPENDED,
            (ADMIN,),
            _REMOVAL_GUARDS,
            "Block sign-in until reactivated.",
        ),
        Transition(
            AccountEvent.REACTIVATE,
            (AccountState.SUSPENDED,),
            AccountState.ACTIVE,
            (ADMIN,),
            description="Allow sign-in again.",
        ),
        Transition(
            AccountEvent.DEACTIVATE,
            (AccountState.ACTIVE, AccountState.SUSPENDED),
            AccountState.DEACTIVATED,
            (ADMIN,),
            _REMOVAL_GUARDS,
            "Close the account for good; its records stay.",
        ),
    ),
    final=(AccountState.DEACTIVATED,),
    context=AccountContext,
)
