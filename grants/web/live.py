"""The parts of the proposal page that update in place as the researcher types (htmx): the
ROR id's institution looked up in the local registry, the ORCID iD's check, and the budget
table's totals against the agency's caps. Each is computed here, on the server, in the page's
language and the agency's currency, and drawn by a fragment template; the same fragments are
part of the full page, so without JavaScript the page shows them after each save."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import get_currency_precision

from grants.common.codes import orcid
from grants.db.models import BudgetLine
from grants.db.models.proposals import BUDGET_CATEGORIES
from grants.proposals.checks import cap_breaches, year_totals
from grants.web.ror_registry import Institution, lookup
from messages import Message, MessageError, define, render

ROR_UNLISTED = define(
    "web.ror.unlisted",
    "Not in CoFund's copy of the ROR registry: the name you type is saved, marked as not verified.",
)
ORCID_WELL_FORMED = define("web.orcid.valid", "A well-formed ORCID iD: {orcid}.")


@dataclass(frozen=True, slots=True)
class RorCheck:
    """What the page says of a typed ROR id: the listed institution, or that it is well formed
    but unlisted (`unlisted`), or why it is not a ROR id (`error`); all empty for no id."""

    institution: Institution | None = None
    unlisted: str = ""
    error: str = ""


def ror_check(value: str | None, locale: str) -> RorCheck:
    if not (value or "").strip():
        return RorCheck()
    try:
        found = lookup(value or "")
    except MessageError as exc:
        return RorCheck(error=render(exc.message, locale))
    return RorCheck(found) if found else RorCheck(unlisted=render(ROR_UNLISTED(), locale))


@dataclass(frozen=True, slots=True)
class OrcidCheck:
    valid: str = ""
    error: str = ""


def orcid_check(value: str | None, locale: str) -> OrcidCheck:
    if not (value or "").strip():
        return OrcidCheck()
    try:
        return OrcidCheck(valid=render(ORCID_WELL_FORMED(orcid=orcid(value or "")), locale))
    except MessageError as exc:
        return OrcidCheck(error=render(exc.message, locale))


@dataclass(frozen=True, slots=True)
class Totals:
    """A budget table's sums in minor units: per year, in all, which years and whether the
    total are over the agency's caps, and each breach said in the page's language."""

    by_year: dict[int, int]
    total: int
    over_years: frozenset[int]
    total_over: bool
    warnings: tuple[str, ...]


def budget_totals(
    lines: list[dict[str, Any]], terms: Any, agency: str, years: int, locale: str
) -> Totals:
    """The totals of the lines typed so far (`part_pages.budget_lines`; a cell that is not a
    whole number of minor units counts as nothing until it is), against the call's caps."""
    counted = [
        BudgetLine(year=line["year"], category=line["category"], amount=line["amount"])
        for line in lines
        if isinstance(line["amount"], int) and line["amount"] >= 0
    ]
    sums = year_totals(counted)
    by_year = {year: sums.get(year, 0) for year in range(1, years + 1)}
    total = sum(sums.values())
    cap_year, cap_total = terms.cap_per_year, terms.cap_total
    breaches: list[Message] = cap_breaches(counted, terms, agency)
    return Totals(
        by_year,
        total,
        frozenset(y for y, s in by_year.items() if cap_year is not None and s > cap_year),
        cap_total is not None and total > cap_total,
        tuple(render(b, locale) for b in breaches),
    )


def budget_field(agency: str, year: int, category: str) -> str:
    """The budget table's input for one year and category of a side."""
    return f"{agency}-budget-{year}-{category}"


def budget_lines(form: dict[str, str], agency: str, currency: str, years: int) -> Iterator[Any]:
    """The table's filled cells as the API's budget lines: the amount typed in the currency's
    major unit, sent in minor units when it is a whole number of them (otherwise as typed, so
    the service refuses it with its own message)."""
    exponent = get_currency_precision(currency)
    for year in range(1, years + 1):
        for category in BUDGET_CATEGORIES:
            typed = form.get(budget_field(agency, year, category), "").strip()
            if not typed:
                continue
            amount: int | str = typed
            try:
                minor = Decimal(typed.replace(",", "").replace(" ", "")).scaleb(exponent)
                if minor == minor.to_integral_value():
                    amount = int(minor)
            except InvalidOperation:
                pass
            yield {"year": year, "category": category, "amount": amount, "currency": currency}
