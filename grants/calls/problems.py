"""What is wrong with a call's set-up: pure functions on plain data, no database.

`consistency` finds contradictions (refused at once on create and edit, 422 with field paths);
`configuration_problems` adds what is still missing before the call may be published. The
closing time being in the past is the call machine's own guard, so it is not repeated here.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from grants.errors import FieldError

MIN_AGENCIES = 2


@dataclass(frozen=True, slots=True)
class Terms:
    """One co-funding agency's amounts in a call (minor units of its currency)."""

    agency: str
    cap_per_year: int | None
    cap_total: int | None
    envelope: int | None
    share_percent: int | None = None


@dataclass(frozen=True, slots=True)
class Setup:
    """The parts of a call its problems depend on; rubric and document kinds as plain dicts."""

    opens_at: datetime
    closes_at: datetime
    review_deadline: datetime | None
    cofunding_mode: str
    rubric: Sequence[Mapping[str, Any]]
    document_kinds: Sequence[Mapping[str, Any]]
    durations: Sequence[int]
    terms: Sequence[Terms]
    review_mode: str = "parallel"
    reviewers_per_proposal: int = 3
    min_reviewers_per_country: int = 0


def consistency(setup: Setup, valid: Collection[str] | None = None) -> list[FieldError]:
    """Every contradiction in the set-up, each naming its field path. `valid` names the
    fields that can be trusted (None: all); a check needing another one is skipped."""
    trusted = None if valid is None else set(valid)
    return [
        error
        for needs, check in _CHECKS
        if trusted is None or needs <= trusted
        for error in check(setup)
    ]


def partial_consistency(values: Mapping[str, Any]) -> list[FieldError]:
    """`consistency` of a create body some of whose fields were refused: `values` holds the
    valid ones as plain data (`agencies` as dicts), each check runs when its fields are there."""
    given = {name: values[name] for name in _SETUP_FIELDS if name in values}
    terms = [
        Terms(t["agency"], None, None, None, t.get("share_percent"))
        for t in values.get("agencies", ())
    ]
    setup = dataclasses.replace(_BLANK, **given, terms=terms)
    valid = set(given) | ({"terms"} if "agencies" in values else set())
    return consistency(setup, valid)


def configuration_problems(setup: Setup) -> tuple[str, ...]:
    """Every reason the call cannot be published yet, one sentence each (contradictions first)."""
    missing = []
    if len(setup.terms) < MIN_AGENCIES:
        missing.append(f"A joint call needs at least {MIN_AGENCIES} co-funding agencies.")
    for terms in setup.terms:
        missing.extend(_amount_problems(terms))
    if not setup.rubric:
        missing.append("The call has no review rubric.")
    if not setup.document_kinds:
        missing.append("The call requires no document kinds.")
    return tuple(e.reason for e in consistency(setup)) + tuple(missing)


def _timing(setup: Setup) -> list[FieldError]:
    errors = []
    if setup.closes_at <= setup.opens_at:
        errors.append(FieldError("closes_at", "The call must close after it opens."))
    if setup.review_deadline is not None and setup.review_deadline <= setup.closes_at:
        errors.append(
            FieldError("review_deadline", "The review deadline must be after the call closes.")
        )
    return errors


def _rubric(rubric: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    errors = []
    total = sum(c["weight"] for c in rubric)
    if rubric and total != 100:
        errors.append(FieldError("rubric", f"The rubric's weights add up to {total}, not 100."))
    for i, criterion in enumerate(rubric):
        if criterion["scale_min"] >= criterion["scale_max"]:
            errors.append(
                FieldError(
                    f"rubric[{i}].scale_max",
                    f"Criterion {criterion['key']!r}: the scale maximum must exceed its minimum.",
                )
            )
    return errors + _duplicates("rubric", [c["key"] for c in rubric], "criterion key")


def _duplicates(field: str, values: list[Any], what: str) -> list[FieldError]:
    counts = Counter(values)
    seen: set[Any] = set()
    errors = []
    for i, value in enumerate(values):
        if counts[value] > 1 and value in seen:
            errors.append(FieldError(f"{field}[{i}]", f"The {what} {value!r} is listed twice."))
        seen.add(value)
    return errors


def _shares(setup: Setup) -> list[FieldError]:
    if setup.cofunding_mode != "shared":
        return [
            FieldError(f"agencies[{i}].share_percent", "A share is set only in shared mode.")
            for i, t in enumerate(setup.terms)
            if t.share_percent is not None
        ]
    errors = [
        FieldError(f"agencies[{i}].share_percent", f"{t.agency} has no share of the budget.")
        for i, t in enumerate(setup.terms)
        if t.share_percent is None
    ]
    total = sum(t.share_percent or 0 for t in setup.terms)
    if not errors and total != 100:
        errors.append(FieldError("agencies", f"The agencies' shares add up to {total}%, not 100%."))
    return errors


def _joint_panel(setup: Setup) -> list[FieldError]:
    # In joint review one pool must hold the minimum from every co-funder's country at once.
    needed = setup.min_reviewers_per_country * len(setup.terms)
    if setup.review_mode != "joint" or needed <= setup.reviewers_per_proposal:
        return []
    return [
        FieldError(
            "min_reviewers_per_country",
            f"{setup.min_reviewers_per_country} reviewers from each of {len(setup.terms)} "
            f"countries exceed the {setup.reviewers_per_proposal} reviewers per proposal.",
        )
    ]


def _amount_problems(terms: Terms) -> list[str]:
    missing = [
        label
        for label, value in (
            ("cap per project per year", terms.cap_per_year),
            ("cap per project in total", terms.cap_total),
            ("envelope", terms.envelope),
        )
        if value is None
    ]
    problems = [f"{terms.agency} has no {label}." for label in missing]
    if terms.cap_per_year and terms.cap_total and terms.cap_per_year > terms.cap_total:
        problems.append(f"{terms.agency}'s cap per year is above its cap per project in total.")
    if terms.cap_total and terms.envelope and terms.cap_total > terms.envelope:
        problems.append(f"{terms.agency}'s cap per project is above its envelope.")
    return problems


_CHECKS: tuple[tuple[frozenset[str], Callable[[Setup], list[FieldError]]], ...] = (
    (frozenset({"opens_at", "closes_at", "review_deadline"}), _timing),
    (frozenset({"rubric"}), lambda s: _rubric(s.rubric)),
    (
        frozenset({"document_kinds"}),
        lambda s: _duplicates("document_kinds", [k["kind"] for k in s.document_kinds], "kind"),
    ),
    (frozenset({"durations"}), lambda s: _duplicates("durations", list(s.durations), "duration")),
    (frozenset({"cofunding_mode", "terms"}), _shares),
    (
        frozenset({"review_mode", "reviewers_per_proposal", "min_reviewers_per_country", "terms"}),
        _joint_panel,
    ),
)
"""Each check of `consistency` with the set-up fields it reads."""

_SETUP_FIELDS = tuple(f.name for f in dataclasses.fields(Setup) if f.name != "terms")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BLANK = Setup(_EPOCH, _EPOCH, None, "own_side", (), (), (), ())
"""Stands in for refused fields; the checks reading them are skipped (`consistency`)."""
