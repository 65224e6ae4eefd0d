"""A refused submission explains every reason in the reader's language, money formatted for it:
yen and đồng as a Japanese and as a Vietnamese reader writes them."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Proposal, User
from tests.factories import bearer
from tests.factories_proposals import make_world
from tests.support.submission_refusal import CHECKS_CODED, CHECKS_TEXTS, refusable_proposal

Client = httpx.AsyncClient


CODED = CHECKS_CODED
TEXTS = CHECKS_TEXTS


async def _submit_as(
    client: Client, db: AsyncSession, reader: User, proposal: Proposal, lang: str
) -> httpx.Response:
    # Each reader saved their language too: a saved locale comes before Accept-Language
    # (grants.common.locales), and every account has one.
    reader.locale = lang
    await db.flush()
    headers = {**await bearer(db, reader), "Accept-Language": lang}
    return await client.post(
        f"/api/proposals/{proposal.id}/events/submit", headers=headers, json={"version": 1}
    )


async def test_refused_submission_read_in_japanese_and_vietnamese(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await refusable_proposal(db, world)

    japanese = await _submit_as(client, db, world.jp_pi, proposal, "ja")
    vietnamese = await _submit_as(client, db, world.vn_pi, proposal, "vi")

    for response, lang in ((japanese, "ja"), (vietnamese, "vi")):
        assert (response.status_code, response.headers["content-language"]) == (409, lang)
        assert response.json()["reasons"] == [
            {"code": code, "params": params, "message": text}
            for (code, params), text in zip(CODED, TEXTS[lang], strict=True)
        ]


async def test_budget_warnings_shown_in_the_readers_language(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await refusable_proposal(db, world)
    world.jp_pi.locale = "ja"
    await db.flush()

    response = await client.get(
        f"/api/proposals/{proposal.id}", headers=await bearer(db, world.jp_pi)
    )

    assert [p["budget"]["warnings"] for p in response.json()["parts"]] == [
        TEXTS["ja"][2:4],
        [TEXTS["ja"][4]],
    ]
