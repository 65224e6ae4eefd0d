"""Hypothesis strategies shared by the property tests, cached per machine and state.

Values come from small pools on purpose: equal instants, zero counts and empty lists (where
guards flip) and the roles a state grants are drawn often, so walks get past the guards.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from functools import cache
from typing import Any, get_type_hints

from hypothesis import strategies as st

from workflows.engine import Machine
from workflows.roles import ALL_ROLES

UNKNOWN_EVENTS = ("", "fly", "SUBMIT", "submit ")
INSTANTS = tuple(datetime(2030, 1, 1, hour, tzinfo=UTC) for hour in (8, 9, 10))
SENTENCES = ((), (), ("The first reason.",), ("The first reason.", "The second reason."))
FACTS: dict[Any, st.SearchStrategy[Any]] = {
    datetime: st.sampled_from(INSTANTS),
    int: st.sampled_from((0, 0, 1, 3)),
    bool: st.booleans(),
    # The application's contract: one non-empty sentence per item.
    tuple[str, ...]: st.sampled_from(SENTENCES),
}


@cache
def contexts(machine: Machine[Any]) -> st.SearchStrategy[Any]:
    """Random facts for `machine`'s context, so every guard both passes and fails."""
    hints = get_type_hints(machine.context)
    fields = {field.name: _fact(hints[field.name]) for field in dataclasses.fields(machine.context)}
    return st.builds(machine.context, **fields)


def _fact(hint: Any) -> st.SearchStrategy[Any]:
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
