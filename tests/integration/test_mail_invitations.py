"""Invitations from the officer's workflow reach the reviewer's mailbox: queued in the
request's transaction, delivered over SMTP to a real server (aiosmtpd) on loopback."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from grants.db.models import OutboxMessage
from grants.mail import Delivery, deliver_pending
from tests.factories import ConflictFactory, bearer, persist
from tests.factories_assignment import make_review_world, stored
from tests.integration.test_mail import (  # noqa: F401 - smtp_server is a fixture used by name
    Inbox,
    body_of,
    smtp_server,
    smtp_settings,
)

Client = httpx.AsyncClient


async def test_invite_all_mails_each_reviewer_and_lists_refusals(
    client: Client,
    db: AsyncSession,
    session_maker: async_sessionmaker[AsyncSession],
    smtp_server: tuple[Inbox, int],  # noqa: F811 - the fixture, imported above
    tmp_path: Path,
) -> None:
    inbox, port = smtp_server
    rw = await make_review_world(db, proposals=2, jp=2, vn=2, reviewers_per_proposal=1)
    headers = await bearer(db, rw.world.jst_officer)
    vn_headers = await bearer(db, rw.vn_officer)
    emails = {u.id: u.email for u in rw.jp + rw.vn}
    references = {p.id: p.reference for p in rw.proposals}
    late = rw.vn[1].id
    for officer in (headers, vn_headers):  # each agency runs its own pool
        await client.post(f"{rw.call_path}/assignment/run", headers=officer)
    conflicted = next(r for r in await stored(db) if r.reviewer_id == late)
    await persist(
        db,
        ConflictFactory(
            proposal_id=conflicted.proposal_id, reviewer_id=late, reason="New co-author."
        ),
    )

    jst = await client.post(f"{rw.call_path}/assignment/invite", headers=headers)
    nafosted = await client.post(f"{rw.call_path}/assignment/invite", headers=vn_headers)
    delivered = await deliver_pending(session_maker, smtp_settings(tmp_path, port))

    # Each agency invites its own pool's reviewers only.
    assert (jst.json(), nafosted.json()) == (
        {"invited": 2, "refused": []},
        {
            "invited": 1,
            "refused": [
                {
                    "assignment_id": str(conflicted.id),
                    "reasons": [
                        {
                            "code": "conflict.declared",
                            "params": {"reason": "New co-author."},
                            "message": "Declared by the reviewer: New co-author.",
                        }
                    ],
                }
            ],
        },
    )
    assert delivered == Delivery(sent=3, failed=0)
    invited = [r for r in await stored(db) if r.state == "invited"]
    received = sorted((to, m["Subject"]) for to, m in inbox.messages)
    assert received == sorted(
        ([emails[r.reviewer_id]], f"Invitation to review {references[r.proposal_id]} (JV-2026)")
        for r in invited
    )
    assert all("Please accept or decline" in body_of(m) for _, m in inbox.messages)
    sent = await db.scalars(select(OutboxMessage.sent_at))
    assert all(at is not None for at in sent)
