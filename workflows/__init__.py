"""Pure state machines for every stateful CoFund entity.

No database, no web framework: `grants` imports this package, never the reverse. Declare a
machine with `Machine` and `Transition`; ask it with `decide`, `available` and `options`;
draw it with `workflows.diagram`.
"""

from __future__ import annotations

from workflows.engine import EventOption, Guard, Machine, Transition
from workflows.errors import (
    EventRefused,
    GuardsFailed,
    MachineDefinitionError,
    NotAllowedFromState,
    RoleNotAllowed,
    UnknownEvent,
    UnknownState,
    WorkflowError,
)
from workflows.machines import ALL_MACHINES

__all__ = [
    "ALL_MACHINES",
    "EventOption",
    "EventRefused",
    "Guard",
    "GuardsFailed",
    "Machine",
    "MachineDefinitionError",
    "NotAllowedFromState",
    "RoleNotAllowed",
    "Transition",
    "UnknownEvent",
    "UnknownState",
    "WorkflowError",
]
