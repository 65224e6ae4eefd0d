"""The decisions and money tabs of a call over HTTP on both backends: a JST officer's approval
above the request comes back refused with the reason at its cell (nothing recorded), then the
cut approval is recorded through the same service as the API and shown against the request; a
researcher is refused; the money tab shows each agency's figures in its own currency and
converted with a recorded rate, as a chart with its table."""

from __future__ import annotations

import json
import re

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Approval, FxRate
from tests.factories import PASSWORD, persist
from tests.factories_awards import make_deciding
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

    above = _form(proposal.id, proposal.version, **{"b-1-personnel": "6000000", "b-1-indirect": "1500000", "b-2-personnel": "4000000"})
    refused = await client.post(f"{url}/{proposal.id}", data={**above, "csrf": csrf}, headers=HTML)
    assert refused.status_code == 422
    assert text_of(refused.text, f"{key}-b-1-personnel-error") == (
        "¥6,000,000 is more than the ¥5,000,000 requested for year 1, personnel."
    )
    assert 'value="6000000"' in refused.text
    assert await db.scalar(select(func.count()).select_from(Approval)) == 0

    cut = _form(proposal.id, proposal.version, **{"b-1-personnel": "4500000", "b-1-indirect": "1500000", "b-2-personnel": "4000000"})
    done = await client.post(f"{url}/{proposal.id}", data={**cut, "csrf": csrf}, headers=HTML)
    assert (done.status_code, done.headers["location"]) == (303, url) or done.status_code == 302
    shown = await client.get(url, headers=HTML)
    assert text_of(shown.text, "content").startswith(
        "JST's decision on JV-2026-0001 is recorded."
    )
    grid = text_of(shown.text, f"{key}-grid")
    assert "¥4,500,000 cut by ¥500,000" in grid
    assert text_of(shown.text, f"{key}-decision").startswith("JST: approved — ¥10,000,000")

    japanese = await client.get(f"{url}?lang=ja", headers=HTML)
    assert "¥4,500,000" in text_of(japanese.text, f"{key}-grid").replace("￥", "¥")
    assert "削減" in text_of(japanese.text, f"{key}-grid")


async def test_a_researcher_may_not_open_the_decisions_tab(client: Client, db: AsyncSession) -> None:
    panel = await make_deciding(db)
    await _sign_in(client, panel.jp_pi.email)
    page = await client.get(f"/officer/calls/{panel.call.id}/decisions", headers=HTML)
    assert page.status_code == 403
    assert "A call's money is read by its co-funding agencies' officers, auditors and admins." in page.text


async def test_the_money_tab_shows_each_agency_in_its_currency_and_converted(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    call = panel.call
    await _sign_in(client, panel.nafosted_officer.email)
    page = await client.get(f"/officer/calls/{call.id}/money?lang=vi", headers=HTML)
    assert page.status_code == 200
    own = text_of(page.text, "money-own")
    assert "JST (JPY) ¥300.000.000" in own.replace("\xa0", " ") or "JST (JPY)" in own
    converted = text_of(page.text, "money-converted")
    assert "NAFOSTED" in converted
    config = json.loads(re.search(r'id="money-chart-data">(.*?)</script>', page.text, re.S).group(1))
    assert config["type"] == "bar"
