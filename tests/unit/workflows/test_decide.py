from __future__ import annotations

import pytest

from tests.unit.workflows.toy import DOOR, IN_THE_WAY, KEY, NEED_KEY, NO_KEY, DoorContext
from workflows.errors import (
    NO_SUCH_EVENT,
    EventRefused,
    GuardsFailed,
    NotAllowedFromState,
    RoleNotAllowed,
    UnknownEvent,
    UnknownState,
)


def test_decide_allowed_returns_transition() -> None:
    transition = DOOR.decide("closed", "lock", {"resident"}, KEY)

    assert (transition.event, transition.target) == ("lock", "locked")


def test_apply_allowed_returns_target_state() -> None:
    assert DOOR.apply("locked", "unlock", ["resident"], KEY) == "closed"


def test_decide_any_one_matching_role_is_enough() -> None:
    transition = DOOR.decide("closed", "open", {"guest", "stranger"}, NO_KEY)

    assert transition.target == "open"


def test_decide_unknown_event_raises_unknown_event() -> None:
    with pytest.raises(UnknownEvent) as caught:
        DOOR.decide("closed", "fly", {"resident"}, KEY)

    assert (caught.value.code, caught.value.reasons) == (
        "unknown_event",
        (NO_SUCH_EVENT(machine="door", event="fly"),),
    )
    assert str(caught.value) == "The door workflow has no event 'fly'."


def test_decide_event_from_wrong_state_names_allowed_states() -> None:
    with pytest.raises(NotAllowedFromState) as caught:
        DOOR.decide("open", "smash", {"burglar"}, KEY)

    refusal = caught.value
    assert (refusal.code, refusal.allowed_from, str(refusal)) == (
        "not_allowed_from_state",
        ("closed", "locked"),
        "'smash' is not possible in state 'open'; it is allowed from 'closed', 'locked'.",
    )


def test_decide_wrong_state_checked_before_role() -> None:
    with pytest.raises(NotAllowedFromState):
        DOOR.decide("open", "lock", {"nobody"}, NO_KEY)


def test_decide_missing_role_raises_role_not_allowed() -> None:
    with pytest.raises(RoleNotAllowed) as caught:
        DOOR.decide("closed", "lock", {"guest"}, KEY)

    refusal = caught.value
    assert (refusal.code, refusal.required_roles, str(refusal)) == (
        "role_not_allowed",
        ("resident",),
        "'lock' requires one of the roles 'resident'.",
    )


def test_decide_role_checked_before_guards() -> None:
    with pytest.raises(RoleNotAllowed):
        DOOR.decide("closed", "lock", set(), NO_KEY)


def test_decide_failing_guards_collects_every_reason() -> None:
    ctx = DoorContext(has_key=False, obstacles=("A chair", "A box"))

    with pytest.raises(GuardsFailed) as caught:
        DOOR.decide("closed", "lock", {"resident"}, ctx)

    assert (caught.value.code, caught.value.reasons) == (
        "guards_failed",
        (NEED_KEY(), IN_THE_WAY(obstacle="A chair"), IN_THE_WAY(obstacle="A box")),
    )


def test_decide_refusal_carries_machine_state_and_event() -> None:
    with pytest.raises(EventRefused) as caught:
        DOOR.decide("closed", "lock", {"resident"}, NO_KEY)

    refusal = caught.value
    assert (refusal.machine, refusal.state, refusal.event, str(refusal)) == (
        "door",
        "closed",
        "lock",
        "You need the key.",
    )


def test_decide_unknown_state_raises_unknown_state() -> None:
    with pytest.raises(UnknownState) as caught:
        DOOR.decide("ajar", "close", {"resident"}, KEY)

    assert str(caught.value) == "machine 'door' has no state 'ajar'"


def test_decide_roles_as_bare_string_raises_type_error() -> None:
    with pytest.raises(TypeError):
        DOOR.decide("closed", "lock", "resident", KEY)


def test_refusal_codes_are_distinct() -> None:
    codes = [cls.code for cls in (UnknownEvent, NotAllowedFromState, RoleNotAllowed, GuardsFailed)]

    assert codes == ["unknown_event", "not_allowed_from_state", "role_not_allowed", "guards_failed"]
