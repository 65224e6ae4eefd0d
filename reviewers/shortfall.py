"""Why an assignment leaves slots empty: one Shortfall per under-filled group of a proposal,
and its explanation as a message (the report shows it in the reader's language)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from messages import Message, define
from reviewers._layout import Layout
from reviewers.candidates import IntArray


class ShortfallReason(StrEnum):
    """The cause of a shortfall, checked in this order."""

    # Fewer unconflicted, non-excluded candidates in the group than slots.
    TOO_FEW_CANDIDATES = "too_few_candidates"
    # The group's reviewers (pool, country or everyone) have fewer load slots in total than
    # the whole call asks of them.
    CAPACITY_TOO_LOW = "capacity_too_low"
    # Enough candidates and capacity overall, but the candidates' caps go to other proposals.
    CAPS_EXHAUSTED = "caps_exhausted"


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Slots of one proposal that the best assignment cannot fill.

    `pool_or_country` is the pool code (parallel mode) or the country code whose reserved
    slots are short (country quota); None means the slots open to any reviewer. `needed` is
    the group's slot count, `assigned` how many the returned assignment fills, and
    `available_candidates` how many candidates could enter the group at all (for the open
    slots of a proposal with a quota: candidates not needed for a reserved slot).
    """

    proposal: int
    pool_or_country: int | None
    needed: int
    assigned: int
    available_candidates: int
    reason: ShortfallReason


# Literal texts only: pybabel extracts string literals, not expressions.
_EXPLAINED = {
    (ShortfallReason.TOO_FEW_CANDIDATES, True): define(
        "shortfall.too_few_candidates",
        "{proposal}: too few candidate reviewers from {group} once conflicts of interest and "
        "declines are left out (needed {needed}, candidates {available}, assigned {assigned}).",
    ),
    (ShortfallReason.TOO_FEW_CANDIDATES, False): define(
        "shortfall.too_few_candidates_any",
        "{proposal}: too few candidate reviewers once conflicts of interest and declines are "
        "left out (needed {needed}, candidates {available}, assigned {assigned}).",
    ),
    (ShortfallReason.CAPACITY_TOO_LOW, True): define(
        "shortfall.capacity_too_low",
        "{proposal}: the load caps of the reviewers from {group} add up to fewer reviews than "
        "the call needs from them (needed {needed}, candidates {available}, assigned "
        "{assigned}).",
    ),
    (ShortfallReason.CAPACITY_TOO_LOW, False): define(
        "shortfall.capacity_too_low_any",
        "{proposal}: the reviewers' load caps add up to fewer reviews than the call needs "
        "(needed {needed}, candidates {available}, assigned {assigned}).",
    ),
    (ShortfallReason.CAPS_EXHAUSTED, True): define(
        "shortfall.caps_exhausted",
        "{proposal}: its candidates from {group} reached their load caps with other proposals "
        "(needed {needed}, candidates {available}, assigned {assigned}).",
    ),
    (ShortfallReason.CAPS_EXHAUSTED, False): define(
        "shortfall.caps_exhausted_any",
        "{proposal}: its candidates reached their load caps with other proposals "
        "(needed {needed}, candidates {available}, assigned {assigned}).",
    ),
}


def explain(shortfall: Shortfall, proposal: str, group: str | None) -> Message:
    """Why `shortfall`'s slots stay empty, as a message: `proposal` names the proposal (its
    reference), `group` the pool's agency code or the quota's country (None: the slots open
    to any reviewer)."""
    counts = {
        "proposal": proposal,
        "needed": shortfall.needed,
        "available": shortfall.available_candidates,
        "assigned": shortfall.assigned,
    }
    if group is None:
        return _EXPLAINED[(shortfall.reason, False)](**counts)
    return _EXPLAINED[(shortfall.reason, True)](**counts, group=group)


def diagnose(layout: Layout, entry_groups: IntArray, unfilled: IntArray) -> tuple[Shortfall, ...]:
    """List the groups with empty slots, ordered by proposal then group.

    `entry_groups` holds the entry group of every usable candidate pair (fixed ones included,
    excluded ones not); `unfilled` the empty slots per group after the solve.
    """
    short = np.flatnonzero(unfilled > 0)
    if short.size == 0:
        return ()
    available = _available(layout, entry_groups)
    capacity_low = layout.class_capacity < layout.class_demand
    result = []
    for g in short:
        needed = int(layout.need[g])
        if available[g] < needed:
            reason = ShortfallReason.TOO_FEW_CANDIDATES
        elif capacity_low[layout.klass[g]]:
            reason = ShortfallReason.CAPACITY_TOO_LOW
        else:
            reason = ShortfallReason.CAPS_EXHAUSTED
        label = int(layout.label[g])
        result.append(
            Shortfall(
                proposal=int(layout.proposal[g]),
                pool_or_country=None if label < 0 else label,
                needed=needed,
                assigned=needed - int(unfilled[g]),
                available_candidates=int(available[g]),
                reason=reason,
            )
        )
    result.sort(key=lambda s: (s.proposal, -1 if s.pool_or_country is None else s.pool_or_country))
    return tuple(result)


def _available(layout: Layout, entry_groups: IntArray) -> IntArray:
    """Candidates able to fill each group: direct entrants plus a hub's surplus."""
    direct = np.bincount(entry_groups, minlength=layout.need.size).astype(np.int64)
    hubs = np.flatnonzero(layout.parent >= 0)
    surplus = np.maximum(direct[hubs] - layout.need[hubs], 0)
    total = direct.copy()
    np.add.at(total, layout.parent[hubs], surplus)
    return total
