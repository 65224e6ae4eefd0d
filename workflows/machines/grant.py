"""Grant (award) machine: an active grant may be suspended, completed or terminated."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from messages import Instant, Message, define
from workflows.engine import Machine, Transition
from workflows.roles import COFUNDING_OFFICER, JOINT_DECISION

PROJECT_RUNNING = define("grant.guard.project_running", "The project runs until {ends_at}.")
TRANCHES_OPEN = define("grant.guard.tranches_open", "Tranches still open: {count}.")


class GrantState(StrEnum):
    """States of a grant."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    COMPLETED = "completed"
    TERMINATED = "terminated"


class GrantEvent(StrEnum):
    """Events of the grant machine."""

    SUSPEND = "suspend"
    RESUME = "resume"
    COMPLETE = "complete"
    TERMINATE = "terminate"


@dataclass(frozen=True)
class GrantContext:
    """Facts the grant guards read; times are aware UTC datetimes.

    `ends_at`: the end of the project, shown in the co-funding agencies' time `zones`.
    `open_tranches`: tranches neither disbursed nor withheld.
    """

    now: datetime
    ends_at: datetime
    zones: tuple[str, ...]
    open_tranches: int


def project_ended(ctx: GrantContext) -> Iterator[Message]:
    """A grant completes only after the project's end."""
    if ctx.now < ctx.ends_at:
        yield PROJECT_RUNNING(ends_at=Instant(ctx.ends_at, ctx.zones))


def tranches_settled(ctx: GrantContext) -> Iterator[Message]:
    """Every tranche is disbursed or withheld."""
    if ctx.open_tranches > 0:
        yield TRANCHES_OPEN(count=ctx.open_tranches)


_OFFICERS = (COFUNDING_OFFICER,)
_S = GrantState

GRANT = Machine(
    name="grant",
    states=tuple(GrantState),
    initial=_S.ACTIVE,
    transitions=(
        Transition(
            GrantEvent.SUSPEND,
            (_S.ACTIVE,),
            _S.SUSPENDED,
            _OFFICERS,
            description="Pause the project; no tranche can be requested or approved.",
        ),
        Transition(
            GrantEvent.RESUME,
            (_S.SUSPENDED,),
            _S.ACTIVE,
            _OFFICERS,
            description="Continue the project.",
        ),
        Transition(
            GrantEvent.COMPLETE,
            (_S.ACTIVE,),
            _S.COMPLETED,
            _OFFICERS,
            (project_ended, tranches_settled),
            "Close the project after its end.",
        ),
        Transition(
            GrantEvent.TERMINATE,
            (_S.ACTIVE,),
            _S.TERMINATED,
            (*_OFFICERS, JOINT_DECISION),
            description="End the project early.",
        ),
    ),
    final=(_S.COMPLETED, _S.TERMINATED),
    context=GrantContext,
)
