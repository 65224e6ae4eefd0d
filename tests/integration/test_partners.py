"""Enterprise partners on a proposal's part, through HTTP: listing one with its commitments,
every bad field refused at once with nothing stored, each side editing only its own part, the
call's matching-funds rule at submission, and the issue's story up to the money view."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, Call, EnterprisePartner, Proposal
from tests.factories import bearer, make_user
from tests.factories_documents import pdf_of
from tests.factories_partners import jp_number, partner_body, vn_code, wrong_check_digit
from tests.factories_proposals import World, audit_count, make_world, ready_proposal

Client = httpx.AsyncClient

SAKURA = jp_number(583567825624)
SONG_HONG = vn_code(23348)


def _url(proposal: Proposal, index: int) -> str:
    return f"/api/proposals/{proposal.id}/parts/{proposal.parts[index].id}/partners"


async def _partners(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(EnterprisePartner)) or 0)


async def _letter(client: Client, proposal: Proposal, headers: dict[str, str]) -> str:
    response = await client.post(
        f"/api/proposals/{proposal.id}/documents",
        params={"kind": "letter_of_commitment"},
        headers={**headers, "X-Filename": "letter.pdf", "Content-Type": "application/pdf"},
        content=pdf_of(2_000),
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _errors(response: httpx.Response) -> list[tuple[str, str, str]]:
    return [(e["field"], e["code"], e["reason"]) for e in response.json()["errors"]]


async def test_add_partner_lists_it_with_commitments_and_audits(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await ready_proposal(db, world)
    headers = await bearer(db, world.jp_pi)

    response = await client.post(
        _url(proposal, 0),
        headers=headers,
        json=partner_body(
            identifier=SAKURA,
            contributions=[
                {"year": 1, "kind": "cash", "amount": 2_000_000, "currency": "JPY"},
                {"year": 2, "kind": "in_kind", "amount": 500_000, "currency": "JPY"},
            ],
        ),
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert {k: v for k, v in body.items() if k not in {"id", "created_at"}} == {
        "part_id": str(proposal.parts[0].id),
        "agency": "JST",
        "version": 1,
        "legal_name": "株式会社サクラ半導体",
        "legal_name_en": "Sakura Semiconductor Co., Ltd.",
        "country": "JP",
        "identifier": SAKURA,
        "identifier_formatted": f"{SAKURA[0]}-{SAKURA[1:5]}-{SAKURA[5:9]}-{SAKURA[9:]}",
        "size_class": "medium",
        "contact_name": "Kenji Watanabe",
        "contact_email": "k.watanabe@sakura-semi.example.jp",
        "role": "Provides the test chips.",
        "currency": "JPY",
        "letter_document_id": None,
        "contributions": [
            {"year": 1, "kind": "cash", "amount": 2_000_000, "currency": "JPY"},
            {"year": 2, "kind": "in_kind", "amount": 500_000, "currency": "JPY"},
        ],
        "committed_total": 2_500_000,
    }
    event = await db.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert event is not None
    assert (event.action, event.entity_id, event.changes["contributions"]) == (
        "proposal.partner_add",
        str(proposal.id),
        [None, [[1, "cash", 2_000_000, "JPY"], [2, "in_kind", 500_000, "JPY"]]],
    )
    listed = await client.get(_url(proposal, 0), headers=headers)
    assert listed.json()["matching"] == {
        "agency": "JST",
        "currency": "JPY",
        "partner_required": False,
        "min_matching_percent": None,
        "budget": 6_500_000,
        "committed": 2_500_000,
        "share_percent": 38,
        "required": 0,
        "shortfall": 0,
        "unconverted": [],
    }
    assert [p["id"] for p in listed.json()["partners"]] == [body["id"]]


async def test_bad_partner_refused_with_every_reason_and_nothing_stored(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await ready_proposal(db, world)
    before = await audit_count(db)

    response = await client.post(
        _url(proposal, 0),
        headers=await bearer(db, world.jp_pi),
        json=partner_body(
            identifier=wrong_check_digit(SAKURA, leading=True),
            contributions=[
                {"year": 1, "kind": "cash", "amount": 2_000_000.5, "currency": "JPY"},
                {"year": 2, "kind": "cash", "amount": 1_000, "currency": "VND"},
                {"year": 9, "kind": "shares", "amount": 1, "currency": "JPY"},
            ],
        ),
    )

    assert response.status_code == 422
    assert _errors(response) == [
        (
            "identifier",
            "partner.identifier.check_digit",
            "the check digit of this JP enterprise identifier (jp.cn) is wrong",
        ),
        (
            "contributions[0].amount",
            "partner.contribution.no_minor_unit",
            "JPY has no minor unit: give a whole number",
        ),
        (
            "contributions[1].currency",
            "partner.contribution.other_currency",
            "this partner contributes in JPY",
        ),
        (
            "contributions[2].year",
            "partner.contribution.year_outside",
            "a year of the project: 1 to 3",
        ),
        ("contributions[2].kind", "partner.contribution.unknown_kind", "cash or in_kind"),
    ]
    assert (await _partners(db), await audit_count(db)) == (0, before)


async def test_vietnamese_tax_code_checked_and_sides_edit_only_their_own_part(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await ready_proposal(db, world)
    vn = await bearer(db, world.vn_pi)
    body = partner_body(
        country="VN",
        identifier=wrong_check_digit(SONG_HONG),
        contributions=[{"year": 1, "kind": "in_kind", "amount": 100, "currency": "VND"}],
    )

    refused = await client.post(_url(proposal, 1), headers=vn, json=body)
    other_side = await client.post(
        _url(proposal, 0), headers=vn, json={**body, "identifier": SONG_HONG}
    )
    added = await client.post(_url(proposal, 1), headers=vn, json={**body, "identifier": SONG_HONG})

    assert _errors(refused) == [
        (
            "identifier",
            "partner.identifier.check_digit",
            "the check digit of this VN enterprise identifier (vn.mst) is wrong",
        )
    ]
    assert (other_side.status_code, other_side.json()["code"]) == (403, "security.part.team_only")
    assert (added.status_code, added.json()["currency"], added.json()["identifier"]) == (
        201,
        "VND",
        SONG_HONG,
    )


def _terms(world: World, **jst: Any) -> None:
    for terms, fields in zip(world.call.agencies, (jst, {}), strict=True):
        for name, value in fields.items():
            setattr(terms, name, value)


async def test_partners_story_refused_with_shortfall_then_awarded_with_leverage(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    for terms, percent in zip(world.call.agencies, (20, 10), strict=True):
        terms.partner_required, terms.min_matching_percent = True, percent
    await db.flush()
    proposal = await ready_proposal(db, world)
    jp, vn = await bearer(db, world.jp_pi), await bearer(db, world.vn_pi)
    jp_letter = await _letter(client, proposal, jp)
    vn_letter = await _letter(client, proposal, vn)
    sakura = await client.post(
        _url(proposal, 0),
        headers=jp,
        json=partner_body(
            identifier=SAKURA,
            letter_document_id=jp_letter,
            contributions=[{"year": 1, "kind": "cash", "amount": 1_000_000, "currency": "JPY"}],
        ),
    )
    song_hong = await client.post(
        _url(proposal, 1),
        headers=vn,
        json=partner_body(
            country="VN",
            identifier=SONG_HONG,
            legal_name="Công ty Vi mạch Sông Hồng",
            legal_name_en="Song Hong Microchip JSC",
            letter_document_id=vn_letter,
            contributions=[{"year": 1, "kind": "in_kind", "amount": 650_000, "currency": "VND"}],
        ),
    )
    assert (sakura.status_code, song_hong.status_code) == (201, 201)
    submit = f"/api/proposals/{proposal.id}/events/submit"
    version = (await client.get(f"/api/proposals/{proposal.id}", headers=jp)).json()["version"]

    refused = await client.post(submit, headers=jp, json={"version": version})

    assert refused.status_code == 409
    assert [(r["code"], r["message"]) for r in refused.json()["reasons"]] == [
        (
            "partner.submission.matching_short",
            "The JST part's enterprise partners commit ¥1,000,000 against its budget of "
            "¥6,500,000 (a share of 15%); JST requires at least 20%: ¥300,000 more is needed.",
        )
    ]
    raised = await client.patch(
        f"{_url(proposal, 0)}/{sakura.json()['id']}",
        headers=jp,
        json={
            "version": 1,
            "contributions": [
                {"year": 1, "kind": "cash", "amount": 1_000_000, "currency": "JPY"},
                {"year": 2, "kind": "in_kind", "amount": 300_000, "currency": "JPY"},
            ],
        },
    )
    assert raised.status_code == 200, raised.text
    version = (await client.get(f"/api/proposals/{proposal.id}", headers=jp)).json()["version"]

    accepted = await client.post(submit, headers=jp, json={"version": version})

    assert (accepted.status_code, accepted.json()["state"]) == (200, "submitted")
    officer = await bearer(db, world.jst_officer)
    call_id = world.call.id
    await _award(client, db, world, proposal)
    money = await client.get(f"/api/calls/{call_id}/money", headers=officer)
    assert [(a["agency"], a["enterprise"]) for a in money.json()["agencies"]] == [
        (
            "JST",
            {
                "funding": {"amount": 6_500_000, "currency": "JPY"},
                "committed": {"amount": 1_300_000, "currency": "JPY"},
                "actual": {"amount": 0, "currency": "JPY"},
                "leverage": "0.2000",
                "actual_leverage": "0.0000",
                "unconverted": [],
            },
        ),
        (
            "NAFOSTED",
            {
                "funding": {"amount": 6_500_000, "currency": "VND"},
                "committed": {"amount": 650_000, "currency": "VND"},
                "actual": {"amount": 0, "currency": "VND"},
                "leverage": "0.1000",
                "actual_leverage": "0.0000",
                "unconverted": [],
            },
        ),
    ]


async def _award(client: Client, db: AsyncSession, world: World, proposal: Proposal) -> None:
    """Past eligibility and review (arranged), each agency approves its side in full through
    the API: the last approval awards the proposal and creates its grant."""
    vn_officer = await make_user(db, "officer", agency=world.nafosted, email="o@nafosted.example")
    officers = [
        (await bearer(db, world.jst_officer), "JST", "JPY"),
        (await bearer(db, vn_officer), "NAFOSTED", "VND"),
    ]
    url = f"/api/proposals/{proposal.id}"
    await db.execute(update(Call).where(Call.id == world.call.id).values(state="deciding"))
    await db.execute(update(Proposal).where(Proposal.id == proposal.id).values(state="reviewed"))
    for headers, agency, currency in officers:
        shown = await client.get(url, headers=headers)
        response = await client.post(
            f"{url}/decisions",
            headers=headers,
            json={
                "version": shown.json()["version"],
                "agency": agency,
                "decision": "approve",
                "rationale": "Strong joint plan with committed industry.",
                "budget": [
                    {"year": 1, "category": "personnel", "amount": 5_000_000, "currency": currency},
                    {"year": 1, "category": "indirect", "amount": 1_500_000, "currency": currency},
                ],
            },
        )
        assert response.status_code == 201, response.text
