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
from grants.money import Money
from messages import Instant, Message, define

MIN_AGENCIES = 2

CLOSES_BEFORE_OPENING = define(
    "call.timing.closes_before_opening", "The call must close after it opens at {opens_at}."
)
REVIEW_BEFORE_CLOSING = define(
    "call.timing.review_before_closing",
    "The review deadline, {review_deadline}, must be after the call closes at {closes_at}.",
)
WEIGHTS = define("call.rubric.weights", "The rubric's weights add up to {total}, not 100.")
SCALE = define(
    "call.rubric.scale",
    "Criterion '{criterion}': the scale maximum, {scale_max}, must exceed its minimum, "
    "{scale_min}.",
)
CRITERION_TWICE = define("call.rubric.key_twice", "The criterion key '{key}' is listed twice.")
KIND_TWICE = define("call.document_kinds.kind_twice", "The kind '{kind}' is listed twice.")
DURATION_TWICE = define("call.durations.duration_twice", "The duration {years} is listed twice.")
SHARE_OUTSIDE_SHARED = define(
    "call.shares.outside_shared_mode", "A share is set only in shared mode."
)
NO_SHARE = define("call.shares.missing", "{agency} has no share of the budget.")
SHARES_TOTAL = define("call.shares.total", "The agencies' shares add up to {total}%, not 100%.")
JOINT_PANEL = define(
    "call.review.joint_panel",
    "{per_country} reviewers from each of {countries} countries exceed the {per_proposal} "
    "reviewers per proposal.",
)
TOO_FEW_AGENCIES = define(
    "call.setup.too_few_agencies", "A joint call needs at least {count} co-funding agencies."
)
NO_RUBRIC = define("call.setup.no_rubric", "The call has no review rubric.")
NO_DOCUMENT_KINDS = define("call.setup.no_document_kinds", "The call requires no document kinds.")
NO_CAP_PER_YEAR = define("call.caps.no_cap_per_year", "{agency} has no cap per project per year.")
NO_CAP_TOTAL = define("call.caps.no_cap_total", "{agency} has no cap per project in total.")
NO_ENVELOPE = define("call.caps.no_envelope", "{agency} has no envelope.")
YEAR_OVER_TOTAL = define(
    "call.caps.year_over_total",
    "{agency}'s cap per year, {cap_per_year}, is above its cap per project in total, {cap_total}.",
)
CAP_OVER_ENVELOPE = define(
    "call.caps.cap_over_envelope",
    "{agency}'s cap per project, {cap_total}, is above its envelope, {envelope}.",
)


@dataclass(frozen=True, slots=True)
class Terms:
    """One co-funding agency's amounts in a call, in its currency."""

    agency: str
    cap_per_year: Money | None
    cap_total: Money | None
    envelope: Money | None
    share_percent: int | None = None


@dataclass(frozen=True, slots=True)
class Setup:
    """The parts of a call its problems depend on; rubric and document kinds as plain dicts;
    `zones` the co-funders' time zones, in which the call's instants are shown."""

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
    zones: Sequence[str] = ()


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


def configuration_problems(setup: Setup) -> tuple[Message, ...]:
    """Every reason the call cannot be published yet, one message each (contradictions first)."""
    return tuple(_message(e.reason) for e in publication_problems(setup))


def publication_problems(setup: Setup) -> list[FieldError]:
    """`configuration_problems` with the field each one is about (`agencies[1].envelope`,
    `rubric`), so a form shows each message next to its field."""
    missing = []
    if len(setup.terms) < MIN_AGENCIES:
        missing.append(FieldError("agencies", TOO_FEW_AGENCIES(count=MIN_AGENCIES)))
    for index, terms in enumerate(setup.terms):
        missing.extend(_amount_problems(index, terms))
    if not setup.rubric:
        missing.append(FieldError("rubric", NO_RUBRIC()))
    if not setup.document_kinds:
        missing.append(FieldError("document_kinds", NO_DOCUMENT_KINDS()))
    return consistency(setup) + missing


def _message(reason: Message | str) -> Message:
    assert isinstance(reason, Message)  # every check here speaks in messages
    return reason


def _timing(setup: Setup) -> list[FieldError]:
    errors = []
    zones = tuple(setup.zones)
    if setup.closes_at <= setup.opens_at:
        opens_at = Instant(setup.opens_at, zones)
        errors.append(FieldError("closes_at", CLOSES_BEFORE_OPENING(opens_at=opens_at)))
    if setup.review_deadline is not None and setup.review_deadline <= setup.closes_at:
        late = REVIEW_BEFORE_CLOSING(
            review_deadline=Instant(setup.review_deadline, zones),
            closes_at=Instant(setup.closes_at, zones),
        )
        errors.append(FieldError("review_deadline", late))
    return errors


