"""Exceptions raised by the workflow engine.

Two families: `MachineDefinitionError` is a programming error found when a machine is declared;
`EventRefused` and its subclasses are the ordinary, expected answer to an event that may not
happen now. The application turns an `EventRefused` into a 409 response carrying `code` and
`reasons`.
"""

from __future__ import annotations

from collections.abc import Iterable

from messages import Message, define
from workflows.roles import KERNEL_ROLES

NO_SUCH_EVENT = define("workflow.unknown_event", "The {machine} workflow has no event '{event}'.")
NOT_FROM_STATE = define(
    "workflow.not_allowed_from_state",
    "'{event}' is not possible in state '{state}'; it is allowed from {sources}.",
)
ROLE_REQUIRED = define("workflow.role_not_allowed", "'{event}' requires one of the roles {roles}.")


class WorkflowError(Exception):
    """Base class of every exception raised by `workflows`."""


class MachineDefinitionError(WorkflowError):
    """A machine declaration is inconsistent; `problems` lists every defect found."""

    def __init__(self, machine: str, problems: Iterable[str]) -> None:
        self.machine = machine
        self.problems = tuple(problems)
        super().__init__(f"machine {machine!r} is invalid: " + " ".join(self.problems))


class UnknownState(WorkflowError, ValueError):
    """A state that the machine does not declare (corrupt data, not a user error)."""

    def __init__(self, machine: str, state: str) -> None:
        self.machine = machine
        self.state = state
        super().__init__(f"machine {machine!r} has no state {state!r}")


class EventRefused(WorkflowError):
    """An event may not be applied now.

    Attributes: `code` (machine-readable, stable, one per subclass), `machine`, `state`, `event`
    and `reasons` (messages, at least one).
    """

    code = "event_refused"

    def __init__(self, machine: str, state: str, event: str, reasons: Iterable[Message]) -> None:
        self.machine = machine
        self.state = state
        self.event = event
        self.reasons = tuple(reasons)
        super().__init__(" ".join(map(str, self.reasons)))


class UnknownEvent(EventRefused):
    """The machine has no event of that name."""

    code = "unknown_event"

    def __init__(self, machine: str, state: str, event: str) -> None:
        reason = NO_SUCH_EVENT(machine=machine, event=event)
        super().__init__(machine, state, event, [reason])


class NotAllowedFromState(EventRefused):
    """The event exists but not from the current state; `allowed_from` lists where it does."""

    code = "not_allowed_from_state"

    def __init__(self, machine: str, state: str, event: str, allowed_from: Iterable[str]) -> None:
        self.allowed_from = tuple(allowed_from)
        sources = ", ".join(f"'{source}'" for source in self.allowed_from)
        reason = NOT_FROM_STATE(event=event, state=state, sources=sources)
        super().__init__(machine, state, event, [reason])


class RoleNotAllowed(EventRefused):
    """The actor holds none of the roles the transition requires (`required_roles`)."""

    code = "role_not_allowed"

    def __init__(self, machine: str, state: str, event: str, required_roles: Iterable[str]) -> None:
        self.required_roles = tuple(required_roles)
        shown = (role for role in self.required_roles if role not in KERNEL_ROLES)
        roles = ", ".join(f"'{role}'" for role in shown)
        reason = ROLE_REQUIRED(event=event, roles=roles)
        super().__init__(machine, state, event, [reason])


class GuardsFailed(EventRefused):
    """One or more guards refused the event; `reasons` holds every guard's reasons, in order."""

    code = "guards_failed"
