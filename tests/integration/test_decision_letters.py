"""Decision letters: when a proposal is awarded or rejected, each PI gets the outcome in the
outbox, in their language (saved, else their side's country), in the decision's transaction."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import OutboxMessage, Proposal
from tests.factories_awards import (
    JST_REQUEST,
    NAFOSTED_REQUEST,
    approval_body,
    decided,
    lines,
    make_deciding,
    rejection_body,
)

Client = httpx.AsyncClient


async def letters(db: AsyncSession, proposal: Proposal) -> dict[str, tuple[str, str]]:
    rows = await db.scalars(
        select(OutboxMessage).where(OutboxMessage.related_type == "proposal_decision")
    )
    return {m.recipient: (m.subject, m.body) for m in rows if m.related_id == str(proposal.id)}


async def test_an_award_writes_to_each_pi_in_their_language(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    panel.jst.grant_number_pattern = "JPMJNX{yy}{seq:C2}"
    panel.jp_pi.locale = None  # chose none: the Japanese side's language
    panel.vn_pi.locale = "en"  # chose English
    await db.flush()
    proposal = panel.proposals[0]
    await decided(db, proposal, panel.jst, panel.jst_officer, JST_REQUEST)

    response = await client.post(
        f"/api/proposals/{proposal.id}/decisions",
        headers=panel.nafosted_headers,
        json=approval_body(proposal, "NAFOSTED", lines(NAFOSTED_REQUEST, "VND")),
    )

    assert response.json()["proposal_state"] == "awarded"
    sent = await letters(db, proposal)
    assert sorted(sent) == ["jp.pi@example.jp", "vn.pi@example.vn"]
    ja_subject, ja_body = sent["jp.pi@example.jp"]
    assert ja_subject == f"{proposal.reference}：共同提案が採択されました"
    assert "- NAFOSTED: 助成番号 NAFOSTED-2027-0001、交付額 ₫1,500,000,000\n" in ja_body
    en_subject, en_body = sent["vn.pi@example.vn"]
    assert en_subject == f"{proposal.reference}: your joint proposal is funded"
    assert "- NAFOSTED: grant NAFOSTED-2027-0001, ₫1,500,000,000 awarded\n" in en_body
    assert "Project period: from Apr 1, 2027, ending before Apr 1, 2030.\n" in en_body


async def test_a_rejection_gives_each_pi_the_rejecting_agencys_reason(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    panel.jp_pi.locale = None
    panel.vn_pi.locale = None  # chose none: the Vietnamese side's language
    await db.flush()
    proposal = panel.proposals[0]

    response = await client.post(
        f"/api/proposals/{proposal.id}/decisions",
        headers=panel.nafosted_headers,
        json=rejection_body(proposal, "NAFOSTED"),
    )

    assert response.json()["proposal_state"] == "rejected"
    sent = await letters(db, proposal)
    vi_subject, vi_body = sent["vn.pi@example.vn"]
    assert vi_subject == f"{proposal.reference}: quyết định về đề xuất chung của bạn"
    assert "- NAFOSTED: Below the funding line of our ranking.\n" in vi_body
    ja_subject, _ = sent["jp.pi@example.jp"]
    assert ja_subject == f"{proposal.reference}：共同提案の審査結果について"
