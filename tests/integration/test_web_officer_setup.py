"""The officers' dashboard, call set-up and eligibility pages over HTTP on both backends: what
each page says (exact texts, in English and another language), that its forms go through the
same services and workflow as the API (each agency changing only its own terms, approving its
own side, deciding its own part's eligibility), and that a refused form comes back with each
message next to its field, keeping what was typed, with nothing written."""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, Call, Proposal, User
from tests.factories import PASSWORD, make_call, make_proposal, make_user
from tests.factories_calls import Cofunders, make_cofunders
from tests.integration.test_web_reviewer_pages import text_of

Client = httpx.AsyncClient
HTML = {"accept": "text/html"}
CLOSES = datetime.datetime(2030, 5, 31, 8, 0, tzinfo=datetime.UTC)
PAST = datetime.datetime(2026, 1, 31, 8, 0, tzinfo=datetime.UTC)


async def _sign_in(client: Client, user: User) -> str:
    client.cookies.clear()
    response = await client.post(
        "/api/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


def _error(html: str, name: str) -> str:
    pattern = rf'<small class="field-error" id="{re.escape(name)}-error">([^<]*)</small>'
    match = re.search(pattern, html)
    assert match is not None, f"no message at {name}"
    return match.group(1)


def _value(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" type="[a-z-]+" value="([^"]*)"', html)
    assert match is not None, f"no field {name}"
    return match.group(1)


async def _post(client: Client, path: str, pairs: list[tuple[str, str]]) -> httpx.Response:
    """A form as a browser posts it, repeated fields (checkboxes) and all."""
    return await client.post(
        path,
        content=urlencode(pairs),
        headers={**HTML, "content-type": "application/x-www-form-urlencoded"},
    )


async def _draft(db: AsyncSession, team: Cofunders, **fields: Any) -> Call:
    opens = CLOSES - datetime.timedelta(days=60)
    values = {"state": "draft", "closes_at": CLOSES, "opens_at": opens, **fields}
    return await make_call(
        db, team.jst_officer, team.jst, team.nafosted, code="NEXUS-JV-2030", **values
    )


async def _audits(db: AsyncSession, action: str) -> int:
    return int(await db.scalar(select(func.count()).where(AuditEvent.action == action)) or 0)


def _setup_form(csrf: str, **changes: str) -> list[tuple[str, str]]:
    """The new-call form as JST's officer fills it in, NAFOSTED ticked as partner."""
    fields = {
        "csrf": csrf,
        "code": "NEXUS-JV-2031",
        "title_en": "Japan–Vietnam semiconductors 2031",
        "title_ja": "日越半導体 2031",
        "title_vi": "",
        "description_en": "Joint projects in chip design.",
        "topics": "chip design\nadvanced packaging",
        "durations": "3, 5",
        "opens_at": "2030-04-01T09:00",
        "opens_at_zone": "Asia/Tokyo",
        "closes_at": "2030-05-31T17:00",
        "closes_at_zone": "Asia/Tokyo",
        "review_deadline": "",
        "review_deadline_zone": "Asia/Tokyo",
        "cofunding_mode": "own_side",
        "review_mode": "parallel",
        "reviewers_per_proposal": "3",
        "min_reviewers_per_country": "1",
        "rubric-0_key": "novelty",
        "rubric-0_label": "Novelty",
        "rubric-0_weight": "60",
        "rubric-0_scale_min": "1",
        "rubric-0_scale_max": "5",
        "rubric-3_key": "impact",
        "rubric-3_label": "Impact",
        "rubric-3_weight": "40",
        "rubric-3_scale_min": "1",
        "rubric-3_scale_max": "5",
        "document_kinds-0_kind": "project_description",
        "document_kinds-0_label": "Project description",
        "document_kinds-0_max_bytes": "10",
        "document_kinds-0_required": "on",
        "agencies-0_cap_per_year": "15,000,000",
        "agencies-0_cap_total": "45000000",
        "agencies-0_envelope": "450000000",
        "agencies-0_max_indirect_percent": "30",
        "agencies-0_pi_once_per_call": "on",
        **changes,
    }
    return [
        *fields.items(),
        ("document_kinds-0_allowed_types", "application/pdf"),
        ("partners", "NAFOSTED"),
    ]


# The dashboard -------------------------------------------------------------------------------


async def test_dashboard_lists_the_agencys_calls_with_both_zones_and_the_eligibility_queue(
    client: Client, db: AsyncSession
) -> None:
    team = await make_cofunders(db)
    await _draft(db, team)
    closed = await make_call(
        db,
        team.jst_officer,
        team.jst,
        team.nafosted,
        code="NEXUS-JV-2025",
        state="closed",
        opens_at=PAST - datetime.timedelta(days=60),
        closes_at=PAST,
    )
    pi = await make_user(db, "researcher", country="JP")
    for _ in range(2):
        await make_proposal(db, closed, {team.jst.id: pi}, state="submitted")
    await _sign_in(client, team.jst_officer)

    page = await client.get("/officer", headers=HTML)
    japanese = await client.get("/officer?lang=ja", headers=HTML)

    assert text_of(page.text, "call-NEXUS-JV-2030") == (
        "NEXUS-JV-2030 — Joint call NEXUS-JV-2030 draft your approval is due "
        "Apr 1, 2030, 5:00 PM (Japan Time) / Apr 1, 2030, 3:00 PM (Vietnam Time) "
        "May 31, 2030, 5:00 PM (Japan Time) / May 31, 2030, 3:00 PM (Vietnam Time) "
        "0 0 Open NEXUS-JV-2030"
    )
    assert text_of(page.text, "call-NEXUS-JV-2025") == (
        "NEXUS-JV-2025 — Joint call NEXUS-JV-2025 closed "
        "Dec 2, 2025, 5:00 PM (Japan Time) / Dec 2, 2025, 3:00 PM (Vietnam Time) "
        "Jan 31, 2026, 5:00 PM (Japan Time) / Jan 31, 2026, 3:00 PM (Vietnam Time) "
        "2 2 Open NEXUS-JV-2025"
    )
    assert f'<a href="/officer/calls/{closed.id}/eligibility">2</a>' in page.text
    assert text_of(japanese.text, "call-NEXUS-JV-2030") == (
        "NEXUS-JV-2030 — Joint call NEXUS-JV-2030 (英語) 下書き 自機関の承認待ち "
        "2030/04/01 17:00 (日本時間) / 2030/04/01 15:00 (ベトナム時間) "
        "2030/05/31 17:00 (日本時間) / 2030/05/31 15:00 (ベトナム時間) 0 0 NEXUS-JV-2030 を開く"
    )


async def test_pages_of_officers_refuse_a_researcher_and_hide_a_draft_from_another_agency(
    client: Client, db: AsyncSession
) -> None:
    team = await make_cofunders(db)
    call = await _draft(db, team)
    researcher = await make_user(db, "researcher", country="JP")
    await _sign_in(client, researcher)

    refused = await client.get("/officer", headers=HTML)

    assert (refused.status_code, text_of(refused.text, "content")) == (
        403,
        "Forbidden This needs the role officer. Back to the start page",
    )
    outsider = await make_user(db, "officer", agency=await _third_agency(db))
    await _sign_in(client, outsider)
    hidden = await client.get(f"/officer/calls/{call.id}", headers=HTML)
    assert (hidden.status_code, text_of(hidden.text, "content")) == (
        404,
        "Not found No such call. Back to the start page",
    )


async def _third_agency(db: AsyncSession) -> Any:
    from tests.factories import AgencyFactory, persist

    agency = AgencyFactory(code="NRF", country="KR", currency="KRW", time_zone="Asia/Seoul")
    await persist(db, agency)
    return agency


# A new call ------------------------------------------------------------------------------------


async def test_new_call_refused_shows_each_message_at_its_field_keeps_input_writes_nothing(
    client: Client, db: AsyncSession
) -> None:
    team = await make_cofunders(db)
    csrf = await _sign_in(client, team.jst_officer)
    form = _setup_form(
        csrf,
        title_en="",
        closes_at="2030-03-01T17:00",
        **{"rubric-3_weight": "30", "rubric-0_scale_max": "1", "agencies-0_cap_total": "12.5"},
    )

    page = await _post(client, "/officer/calls/new", form)

    assert page.status_code == 422, page.text
    assert _error(page.text, "title_en") == "This field is required."
    assert _error(page.text, "closes_at") == (
        "The call must close after it opens at Apr 1, 2030, 12:00\u202fAM (UTC)."
    )
    assert _error(page.text, "rubric-0_scale_max") == (
        "Criterion &#39;novelty&#39;: the scale maximum, 1, must exceed its minimum, 1."
    )
    assert _error(page.text, "agencies-0_cap_total") == (
        "an amount is a whole number of minor units (JPY and VND have none), not float 12.5"
    )
    assert text_of(page.text, "rubric-error") == "The rubric's weights add up to 90, not 100."
    assert _value(page.text, "rubric-1_key") == "impact"
    assert _value(page.text, "agencies-0_cap_per_year") == "15,000,000"
    assert 'value="NAFOSTED" checked' in page.text
    assert await db.scalar(select(func.count()).select_from(Call)) == 0


async def test_new_call_created_with_own_terms_and_an_empty_side_for_the_partner(
    client: Client, db: AsyncSession
) -> None:
    team = await make_cofunders(db)
    csrf = await _sign_in(client, team.jst_officer)

    posted = await _post(client, "/officer/calls/new", _setup_form(csrf))

    call = await db.scalar(select(Call).where(Call.code == "NEXUS-JV-2031"))
    assert call is not None
    assert (posted.status_code, posted.headers["location"]) == (302, f"/officer/calls/{call.id}")
    assert (call.opens_at, call.closes_at, call.durations, call.topics) == (
        datetime.datetime(2030, 4, 1, 0, 0, tzinfo=datetime.UTC),
        datetime.datetime(2030, 5, 31, 8, 0, tzinfo=datetime.UTC),
        [3, 5],
        ["chip design", "advanced packaging"],
    )
    assert [c["key"] for c in call.rubric] == ["novelty", "impact"]
    assert call.document_kinds == [
        {
            "kind": "project_description",
            "label": "Project description",
            "required": True,
            "max_bytes": 10 * 1024 * 1024,
            "allowed_types": ["application/pdf"],
        }
    ]
    terms = [
        (t.agency.code, t.currency, t.cap_per_year, t.cap_total, t.envelope) for t in call.agencies
    ]
    assert terms == [
        ("JST", "JPY", 15_000_000, 45_000_000, 450_000_000),
        ("NAFOSTED", "VND", None, None, None),
    ]
    assert await _audits(db, "call.create") == 1
    shown = await client.get(posted.headers["location"], headers=HTML)
    assert text_of(shown.text, "content").startswith(
        "The draft call NEXUS-JV-2031 was created. NEXUS-JV-2031 — Japan–Vietnam"
    )
    assert _error(shown.text, "agencies-1_envelope") == "NAFOSTED has no envelope."


# A call's set-up ---------------------------------------------------------------------------------


async def _stored_form(client: Client, call: Call) -> list[tuple[str, str]]:
    """Every field of the set-up form as the page fills it in (what a browser would post)."""
    page = await client.get(f"/officer/calls/{call.id}", headers=HTML)
    form = page.text.split('id="setup-form"', 1)[1].split("</form>", 1)[0]
    pairs: list[tuple[str, str]] = []
    for tag in re.findall(r"<(?:input|textarea|select)[^>]*>(?:[^<]*</textarea>)?", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None or "__i__" in name.group(1):
            continue
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        text = re.search(r">([^<]*)</textarea>", tag)
        pairs.append((name.group(1), (text or value).group(1) if (text or value) else ""))
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        pairs.append((name, re.findall(r'<option value="([^"]*)" selected', options)[0]))
    return [(k, v.replace("&#39;", "'")) for k, v in pairs]


def _with(pairs: list[tuple[str, str]], **changes: str) -> list[tuple[str, str]]:
    return [(k, changes.get(k, v)) for k, v in pairs]


async def test_partner_officer_fills_in_its_own_terms_and_the_others_stay_read_only(
    client: Client, db: AsyncSession
) -> None:
    team = await make_cofunders(db)
    call = await _draft(db, team)
    jst_terms = (call.agencies[0].cap_total, call.agencies[0].envelope)
    await _sign_in(client, team.nafosted_officer)
    pairs = await _stored_form(client, call)

    posted = await _post(
        client,
        f"/officer/calls/{call.id}",
        _with(pairs, **{"agencies-1_envelope": "60000000000", "agencies-0_envelope": "1"}),
    )

    assert (posted.status_code, posted.headers["location"]) == (302, f"/officer/calls/{call.id}")
    await db.refresh(call)
    await db.refresh(call.agencies[0])
    await db.refresh(call.agencies[1])
    assert (call.agencies[0].cap_total, call.agencies[0].envelope) == jst_terms
    assert call.agencies[1].envelope == 60_000_000_000
    assert await _audits(db, "call.update") == 1
    page = await client.get(f"/officer/calls/{call.id}?lang=vi", headers=HTML)
    assert text_of(page.text, "terms-JST") == (
        "JST — Japan Science and Technology Agency (JPY) Mức trần mỗi năm 10.000.000 ¥ "
        "Mức trần mỗi dự án 45.000.000 ¥ Tổng ngân sách 300.000.000 ¥ Chi phí gián tiếp tối đa 30%"
    )
    assert 'name="agencies-0_envelope"' not in page.text


async def test_set_up_refused_keeps_what_was_typed_and_writes_nothing(
    client: Client, db: AsyncSession
) -> None:
    team = await make_cofunders(db)
    call = await _draft(db, team)
    await _sign_in(client, team.jst_officer)
    pairs = await _stored_form(client, call)

    page = await _post(
        client,
        f"/officer/calls/{call.id}",
        _with(pairs, topics="", durations="3, x", **{"rubric-1_weight": "35"}),
    )

    assert page.status_code == 422, page.text
    assert _error(page.text, "topics") == "Give at least 1 items."
    assert _error(page.text, "durations") == "Give a whole number."
    assert _value(page.text, "rubric-1_weight") == "35"
    assert await _audits(db, "call.update") == 0


async def test_each_agency_approves_its_side_and_the_last_key_opens_the_call(
    client: Client, db: AsyncSession
) -> None:
    team = await make_cofunders(db)
    call = await _draft(db, team)
    csrf = await _sign_in(client, team.jst_officer)
    event = f"/officer/calls/{call.id}/events/approve"

    first = await _post(
        client, event, [("csrf", csrf), ("version", "1"), ("rationale", "As agreed.")]
    )
    shown = await client.get(f"/officer/calls/{call.id}", headers=HTML)
    csrf = await _sign_in(client, team.nafosted_officer)
    second = await _post(client, event, [("csrf", csrf), ("version", "1")])
    opened = await client.get(f"/officer/calls/{call.id}?lang=vi", headers=HTML)

    assert (first.status_code, second.status_code) == (302, 302)
    assert text_of(shown.text, "keys") == "JST: approved — As agreed. NAFOSTED: not approved yet"
    await db.refresh(call)
    assert call.state == "open"
    assert text_of(opened.text, "call-state") == "đang mở"
    assert text_of(opened.text, "keys") == "JST: đã phê duyệt NAFOSTED: đã phê duyệt"


async def test_approval_refused_names_the_reasons_next_to_their_fields(
    client: Client, db: AsyncSession
) -> None:
    team = await make_cofunders(db)
    call = await _draft(db, team, closes_at=PAST, opens_at=PAST - datetime.timedelta(days=9))
    call.agencies[1].envelope = None
    await db.flush()
    csrf = await _sign_in(client, team.jst_officer)

    page = await _post(
        client,
        f"/officer/calls/{call.id}/events/approve?lang=ja",
        [("csrf", csrf), ("version", "1")],
    )

    assert page.status_code == 409, page.text
    assert text_of(page.text, "form-error") == (
        "NAFOSTEDの予算総額が設定されていません。 "
        "締切（2026/01/31 17:00 (日本時間) / 2026/01/31 15:00 (ベトナム時間)）を既に過ぎています。"
    )
    assert _error(page.text, "closes_at") == (
        "締切（2026/01/31 17:00 (日本時間) / 2026/01/31 15:00 (ベトナム時間)）を既に過ぎています。"
    )
    assert _error(page.text, "agencies-1_envelope") == "NAFOSTEDの予算総額が設定されていません。"
    assert await _audits(db, "approval.record") == 0


# Eligibility -------------------------------------------------------------------------------------


async def _closed_with_submissions(
    db: AsyncSession, team: Cofunders
) -> tuple[Call, Proposal, Proposal]:
    """A closed call with two submitted proposals sharing a Japanese PI over 2028–2029, and a
    Vietnamese PI on each."""
    call = await make_call(
        db,
        team.jst_officer,
        team.jst,
        team.nafosted,
        code="NEXUS-JV-2025",
        state="closed",
        opens_at=PAST - datetime.timedelta(days=60),
        closes_at=PAST,
    )
    jp = await make_user(
        db, "researcher", country="JP", email="hana@example.jp", display_name="Hana Sato"
    )
    vn1 = await make_user(
        db, "researcher", country="VN", email="minh@example.vn", display_name="Minh Nguyen"
    )
    vn2 = await make_user(
        db, "researcher", country="VN", email="lan@example.vn", display_name="Lan Tran"
    )
    first = await make_proposal(
        db,
        call,
        {team.jst.id: jp, team.nafosted.id: vn1},
        state="submitted",
        number=1,
        reference="NEXUS-JV-2025-0001",
        planned_start=datetime.date(2027, 4, 1),
        duration_years=3,
    )
    second = await make_proposal(
        db,
        call,
        {team.jst.id: jp, team.nafosted.id: vn2},
        state="submitted",
        number=2,
        reference="NEXUS-JV-2025-0002",
        planned_start=datetime.date(2028, 4, 1),
        duration_years=3,
        title={"en": "Edge-AI accelerators"},
    )
    return call, first, second


async def test_eligibility_queue_explains_duplicate_funding_flags(
    client: Client, db: AsyncSession
) -> None:
    team = await make_cofunders(db)
    call, first, second = await _closed_with_submissions(db, team)
    await _sign_in(client, team.jst_officer)

    page = await client.get(f"/officer/calls/{call.id}/eligibility", headers=HTML)
    japanese = await client.get(f"/officer/calls/{call.id}/eligibility?lang=ja", headers=HTML)

    assert page.status_code == 200, page.text
    assert text_of(page.text, f"dup-{first.id}") == (
        "Possible duplicate funding hana@example.jp is also on NEXUS-JV-2025-0002, "
        "whose project years overlap this one's in years 2028, 2029, 2030."
    )
    assert (
        text_of(page.text, f"keys-{first.id}") == "JST: not decided yet NAFOSTED: not decided yet"
    )
    assert text_of(japanese.text, f"dup-{second.id}") == (
        "重複受給の可能性 hana@example.jp は NEXUS-JV-2025-0001 にも参加しており、"
        "本課題と 2028, 2029, 2030 年度の実施期間が重なっています。"
    )


async def test_each_agency_decides_its_own_part_and_the_last_key_admits_the_proposal(
    client: Client, db: AsyncSession
) -> None:
    team = await make_cofunders(db)
    call, first, _ = await _closed_with_submissions(db, team)
    path = f"/officer/proposals/{first.id}/eligibility"
    csrf = await _sign_in(client, team.jst_officer)

    refused = await _post(client, f"{path}/declare_ineligible", [("csrf", csrf), ("version", "1")])
    found = await _post(
        client,
        f"{path}/declare_eligible",
        [("csrf", csrf), ("version", "1"), ("reason", "Within the caps.")],
    )
    again = await client.get(f"/officer/calls/{call.id}/eligibility", headers=HTML)
    csrf = await _sign_in(client, team.nafosted_officer)
    other = await client.get(f"/officer/calls/{call.id}/eligibility?lang=vi", headers=HTML)
    last = await _post(client, f"{path}/declare_eligible", [("csrf", csrf), ("version", "1")])

    assert refused.status_code == 422, refused.text
    assert _error(refused.text, f"reason-{first.id}") == "This field is required."
    assert (found.status_code, found.headers["location"]) == (
        302,
        f"/officer/calls/{call.id}/eligibility#p-{first.id}",
    )
    assert text_of(again.text, f"keys-{first.id}") == (
        "JST: eligible — Within the caps. NAFOSTED: not decided yet"
    )
    assert text_of(other.text, f"keys-{first.id}") == "JST: hợp lệ NAFOSTED: chưa quyết định"
    assert last.status_code == 302, last.text
    await db.refresh(first)
    assert first.state == "eligible"
