"""Decision letters: when a proposal is awarded or rejected, each PI gets the outcome by mail,
in their own language (their saved choice, else their side's country: Japanese on the
Japanese side, Vietnamese on the Vietnamese side), queued in the decision's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import answers
from grants.awards.decisions import funding
from grants.db.models import Call, Grant, Proposal, User
from grants.mail.outbox import queue
from grants.mail.templates import render_mail
from grants.money import Money

COUNTRY_LANGUAGES = {"JP": "ja", "VN": "vi"}


@dataclass(frozen=True, slots=True)
class Side:
    """One agency's line in a letter: the grant number and award, or the decision's reason."""

    agency: str
    number: str | None = None
    total: Money | None = None
    rationale: str | None = None


async def send(session: AsyncSession, proposal: Proposal, call: Call, *, awarded: bool) -> None:
    """Queue one letter per PI of `proposal` (parts and members loaded) on its outcome."""
    grant = None
    if awarded:
        grant = await session.scalar(select(Grant).where(Grant.proposal_id == proposal.id))
    sides = _awarded(grant) if grant is not None else await _rejected(session, proposal)
    pis = [(part, m) for part in proposal.parts for m in part.members if m.role == "pi"]
    accounts = await _accounts(session, [m.user_id for _, m in pis if m.user_id is not None])
    for part, pi in pis:
        saved = accounts.get(pi.user_id) if pi.user_id else None
        locale = saved or COUNTRY_LANGUAGES.get(part.agency.country, "en")
        name = "decision_awarded" if grant is not None else "decision_rejected"
        subject, body = render_mail(
            name,
            locale,
            pi_name=pi.name,
            reference=proposal.reference or "",
            call_code=call.code,
            title=proposal.title.get(locale) or proposal.title.get("en", ""),
            sides=sides,
            start=grant.start_date if grant else None,
            end=grant.end_date if grant else None,
        )
        await queue(
            session,
            to=pi.email,
            subject=subject,
            body=body,
            related_type="proposal_decision",
            related_id=proposal.id,
        )


def _awarded(grant: Grant) -> list[Side]:
    return [
        Side(s.agency.code, number=s.number, total=Money(s.awarded_total, s.currency))
        for s in grant.sides
    ]


async def _rejected(session: AsyncSession, proposal: Proposal) -> list[Side]:
    """The agencies that rejected, each with its rationale (an approval is not news here)."""
    codes = {part.agency_id: part.agency.code for part in proposal.parts}
    return [
        Side(codes.get(a.agency_id, ""), rationale=a.rationale)
        for a in (await answers(session, funding(proposal))).values()
        if a.decision == "reject"
    ]


async def _accounts(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The saved language of each account that chose one."""
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.locale).where(User.id.in_(ids)))
    return {user_id: locale for user_id, locale in rows if locale}
