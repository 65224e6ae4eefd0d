"""The mail inviting someone to a draft, in the invitee's language: their account's saved
locale when the address has one, else the language of the part's agency's country (an invitee
to the Japanese side reads Japanese first), else English. The expiry is shown in the account's
time zone, else the agency's.
"""

from __future__ import annotations

from babel.languages import get_official_languages
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.emails import normalise
from grants.db.models import Agency, Proposal, ProposalInvitation, User
from grants.mail import queue
from messages import LOCALES, Instant, define, render

SUBJECT = define("invitation.mail.subject", "Invitation to join a proposal in {call}")
AS_PI = define(
    "invitation.mail.body_pi",
    "Hello,\n\n"
    'You are invited to join the joint proposal "{title}" in the call {call} as the PI of the '
    "{agency} part.\n\n"
    "Sign in to CoFund with this e-mail address ({email}), or create an account with it, and "
    "accept the invitation at {url} before {expires_at}.\n"
    "If you do not know this project, ignore this mail: nothing happens without you.\n",
)
AS_CO_INVESTIGATOR = define(
    "invitation.mail.body_co_investigator",
    "Hello,\n\n"
    'You are invited to join the joint proposal "{title}" in the call {call} as a '
    "co-investigator on the {agency} team.\n\n"
    "Sign in to CoFund with this e-mail address ({email}), or create an account with it, and "
    "accept the invitation at {url} before {expires_at}.\n"
    "If you do not know this project, ignore this mail: nothing happens without you.\n",
)


def country_locale(country: str) -> str:
    """The first official language of `country` that CoFund speaks, else English."""
    spoken = (language for language in get_official_languages(country) if language in LOCALES)
    return next(spoken, "en")


async def _reader(session: AsyncSession, email: str, agency: Agency) -> tuple[str, str]:
    """The invitee's locale and time zone (see the module docstring)."""
    account = (
        await session.execute(
            select(User.locale, User.time_zone).where(func.lower(User.email) == normalise(email))
        )
    ).first()
    if account is not None:
        return account[0], account[1]
    return country_locale(agency.country), agency.time_zone


async def mail_invitation(
    session: AsyncSession,
    inv: ProposalInvitation,
    proposal: Proposal,
    call_code: str,
    agency: Agency,
    base_url: str,
) -> None:
    """Queue the invitation's mail. The same mail whether or not the address has an account
    (but for its language): the answer to the inviter reveals nothing."""
    locale, zone = await _reader(session, inv.email, agency)
    body = AS_CO_INVESTIGATOR if inv.member_id else AS_PI
    text = body(
        title=proposal.title.get(locale) or proposal.title.get("en", ""),
        call=call_code,
        agency=agency.code,
        email=inv.email,
        url=f"{base_url}/api/invitations",
        expires_at=Instant(inv.expires_at, (zone,)),
    )
    await queue(
        session,
        to=inv.email,
        subject=render(SUBJECT(call=call_code), locale),
        body=render(text, locale),
        related_type="proposal_invitation",
        related_id=inv.id,
    )
