"""The proposal page's second round, over HTTP on both backends: a stale form merged field by
field with what someone else saved; team members changed and removed from the page; the htmx
fragments (ROR lookup in the local registry, ORCID check, budget totals against the caps);
the budget's warnings and the error page in the page's language; and a signed-out reader sent
to sign in and back to the same page, never to another site."""

from __future__ import annotations

import html
import json
import re
import uuid

import httpx
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import BudgetLine, PartMember, Proposal, ProposalPart, User
from grants.errors import TITLES
from grants.money import Money
from grants.proposals.checks import YEAR_OVER_CAP
from grants.web.live import ROR_UNLISTED
from messages import render
from tests.factories import PASSWORD, BudgetLineFactory, PartMemberFactory, make_proposal, persist
from tests.factories_proposals import World, audit_count, make_world

Client = httpx.AsyncClient
HTML = {"accept": "text/html"}


async def _sign_in(client: Client, user: User, next_page: str | None = None) -> str:
    login = await client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', login.text)
    assert token is not None
    form = {"email": user.email, "password": PASSWORD, "csrf": token.group(1)}
    if next_page is not None:
        form["next"] = next_page
    signed = await client.post("/login", data=form)
    assert signed.status_code == 302, signed.text
    home = await client.get("/")
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', home.text)
    assert csrf is not None
    return csrf.group(1)


def _seen(page: str, form: str) -> dict[str, str]:
    """The hidden `seen` field of the form whose action ends with `form`."""
    found = re.search(
        rf'action="[^"]*{re.escape(form)}"[^>]*>.*?name="seen" value="([^"]*)"', page, re.S
    )
    assert found is not None, form
    return dict(json.loads(html.unescape(found.group(1))))


async def _jst_part(db: AsyncSession, world: World) -> tuple[Proposal, ProposalPart]:
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    part = next(p for p in proposal.parts if p.agency_id == world.jst.id)
    return proposal, part


