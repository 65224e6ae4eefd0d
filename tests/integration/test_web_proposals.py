"""The researchers' forms over HTTP, on both backends: each calls the API's services, answers
a refusal with the page again (each message at its field, in the page's language, what was
typed kept, nothing written), and says what it did in a flash on the next page."""

from __future__ import annotations

import html
import re

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import BudgetLine, Proposal, User
from tests.factories import PASSWORD, make_proposal
from tests.factories_proposals import World, audit_count, make_world, ready_proposal

Client = httpx.AsyncClient
HTML = {"accept": "text/html"}


async def _sign_in(client: Client, user: User) -> str:
    """Sign in through the form; the session's CSRF token, as the pages carry it."""
    login = await client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', login.text)
    assert token is not None
    signed = await client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf": token.group(1)}
    )
    assert signed.status_code == 302, signed.text
    home = await client.get("/")
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', home.text)
    assert csrf is not None
    return csrf.group(1)


async def _proposals(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(Proposal)) or 0)


def _draft_form(csrf: str, **fields: str) -> dict[str, str]:
    form = {
        "csrf": csrf,
        "title_en": "Chiplet interconnects",
        "title_ja": "チップレット相互接続",
        "title_vi": "",
        "topic": "advanced packaging",
        "duration_years": "3",
        "planned_start": "2027-04-01",
    }
    return {**form, **fields}


