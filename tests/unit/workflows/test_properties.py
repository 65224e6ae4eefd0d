"""Properties every machine in ALL_MACHINES must keep, whatever the actor, facts or events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from messages import LOCALES, Message, render
from tests.unit.workflows.strategies import contexts, events_from, roles_from
from workflows import ALL_MACHINES
from workflows.engine import Machine
from workflows.errors import EventRefused
from workflows.validation import reachable_states

REFUSAL_CODES = {"unknown_event", "not_allowed_from_state", "role_not_allowed", "guards_failed"}

per_machine = pytest.mark.parametrize("machine", ALL_MACHINES, ids=lambda m: m.name)


@dataclass(frozen=True)
class Outcome:
    """What the application sees after firing one event."""

    state: str
    code: str | None
    reasons: tuple[Message, ...]
    refused_in: str | None


def fire(machine: Machine[Any], state: str, event: str, roles: frozenset[str], ctx: Any) -> Outcome:
    """Apply the event as the application does: a refusal keeps the current state."""
    try:
        return Outcome(machine.apply(state, event, roles, ctx), None, (), None)
    except EventRefused as refusal:
        return Outcome(state, refusal.code, refusal.reasons, refusal.state)


@per_machine
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_random_walk_never_leaves_declared_states(
    machine: Machine[Any], data: st.DataObject
) -> None:
    state = machine.initial
    for _ in range(data.draw(st.integers(min_value=1, max_value=25), label="steps")):
        event = data.draw(events_from(machine, state), label="event")
        roles = data.draw(roles_from(machine, state), label="roles")
        ctx = data.draw(contexts(machine), label="ctx")
        before = state
        outcome = fire(machine, state, event, roles, ctx)
        state = outcome.state

        assert state in machine.states
        if outcome.code is None:
            targets = {t.target for t in machine.transitions_from(before) if t.event == event}
            assert targets == {state}
        else:
            assert (outcome.code in REFUSAL_CODES, outcome.refused_in) == (True, before)
            assert len(outcome.reasons) >= 1
            assert all(isinstance(r, Message) for r in outcome.reasons)
            assert all(render(r, locale) for r in outcome.reasons for locale in LOCALES)


@per_machine
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_refused_event_leaves_state_unchanged(machine: Machine[Any], data: st.DataObject) -> None:
    state = data.draw(st.sampled_from(machine.states))
    event = data.draw(events_from(machine, state))
    roles = data.draw(roles_from(machine, state))
    ctx = data.draw(contexts(machine))

    outcome = fire(machine, state, event, roles, ctx)

    if outcome.code is not None:
        assert outcome.state == state
    else:
        assert outcome.state == machine.decide(state, event, roles, ctx).target


@per_machine
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_available_is_exactly_the_events_decide_accepts(
    machine: Machine[Any], data: st.DataObject
) -> None:
    state = data.draw(st.sampled_from(machine.states))
    roles = data.draw(roles_from(machine, state))
    ctx = data.draw(contexts(machine))

    available = {t.event for t in machine.available(state, roles, ctx)}

    accepted = {e for e in machine.events if fire(machine, state, e, roles, ctx).code is None}
    assert available == accepted


@per_machine
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_options_report_what_decide_raises(machine: Machine[Any], data: st.DataObject) -> None:
    state = data.draw(st.sampled_from(machine.states))
    roles = data.draw(roles_from(machine, state))
    ctx = data.draw(contexts(machine))

    options = machine.options(state, roles, ctx)

    reported = [(o.event, o.code, o.reasons) for o in options]
    decided = [(o.event, *_refusal(machine, state, o.event, roles, ctx)) for o in options]
    assert reported == decided


def _refusal(
    machine: Machine[Any], state: str, event: str, roles: frozenset[str], ctx: Any
) -> tuple[str | None, tuple[Message, ...]]:
    outcome = fire(machine, state, event, roles, ctx)
    return outcome.code, outcome.reasons


@per_machine
def test_every_reachable_state_is_declared(machine: Machine[Any]) -> None:
    assert reachable_states(machine.initial, machine.transitions) == set(machine.states)


@per_machine
def test_final_states_offer_no_event(machine: Machine[Any]) -> None:
    assert {s: machine.transitions_from(s) for s in machine.final} == {s: [] for s in machine.final}
