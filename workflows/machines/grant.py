"""Grant (award) machine: an active grant may be suspended, completed or terminated."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from workflows.engine import Machine, Transition
from workflows.machines._wording import count, instant
from workflows.roles import COFUNDING_OFFICER


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

    `ends_at`: the end of the project. `open_tranches`: tranches neither disbursed nor withheld.
    """

    now: datetime
    ends_at: datetime
    open_tranches: int


def project_ended(ctx: GrantContext) -> Iterator[str]:
    """A grant completes only after the project's end."""
    if ctx.now < ctx.ends_at:
        yield f"The project runs until {instant(ctx.ends_at)}."


def tranches_settled(ctx: GrantContext) -> Iterator[str]:
    """Every tranche is disbursed or withheld."""
    if ctx.open_tranches > 0:
        yield f"{count(ctx.open_tranches, 'tranche is', 'tranches are')} still open."


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
            _OFFICERS,
            description="End the project early.",
        ),
    ),
    final=(_S.COMPLETED, _S.TERMINATED),
    context=GrantContext,
)
