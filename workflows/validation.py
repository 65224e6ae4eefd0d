"""Consistency checks run when a machine is declared.

Each check returns the problems it finds (sentences), so a broken declaration reports every
defect at once instead of one per edit-and-rerun.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from workflows.engine import Machine, Transition


def definition_problems(machine: Machine[Any]) -> list[str]:
    """Return every defect of `machine`'s declaration; an empty list means it is valid."""
    problems = [*_shape_problems(machine)]
    for transition in machine.transitions:
        problems.extend(_transition_problems(machine, transition))
    if problems:
        # Graph checks on a malformed table would only repeat the problems above.
        return problems
    problems.extend(_duplicate_pairs(machine.transitions))
    problems.extend(_exits_from_final(machine))
    problems.extend(_unreachable(machine))
    return problems


def reachable_states(initial: str, transitions: Sequence[Transition[Any]]) -> set[str]:
    """Return the states reachable from `initial` when every guard and role is ignored."""
    seen = {initial}
    queue = deque([initial])
    while queue:
        state = queue.popleft()
        for transition in transitions:
            if state in transition.sources and transition.target not in seen:
                seen.add(transition.target)
                queue.append(transition.target)
    return seen


def _shape_problems(machine: Machine[Any]) -> Iterator[str]:
    if not machine.name:
        yield "The machine has no name."
    if isinstance(machine.states, str) or isinstance(machine.final, str):
        yield "States and final states must be tuples of names, not a single string."
        return
    if not machine.states:
        yield "The machine declares no states."
    for state in sorted(_duplicates(machine.states)):
        yield f"State '{state}' is declared more than once."
    if machine.initial not in machine.states:
        yield f"Initial state '{machine.initial}' is not a declared state."
    for state in machine.final:
        if state not in machine.states:
            yield f"Final state '{state}' is not a declared state."


def _transition_problems(machine: Machine[Any], transition: Transition[Any]) -> Iterator[str]:
    label = f"Transition '{transition.event}'"
    if not transition.event:
        yield "A transition has an empty event name."
    for name, value in (("sources", transition.sources), ("roles", transition.roles)):
        if isinstance(value, str):
            yield f"{label}: {name} must be a tuple of names, not the string '{value}'."
        elif not value:
            yield f"{label} has no {name}."
    if isinstance(transition.sources, str):
        return
    for source in transition.sources:
        if source not in machine.states:
            yield f"{label}: source '{source}' is not a declared state."
    if transition.target not in machine.states:
        yield f"{label}: target '{transition.target}' is not a declared state."
    for guard in transition.guards:
        if not callable(guard):
            yield f"{label}: guard {guard!r} is not callable."


def _duplicate_pairs(transitions: Sequence[Transition[Any]]) -> Iterator[str]:
    seen: set[tuple[str, str]] = set()
    for transition in transitions:
        for source in transition.sources:
            pair = (transition.event, source)
            if pair in seen:
                yield f"Event '{transition.event}' is declared twice from state '{source}'."
            seen.add(pair)


def _exits_from_final(machine: Machine[Any]) -> Iterator[str]:
    for transition in machine.transitions:
        for source in transition.sources:
            if source in machine.final:
                yield f"Transition '{transition.event}' leaves final state '{source}'."


def _unreachable(machine: Machine[Any]) -> Iterator[str]:
    reachable = reachable_states(machine.initial, machine.transitions)
    for state in machine.states:
        if state not in reachable:
            yield f"State '{state}' is not reachable from '{machine.initial}'."


def _duplicates(names: Sequence[str]) -> set[str]:
    return {name for name, count in Counter(names).items() if count > 1}
