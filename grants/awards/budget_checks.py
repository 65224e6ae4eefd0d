"""An approved budget against what the agency's side requested and the call's caps for that
agency: every refused line and every broken cap at once. No database: callers pass the rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from grants.awards.schemas import ApprovedLineIn
from grants.db.models import CallAgency
from grants.errors import FieldError
from grants.money import Money
from messages import define

WRONG_CURRENCY = define("decision.budget.wrong_currency", "{agency} funds its side in {currency}.")
YEAR_BEYOND = define(
    "decision.budget.year_beyond_duration",
    "The project lasts {duration} years; there is no year {year}.",
)
LISTED_TWICE = define(
    "decision.budget.line_twice", "Year {year}, {category} is listed more than once."
)
OVER_REQUEST = define(
    "decision.budget.over_request",
    "{approved} is more than the {requested} requested for year {year}, {category}.",
)
OVER_YEAR_CAP = define(
    "decision.budget.over_year_cap",
    "The approved budget for year {year} totals {total}, over {agency}'s cap of {cap} per year.",
)
OVER_TOTAL_CAP = define(
    "decision.budget.over_total_cap",
    "The approved budget totals {total}, over {agency}'s cap of {cap} per project.",
)

Requested = Mapping[tuple[int, str], int]


def approval_errors(
    lines: Sequence[ApprovedLineIn],
    requested: Requested,
    terms: CallAgency,
    *,
    agency: str,
    duration: int,
    field: str = "budget",
) -> list[FieldError]:
    """Every way `lines` break the rules, named by their path under `field`: a line in another
    currency, beyond the project's years, listed twice, or above what was requested for it (a
    line not requested was requested at zero); then each project year over the agency's yearly
    cap and the total over its project cap."""
    errors: list[FieldError] = []
    seen: set[tuple[int, str]] = set()
    for i, line in enumerate(lines):
        errors += _line_errors(line, f"{field}[{i}]", seen, requested, terms, agency, duration)
        seen.add((line.year, line.category))
    return errors + cap_errors(lines, terms, agency, field)


def _line_errors(
    line: ApprovedLineIn,
    at: str,
    seen: set[tuple[int, str]],
    requested: Requested,
    terms: CallAgency,
    agency: str,
    duration: int,
) -> list[FieldError]:
    errors = []
    if line.currency != terms.currency:
        errors.append(
            FieldError(f"{at}.currency", WRONG_CURRENCY(agency=agency, currency=terms.currency))
        )
    if line.year > duration:
        errors.append(FieldError(f"{at}.year", YEAR_BEYOND(duration=duration, year=line.year)))
    if (line.year, line.category) in seen:
        errors.append(FieldError(at, LISTED_TWICE(year=line.year, category=line.category)))
    asked = requested.get((line.year, line.category), 0)
    if line.amount > asked:
        reason = OVER_REQUEST(
            approved=Money(line.amount, terms.currency),
            requested=Money(asked, terms.currency),
            year=line.year,
            category=line.category,
        )
        errors.append(FieldError(f"{at}.amount", reason))
    return errors


def cap_errors(
    lines: Sequence[ApprovedLineIn], terms: CallAgency, agency: str, field: str
) -> list[FieldError]:
    """Each project year of `lines` over the agency's yearly cap and their total over its
    project cap, named at `field` (a budget move's result is checked with it too)."""
    by_year: dict[int, int] = {}
    for line in lines:
        by_year[line.year] = by_year.get(line.year, 0) + line.amount
    errors = []
    money = terms.currency
    if terms.cap_per_year is not None:
        errors += [
            FieldError(
                field,
                OVER_YEAR_CAP(
                    year=year,
                    total=Money(total, money),
                    agency=agency,
                    cap=Money(terms.cap_per_year, money),
                ),
            )
            for year, total in sorted(by_year.items())
            if total > terms.cap_per_year
        ]
    total = sum(by_year.values())
    if terms.cap_total is not None and total > terms.cap_total:
        reason = OVER_TOTAL_CAP(
            total=Money(total, money), agency=agency, cap=Money(terms.cap_total, money)
        )
        errors.append(FieldError(field, reason))
    return errors
