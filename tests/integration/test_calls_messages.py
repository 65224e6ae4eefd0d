"""A call's refusals in the reader's language (their saved one, else Accept-Language): an
approval refused for several set-up problems reads in Japanese and in Vietnamese, amounts in
each agency's currency and the deadlines in both agencies' zones formatted for the reader; the
codes and parameters are the same for everyone."""

from __future__ import annotations

import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, Call
from tests.factories_calls import Cofunders, make_call_with_terms, make_cofunders

Client = httpx.AsyncClient
UTC = datetime.UTC
JPY, VND = "JPY", "VND"

CODED = [
    (
        "call.timing.review_before_closing",
        {"review_deadline": "2099-05-30T08:00:00Z", "closes_at": "2099-05-31T08:00:00Z"},
    ),
    (
        "call.caps.cap_over_envelope",
        {
            "agency": "JST",
            "cap_total": {"amount": 45_000_000, "currency": JPY},
            "envelope": {"amount": 40_000_000, "currency": JPY},
        },
    ),
    ("call.caps.no_envelope", {"agency": "NAFOSTED"}),
    (
        "call.caps.year_over_total",
        {
            "agency": "NAFOSTED",
            "cap_per_year": {"amount": 2_000_000_000, "currency": VND},
            "cap_total": {"amount": 1_500_000_000, "currency": VND},
        },
    ),
    ("call.setup.no_document_kinds", {}),
]
"""Every problem of the call below, in the order the refusal lists them."""

SAID = {
    "ja": [
        "評価の締切 2099/05/30 17:00 (日本時間) / 2099/05/30 15:00 (ベトナム時間) は、"
        "公募の締切 2099/05/31 17:00 (日本時間) / 2099/05/31 15:00 (ベトナム時間) "
        "より後にしてください。",
        "JSTの1課題あたりの上限（￥45,000,000）が予算総額（￥40,000,000）を超えています。",
        "NAFOSTEDの予算総額が設定されていません。",
        "NAFOSTEDの年間上限（₫2,000,000,000）が1課題あたりの総額上限（₫1,500,000,000）を"
        "超えています。",
        "この公募には提出書類の種類が設定されていません。",
    ],
    "vi": [
        "Hạn chót đánh giá, 17:00 30 thg 5, 2099 (Giờ Nhật Bản) / 15:00 30 thg 5, 2099 "
        "(Giờ Việt Nam), phải sau thời điểm đóng đợt kêu gọi lúc 17:00 31 thg 5, 2099 "
        "(Giờ Nhật Bản) / 15:00 31 thg 5, 2099 (Giờ Việt Nam).",
        "Mức trần cho mỗi dự án của JST (45.000.000\xa0¥) vượt quá tổng kinh phí "
        "(40.000.000\xa0¥).",
        "NAFOSTED chưa có tổng kinh phí.",
        "Mức trần mỗi năm của NAFOSTED (2.000.000.000\xa0₫) vượt quá mức trần tổng cho mỗi "
        "dự án (1.500.000.000\xa0₫).",
        "Đợt kêu gọi chưa yêu cầu loại tài liệu nào.",
    ],
    "en": [
        "The review deadline, May 30, 2099, 5:00\u202fPM (Japan Time) / May 30, 2099, "
        "3:00\u202fPM (Vietnam Time), must be after the call closes at May 31, 2099, "
        "5:00\u202fPM (Japan Time) / May 31, 2099, 3:00\u202fPM (Vietnam Time).",
        "JST's cap per project, ¥45,000,000, is above its envelope, ¥40,000,000.",
        "NAFOSTED has no envelope.",
        "NAFOSTED's cap per year, ₫2,000,000,000, is above its cap per project in total, "
        "₫1,500,000,000.",
        "The call requires no document kinds.",
    ],
}


async def _flawed_call(db: AsyncSession, co: Cofunders) -> Call:
    """A draft closing in the future whose set-up has every kind of problem with amounts and
    instants: JST's cap above its envelope, NAFOSTED's yearly cap above its total and no
    envelope, a review deadline before the closing, no document kinds."""
    return await make_call_with_terms(
        db,
        co.jst_officer,
        [
            (co.jst, {"cap_per_year": 10_000_000, "cap_total": 45_000_000, "envelope": 40_000_000}),
            (
                co.nafosted,
                {"cap_per_year": 2_000_000_000, "cap_total": 1_500_000_000, "envelope": None},
            ),
        ],
        state="draft",
        opens_at=datetime.datetime(2099, 4, 1, tzinfo=UTC),
        closes_at=datetime.datetime(2099, 5, 31, 8, 0, tzinfo=UTC),
        review_deadline=datetime.datetime(2099, 5, 30, 8, 0, tzinfo=UTC),
        document_kinds=[],
    )


def _reasons(locale: str) -> list[dict[str, Any]]:
    return [
        {"code": code, "params": params, "message": message}
        for (code, params), message in zip(CODED, SAID[locale], strict=True)
    ]


@pytest.mark.parametrize(
    ("saved", "accept", "locale"),
    [
        (None, "ja", "ja"),
        (None, "vi-VN,vi;q=0.9,en;q=0.5", "vi"),
        (None, "fr", "en"),
        ("vi", "ja", "vi"),  # a language the officer chose wins over the browser's
    ],
)
async def test_approval_refused_for_every_problem_in_the_readers_language(
    client: Client, db: AsyncSession, saved: str | None, accept: str, locale: str
) -> None:
    co = await make_cofunders(db)
    co.jst_officer.locale = saved
    await db.flush()
    call = await _flawed_call(db, co)
    headers = {**co.jst_headers, "Accept-Language": accept}
    before = await db.scalar(select(func.count()).select_from(AuditEvent))

    response = await client.post(
        f"/api/calls/{call.id}/events/approve", headers=headers, json={"version": 1}
    )

    assert (response.status_code, response.headers["content-language"]) == (409, locale)
    assert response.json()["reasons"] == _reasons(locale)
    assert await db.scalar(select(func.count()).select_from(AuditEvent)) == before
