"""A refused funding decision read in Japanese and in Vietnamese by officers who saved no
language (Accept-Language decides): every refused line and broken cap, and the envelope's
arithmetic, with yen and đồng written as each language writes them."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Proposal
from tests.factories_awards import (
    JST_REQUEST,
    NAFOSTED_REQUEST,
    approval_body,
    audit_total,
    decided,
    lines,
    make_deciding,
)
from tests.support.problems import problem

Client = httpx.AsyncClient
NBSP = "\xa0"


def url(proposal: Proposal) -> str:
    return f"/api/proposals/{proposal.id}/decisions"


def money(amount: int, currency: str) -> dict[str, Any]:
    return {"amount": amount, "currency": currency}


async def _post(
    client: Client, proposal: Proposal, headers: dict[str, str], body: Any, lang: str
) -> httpx.Response:
    return await client.post(url(proposal), headers={**headers, "Accept-Language": lang}, json=body)


OVER_REQUEST_PARAMS = {
    "approved": money(5_000_001, "JPY"),
    "requested": money(5_000_000, "JPY"),
    "year": 1,
    "category": "personnel",
}
YEAR_CAP_PARAMS = {
    "year": 1,
    "total": money(6_500_001, "JPY"),
    "agency": "JST",
    "cap": money(6_000_000, "JPY"),
}
TOTAL_CAP_PARAMS = {
    "total": money(10_500_001, "JPY"),
    "agency": "JST",
    "cap": money(9_000_000, "JPY"),
}
OVER_CAPS = {
    "ja": (
        "入力が無効です",
        "承認予算が申請額または公募の上限を超えています。",
        [
            "￥5,000,001 は、1年目の「personnel」の申請額 ￥5,000,000 を超えています。",
            "1年目の承認予算の合計 ￥6,500,001 が、JSTの年間上限 ￥6,000,000 を超えています。",
            "承認予算の合計 ￥10,500,001 が、JSTの1課題あたりの上限 ￥9,000,000 を超えています。",
        ],
    ),
    "vi": (
        "Dữ liệu không hợp lệ",
        "Kinh phí được phê duyệt vượt quá mức đã đề nghị hoặc mức trần của đợt kêu gọi.",
        [
            f"5.000.001{NBSP}¥ vượt quá mức 5.000.000{NBSP}¥ đã đề nghị cho khoản mục "
            "'personnel' của năm thứ 1.",
            f"Tổng kinh phí được phê duyệt cho năm thứ 1 là 6.500.001{NBSP}¥, vượt mức trần "
            f"6.000.000{NBSP}¥ mỗi năm của JST.",
            f"Tổng kinh phí được phê duyệt là 10.500.001{NBSP}¥, vượt mức trần 9.000.000{NBSP}¥ "
            "cho mỗi dự án của JST.",
        ],
    ),
}


async def test_an_approval_above_the_request_and_the_caps_read_in_japanese_and_vietnamese(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    terms = panel.call.agencies[0]
    terms.cap_per_year, terms.cap_total = 6_000_000, 9_000_000
    await db.flush()
    proposal = panel.proposals[0]
    budget = lines(JST_REQUEST, "JPY")
    budget[0]["amount"] = 5_000_001
    body = approval_body(proposal, "JST", budget)
    assert panel.jst_officer.locale is None

    for lang, (title, detail, reasons) in OVER_CAPS.items():
        response = await _post(client, proposal, panel.jst_headers, body, lang)

        assert response.headers["content-language"] == lang
        assert problem(response) == {
            "type": "urn:cofund:problem:invalid",
            "title": title,
            "status": 422,
            "detail": detail,
            "instance": url(proposal),
            "code": "decision.budget.refused",
            "params": {},
            "errors": [
                {
                    "field": "budget[0].amount",
                    "reason": reasons[0],
                    "code": "decision.budget.over_request",
                    "params": OVER_REQUEST_PARAMS,
                },
                {
                    "field": "budget",
                    "reason": reasons[1],
                    "code": "decision.budget.over_year_cap",
                    "params": YEAR_CAP_PARAMS,
                },
                {
                    "field": "budget",
                    "reason": reasons[2],
                    "code": "decision.budget.over_total_cap",
                    "params": TOTAL_CAP_PARAMS,
                },
            ],
        }
    assert await audit_total(db) == 0


ENVELOPE_PARAMS = {
    "total": money(1_500_000_000, "VND"),
    "agency": "NAFOSTED",
    "envelope": money(2_000_000_000, "VND"),
    "remaining": money(500_000_000, "VND"),
}
BEYOND_ENVELOPE = {
    "ja": (
        "競合",
        "この承認は、この公募におけるNAFOSTEDの予算総額に収まりません。",
        "₫1,500,000,000 を承認すると、NAFOSTEDの予算総額 ₫2,000,000,000 を超えます。"
        "未配分の残額は ₫500,000,000 です。",
    ),
    "vi": (
        "Xung đột",
        "Quyết định phê duyệt này vượt quá tổng kinh phí của NAFOSTED cho đợt kêu gọi này.",
        f"Phê duyệt 1.500.000.000{NBSP}₫ sẽ khiến NAFOSTED vượt quá tổng kinh phí "
        f"2.000.000.000{NBSP}₫: số kinh phí chưa phân bổ còn lại là 500.000.000{NBSP}₫.",
    ),
}


async def test_an_approval_beyond_the_envelope_read_in_japanese_and_vietnamese(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db, n_proposals=2)
    panel.call.agencies[1].envelope = 2_000_000_000
    await db.flush()
    first, last = panel.proposals
    await decided(db, first, panel.nafosted, panel.nafosted_officer, NAFOSTED_REQUEST)
    body = approval_body(last, "NAFOSTED", lines(NAFOSTED_REQUEST, "VND"))
    assert panel.nafosted_officer.locale is None

    for lang, (title, detail, reason) in BEYOND_ENVELOPE.items():
        response = await _post(client, last, panel.nafosted_headers, body, lang)

        assert response.headers["content-language"] == lang
        assert problem(response) == {
            "type": "urn:cofund:problem:conflict",
            "title": title,
            "status": 409,
            "detail": detail,
            "instance": url(last),
            "code": "decision.envelope.detail",
            "params": {"agency": "NAFOSTED"},
            "reasons": [
                {"code": "decision.envelope.exceeded", "params": ENVELOPE_PARAMS, "message": reason}
            ],
        }
    assert await audit_total(db) == 0