async def test_draft_form_creates_the_proposal_and_flashes_once(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    csrf = await _sign_in(client, world.jp_pi)
    before = await audit_count(db)

    posted = await client.post(f"/calls/{world.call.id}/proposals", data=_draft_form(csrf))

    proposal = await db.scalar(select(Proposal).where(Proposal.call_id == world.call.id))
    assert proposal is not None
    assert (posted.status_code, posted.headers["location"]) == (302, f"/proposals/{proposal.id}")
    assert (proposal.title, proposal.duration_years) == (
        {"en": "Chiplet interconnects", "ja": "チップレット相互接続"},
        3,
    )
    assert await audit_count(db) == before + 1
    shown = await client.get(posted.headers["location"])
    flash = '<p class="flash flash-success" role="status">Your draft proposal was created.</p>'
    assert (shown.status_code, shown.text.count(flash)) == (200, 1)
    again = await client.get(posted.headers["location"])
    assert 'class="flash' not in again.text


async def test_draft_form_without_english_title_shows_the_error_at_the_field_in_japanese(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    csrf = await _sign_in(client, world.jp_pi)

    posted = await client.post(
        f"/calls/{world.call.id}/proposals?lang=ja",
        data=_draft_form(csrf, title_en="", title_vi="Kết nối chiplet"),
    )

    assert posted.status_code == 422
    field = re.search(r'<input id="title_en"[^>]*>', posted.text)
    assert field is not None
    assert 'aria-describedby="title_en-error" aria-invalid="true"' in field.group(0)
    error = re.search(
        r'<small class="field-error" id="title_en-error">([^<]+)</small>', posted.text
    )
    assert error is not None
    assert error.group(1) == "この項目は必須です。"
    assert 'value="Kết nối chiplet"' in posted.text
    assert await _proposals(db) == 0


async def test_form_with_a_forged_csrf_token_is_refused_and_writes_nothing(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    await _sign_in(client, world.jp_pi)

    posted = await client.post(
        f"/calls/{world.call.id}/proposals", data=_draft_form("forged"), headers=HTML
    )

    assert posted.status_code == 403
    assert "The form&#39;s CSRF token is missing or wrong; reload the page." in posted.text
    assert await _proposals(db) == 0


async def _jst_part(db: AsyncSession, world: World) -> tuple[Proposal, str, int]:
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    part = next(p for p in proposal.parts if p.agency_id == world.jst.id)
    return proposal, str(part.id), part.version


async def test_budget_form_sends_the_table_as_lines_in_minor_units(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal, part_id, version = await _jst_part(db, world)
    csrf = await _sign_in(client, world.jp_pi)
    form = {
        "csrf": csrf,
        "JST-version": str(version),
        "JST-budget-1-personnel": "6,000,000",
        "JST-budget-2-travel": "250000",
        "JST-budget-3-indirect": "",
    }

    posted = await client.post(f"/proposals/{proposal.id}/parts/{part_id}/budget", data=form)

    assert (posted.status_code, posted.headers["location"]) == (302, f"/proposals/{proposal.id}")
    lines = await db.scalars(
        select(BudgetLine).where(BudgetLine.part_id == part_id).order_by(BudgetLine.year)
    )
    assert [(b.year, b.category, b.amount, b.currency) for b in lines] == [
        (1, "personnel", 6_000_000, "JPY"),
        (2, "travel", 250_000, "JPY"),
    ]
    page = await client.get(f"/proposals/{proposal.id}?lang=vi")
    assert '<p class="flash flash-success" role="status">Đã lưu ngân sách JST.</p>' in page.text
    assert '<td class="num" data-year-total="1">6.000.000\xa0¥</td>' in page.text


async def test_budget_form_over_the_yearly_cap_keeps_the_table_and_writes_nothing(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal, part_id, version = await _jst_part(db, world)
    csrf = await _sign_in(client, world.jp_pi)
    before = await audit_count(db)
    form = {
        "csrf": csrf,
        "JST-version": str(version),
        "JST-budget-1-personnel": "9000000",
        "JST-budget-1-equipment": "2000000",
        "JST-budget-2-travel": "12.5",
    }

    posted = await client.post(f"/proposals/{proposal.id}/parts/{part_id}/budget", data=form)

    assert posted.status_code == 422
    cap = re.search(
        r'<p class="field-error" id="JST-budget-error" role="alert">([^<]+)</p>', posted.text
    )
    assert cap is not None
    assert html.unescape(cap.group(1)) == (
        "The JST part's budget for year 1 is ¥11,000,000, over JST's cap of ¥10,000,000 per year."
    )
    cell = re.search(
        r'<small class="field-error" id="JST-budget-2-travel-error">([^<]+)</small>', posted.text
    )
    assert cell is not None
    assert html.unescape(cell.group(1)) == "JPY has no minor unit: give a whole number"
    assert (
        'name="JST-budget-1-equipment" inputmode="decimal" data-year="1" value="2000000"'
        in posted.text
    )
    assert await audit_count(db) == before
    count = await db.scalar(select(func.count()).select_from(BudgetLine))
    assert count == 0


async def test_submit_button_refused_lists_every_reason_then_submits_when_ready(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    incomplete = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    ready = await ready_proposal(db, world, title={"en": "Ready", "ja": "準備完了"})
    csrf = await _sign_in(client, world.jp_pi)

    refused = await client.post(
        f"/proposals/{incomplete.id}/events/submit",
        data={"csrf": csrf, "version": str(incomplete.version)},
    )
    submitted = await client.post(
        f"/proposals/{ready.id}/events/submit?lang=ja",
        data={"csrf": csrf, "version": str(ready.version)},
    )

    assert refused.status_code == 409
    reasons = re.search(
        r'<p class="flash flash-error" role="alert" id="form-error">([^<]+)</p>', refused.text
    )
    assert reasons is not None
    assert "The NAFOSTED part has no PI." in html.unescape(reasons.group(1))
    assert submitted.status_code == 302
    await db.refresh(ready)
    assert ready.state == "submitted"
    page = await client.get(f"{submitted.headers['location']}?lang=ja")
    assert '<p class="flash flash-success" role="status">完了：提案書を提出。</p>' in page.text
    assert '<span class="state">提出済み</span>' in page.text


async def test_proposal_page_of_another_consortium_is_not_found(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    await _sign_in(client, world.vn_pi)

    shown = await client.get(f"/proposals/{proposal.id}", headers=HTML)

    assert shown.status_code == 404
    assert "<h1>Not found</h1>" in shown.text
