"""A refused submission explains every reason in the reader's language, money formatted for it:
yen and đồng as a Japanese and as a Vietnamese reader writes them."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Proposal, User
from tests.factories import BudgetLineFactory, bearer, make_proposal
from tests.factories_proposals import World, make_world
from tests.support.submission_refusal import CHECKS_CODED, CHECKS_TEXTS

Client = httpx.AsyncClient


async def _refusable(db: AsyncSession, world: World) -> Proposal:
    """Both PIs on board, but: no English abstract, no host institution on the JST side, the
    JST year 1 over its yearly cap with indirect costs over their share, the NAFOSTED total
    over its project cap, and the required project description missing."""
    proposal = await make_proposal(
        db,
        world.call,
        {world.jst.id: world.jp_pi, world.nafosted.id: world.vn_pi},
        abstract={"ja": "概要"},
        duration_years=5,
    )
    jst, nafosted = proposal.parts
    nafosted.institution_name = "Vietnam National University, Hanoi"
    jst.budget.extend(
        [
            BudgetLineFactory(part_id=jst.id, year=1, amount=8_000_000),
            BudgetLineFactory(part_id=jst.id, year=1, category="indirect", amount=4_000_000),
        ]
    )
    nafosted.budget.extend(
        BudgetLineFactory(part_id=nafosted.id, year=y, amount=9_500_000, currency="VND")
        for y in range(1, 6)
    )
    await db.flush()
    return proposal


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
    proposal = await _refusable(db, world)

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
    proposal = await _refusable(db, world)
    world.jp_pi.locale = "ja"
    await db.flush()

    response = await client.get(
        f"/api/proposals/{proposal.id}", headers=await bearer(db, world.jp_pi)
    )

    assert [p["budget"]["warnings"] for p in response.json()["parts"]] == [
        TEXTS["ja"][2:4],
        [TEXTS["ja"][4]],
    ]
