"""Every machine's table walked with scripted guard outcomes, checked against a simple oracle.

The real guards need realistic facts to pass; here each guard answers what the script says, so
walks reach every corner of the table and the engine's verdict can be predicted from the table
alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from messages import Message
from tests.unit.workflows.strategies import REASONS, events_from, roles_from
from tests.unit.workflows.test_properties import fire
from workflows import ALL_MACHINES
from workflows.engine import Machine

per_machine = pytest.mark.parametrize("machine", ALL_MACHINES, ids=lambda m: m.name)


@dataclass(frozen=True)
class Script:
    """Stands in for a machine's context: what its guards answer this time."""

    refusals: tuple[Message, ...]


def scripted_guard(ctx: Script) -> Iterator[Message]:
    """Whatever the script says."""
    yield from ctx.refusals


def with_scripted_guards(machine: Machine[Any]) -> Machine[Script]:
    """The same table, the guards of each guarded transition replaced by the script."""
    transitions = tuple(
        replace(t, guards=(scripted_guard,) if t.guards else ()) for t in machine.transitions
    )
    return Machine(
        machine.name,
        machine.states,
        machine.initial,
        transitions,
        machine.final,
        context=Script,
    )


SCRIPTED = {machine.name: with_scripted_guards(machine) for machine in ALL_MACHINES}
# Guards agree half the time, so walks reach the far end of every table.
scripts = st.builds(Script, st.sampled_from(REASONS))


def oracle(
    machine: Machine[Script], state: str, event: str, roles: frozenset[str], ctx: Script
) -> tuple[str, str | None, tuple[Message, ...] | None]:
    """Predict (next state, refusal code, guard reasons) from the table alone."""
    if event not in machine.events:
        return state, "unknown_event", None
    matches = [t for t in machine.transitions if t.event == event and state in t.sources]
    if not matches:
        return state, "not_allowed_from_state", None
    (transition,) = matches
    if roles.isdisjoint(transition.roles):
        return state, "role_not_allowed", None
    if transition.guards and ctx.refusals:
        return state, "guards_failed", ctx.refusals
    return transition.target, None, ()


@per_machine
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_scripted_walk_matches_table_oracle(machine: Machine[Any], data: st.DataObject) -> None:
    scripted = SCRIPTED[machine.name]
    state = scripted.initial
    for _ in range(data.draw(st.integers(min_value=1, max_value=25), label="steps")):
        event = data.draw(events_from(scripted, state), label="event")
        roles = data.draw(roles_from(scripted, state), label="roles")
        script = data.draw(scripts, label="script")
        expected_state, expected_code, expected_reasons = oracle(
            scripted, state, event, roles, script
        )

        outcome = fire(scripted, state, event, roles, script)

        assert (outcome.state, outcome.code) == (expected_state, expected_code)
        if expected_reasons is not None:
            assert outcome.reasons == expected_reasons
        assert outcome.state in scripted.states
        state = outcome.state


@per_machine
def test_scripted_machine_keeps_the_table(machine: Machine[Any]) -> None:
    scripted = SCRIPTED[machine.name]
    shape = [(t.event, t.sources, t.target, t.roles) for t in scripted.transitions]

    assert shape == [(t.event, t.sources, t.target, t.roles) for t in machine.transitions]


@per_machine
def test_scripted_machine_reaches_every_state_through_decide(machine: Machine[Any]) -> None:
    scripted = SCRIPTED[machine.name]
    agree = Script(refusals=())
    reached, frontier = {scripted.initial}, [scripted.initial]
    while frontier:
        state = frontier.pop()
        for t in scripted.transitions_from(state):
            target = scripted.apply(state, t.event, frozenset(t.roles), agree)
            if target not in reached:
                reached.add(target)
                frontier.append(target)

    assert reached == set(scripted.states)
