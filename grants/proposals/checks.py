"""Pure rules on a proposal's content: budget totals against the call's caps, what a submission
still lacks, and the years a project runs. No database, no Litestar: callers pass loaded rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from grants.db.models import BudgetLine, Call, CallAgency, Proposal, ProposalPart
from grants.money import Money, format_money


@dataclass(frozen=True, slots=True)
class PiElsewhere:
    """A PI of this proposal who is already PI of another submitted proposal in the call."""

    email: str
    agency_id: object
    other_reference: str


def year_totals(lines: Iterable[BudgetLine]) -> dict[int, int]:
    """The sum of a part's lines per project year, in year order."""
    totals: dict[int, int] = {}
    for line in sorted(lines, key=lambda x: x.year):
        totals[line.year] = totals.get(line.year, 0) + line.amount
    return totals


def terms_for(call: Call, part: ProposalPart) -> CallAgency:
    """The call's terms (currency, caps, rules) for the agency of `part`."""
    return next(t for t in call.agencies if t.agency_id == part.agency_id)


def cap_breaches(
    lines: Sequence[BudgetLine], terms: CallAgency, code: str, locale: str
) -> list[str]:
    """A sentence per year over the agency's yearly cap and one for a total over its project
    cap, naming the part, the year and the cap."""

    def money(amount: int) -> str:
        return format_money(Money(amount, terms.currency), locale)

    totals = year_totals(lines)
    breaches = [
        f"The {code} part's budget for year {year} is {money(amount)}, over {code}'s cap "
        f"of {money(terms.cap_per_year)} per year."
        for year, amount in totals.items()
        if terms.cap_per_year is not None and amount > terms.cap_per_year
    ]
    total = sum(totals.values())
    if terms.cap_total is not None and total > terms.cap_total:
        breaches.append(
            f"The {code} part's total budget {money(total)} is over {code}'s cap of "
            f"{money(terms.cap_total)} per project."
        )
    return breaches


def budget_warnings(part: ProposalPart, terms: CallAgency, duration: int, locale: str) -> list[str]:
    """Every way the part's budget breaks the call's rules for its agency, one sentence each:
    years beyond the duration, a year over the yearly cap, the total over the project cap, and
    indirect costs over their share of direct costs (integer arithmetic throughout)."""
    code, currency = part.agency.code, terms.currency

    def money(amount: int) -> str:
        return format_money(Money(amount, currency), locale)

    warnings = [
        f"The {code} part has budget lines for year {year}, but the project lasts "
        f"{duration} year{'' if duration == 1 else 's'}."
        for year in sorted({line.year for line in part.budget if line.year > duration})
    ]
    warnings += cap_breaches(part.budget, terms, code, locale)
    total = sum(year_totals(part.budget).values())
    indirect = sum(line.amount for line in part.budget if line.category == "indirect")
    direct = total - indirect
    if indirect * 100 > terms.max_indirect_percent * direct:
        warnings.append(
            f"The {code} part's indirect costs {money(indirect)} are over "
            f"{terms.max_indirect_percent}% of its direct costs {money(direct)}."
        )
    return warnings


def submission_problems(
    proposal: Proposal,
    call: Call,
    *,
    present_kinds: set[str],
    pis_elsewhere: Sequence[PiElsewhere],
    locale: str,
) -> tuple[str, ...]:
    """Every missing or wrong item that stops a submission, all at once, one sentence each."""
    problems = [
        f"The {name} has no English text."
        for name, texts in (("title", proposal.title), ("abstract", proposal.abstract))
        if not (texts.get("en") or "").strip()
    ]
    for part in proposal.parts:
        code = part.agency.code
        if part.pi_user_id is None:
            problems.append(f"The {code} part has no PI.")
        if not (part.institution_ror or part.institution_name):
            problems.append(f"The {code} part has no host institution (ROR id or name).")
        if not part.budget:
            problems.append(f"The {code} part has no budget.")
        problems += budget_warnings(part, terms_for(call, part), proposal.duration_years, locale)
    problems += [
        f"The required document '{kind.get('label') or kind['kind']}' ({kind['kind']}) is missing."
        for kind in call.document_kinds
        if kind.get("required") and kind["kind"] not in present_kinds
    ]
    problems += [
        f"{p.email} is already PI of {p.other_reference} in this call." for p in pis_elsewhere
    ]
    return tuple(problems)


def project_end(start: datetime.date, years: int) -> datetime.date:
    """The last day of a project of `years` years starting on `start`."""
    try:
        after = start.replace(year=start.year + years)
    except ValueError:  # 29 February into a non-leap year
        after = start.replace(year=start.year + years, day=28) + datetime.timedelta(days=1)
    return after - datetime.timedelta(days=1)


def overlap_years(
    a_start: datetime.date, a_years: int, b_start: datetime.date, b_years: int
) -> list[int]:
    """Calendar years in which both projects run (empty when they do not overlap)."""
    first = max(a_start, b_start)
    last = min(project_end(a_start, a_years), project_end(b_start, b_years))
    return list(range(first.year, last.year + 1)) if first <= last else []
