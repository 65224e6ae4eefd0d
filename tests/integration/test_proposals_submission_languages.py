"""A refused submission explains every reason in the reader's language, money formatted for it:
yen and đồng as a Japanese and as a Vietnamese reader writes them."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Proposal, User
from tests.factories import BudgetLineFactory, bearer, make_proposal
from tests.factories_proposals import World, make_world

Client = httpx.AsyncClient
NBSP = "\xa0"


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


def _money(amount: int, currency: str) -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


# The reasons' codes and parameters, in order, whatever the language.
CODED = [
    ("proposal.submission.abstract_not_in_english", {}),
    ("part.submission.no_institution", {"agency": "JST"}),
    (
        "budget.caps.year_over_cap",
        {
            "agency": "JST",
            "year": 1,
            "amount": _money(12_000_000, "JPY"),
            "cap": _money(10_000_000, "JPY"),
        },
    ),
    (
        "budget.indirect_over_share",
        {
            "agency": "JST",
            "indirect": _money(4_000_000, "JPY"),
            "percent": 30,
            "direct": _money(8_000_000, "JPY"),
        },
    ),
    (
        "budget.caps.total_over_cap",
        {
            "agency": "NAFOSTED",
            "total": _money(47_500_000, "VND"),
            "cap": _money(45_000_000, "VND"),
        },
    ),
    (
        "document.submission.required_missing",
        {"label": "Project description", "kind": "project_description"},
    ),
]
TEXTS = {
    "ja": [
        "概要に英語の記載がありません。",
        "JST側の部分に所属機関（ROR ID または名称）がありません。",
        "JST側の部分の1年目の予算は ￥12,000,000 で、JSTの年間上限 ￥10,000,000 を超えています。",
        "JST側の部分の間接経費 ￥4,000,000 が、直接経費 ￥8,000,000 に対してJSTが認める割合"
        "（30%）を超えています。",
        "NAFOSTED側の部分の予算の合計 ₫47,500,000 が、NAFOSTEDの1課題あたりの上限 ₫45,000,000 "
        "を超えています。",
        "必須書類「Project description」（project_description）が提出されていません。",
    ],
    "vi": [
        "Phần tóm tắt chưa có nội dung tiếng Anh.",
        "Phần JST chưa có tổ chức chủ trì (mã ROR hoặc tên).",
        f"Kinh phí năm thứ 1 của phần JST là 12.000.000{NBSP}¥, vượt mức trần "
        f"10.000.000{NBSP}¥ mỗi năm của JST.",
        f"Chi phí gián tiếp của phần JST là 4.000.000{NBSP}¥, vượt tỷ lệ JST cho phép so với "
        f"chi phí trực tiếp 8.000.000{NBSP}¥ (30%).",
        f"Kinh phí tổng cộng của phần NAFOSTED là 47.500.000{NBSP}₫, vượt mức trần "
        f"45.000.000{NBSP}₫ cho mỗi dự án của NAFOSTED.",
        "Còn thiếu tài liệu bắt buộc 'Project description' (project_description).",
    ],
}


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