async def test_stale_shared_form_is_merged_field_by_field_and_saves_when_sent_again(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal, _ = await _jst_part(db, world)
    csrf = await _sign_in(client, world.jp_pi)
    page = (await client.get(f"/proposals/{proposal.id}")).text
    loaded = _seen(page, f"/proposals/{proposal.id}")
    version = str(proposal.version)
    # Tab A saves a Japanese title; tab B, loaded before it, changes the abstract and keywords.
    first = {**loaded, "csrf": csrf, "version": version, "seen": json.dumps(loaded)}
    first |= {"title_ja": "チップレット", "topic": loaded["topic"]}
    saved = await client.post(f"/proposals/{proposal.id}", data=first)
    assert saved.status_code == 302, saved.text
    second = {**loaded, "csrf": csrf, "version": version, "seen": json.dumps(loaded)}
    second |= {"abstract_en": "Our own abstract.", "keywords": "chiplet, EDA"}
    before = await audit_count(db)

    stale = await client.post(f"/proposals/{proposal.id}?lang=en", data=second)

    assert stale.status_code == 409
    rows = re.findall(
        r'<tr data-change="([^"]+)"><th scope="row">([^<]+)</th><td class="theirs">([^<]*)</td>'
        r'<td class="yours">([^<]*)</td><td>([^<]+)</td></tr>',
        stale.text,
    )
    assert rows == [
        ("title_ja", "Title (Japanese)", "チップレット", "—", "theirs (you had not changed it)")
    ]
    assert 'id="title_ja" name="title_ja" type="text" value="チップレット"' in stale.text
    assert "Our own abstract.</textarea>" in stale.text
    assert await audit_count(db) == before
    merged = _seen(stale.text, f"/proposals/{proposal.id}")
    assert merged["title_ja"] == "チップレット"
    await db.refresh(proposal)
    again = {**second, "title_ja": "チップレット", "version": str(proposal.version)}
    again["seen"] = json.dumps(merged)
    resent = await client.post(f"/proposals/{proposal.id}", data=again)
    assert resent.status_code == 302, resent.text
    await db.refresh(proposal)
    assert (proposal.title["ja"], proposal.abstract["en"], proposal.keywords) == (
        "チップレット",
        "Our own abstract.",
        ["chiplet", "EDA"],
    )


async def test_stale_part_form_lists_a_field_both_changed_keeping_yours(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal, part = await _jst_part(db, world)
    csrf = await _sign_in(client, world.jp_pi)
    action = f"/proposals/{proposal.id}/parts/{part.id}"
    page = (await client.get(f"/proposals/{proposal.id}")).text
    loaded = _seen(page, action)
    form = {"csrf": csrf, "JST-version": str(part.version), "seen": json.dumps(loaded)}
    theirs = {**form, "JST-institution_ror": "", "JST-institution_name": "Tohoku University"}
    assert (await client.post(action, data=theirs)).status_code == 302

    mine = {**form, "JST-institution_ror": "", "JST-institution_name": "Kyushu University"}
    stale = await client.post(f"{action}?lang=vi", data=mine)

    assert stale.status_code == 409
    assert re.findall(r'<tr data-change="([^"]+)">.*?<td>([^<]+)</td></tr>', stale.text) == [
        ("JST-institution_name", "của bạn: hãy xem giá trị của họ")
    ]
    assert 'name="JST-institution_name" type="text" value="Kyushu University"' in stale.text
    await db.refresh(part)
    assert part.institution_name == "Tohoku University"


async def test_member_row_is_changed_then_removed_through_the_team_services(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal, part = await _jst_part(db, world)
    member = PartMemberFactory(part_id=part.id, name="Aiko Suzuki", email="aiko@example.jp")
    await persist(db, member)
    csrf = await _sign_in(client, world.jp_pi)
    prefix = f"member-{member.id}"
    base = f"/proposals/{proposal.id}/parts/{part.id}/members/{member.id}"
    before = await audit_count(db)

    wrong = await client.post(
        f"{base}?lang=ja",
        data={
            "csrf": csrf,
            f"{prefix}-version": str(member.version),
            f"{prefix}-name": "Aiko Suzuki",
            f"{prefix}-email": "aiko@example.jp",
            f"{prefix}-orcid": "0000-0002-1825-0098",
            f"{prefix}-role": "member",
        },
    )
    assert wrong.status_code == 422
    error = re.search(rf'<small class="field-error" id="{prefix}-orcid-error">([^<]+)', wrong.text)
    assert error is not None
    assert '<details class="member-edit" open>' in wrong.text
    assert await audit_count(db) == before

    changed = await client.post(
        base,
        data={
            "csrf": csrf,
            f"{prefix}-version": str(member.version),
            f"{prefix}-name": "Aiko Suzuki-Tanaka",
            f"{prefix}-email": "aiko@example.jp",
            f"{prefix}-orcid": "0000-0002-1825-0097",
            f"{prefix}-role": "member",
        },
    )
    assert (changed.status_code, changed.headers["location"]) == (302, f"/proposals/{proposal.id}")
    await db.refresh(member)
    assert (member.name, member.orcid) == ("Aiko Suzuki-Tanaka", "0000-0002-1825-0097")
    assert await audit_count(db) == before + 1
    page = await client.get(f"/proposals/{proposal.id}?lang=en")
    assert (
        '<p class="flash flash-success" role="status">Aiko Suzuki-Tanaka&#39;s details were saved.'
        "</p>" in page.text
    )

    removed = await client.post(
        f"{base}/remove", data={"csrf": csrf, f"{prefix}-version": str(member.version)}
    )
    assert removed.status_code == 302
    left = await db.scalars(select(PartMember.name).where(PartMember.part_id == part.id))
    assert list(left) == [world.jp_pi.display_name]
    assert await audit_count(db) == before + 2


async def test_the_pi_cannot_be_removed_and_the_page_says_why(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal, part = await _jst_part(db, world)
    pi = part.members[0]
    csrf = await _sign_in(client, world.jp_pi)

    refused = await client.post(
        f"/proposals/{proposal.id}/parts/{part.id}/members/{pi.id}/remove",
        data={"csrf": csrf, f"member-{pi.id}-version": str(pi.version)},
    )

    assert refused.status_code == 409
    assert (
        '<p class="flash flash-error" role="alert" id="form-error">'
        "The part&#39;s PI cannot be removed from its team.</p>" in refused.text
    )
    assert f"/members/{pi.id}/remove" not in refused.text  # no remove button for the PI


async def test_ror_check_names_a_listed_institution_in_the_page_language(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    await _sign_in(client, world.jp_pi)
    field = {"field": "JST-institution_ror"}

    kyoto = await client.get(
        "/checks/ror", params={**field, "JST-institution_ror": "https://ror.org/02kpeqv85"}
    )
    kyoto_ja = await client.get(
        "/checks/ror", params={**field, "JST-institution_ror": "02kpeqv85", "lang": "ja"}
    )
    unlisted = await client.get(
        "/checks/ror", params={**field, "JST-institution_ror": "04wxnsj81", "lang": "vi"}
    )
    wrong = await client.get("/checks/ror", params={**field, "JST-institution_ror": "02kpeqv86"})

    start = '<output id="JST-institution_ror-found" for="JST-institution_ror" class="lookup'
    assert kyoto.text == f'{start} verified">Kyoto University (in the ROR registry)</output>'
    assert kyoto_ja.text.startswith(f'{start} verified">京都大学')
    assert unlisted.text == f'{start} unverified">{render(ROR_UNLISTED(), "vi")}</output>'
    assert wrong.text.startswith(f'{start} field-error">')
    assert "check" in wrong.text


async def test_orcid_check_says_whether_the_check_character_fits(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    await _sign_in(client, world.jp_pi)

    good = await client.get(
        "/checks/orcid",
        params={"field": "JST-member-orcid", "JST-member-orcid": "0000000218250097"},
    )
    hostile = await client.get(
        "/checks/orcid", params={"field": '"><script>', "x-orcid": "0000-0002-1825-0098"}
    )

    assert good.text == (
        '<output id="JST-member-orcid-found" for="JST-member-orcid" class="lookup verified">'
        "A well-formed ORCID iD: 0000-0002-1825-0097.</output>"
    )
    assert hostile.text.startswith(
        '<output id="orcid-found" for="orcid" class="lookup field-error">'
    )


async def test_part_saved_with_a_listed_ror_id_takes_its_name(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal, part = await _jst_part(db, world)
    csrf = await _sign_in(client, world.jp_pi)
    action = f"/proposals/{proposal.id}/parts/{part.id}"
    form = {"csrf": csrf, "JST-version": str(part.version), "JST-institution_name": ""}

    saved = await client.post(action, data={**form, "JST-institution_ror": "02kpeqv85"})

    assert saved.status_code == 302
    await db.refresh(part)
    assert (part.institution_ror, part.institution_name) == ("02kpeqv85", "Kyoto University")
    page = await client.get(f"/proposals/{proposal.id}?lang=ja")
    assert 'class="lookup verified">京都大学（ROR に登録）</output>' in page.text
    unlisted = {**form, "JST-version": str(part.version), "JST-institution_name": "Lab X"}
    again = await client.post(action, data={**unlisted, "JST-institution_ror": "04wxnsj81"})
    assert again.status_code == 302
    await db.refresh(part)
    assert (part.institution_ror, part.institution_name) == ("04wxnsj81", "Lab X")
    shown = await client.get(f"/proposals/{proposal.id}?lang=en")
    assert f'class="lookup unverified">{escape(render(ROR_UNLISTED(), "en"))}' in shown.text


async def test_budget_totals_fragment_sums_against_the_caps_and_saves_nothing(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal, part = await _jst_part(db, world)
    csrf = await _sign_in(client, world.jp_pi)
    before = await audit_count(db)

    totals = await client.post(
        f"/proposals/{proposal.id}/parts/{part.id}/budget/totals?lang=vi",
        data={
            "csrf": csrf,
            "JST-budget-1-personnel": "9000000",
            "JST-budget-1-equipment": "2000000",
            "JST-budget-2-travel": "12.5",
            "JST-budget-3-travel": "300000",
        },
    )

    assert totals.status_code == 200
    assert (
        '<td class="num over" data-year-total="1">11.000.000\xa0¥</td>'
        '<td class="num" data-year-total="2">0\xa0¥</td>'
        '<td class="num" data-year-total="3">300.000\xa0¥</td>'
    ) in totals.text
    warning = render(
        YEAR_OVER_CAP(
            agency="JST", year=1, amount=Money(11_000_000, "JPY"), cap=Money(10_000_000, "JPY")
        ),
        "vi",
    )
    assert (
        '<p id="JST-budget-status" class="budget-status error" aria-live="polite" '
        f'hx-swap-oob="true">{escape(warning)}</p>'
    ) in totals.text
    assert totals.headers["content-language"] == "vi"
    assert await audit_count(db) == before
    forged = await client.post(
        f"/proposals/{proposal.id}/parts/{part.id}/budget/totals", data={"csrf": "forged"}
    )
    assert forged.status_code == 403


async def test_budget_warnings_are_in_the_page_language_not_the_saved_one(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal, part = await _jst_part(db, world)
    line = BudgetLineFactory(part_id=part.id, year=1, amount=12_000_000, currency="JPY")
    await persist(db, line)
    await _sign_in(client, world.jp_pi)  # saved locale: the factory's (English)

    page = await client.get(f"/proposals/{proposal.id}?lang=ja")

    warning = render(
        YEAR_OVER_CAP(
            agency="JST", year=1, amount=Money(12_000_000, "JPY"), cap=Money(10_000_000, "JPY")
        ),
        "ja",
    )
    assert f'<p class="error">{escape(warning)}</p>' in page.text


async def test_error_page_honours_lang(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    await _sign_in(client, world.jp_pi)

    missing = await client.get(f"/proposals/{uuid.uuid4()}?lang=ja", headers=HTML)

    assert missing.status_code == 404
    assert f"<h1>{render(TITLES[404](), 'ja')}</h1>" in missing.text
    assert '<html lang="ja">' in missing.text
    assert missing.headers["content-language"] == "ja"


async def test_signed_out_page_goes_to_sign_in_and_comes_back(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal, _ = await _jst_part(db, world)
    target = f"/proposals/{proposal.id}?lang=ja"

    away = await client.get(target, headers=HTML)

    assert away.status_code == 302
    location = away.headers["location"]
    assert location == f"/login?next=%2Fproposals%2F{proposal.id}%3Flang%3Dja"
    login = await client.get(location)
    assert f'<input type="hidden" name="next" value="{escape(target)}">' in login.text
    assert f'data-next="{escape(target)}"' in login.text
    token = re.search(r'name="csrf" value="([^"]+)"', login.text)
    assert token is not None
    signed = await client.post(
        "/login",
        data={
            "email": world.jp_pi.email,
            "password": PASSWORD,
            "csrf": token.group(1),
            "next": target,
        },
    )
    assert (signed.status_code, signed.headers["location"]) == (302, target)


async def test_form_sent_signed_out_goes_back_to_the_page_it_was_sent_from(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal, _ = await _jst_part(db, world)
    page = f"http://testserver/proposals/{proposal.id}"

    sent = await client.post(
        f"/proposals/{proposal.id}",
        data={"csrf": "x", "title_en": "Kept"},
        headers={**HTML, "referer": page},
    )
    elsewhere = await client.post(
        f"/proposals/{proposal.id}",
        data={"csrf": "x"},
        headers={**HTML, "referer": "https://evil.example/proposals/1"},
    )
    htmx = await client.get(
        "/checks/orcid",
        headers={**HTML, "hx-request": "true", "hx-current-url": f"{page}?lang=vi"},
    )

    assert (sent.status_code, sent.headers["location"]) == (
        302,
        f"/login?next=%2Fproposals%2F{proposal.id}",
    )
    assert elsewhere.headers["location"] == "/login"
    assert htmx.headers["hx-redirect"] == f"/login?next=%2Fproposals%2F{proposal.id}%3Flang%3Dvi"


async def test_next_never_leads_to_another_site(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    hostile = ("//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x")

    landed = []
    for target in hostile:
        login = await client.get("/login", params={"next": target})
        assert 'name="next"' not in login.text
        token = re.search(r'name="csrf" value="([^"]+)"', login.text)
        assert token is not None
        signed = await client.post(
            "/login",
            data={
                "email": world.jp_pi.email,
                "password": PASSWORD,
                "csrf": token.group(1),
                "next": target,
            },
        )
        landed.append(signed.headers["location"])
        await client.post("/logout", data={"csrf": await _csrf(client)})

    assert landed == ["/"] * len(hostile)


async def _csrf(client: Client) -> str:
    home = await client.get("/")
    found = re.search(r'<meta name="csrf-token" content="([^"]+)">', home.text)
    assert found is not None
    return found.group(1)


async def test_stored_budget_shows_in_the_table_footer(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal, part = await _jst_part(db, world)
    await persist(db, BudgetLineFactory(part_id=part.id, year=2, amount=4_000_000, currency="JPY"))
    await _sign_in(client, world.jp_pi)

    page = await client.get(f"/proposals/{proposal.id}")

    assert '<td class="num" data-year-total="2">¥4,000,000</td>' in page.text
    assert 'hx-post="/proposals/' in page.text
    lines = await db.scalars(select(BudgetLine).where(BudgetLine.part_id == part.id))
    assert len(list(lines)) == 1
