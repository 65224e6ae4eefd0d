"""Pure rules on a proposal's content: budget totals against the call's caps, what a submission
still lacks, and the years a project runs. No database, no Litestar: callers pass loaded rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from grants.db.models import BudgetLine, Call, CallAgency, Proposal, ProposalPart
from grants.money import Money
from messages import Message, define

TITLE_NOT_IN_ENGLISH = define(
    "proposal.submission.title_not_in_english", "The title has no English text."
)
ABSTRACT_NOT_IN_ENGLISH = define(
    "proposal.submission.abstract_not_in_english", "The abstract has no English text."
)
NO_PI = define("part.submission.no_pi", "The {agency} part has no PI.")
NO_INSTITUTION = define(
    "part.submission.no_institution", "The {agency} part has no host institution (ROR id or name)."
)
NO_BUDGET = define("part.submission.no_budget", "The {agency} part has no budget.")
YEAR_BEYOND_ONE_YEAR = define(
    "budget.year_beyond_one_year",
    "The {agency} part has budget lines for year {year}, but the project lasts 1 year.",
)
YEAR_BEYOND_DURATION = define(
    "budget.year_beyond_duration",
    "The {agency} part has budget lines for year {year}, but the project lasts {duration} years.",
)
YEAR_OVER_CAP = define(
    "budget.caps.year_over_cap",
    "The {agency} part's budget for year {year} is {amount}, over {agency}'s cap of {cap} per "
    "year.",
)
TOTAL_OVER_CAP = define(
    "budget.caps.total_over_cap",
    "The {agency} part's total budget {total} is over {agency}'s cap of {cap} per project.",
)
# "{percent}% of" would read as a printf conversion ("% o") to gettext's format checks.
INDIRECT_OVER_SHARE = define(
    "budget.indirect_over_share",
    "The {agency} part's indirect costs {indirect} are over the share of its direct costs "
    "{direct} that {agency} allows ({percent}%).",
)
DOCUMENT_MISSING = define(
    "document.submission.required_missing", "The required document '{label}' ({kind}) is missing."
)
PI_ELSEWHERE = define(
    "proposal.submission.pi_elsewhere", "{email} is already PI of {reference} in this call."
)


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


def cap_breaches(lines: Sequence[BudgetLine], terms: CallAgency, code: str) -> list[Message]:
    """A message per year over the agency's yearly cap and one for a total over its project
    cap, naming the part's agency, the year, the amount and the cap (as money)."""

    def money(amount: int) -> Money:
        return Money(amount, terms.currency)

    totals = year_totals(lines)
    breaches = [
        YEAR_OVER_CAP(agency=code, year=year, amount=money(amount), cap=money(terms.cap_per_year))
        for year, amount in totals.items()
        if terms.cap_per_year is not None and amount > terms.cap_per_year
    ]
    total = sum(totals.values())
    if terms.cap_total is not None and total > terms.cap_total:
        breaches.append(TOTAL_OVER_CAP(agency=code, total=money(total), cap=money(terms.cap_total)))
    return breaches


def _beyond(code: str, year: int, duration: int) -> Message:
    if duration == 1:
        return YEAR_BEYOND_ONE_YEAR(agency=code, year=year)
    return YEAR_BEYOND_DURATION(agency=code, year=year, duration=duration)


def budget_warnings(part: ProposalPart, terms: CallAgency, duration: int) -> list[Message]:
    """Every way the part's budget breaks the call's rules for its agency, one message each:
    years beyond the duration, a year over the yearly cap, the total over the project cap, and
    indirect costs over their share of direct costs (integer arithmetic throughout)."""
    code, currency = part.agency.code, terms.currency
    warnings = [
        _beyond(code, year, duration)
        for year in sorted({line.year for line in part.budget if line.year > duration})
    ]
    warnings += cap_breaches(part.budget, terms, code)
    total = sum(year_totals(part.budget).values())
    indirect = sum(line.amount for line in part.budget if line.category == "indirect")
    direct = total - indirect
    if indirect * 100 > terms.max_indirect_percent * direct:
        warnings.append(
            INDIRECT_OVER_SHARE(
                agency=code,
                indirect=Money(indirect, currency),
                percent=terms.max_indirect_percent,
                direct=Money(direct, currency),
            )
        )
    return warnings


def _part_problems(part: ProposalPart, call: Call, duration: int) -> list[Message]:
    code = part.agency.code
    problems = []
    if part.pi_user_id is None:
        problems.append(NO_PI(agency=code))
    if not (part.institution_ror or part.institution_name):
        problems.append(NO_INSTITUTION(agency=code))
    if not part.budget:
        problems.append(NO_BUDGET(agency=code))
    return problems + budget_warnings(part, terms_for(call, part), duration)


def submission_problems(
    proposal: Proposal,
    call: Call,
    *,
    present_kinds: set[str],
    pis_elsewhere: Sequence[PiElsewhere],
) -> tuple[Message, ...]:
    """Every missing or wrong item that stops a submission, all at once, one message each
    (rendered at the edge in the reader's language)."""
    problems = [
        missing()
        for missing, texts in (
            (TITLE_NOT_IN_ENGLISH, proposal.title),
            (ABSTRACT_NOT_IN_ENGLISH, proposal.abstract),
        )
        if not (texts.get("en") or "").strip()
    ]
    for part in proposal.parts:
        problems += _part_problems(part, call, proposal.duration_years)
    problems += [
        DOCUMENT_MISSING(label=kind.get("label") or kind["kind"], kind=kind["kind"])
        for kind in call.document_kinds
        if kind.get("required") and kind["kind"] not in present_kinds
    ]
    problems += [PI_ELSEWHERE(email=p.email, reference=p.other_reference) for p in pis_elsewhere]
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
