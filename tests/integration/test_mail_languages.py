"""Mails are written in the recipient's language: the reviewer invitation in the reviewer's
saved locale, its review deadline in both co-funding agencies' zones formatted for it."""

from __future__ import annotations

import datetime

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import OutboxMessage
from tests.factories import ReviewAssignmentFactory, bearer, persist
from tests.factories_assignment import make_review_world

Client = httpx.AsyncClient
DEADLINE = datetime.datetime(2027, 3, 31, 8, 0, tzinfo=datetime.UTC)


async def _invite(
    client: Client, db: AsyncSession, locale: str, vietnamese: bool
) -> tuple[str, list[str]]:
    """Invite one reviewer of the JST pool (or NAFOSTED's) whose saved locale is `locale`;
    returns the queued mail's subject and the lines of its body."""
    rw = await make_review_world(db, proposals=1, jp=1, vn=1, review_deadline=DEADLINE)
    rw.proposals[0].title = {"en": "Chiplet interconnects", "ja": "チップレット相互接続"}
    reviewer, agency = (rw.vn[0], rw.world.nafosted) if vietnamese else (rw.jp[0], rw.world.jst)
    officer = rw.vn_officer if vietnamese else rw.world.jst_officer
    reviewer.locale = locale
    row = ReviewAssignmentFactory(
        proposal_id=rw.proposals[0].id,
        reviewer_id=reviewer.id,
        pool_agency_id=agency.id,
        state="proposed",
    )
    await persist(db, row)

    response = await client.post(
        f"/api/assignments/{row.id}/events/invite",
        headers=await bearer(db, officer),
        json={"version": 1},
    )

    assert (response.status_code, response.json()["state"]) == (200, "invited")
    mail = await db.scalar(select(OutboxMessage))
    assert mail is not None
    assert mail.recipient == reviewer.email
    return mail.subject, mail.body.splitlines()


async def test_invitation_to_a_japanese_reviewer_is_in_japanese(
    client: Client, db: AsyncSession
) -> None:
    subject, lines = await _invite(client, db, "ja", vietnamese=False)

    assert subject == "提案 JV-2026-0001（JV-2026）の評価のご依頼"
    assert lines[2:4] == [
        "公募 JV-2026 の提案 JV-2026-0001 の評価をお願いいたします。",
        "チップレット相互接続",
    ]
    assert "評価の締切: 2027/03/31 17:00 (日本時間) / 2027/03/31 15:00 (ベトナム時間)" in lines


async def test_invitation_to_a_vietnamese_reviewer_is_in_vietnamese(
    client: Client, db: AsyncSession
) -> None:
    subject, lines = await _invite(client, db, "vi", vietnamese=True)

    assert subject == "Lời mời đánh giá đề xuất JV-2026-0001 (JV-2026)"
    assert lines[2:4] == [
        "Trân trọng kính mời Quý ông/bà đánh giá đề xuất JV-2026-0001 thuộc đợt kêu gọi JV-2026:",
        "Chiplet interconnects",  # no Vietnamese title: the English one
    ]
    assert (
        "Hạn chót đánh giá: 17:00 31 thg 3, 2027 (Giờ Nhật Bản) / "
        "15:00 31 thg 3, 2027 (Giờ Việt Nam)."
    ) in lines
