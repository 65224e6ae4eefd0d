"""Serving on a call: a pooled reviewer asked by an officer accepts or declines to review."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from workflows.engine import Machine, Transition
from workflows.roles import INVITED_REVIEWER


class ServiceState(StrEnum):
    """States of a reviewer's service on a call."""

    INVITED = "invited"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ServiceEvent(StrEnum):
    """Events of the call-service machine."""

    ACCEPT = "accept"
    DECLINE = "decline"


@dataclass(frozen=True)
class ServiceContext:
    """`reason_given`: the decline carries a reason (officers plan around it)."""

    reason_given: bool


def reason_given(ctx: ServiceContext) -> Iterator[str]:
    """A decline states its reason."""
    if not ctx.reason_given:
        yield "Say why you decline, so the officers can plan around it."


CALL_SERVICE = Machine(
    name="call_service",
    states=tuple(ServiceState),
    initial=ServiceState.INVITED,
    transitions=(
        Transition(
            ServiceEvent.ACCEPT,
            (ServiceState.INVITED,),
            ServiceState.ACCEPTED,
            (INVITED_REVIEWER,),
            description="Agree to review for the call; bidding opens.",
        ),
        Transition(
            ServiceEvent.DECLINE,
            (ServiceState.INVITED, ServiceState.ACCEPTED),
            ServiceState.DECLINED,
            (INVITED_REVIEWER,),
            (reason_given,),
            "Decline (or step back from) reviewing for the call.",
        ),
    ),
    final=(ServiceState.DECLINED,),
    context=ServiceContext,
)
