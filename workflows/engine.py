"""The state machine engine: machines declared as data, decided by pure functions.

A `Machine` is a table of `Transition`s over named states. Deciding an event needs the current
state, the roles the actor holds on the entity (global roles plus relational ones the
application computes, see `workflows.roles`) and a context: a frozen dataclass of the plain
facts the guards read. Nothing here touches a database, a clock or a request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeAlias, TypeVar

from messages import Message
from workflows.errors import (
    EventRefused,
    GuardsFailed,
    MachineDefinitionError,
    NotAllowedFromState,
    RoleNotAllowed,
    UnknownEvent,
    UnknownState,
)
from workflows.validation import definition_problems

CtxT = TypeVar("CtxT")

Guard: TypeAlias = Callable[[CtxT], Iterable[Message]]
"""A guard returns the reasons an event is refused (messages: a code with parameters, rendered
in the reader's language at the edge); nothing means it agrees."""


@dataclass(frozen=True)
class Transition(Generic[CtxT]):
    """One row of a machine's table: `event` moves any of `sources` to `target`.

    Only an actor holding at least one of `roles` may fire it, and only when every guard returns
    no reason.
    """

    event: str
    sources: tuple[str, ...]
    target: str
    roles: tuple[str, ...]
    guards: tuple[Guard[CtxT], ...] = ()
    description: str = ""

    def permits(self, roles: frozenset[str]) -> bool:
        """Return True when `roles` holds at least one of the transition's roles."""
        return not roles.isdisjoint(self.roles)

    def refusals(self, ctx: CtxT) -> tuple[Message, ...]:
        """Run every guard (never stopping at the first) and return all their reasons."""
        return tuple(reason for guard in self.guards for reason in guard(ctx))


@dataclass(frozen=True)
class EventOption(Generic[CtxT]):
    """An event possible from a state by the table, with whether this actor may fire it now.

    `code` and `reasons` are those `Machine.decide` would raise; both empty when allowed.
    """

    transition: Transition[CtxT]
    code: str | None
    reasons: tuple[Message, ...]

    @property
    def event(self) -> str:
        """The event's name."""
        return self.transition.event

    @property
    def allowed(self) -> bool:
        """True when `Machine.decide` would accept the event."""
        return self.code is None


@dataclass(frozen=True)
class Machine(Generic[CtxT]):
    """A state machine declared as data; validated on construction.

    `context` is the frozen dataclass type the guards read. Raises `MachineDefinitionError`
    listing every defect: undeclared states, a duplicate (event, source) pair, a transition out
    of a final state, an unreachable state.
    """

    name: str
    states: tuple[str, ...]
    initial: str
    transitions: tuple[Transition[CtxT], ...]
    final: tuple[str, ...] = ()
    context: type[CtxT] = field(kw_only=True)
    _index: dict[tuple[str, str], Transition[CtxT]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        problems = definition_problems(self)
        if problems:
            raise MachineDefinitionError(self.name, problems)
        index = {(t.event, source): t for t in self.transitions for source in t.sources}
        # Frozen dataclass: the lookup table is derived once, never reassigned afterwards.
        object.__setattr__(self, "_index", index)

    @property
    def events(self) -> tuple[str, ...]:
        """Every event name, once each, in declaration order."""
        return tuple(dict.fromkeys(t.event for t in self.transitions))

    def is_final(self, state: str) -> bool:
        """Return True when no event leaves `state`. Raises `UnknownState`."""
        self._require_state(state)
        return state in self.final

    def transitions_from(self, state: str) -> list[Transition[CtxT]]:
        """Return the transitions whose sources include `state`. Raises `UnknownState`."""
        self._require_state(state)
        return [t for t in self.transitions if state in t.sources]

    def decide(self, state: str, event: str, roles: Iterable[str], ctx: CtxT) -> Transition[CtxT]:
        """Return the transition `event` takes from `state` for an actor holding `roles`.

        Raises `UnknownState` for an undeclared state, else an `EventRefused` subclass, checked
        in this order: `UnknownEvent`, `NotAllowedFromState`, `RoleNotAllowed`, `GuardsFailed`
        (with the reasons of every guard).
        """
        self._require_state(state)
        transition = self._index.get((event, state))
        if transition is None:
            raise self._missing(state, event)
        self._authorise(transition, state, _role_set(roles), ctx)
        return transition

    def apply(self, state: str, event: str, roles: Iterable[str], ctx: CtxT) -> str:
        """Return the state after `event`; raises exactly as `decide` does."""
        return self.decide(state, event, roles, ctx).target

    def available(self, state: str, roles: Iterable[str], ctx: CtxT) -> list[Transition[CtxT]]:
        """Return the transitions the actor may fire now (state, role and guards agree)."""
        return [option.transition for option in self.options(state, roles, ctx) if option.allowed]

    def options(self, state: str, roles: Iterable[str], ctx: CtxT) -> list[EventOption[CtxT]]:
        """Return every event the table allows from `state`, each with why it is refused.

        For a UI that shows a disabled button with its reasons. Raises `UnknownState`.
        """
        held = _role_set(roles)
        return [self._option(t, state, held, ctx) for t in self.transitions_from(state)]

    def _option(
        self, transition: Transition[CtxT], state: str, roles: frozenset[str], ctx: CtxT
    ) -> EventOption[CtxT]:
        try:
            self._authorise(transition, state, roles, ctx)
        except EventRefused as refusal:
            return EventOption(transition, refusal.code, refusal.reasons)
        return EventOption(transition, None, ())

    def _authorise(
        self, transition: Transition[CtxT], state: str, roles: frozenset[str], ctx: CtxT
    ) -> None:
        if not transition.permits(roles):
            raise RoleNotAllowed(self.name, state, transition.event, transition.roles)
        reasons = transition.refusals(ctx)
        if reasons:
            raise GuardsFailed(self.name, state, transition.event, reasons)

    def _missing(self, state: str, event: str) -> EventRefused:
        sources = [s for t in self.transitions if t.event == event for s in t.sources]
        if not sources:
            return UnknownEvent(self.name, state, event)
        return NotAllowedFromState(self.name, state, event, sources)

    def _require_state(self, state: str) -> None:
        if state not in self.states:
            raise UnknownState(self.name, state)


def _role_set(roles: Iterable[str]) -> frozenset[str]:
    # A bare string would silently become a set of its letters.
    if isinstance(roles, str):
        raise TypeError(f"roles must be a collection of role names, not the string {roles!r}")
    return frozenset(roles)
