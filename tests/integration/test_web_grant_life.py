"""The grant page and the officers' queue over HTTP on both backends, on the demo's finished
call (NEXUS-JV-2024: its 5-year grant in its second fiscal year, the year-1 report waiting for
both agencies): what the pages show (exact texts) in English, Japanese and Vietnamese, and a
year of the grant's life through their forms — the same services and workflows as the API —
with the refusals each form shows."""

from __future__ import annotations

import datetime
from pathlib import Path

import httpx
from babel.dates import format_date
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Grant, ProgressReport, Tranche
from grants.demo import DEMO_PASSWORD, seed
from storage.local import LocalDocumentStore
from tests.integration.test_web_reviewer_pages import csrf_of, text_of

Client = httpx.AsyncClient
HTML = {"accept": "text/html"}
JST, NAFOSTED = "officer.jst@demo.cofund.example", "officer.nafosted@demo.cofund.example"
MORI = "kaito.mori@demo.cofund.example"


TODAY = datetime.datetime.now(datetime.UTC).date()


def _day(value: datetime.date) -> str:
    return format_date(value, format="medium", locale="en")


async def _sign_in(client: Client, email: str) -> None:
    client.cookies.clear()
    response = await client.post(
        "/api/auth/login", json={"email": email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 200, response.text


async def _post(client: Client, url: str, page: str, **fields: str) -> httpx.Response:
    return await client.post(url, data={"csrf": csrf_of(page), **fields}, headers=HTML)


async def test_a_year_of_the_demo_grant_through_its_page(
    client: Client, db: AsyncSession, tmp_path: Path
) -> None:
    await seed(db, LocalDocumentStore(tmp_path))
    grant = await db.scalar(select(Grant))
    assert grant is not None
    url = f"/grants/{grant.id}"
    rows = {
        (t.position, t.currency): t
        for t in await db.scalars(select(Tranche).where(Tranche.grant_id == grant.id))
    }
    fy2, fy3 = rows[(2, "JPY")], rows[(3, "JPY")]
    report = await db.scalar(select(ProgressReport).where(ProgressReport.year == 1))
    assert report is not None

    # The PI: the next JST tranche waits for the year-1 report; the button says why.
    await _sign_in(client, MORI)
    page = (await client.get(f"{url}?lang=en", headers=HTML)).text
    assert text_of(page, f"tranche-{fy2.id}").endswith(
        "¥8,550,000 — — — planned The previous year's progress report is not yet accepted by: "
        "JST and NAFOSTED."
    )
    assert text_of(page, f"t-{fy2.id}-request-why") == (
        "Not now: The previous year's progress report is not yet accepted by: JST and NAFOSTED."
    )
    japanese = (await client.get(f"{url}?lang=ja", headers=HTML)).text
    assert text_of(japanese, f"t-{fy2.id}-request-why") == (
        "今はできません： 前年度の進捗報告をまだ受理していない資金配分機関：JST、NAFOSTED"
    )

    # The officers' queue, then each agency accepts the report on the grant page.
    await _sign_in(client, NAFOSTED)
    queue = (await client.get("/officer/tranches?lang=vi", headers=HTML)).text
    assert text_of(queue, "queue-report-list") == "NEXUS-JV-2024-0001: báo cáo năm 1"
    for officer, agency in ((NAFOSTED, "NAFOSTED"), (JST, "JST")):
        await _sign_in(client, officer)
        page = (await client.get(url, headers=HTML)).text
        await db.refresh(report)
        done = await _post(
            client,
            f"{url}/reports/{report.id}/answer",
            page,
            version=str(report.version),
            agency=agency,
            **{f"r-{report.id}-decision": "accept"},
        )
        assert (done.status_code, done.headers["location"]) == (302, url), done.text
    page = (await client.get(f"{url}?lang=en", headers=HTML)).text
    assert text_of(page, "report-1") == (
        f"1 {_day(report.due_date)} accepted 1 NAFOSTED: accept; JST: accept"
    )

    # The PI requests the FY2026 tranche.
    await _sign_in(client, MORI)
    page = (await client.get(url, headers=HTML)).text
    done = await _post(client, f"{url}/tranches/{fy2.id}/request", page, version=str(fy2.version))
    assert done.status_code == 302, done.text
    shown = (await client.get(url, headers=HTML)).text
    assert text_of(shown, "content").startswith("Done: Request this tranche for FY2026.")

    # A NAFOSTED officer may not approve JST's tranche: the page says why.
    await _sign_in(client, NAFOSTED)
    page = (await client.get(f"{url}?lang=vi", headers=HTML)).text
    assert f"t-{fy2.id}-approve-amount" not in page
    await db.refresh(fy2)
    refused = await _post(
        client, f"{url}/tranches/{fy2.id}/approve", page, version=str(fy2.version)
    )
    assert refused.status_code == 403
    assert text_of(refused.text, f"t-{fy2.id}-refused") == (
        "JST FY2026: 'approve' yêu cầu một trong các vai trò 'agency_officer'."
    )

    # JST's officer: an approval above the request is refused at its field, then approved.
    await _sign_in(client, JST)
    page = (await client.get(f"{url}?lang=ja", headers=HTML)).text
    over = await _post(
        client,
        f"{url}/tranches/{fy2.id}/approve",
        page,
        version=str(fy2.version),
        **{f"t-{fy2.id}-approve-amount": "9000000"},
    )
    assert over.status_code == 422
    assert text_of(over.text, f"t-{fy2.id}-approve-amount-error") == (
        "承認できるのは申請額の￥8,550,000までです。￥9,000,000はこれを超えています。"
    )
    ok = await _post(client, f"{url}/tranches/{fy2.id}/approve", page, version=str(fy2.version))
    assert ok.status_code == 302, ok.text
    await db.refresh(fy2)
    page = (await client.get(f"{url}?lang=en", headers=HTML)).text
    paid = await _post(
        client,
        f"{url}/tranches/{fy2.id}/disburse",
        page,
        version=str(fy2.version),
        **{
            f"t-{fy2.id}-disburse-amount": "8550000",
            f"t-{fy2.id}-payment_reference": "JPMJNX2501-T2",
            f"t-{fy2.id}-paid_on": TODAY.isoformat(),
        },
    )
    assert paid.status_code == 302, paid.text
    page = (await client.get(f"{url}?lang=en", headers=HTML)).text
    assert text_of(page, f"tranche-{fy2.id}") == (
        f"{fy2.label} {_day(fy2.first_day)} – {_day(fy2.last_day)} {_day(fy2.due_date)} "
        f"¥8,550,000 ¥8,550,000 ¥8,550,000 ¥8,550,000 JPMJNX2501-T2, {_day(TODAY)} disbursed —"
    )

    # The next one waits for the year-2 report.
    await _sign_in(client, MORI)
    page = (await client.get(f"{url}?lang=en", headers=HTML)).text
    assert text_of(page, f"t-{fy3.id}-request-why") == (
        "Not now: The financial statement of JST's side for project year 2 has not been "
        "submitted. The previous year's progress report is not yet accepted by: JST and NAFOSTED."
    )
