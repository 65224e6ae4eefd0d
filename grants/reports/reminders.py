"""Reminders about progress reports: `grants reports remind` mails both PIs of every active
grant whose report awaits them (not yet submitted, or returned for a revision) when it is due
within `UPCOMING_DAYS` days ("upcoming") or overdue ("late"), each in their own language.

Each reminder is sent at most once per report, kind and round: a `report_reminders` row (its
unique key) is written with the mails and an audit event in one transaction, so a second run
queues nothing, and a resubmission's round (returned again) earns fresh reminders. Two runs at
once cannot both send: the second's insert breaks the unique key and its transaction rolls back.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.awards.letters import COUNTRY_LANGUAGES
from grants.common.actors import Actor
from grants.common.request_ids import current_request_id
from grants.db.models import Grant, ProgressReport, Proposal, ReportReminder, User
from grants.mail.outbox import queue
from grants.mail.templates import render_mail
from workflows.machines.grant import GrantState
from workflows.machines.progress_report import ReportState

UPCOMING_DAYS = 14
"""A report due within this many days (today included) is reminded as upcoming."""
AWAITING = (ReportState.DUE, ReportState.RETURNED)
CLI = Actor(id=None, label="cli")


@dataclass(frozen=True, slots=True)
class Reminded:
    """One reminder queued: the report, its kind and round, and the addresses mailed."""

    report_id: uuid.UUID
    reference: str
    year: int
    due_date: datetime.date
    kind: str
    round: int
    recipients: tuple[str, ...]


def kind_on(due: datetime.date, today: datetime.date) -> str | None:
    """`late` past the due date, `upcoming` within `UPCOMING_DAYS` of it, else None."""
    if due < today:
        return "late"
    if (due - today).days <= UPCOMING_DAYS:
        return "upcoming"
    return None


async def remind(session: AsyncSession, today: datetime.date) -> list[Reminded]:
    """Queue every reminder due on `today` not sent before, in due date and reference order."""
    horizon = today + datetime.timedelta(days=UPCOMING_DAYS)
    rows = await session.execute(
        select(ProgressReport, Proposal)
        .join(Grant, Grant.id == ProgressReport.grant_id)
        .join(Proposal, Proposal.id == Grant.proposal_id)
        .where(
            Grant.state == GrantState.ACTIVE,
            ProgressReport.state.in_(AWAITING),
            ProgressReport.due_date <= horizon,
        )
        .order_by(ProgressReport.due_date, Proposal.reference, ProgressReport.year)
    )
    candidates = [(r, p, kind_on(r.due_date, today)) for r, p in rows.tuples()]
    sent = await _sent(session, [r.id for r, _, _ in candidates])
    done = []
    for report, proposal, kind in candidates:
        if kind is None or (report.id, kind, report.round) in sent:
            continue
        done.append(await _remind(session, report, proposal, kind, today))
    return done


async def _sent(
    session: AsyncSession, report_ids: list[uuid.UUID]
) -> set[tuple[uuid.UUID, str, int]]:
    if not report_ids:
        return set()
    rows = await session.execute(
        select(ReportReminder.report_id, ReportReminder.kind, ReportReminder.round).where(
            ReportReminder.report_id.in_(report_ids)
        )
    )
    return {(r, k, n) for r, k, n in rows.tuples()}


async def _remind(
    session: AsyncSession,
    report: ProgressReport,
    proposal: Proposal,
    kind: str,
    today: datetime.date,
) -> Reminded:
    session.add(ReportReminder(report_id=report.id, kind=kind, round=report.round, sent_on=today))
    pis = [(part, m) for part in proposal.parts for m in part.members if m.role == "pi"]
    saved = await _locales(session, [m.user_id for _, m in pis if m.user_id is not None])
    for part, pi in pis:
        locale = (saved.get(pi.user_id) if pi.user_id else None) or COUNTRY_LANGUAGES.get(
            part.agency.country, "en"
        )
        subject, body = render_mail(
            f"report_{kind}",
            locale,
            pi_name=pi.name,
            reference=proposal.reference or "",
            title=proposal.title.get(locale) or proposal.title.get("en", ""),
            year=report.year,
            due=report.due_date,
            returned=report.state == ReportState.RETURNED,
        )
        await queue(
            session,
            to=pi.email,
            subject=subject,
            body=body,
            related_type="progress_report",
            related_id=report.id,
        )
    recipients = tuple(pi.email for _, pi in pis)
    await append(
        session,
        actor=CLI,
        action="progress_report.remind",
        entity_type="progress_report",
        entity_id=report.id,
        changes={"kind": kind, "round": report.round, "recipients": list(recipients)},
        request_id=current_request_id(),
    )
    return Reminded(
        report.id,
        proposal.reference or "",
        report.year,
        report.due_date,
        kind,
        report.round,
        recipients,
    )


async def _locales(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The saved language of each account that chose one."""
    if not ids:
        return {}
    rows = await session.execute(select(User.id, User.locale).where(User.id.in_(ids)))
    return {user_id: locale for user_id, locale in rows.tuples() if locale}


def describe(reminded: Reminded) -> str:
    """One line of the command's output."""
    return (
        f"{reminded.kind} {reminded.reference} year {reminded.year} "
        f"(due {reminded.due_date.isoformat()}, round {reminded.round}): "
        f"{', '.join(reminded.recipients)}"
    )
