"""The decisions and money tabs of a call over HTTP on both backends: a JST officer's approval
above the request comes back refused with the reason at its cell (nothing recorded), then the
cut approval is recorded through the same service as the API and shown against the request; a
researcher is refused; the money tab shows each agency's figures in its own currency and
converted with a recorded rate, as a chart with its table."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Approval
from tests.factories import PASSWORD
from tests.factories_awards import make_deciding
from tests.factories_fx import make_rates
from tests.integration.test_web_reviewer_pages import csrf_of, text_of

Client = httpx.AsyncClient
HTML = {"accept": "text/html"}


async def _sign_in(client: Client, email: str) -> None:
    client.cookies.clear()
    response = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text


def _form(proposal_id: object, version: int, **cells: str) -> dict[str, str]:
    return {
        "version": str(version),
        "currency": "JPY",
        "reference": "JV-2026-0001",
        "decision": "approve",
        f"p-{proposal_id}-rationale": "Fund as ranked; year 1 personnel trimmed.",
        **cells,
    }


async def test_a_decision_above_the_request_is_refused_at_its_cell_then_recorded_cut(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    proposal, call = panel.proposals[0], panel.call
    url = f"/officer/calls/{call.id}/decisions"
    await _sign_in(client, panel.jst_officer.email)
    page = await client.get(url, headers=HTML)
    assert page.status_code == 200
    key = f"p-{proposal.id}"
    assert text_of(page.text, f"{key}-grid").startswith(
        "The requested budget, in JPY Project year personnel equipment consumables travel other "
        "indirect costs Year 1 Year 1, personnel (requested ¥5,000,000) requested ¥5,000,000"
    )
    csrf = csrf_of(page.text)

    above = _form(
        proposal.id,
        proposal.version,
        **{"b-1-personnel": "6000000", "b-1-indirect": "1500000", "b-2-personnel": "4000000"},
    )
    refused = await client.post(f"{url}/{proposal.id}", data={**above, "csrf": csrf}, headers=HTML)
    assert refused.status_code == 422
    assert text_of(refused.text, f"{key}-b-1-personnel-error") == (
        "¥6,000,000 is more than the ¥5,000,000 requested for year 1, personnel."
    )
    assert 'value="6000000"' in refused.text
    assert await db.scalar(select(func.count()).select_from(Approval)) == 0

    cut = _form(
        proposal.id,
        proposal.version,
        **{"b-1-personnel": "4500000", "b-1-indirect": "1500000", "b-2-personnel": "4000000"},
    )
    done = await client.post(f"{url}/{proposal.id}", data={**cut, "csrf": csrf}, headers=HTML)
    assert (done.status_code, done.headers["location"]) == (302, url)
    shown = await client.get(url, headers=HTML)
    assert text_of(shown.text, "content").startswith("JST's decision on JV-2026-0001 is recorded.")
    grid = text_of(shown.text, f"{key}-grid")
    assert "¥4,500,000 cut by ¥500,000" in grid
    assert text_of(shown.text, f"{key}-decision").startswith("JST: approved — ¥10,000,000")

    japanese = await client.get(f"{url}?lang=ja", headers=HTML)
    assert text_of(japanese.text, f"{key}-grid").startswith(
        "JST の承認予算と申請額の比較（JPY） "
        "研究年度 人件費 設備備品費 消耗品費 旅費 その他 間接経費 "
        "1年目 ￥4,500,000 ￥500,000 削減 — — — — ￥1,500,000"
    )


async def test_a_researcher_may_not_open_the_decisions_tab(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    await _sign_in(client, panel.jp_pi.email)
    page = await client.get(f"/officer/calls/{panel.call.id}/decisions", headers=HTML)
    assert page.status_code == 403
    assert "A call's money is read by its co-funding agencies' officers, auditors and admins." in (
        text_of(page.text, "content")
    )


async def test_the_money_tab_shows_each_agency_in_its_currency_and_converted(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    call = panel.call
    day = datetime.date(2026, 11, 30)
    await make_rates(
        db,
        panel.jst_officer,
        {
            "rate_date": day,
            "base": "JPY",
            "quote": "VND",
            "rate": Decimal("170.5"),
            "source": "SBV",
        },
    )
    await _sign_in(client, panel.nafosted_officer.email)
    page = await client.get(f"/officer/calls/{call.id}/money?lang=vi", headers=HTML)
    assert page.status_code == 200
    assert text_of(page.text, "money-own") == (
        "Cơ quan Tổng ngân sách Đã cam kết Đã đề nghị, chờ phê duyệt Đã phê duyệt, chờ chi trả "
        "Đã giải ngân Còn lại "
        "JST (JPY) 300.000.000 ¥ 0 ¥ 0 ¥ 0 ¥ 0 ¥ 300.000.000 ¥ "
        "NAFOSTED (VND) 60.000.000.000 ₫ 0 ₫ 0 ₫ 0 ₫ 0 ₫ 60.000.000.000 ₫"
    )
    assert text_of(page.text, "money-converted").endswith(
        "JST 51.150.000.000 ₫ 0 ₫ 0 ₫ 0 ₫ 0 ₫ 51.150.000.000 ₫ "
        "1 JPY = 170.5 VND ngày 30 thg 11, 2026 (SBV) "
        "NAFOSTED 60.000.000.000 ₫ 0 ₫ 0 ₫ 0 ₫ 0 ₫ 60.000.000.000 ₫ đồng tiền riêng "
        "Cả hai cơ quan 111.150.000.000 ₫ 0 ₫ 0 ₫ 0 ₫ 0 ₫ 111.150.000.000 ₫"
    )
    found = re.search(r'id="money-chart-data">(.*?)</script>', page.text, re.S)
    assert found is not None
    config = json.loads(found.group(1))
    assert (config["type"], config["data"]["labels"]) == ("bar", ["JST", "NAFOSTED"])
    assert [(d["label"], d["data"]) for d in config["data"]["datasets"]] == [
        ("Tổng ngân sách", [51_150_000_000, 60_000_000_000]),
        ("Đã cam kết", [0, 0]),
        ("Đã giải ngân", [0, 0]),
        ("Còn lại", [51_150_000_000, 60_000_000_000]),
    ]

    english = await client.get(f"/officer/calls/{call.id}/money?lang=en&currency=JPY", headers=HTML)
    assert text_of(english.text, "money-own").startswith(
        "Agency Envelope Committed Requested, awaiting approval Approved, awaiting payment "
        "Disbursed Remaining JST (JPY) ¥300,000,000 ¥0"
    )
    assert (
        "NAFOSTED ¥351,906,158 ¥0 ¥0 ¥0 ¥0 ¥351,906,158 1 JPY = 170.5 VND on Nov 30, 2026 (SBV)"
        in (text_of(english.text, "money-converted"))
    )