def _rubric(rubric: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    errors = []
    total = sum(c["weight"] for c in rubric)
    if rubric and total != 100:
        errors.append(FieldError("rubric", WEIGHTS(total=total)))
    for i, c in enumerate(rubric):
        if c["scale_min"] >= c["scale_max"]:
            scale = SCALE(criterion=c["key"], scale_min=c["scale_min"], scale_max=c["scale_max"])
            errors.append(FieldError(f"rubric[{i}].scale_max", scale))
    keys = [c["key"] for c in rubric]
    return errors + [FieldError(f"rubric[{i}]", CRITERION_TWICE(key=k)) for i, k in _twice(keys)]


def _twice(values: Sequence[Any]) -> list[tuple[int, Any]]:
    """Each repeat of a value listed before, with its index."""
    counts = Counter(values)
    seen: set[Any] = set()
    repeats = []
    for i, value in enumerate(values):
        if counts[value] > 1 and value in seen:
            repeats.append((i, value))
        seen.add(value)
    return repeats


def _kinds_twice(setup: Setup) -> list[FieldError]:
    kinds = [k["kind"] for k in setup.document_kinds]
    return [FieldError(f"document_kinds[{i}]", KIND_TWICE(kind=k)) for i, k in _twice(kinds)]


def _durations_twice(setup: Setup) -> list[FieldError]:
    twice = _twice(list(setup.durations))
    return [FieldError(f"durations[{i}]", DURATION_TWICE(years=y)) for i, y in twice]


def _shares(setup: Setup) -> list[FieldError]:
    if setup.cofunding_mode != "shared":
        return [
            FieldError(f"agencies[{i}].share_percent", SHARE_OUTSIDE_SHARED())
            for i, t in enumerate(setup.terms)
            if t.share_percent is not None
        ]
    errors = [
        FieldError(f"agencies[{i}].share_percent", NO_SHARE(agency=t.agency))
        for i, t in enumerate(setup.terms)
        if t.share_percent is None
    ]
    total = sum(t.share_percent or 0 for t in setup.terms)
    if not errors and total != 100:
        errors.append(FieldError("agencies", SHARES_TOTAL(total=total)))
    return errors


def _joint_panel(setup: Setup) -> list[FieldError]:
    # In joint review one pool must hold the minimum from every co-funder's country at once.
    needed = setup.min_reviewers_per_country * len(setup.terms)
    if setup.review_mode != "joint" or needed <= setup.reviewers_per_proposal:
        return []
    panel = JOINT_PANEL(
        per_country=setup.min_reviewers_per_country,
        countries=len(setup.terms),
        per_proposal=setup.reviewers_per_proposal,
    )
    return [FieldError("min_reviewers_per_country", panel)]


def _amount_problems(index: int, terms: Terms) -> list[FieldError]:
    agency, envelope = terms.agency, terms.envelope
    per_year, total = terms.cap_per_year, terms.cap_total
    path = f"agencies[{index}]"
    problems = [
        FieldError(f"{path}.{name}", missing(agency=agency))
        for missing, name, value in (
            (NO_CAP_PER_YEAR, "cap_per_year", per_year),
            (NO_CAP_TOTAL, "cap_total", total),
            (NO_ENVELOPE, "envelope", envelope),
        )
        if value is None
    ]
    if per_year is not None and total is not None and per_year > total:
        over = YEAR_OVER_TOTAL(agency=agency, cap_per_year=per_year, cap_total=total)
        problems.append(FieldError(f"{path}.cap_per_year", over))
    if total is not None and envelope is not None and total > envelope:
        over = CAP_OVER_ENVELOPE(agency=agency, cap_total=total, envelope=envelope)
        problems.append(FieldError(f"{path}.cap_total", over))
    return problems


_CHECKS: tuple[tuple[frozenset[str], Callable[[Setup], list[FieldError]]], ...] = (
    (frozenset({"opens_at", "closes_at", "review_deadline"}), _timing),
    (frozenset({"rubric"}), lambda s: _rubric(s.rubric)),
    (frozenset({"document_kinds"}), _kinds_twice),
    (frozenset({"durations"}), _durations_twice),
    (frozenset({"cofunding_mode", "terms"}), _shares),
    (
        frozenset({"review_mode", "reviewers_per_proposal", "min_reviewers_per_country", "terms"}),
        _joint_panel,
    ),
)
"""Each check of `consistency` with the set-up fields it reads."""

_SETUP_FIELDS = tuple(f.name for f in dataclasses.fields(Setup) if f.name not in ("terms", "zones"))
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_BLANK = Setup(_EPOCH, _EPOCH, None, "own_side", (), (), (), ())
"""Stands in for refused fields; the checks reading them are skipped (`consistency`)."""
