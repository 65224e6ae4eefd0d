"""Loading a proposal's enterprise partners, their matching funds against the call's rules, and
what a submission still lacks on their account (every reason, like the caps)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from grants.db.models import Call, EnterprisePartner, Proposal, ProposalPart
from grants.fx.services import recorded_rates
from grants.money import Money
from grants.partners import matching
from grants.proposals import checks
from messages import Message, define
from schedules.fx import RecordedRate

PARTNER_REQUIRED = define(
    "partner.submission.required",
    "{agency} requires at least one enterprise partner on its part.",
)
NO_LETTER = define(
    "partner.submission.no_letter",
    "The {agency} part's enterprise partner {partner} has no letter of commitment.",
)
CONTRIBUTION_BEYOND = define(
    "partner.submission.year_beyond_duration",
    "The {agency} part's enterprise partner {partner} commits for year {year}, but the project "
    "lasts {duration} years.",
)
MATCHING_SHORT = define(
    "partner.submission.matching_short",
    "The {agency} part's enterprise partners commit {committed} against its budget of {budget} "
    "(a share of {share}%); {agency} requires at least {minimum}%: {shortfall} more is needed.",
)
MATCHING_NO_RATE = define(
    "partner.submission.no_rate",
    "No {base}/{quote} rate is recorded on or before {day}: the {agency} part's contributions "
    "in {base} cannot be counted towards its matching funds.",
)
MEMBER_ABROAD = define(
    "member.submission.abroad_not_allowed",
    "{name} is based in {country}; {agency} does not allow members based abroad on its part in "
    "this call.",
)


async def load_partners(session: AsyncSession, *proposals: Proposal) -> None:
    """Load the partners (and their contributions) of the proposals' parts that have none
    loaded, in two queries; partners already in memory are kept."""
    parts = [p for pr in proposals for p in pr.parts if "partners" in inspect(p).unloaded]
    if not parts:
        return
    found: dict[uuid.UUID, list[EnterprisePartner]] = {p.id: [] for p in parts}
    rows = await session.scalars(
        select(EnterprisePartner)
        .where(EnterprisePartner.part_id.in_(found))
        .order_by(EnterprisePartner.created_at, EnterprisePartner.id)
    )
    for row in rows:
        found[row.part_id].append(row)
    for part in parts:
        set_committed_value(part, "partners", found[part.id])


def committed_total(partner: EnterprisePartner) -> int:
    """Everything the partner commits, cash and in kind, every year (its currency)."""
    return sum(c.amount for c in partner.contributions)


async def rates_for(
    session: AsyncSession, proposal: Proposal, call: Call, as_of: datetime.date
) -> dict[str, list[RecordedRate]]:
    """Per agency currency of the call, the rates recorded on or before `as_of` between it and
    the currencies its part's partners contribute in (no query when none is foreign)."""
    found: dict[str, list[RecordedRate]] = {}
    for part in proposal.parts:
        currency = checks.terms_for(call, part).currency
        foreign = {p.currency for p in part.partners} - {currency}
        if foreign:
            found[currency] = found.get(currency, []) + await recorded_rates(
                session, foreign, currency, as_of
            )
    return found


def part_matching(
    part: ProposalPart,
    call: Call,
    rates: Sequence[RecordedRate],
    as_of: datetime.date,
) -> tuple[int, matching.Counted]:
    """The part's budget total and its partners' commitments counted in the agency's currency
    (budget and partners loaded)."""
    terms = checks.terms_for(call, part)
    budget = sum(line.amount for line in part.budget)
    amounts = [(c.amount, p.currency) for p in part.partners for c in p.contributions]
    return budget, matching.counted_in(amounts, terms.currency, rates, as_of)


def _matching_problems(
    part: ProposalPart, call: Call, rates: Sequence[RecordedRate], as_of: datetime.date
) -> list[Message]:
    terms, code = checks.terms_for(call, part), part.agency.code
    if terms.min_matching_percent is None:
        return []
    budget, counted = part_matching(part, call, rates, as_of)
    problems: list[Message] = [
        MATCHING_NO_RATE(base=missing, quote=terms.currency, day=as_of, agency=code)
        for missing in counted.unconverted
    ]
    short = matching.shortfall(budget, counted.total, terms.min_matching_percent)
    if short > 0:
        problems.append(
            MATCHING_SHORT(
                agency=code,
                committed=Money(counted.total, terms.currency),
                budget=Money(budget, terms.currency),
                share=matching.share_percent(budget, counted.total),
                minimum=terms.min_matching_percent,
                shortfall=Money(short, terms.currency),
            )
        )
    return problems


def part_problems(
    part: ProposalPart,
    call: Call,
    duration: int,
    rates: Sequence[RecordedRate],
    as_of: datetime.date,
) -> list[Message]:
    """Every reason the part's partners and members abroad stop a submission: a required
    partner missing, a partner without its letter of commitment, a commitment beyond the
    project's years, matching funds short of the call's minimum (or not convertible), a member
    based abroad where the agency does not allow it."""
    terms, code = checks.terms_for(call, part), part.agency.code
    problems: list[Message] = []
    if terms.partner_required and not part.partners:
        problems.append(PARTNER_REQUIRED(agency=code))
    for partner in part.partners:
        name = partner.legal_name_en
        if partner.letter_document_id is None:
            problems.append(NO_LETTER(agency=code, partner=name))
        problems += [
            CONTRIBUTION_BEYOND(agency=code, partner=name, year=year, duration=duration)
            for year in sorted({c.year for c in partner.contributions if c.year > duration})
        ]
    problems += _matching_problems(part, call, rates, as_of)
    if not terms.members_abroad_allowed:
        problems += [
            MEMBER_ABROAD(name=m.name, country=m.based_in, agency=code)
            for m in part.members
            if m.based_in is not None and m.based_in != part.agency.country
        ]
    return problems


async def submission_problems(
    session: AsyncSession, proposal: Proposal, call: Call, today: datetime.date
) -> list[Message]:
    """`part_problems` of every part (budgets loaded by the caller), in the parts' order."""
    await load_partners(session, proposal)
    rates = await rates_for(session, proposal, call, today)
    problems: list[Message] = []
    for part in proposal.parts:
        currency = checks.terms_for(call, part).currency
        found = part_problems(part, call, proposal.duration_years, rates.get(currency, []), today)
        problems += found
    return problems
