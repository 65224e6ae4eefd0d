from __future__ import annotations

from typing import Any

import pytest

from tests.unit.workflows.toy import DoorContext
from workflows.engine import Machine, Transition
from workflows.errors import MachineDefinitionError

GO = Transition[DoorContext]("go", ("a",), "b", ("r",))
BACK = Transition[DoorContext]("back", ("b",), "a", ("r",))


def build(**overrides: Any) -> Machine[DoorContext]:
    spec: dict[str, Any] = {
        "name": "m",
        "states": ("a", "b"),
        "initial": "a",
        "transitions": (GO, BACK),
        "final": (),
    }
    spec.update(overrides)
    return Machine(**spec, context=DoorContext)


def problems_of(**overrides: Any) -> tuple[str, ...]:
    with pytest.raises(MachineDefinitionError) as caught:
        build(**overrides)
    return caught.value.problems


def test_machine_valid_definition_builds() -> None:
    assert build().states == ("a", "b")


def test_machine_initial_not_declared_is_refused() -> None:
    assert problems_of(initial="z") == ("Initial state 'z' is not a declared state.",)


def test_machine_final_not_declared_is_refused() -> None:
    assert problems_of(final=("z",)) == ("Final state 'z' is not a declared state.",)


def test_machine_duplicate_state_is_refused() -> None:
    assert problems_of(states=("a", "b", "a")) == ("State 'a' is declared more than once.",)


def test_machine_states_as_string_is_refused() -> None:
    assert problems_of(states="ab") == (
        "States and final states must be tuples of names, not a single string.",
    )


def test_machine_undeclared_source_and_target_are_all_reported() -> None:
    bad = Transition[DoorContext]("jump", ("x",), "y", ("r",))

    assert problems_of(transitions=(GO, BACK, bad)) == (
        "Transition 'jump': source 'x' is not a declared state.",
        "Transition 'jump': target 'y' is not a declared state.",
    )


def test_machine_sources_as_string_is_refused() -> None:
    bad = Transition[DoorContext]("go", "a", "b", ("r",))  # type: ignore[arg-type]

    assert problems_of(transitions=(bad, BACK)) == (
        "Transition 'go': sources must be a tuple of names, not the string 'a'.",
    )


def test_machine_transition_without_roles_is_refused() -> None:
    bad = Transition[DoorContext]("go", ("a",), "b", ())

    assert problems_of(transitions=(bad, BACK)) == ("Transition 'go' has no roles.",)


def test_machine_empty_event_name_is_refused() -> None:
    bad = Transition[DoorContext]("", ("a",), "b", ("r",))

    assert problems_of(transitions=(bad, BACK)) == ("A transition has an empty event name.",)


def test_machine_uncallable_guard_is_refused() -> None:
    bad = Transition[DoorContext]("go", ("a",), "b", ("r",), ("nope",))  # type: ignore[arg-type]

    assert problems_of(transitions=(bad, BACK)) == (
        "Transition 'go': guard 'nope' is not callable.",
    )


def test_machine_duplicate_event_source_pair_is_refused() -> None:
    twin = Transition[DoorContext]("go", ("a",), "a", ("r",))

    assert problems_of(transitions=(GO, BACK, twin)) == (
        "Event 'go' is declared twice from state 'a'.",
    )


def test_machine_transition_out_of_final_state_is_refused() -> None:
    assert problems_of(final=("b",)) == ("Transition 'back' leaves final state 'b'.",)


def test_machine_unreachable_state_is_refused() -> None:
    assert problems_of(states=("a", "b", "island")) == (
        "State 'island' is not reachable from 'a'.",
    )


def test_machine_several_defects_reported_together() -> None:
    with pytest.raises(MachineDefinitionError) as caught:
        build(name="", initial="z", final=("y",))

    assert str(caught.value) == (
        "machine '' is invalid: The machine has no name. "
        "Initial state 'z' is not a declared state. Final state 'y' is not a declared state."
    )
