"""The mails written from templates in the recipient's language: what each template is given,
so the services that send them only say to whom and about what."""

from __future__ import annotations

from grants.db.models import Call, Proposal, User
from grants.mail.templates import render_mail
from messages import Instant


def _in(text: dict[str, str], locale: str) -> str:
    """A multilingual text in `locale`, else its English (always there)."""
    return text.get(locale) or text.get("en", "")


def review_invitation(reviewer: User, proposal: Proposal, call: Call, link: str) -> tuple[str, str]:
    """Subject and body inviting `reviewer` to review `proposal`, in their saved language; the
    review deadline in every co-funding agency's zone (`call.agencies` loaded)."""
    locale = reviewer.locale or "en"
    zones = tuple(t.agency.time_zone for t in call.agencies)
    deadline = call.review_deadline
    return render_mail(
        "review_invitation",
        locale,
        reviewer_name=reviewer.display_name,
        reference=proposal.reference,
        call_code=call.code,
        title=_in(proposal.title, locale),
        abstract=_in(proposal.abstract, locale),
        deadline=Instant(deadline, zones) if deadline else None,
        link=link,
    )
