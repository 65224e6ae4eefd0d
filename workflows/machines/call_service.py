"""Serving on a call: a pooled reviewer asked by an officer accepts or declines to review."""

from __future__ import annotations

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
    """No guard reads a fact: a decline's reason is the event's data (required by its schema,
    so officers can plan around it), not a fact of the database."""


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
            description="Decline (or step back from) reviewing for the call.",
        ),
    ),
    final=(ServiceState.DECLINED,),
    context=ServiceContext,
)
