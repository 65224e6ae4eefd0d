from __future__ import annotations

import pytest

from tests.unit.workflows.toy import DOOR, KEY, NO_KEY, DoorContext
from workflows.engine import EventOption
from workflows.errors import UnknownState


def test_events_lists_each_event_once_in_declaration_order() -> None:
    assert DOOR.events == ("open", "close", "lock", "unlock", "smash")


def test_transitions_from_state_in_declaration_order() -> None:
    events = [t.event for t in DOOR.transitions_from("closed")]

    assert events == ["open", "lock", "smash"]


def test_transitions_from_final_state_is_empty() -> None:
    assert DOOR.transitions_from("broken") == []


def test_transitions_from_unknown_state_raises() -> None:
    with pytest.raises(UnknownState):
        DOOR.transitions_from("ajar")


def test_is_final_true_only_for_final_states() -> None:
    assert [DOOR.is_final(state) for state in DOOR.states] == [False, False, False, True]


def test_available_keeps_only_permitted_events() -> None:
    events = [t.event for t in DOOR.available("closed", {"resident"}, KEY)]

    assert events == ["open", "lock"]


def test_available_drops_events_whose_guards_refuse() -> None:
    events = [t.event for t in DOOR.available("closed", {"resident"}, NO_KEY)]

    assert events == ["open"]


def test_available_without_roles_is_empty() -> None:
    assert DOOR.available("closed", set(), KEY) == []


def test_options_reports_each_event_with_its_refusal() -> None:
    ctx = DoorContext(has_key=False, obstacles=("A box",))

    options = DOOR.options("closed", {"resident"}, ctx)

    assert [(o.event, o.allowed, o.code, tuple(map(str, o.reasons))) for o in options] == [
        ("open", True, None, ()),
        ("lock", False, "guards_failed", ("You need the key.", "A box is in the way.")),
        ("smash", False, "role_not_allowed", ("'smash' requires one of the roles 'burglar'.",)),
    ]


def test_options_carry_the_transition() -> None:
    options = DOOR.options("locked", {"resident", "burglar"}, KEY)

    assert options == [
        EventOption(DOOR.transitions[3], None, ()),
        EventOption(DOOR.transitions[4], None, ()),
    ]
