"""Workflow refusals in the reader's language: a refused submission and a transitions listing
read in Japanese and in Vietnamese, every reason translated, the deadline shown in both
agencies' zones as that language writes dates and the amounts as it writes money.

Each reader has saved their language and sends it as `Accept-Language` too: a saved locale comes
before the header (`grants.common.locales`) and every account has one, so the two agree here.
"""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Proposal, User
from tests.factories import bearer
from tests.factories_proposals import make_world, ready_proposal
from tests.support.problems import problem
from tests.support.reasons import PAST_CLOSES, PAST_OPENS, reason
from tests.support.submission_refusal import CHECKS_CODED, CHECKS_TEXTS, refusable_proposal

Client = httpx.AsyncClient
PAST = "2026-03-31T08:00:00Z"

DEADLINE_PASSED = {
    "ja": "締切（2026/03/31 17:00 (日本時間) / 2026/03/31 15:00 (ベトナム時間)）を過ぎています。",
    "vi": "Đã quá hạn chót 17:00 31 thg 3, 2026 (Giờ Nhật Bản) / 15:00 31 thg 3, 2026 "
    "(Giờ Việt Nam).",
}
REFUSED = {"ja": "このイベントは実行できません。", "vi": "Sự kiện này bị từ chối."}


async def _as(db: AsyncSession, reader: User, lang: str) -> dict[str, str]:
    reader.locale = lang
    await db.flush()
    return {**await bearer(db, reader), "Accept-Language": lang}


async def _submit(client: Client, headers: dict[str, str], proposal: Proposal) -> httpx.Response:
    return await client.post(
        f"/api/proposals/{proposal.id}/events/submit", headers=headers, json={"version": 1}
    )


@pytest.mark.parametrize("lang", ["ja", "vi"])
async def test_submission_to_a_closed_call_refused_in_the_readers_language(
    client: Client, db: AsyncSession, lang: str
) -> None:
    world = await make_world(db, state="closed", opens_at=PAST_OPENS, closes_at=PAST_CLOSES)
    proposal = await ready_proposal(db, world)
    reader = world.jp_pi if lang == "ja" else world.vn_pi
    url = f"/api/proposals/{proposal.id}/events/submit"

    response = await _submit(client, await _as(db, reader, lang), proposal)

    not_open = {
        "ja": "公募の状態は「closed」であり、「open」ではありません。",
        "vi": "Đợt kêu gọi đang ở trạng thái “closed”, không phải “open”.",
    }
    # The title is the problem's own (its translation is the error pages' concern).
    body = {k: v for k, v in problem(response).items() if k != "title"}
    assert response.headers["content-language"] == lang
    assert body == {
        "type": "urn:cofund:problem:conflict",
        "status": 409,
        "detail": REFUSED[lang],
        "instance": url,
        "code": "workflow.refused",
        "params": {},
        "reasons": [
            reason("proposal.guard.call_not_open", not_open[lang], state="closed"),
            reason("proposal.guard.deadline_passed", DEADLINE_PASSED[lang], deadline=PAST),
        ],
    }


@pytest.mark.parametrize("lang", ["ja", "vi"])
async def test_transitions_give_their_reasons_in_the_readers_language(
    client: Client, db: AsyncSession, lang: str
) -> None:
    world = await make_world(db, opens_at=PAST_OPENS, closes_at=PAST_CLOSES)
    proposal = await ready_proposal(db, world, state="submitted", number=1, reference="X-1")
    reader = world.jp_pi if lang == "ja" else world.vn_pi

    response = await client.get(
        f"/api/proposals/{proposal.id}/transitions", headers=await _as(db, reader, lang)
    )

    assert response.json() == [
        {
            "event": "reopen",
            "target": "draft",
            "description": "Take the proposal back for changes before the deadline.",
            "allowed": False,
            "reasons": [
                reason("proposal.guard.deadline_passed", DEADLINE_PASSED[lang], deadline=PAST)
            ],
        },
        {
            "event": "withdraw",
            "target": "withdrawn",
            "description": "The PI withdraws before any decision.",
            "allowed": True,
            "reasons": [],
        },
    ]


# The deadline's reason, then the submission checks' (the proposals' messages), in order.
CODED = [("proposal.guard.deadline_passed", {"deadline": PAST}), *CHECKS_CODED]
TEXTS = {lang: [DEADLINE_PASSED[lang], *CHECKS_TEXTS[lang]] for lang in ("ja", "vi")}


@pytest.mark.parametrize("lang", ["ja", "vi"])
async def test_refused_submission_past_the_deadline_explains_every_reason_in_the_readers_language(
    client: Client, db: AsyncSession, lang: str
) -> None:
    world = await make_world(db, opens_at=PAST_OPENS, closes_at=PAST_CLOSES)
    proposal = await refusable_proposal(db, world)
    reader = world.jp_pi if lang == "ja" else world.vn_pi

    response = await _submit(client, await _as(db, reader, lang), proposal)

    assert (response.status_code, response.headers["content-language"]) == (409, lang)
    assert response.json()["reasons"] == [
        reason(code, text, **params)
        for (code, params), text in zip(CODED, TEXTS[lang], strict=True)
    ]
