"""The refused submission both language tests read: a proposal over its caps with items
missing, its reasons' codes and parameters in order, and their Japanese and Vietnamese texts."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Proposal
from tests.factories import BudgetLineFactory, make_proposal
from tests.factories_proposals import World

NBSP = "\xa0"


def money(amount: int, currency: str) -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


# The reasons' codes and parameters, in order, whatever the language.
CHECKS_CODED = [
    ("proposal.submission.abstract_not_in_english", {}),
    ("part.submission.no_institution", {"agency": "JST"}),
    (
        "budget.caps.year_over_cap",
        {
            "agency": "JST",
            "year": 1,
            "amount": money(12_000_000, "JPY"),
            "cap": money(10_000_000, "JPY"),
        },
    ),
    (
        "budget.indirect_over_share",
        {
            "agency": "JST",
            "indirect": money(4_000_000, "JPY"),
            "percent": 30,
            "direct": money(8_000_000, "JPY"),
        },
    ),
    (
        "budget.caps.total_over_cap",
        {
            "agency": "NAFOSTED",
            "total": money(47_500_000, "VND"),
            "cap": money(45_000_000, "VND"),
        },
    ),
    (
        "document.submission.required_missing",
        {"label": "Project description", "kind": "project_description"},
    ),
]
CHECKS_TEXTS = {
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


async def refusable_proposal(db: AsyncSession, world: World) -> Proposal:
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
