"""Hypothesis strategies shared by the property tests, cached per machine and state.

Values come from small pools on purpose: equal instants, zero counts and empty lists (where
guards flip) and the roles a state grants are drawn often, so walks get past the guards.
Time zones are real IANA names, so every refusal can be rendered.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from functools import cache
from typing import Any, get_type_hints

from hypothesis import strategies as st

from messages import Message, define
from workflows.engine import Machine
from workflows.roles import ALL_ROLES

UNKNOWN_EVENTS = ("", "fly", "SUBMIT", "submit ")
INSTANTS = tuple(datetime(2030, 1, 1, hour, tzinfo=UTC) for hour in (8, 9, 10))
FIRST = define("test.workflows.first_reason", "The first reason.")
SECOND = define("test.workflows.second_reason", "The second reason, about {agency}.")
REASONS: tuple[tuple[Message, ...], ...] = (
    (),
    (),
    (FIRST(),),
    (FIRST(), SECOND(agency="JST")),
)
CODES = ((), (), ("JST",), ("JST", "NAFOSTED"))
ZONES = ((), ("Asia/Tokyo",), ("Asia/Tokyo", "Asia/Ho_Chi_Minh"))
FACTS: dict[Any, st.SearchStrategy[Any]] = {
    datetime: st.sampled_from(INSTANTS),
    int: st.sampled_from((0, 0, 1, 3)),
    bool: st.booleans(),
    # The application's contract: one message per problem; agency codes and criteria names.
    tuple[Message, ...]: st.sampled_from(REASONS),
    tuple[Message | str, ...]: st.sampled_from((*REASONS, ("A reason on record.",))),
    tuple[str, ...]: st.sampled_from(CODES),
}


@cache
def contexts(machine: Machine[Any]) -> st.SearchStrategy[Any]:
    """Random facts for `machine`'s context, so every guard both passes and fails."""
    hints = get_type_hints(machine.context)
    fields = {f.name: _fact(f.name, hints[f.name]) for f in dataclasses.fields(machine.context)}
    return st.builds(machine.context, **fields)


def _fact(name: str, hint: Any) -> st.SearchStrategy[Any]:
    if name == "zones":
        return st.sampled_from(ZONES)
    return FACTS[hint] if hint in FACTS else st.from_type(hint)


@cache
def events_from(machine: Machine[Any], state: str) -> st.SearchStrategy[str]:
    """Mostly an event the table allows from `state`; sometimes any event or an unknown name."""
    here = [t.event for t in machine.transitions_from(state)] or list(machine.events)
    # Weighted by repetition: walks must move forward often enough to reach the last states.
    return st.sampled_from(here * 6 + list(machine.events) + list(UNKNOWN_EVENTS))


@cache
def roles_from(machine: Machine[Any], state: str) -> st.SearchStrategy[frozenset[str]]:
    """A set of known roles, weighted towards those the table grants from `state`."""
    granted = sorted({r for t in machine.transitions_from(state) for r in t.roles})
    return st.frozensets(st.sampled_from(sorted(ALL_ROLES) + granted * 4), max_size=3)
