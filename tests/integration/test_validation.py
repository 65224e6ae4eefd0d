"""Validation that tells everything at once: strict integers, missing fields named, every
problem of a body in one answer; nothing is stored when a body is refused."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import BudgetLine, Call
from tests.factories import PASSWORD, bearer, make_proposal, make_user
from tests.factories_calls import call_body, make_cofunders
from tests.factories_proposals import audit_count, draft_body, make_world, problem_of

Client = httpx.AsyncClient


def _invalid_fields(instance: str, errors: list[dict[str, Any]]) -> dict[str, object]:
    """The 422 of a body with invalid fields, each with its message code and parameters."""
    return {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "The request has invalid fields.",
        "instance": instance,
        "code": "problem.invalid_fields",
        "params": {},
        "errors": errors,
    }


MISSING = {"reason": "This field is required.", "code": "validation.missing", "params": {}}
WHOLE = {"reason": "Give a whole number.", "code": "validation.int_type", "params": {}}


async def _calls(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(Call)) or 0)


async def test_create_call_booleans_and_numeric_strings_refused(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    body = call_body(durations=[True, 3], reviewers_per_proposal="3")
    body["agencies"][0]["cap_total"] = True
    body["agencies"][1]["max_indirect_percent"] = False
    body["rubric"][0]["weight"] = 40.0
    before = await audit_count(db)

    response = await client.post("/api/calls", headers=co.jst_headers, json=body)

    assert problem_of(response) == _invalid_fields(
        "/api/calls",
        [
            {"field": "durations[0]", **WHOLE},
            {"field": "reviewers_per_proposal", **WHOLE},
            {"field": "rubric[0].weight", **WHOLE},
            {
                "field": "agencies[0].cap_total",
                "reason": "an amount is a whole number of minor units "
                "(JPY and VND have none), not bool True",
                "code": "call.amount.not_whole",
                "params": {"kind": "bool", "value": "True"},
            },
            {"field": "agencies[1].max_indirect_percent", **WHOLE},
        ],
    )
    assert (await audit_count(db), await _calls(db)) == (before, 0)


async def test_budget_amount_true_refused(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await make_proposal(
        db, world.call, {world.jst.id: world.jp_pi, world.nafosted.id: world.vn_pi}
    )
    url = f"/api/proposals/{proposal.id}/parts/{proposal.parts[0].id}/budget"
    line = {"year": 1, "category": "travel", "amount": True, "currency": "JPY"}
    before = await audit_count(db)

    response = await client.put(
        url, headers=await bearer(db, world.jp_pi), json={"version": 1, "lines": [line]}
    )

    assert problem_of(response) == _invalid_fields(
        url,
        [
            {
                "field": "lines[0].amount",
                "reason": "an amount is a whole number, not true or false",
                "code": "budget.line.amount_not_boolean",
                "params": {},
            }
        ],
    )
    assert await db.scalar(select(func.count()).select_from(BudgetLine)) == 0
    assert await audit_count(db) == before


async def test_create_proposal_duration_true_refused(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    headers = await bearer(db, world.jp_pi)

    response = await client.post(
        "/api/proposals", headers=headers, json=draft_body(world, duration_years=True)
    )

    assert problem_of(response) == _invalid_fields(
        "/api/proposals", [{"field": "duration_years", **WHOLE}]
    )


async def test_create_call_field_errors_and_contradictions_in_one_answer(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    body = call_body(durations=[0, 5, 5], closes_at="2030-03-01T00:00:00Z", cofunding_mode="shared")
    body["rubric"][0]["weight"] = 50
    body["rubric"][2]["scale_min"] = 5
    body["agencies"][0]["share_percent"] = 60
    body["agencies"][1]["cap_total"] = -1
    before = await audit_count(db)

    response = await client.post("/api/calls", headers=co.jst_headers, json=body)

    # Pydantic's own errors first, then the set-up's contradictions among the valid fields
    # (grants.common.partial): each keeps its message code, so each is read in any language.
    assert problem_of(response) == _invalid_fields(
        "/api/calls",
        [
            {
                "field": "durations[0]",
                "reason": "Give at least 1.",
                "code": "validation.greater_than_equal",
                "params": {"ge": 1},
            },
            {
                "field": "agencies[1].cap_total",
                "reason": "Give a value greater than 0.",
                "code": "validation.greater_than",
                "params": {"gt": 0},
            },
            {
                # The zones are the agencies', unknown before the body is valid: UTC.
                "field": "closes_at",
                "reason": "The call must close after it opens at Apr 1, 2030, 12:00\u202fAM (UTC).",
                "code": "call.timing.closes_before_opening",
                "params": {"opens_at": "2030-04-01T00:00:00Z"},
            },
            {
                "field": "rubric",
                "reason": "The rubric's weights add up to 110, not 100.",
                "code": "call.rubric.weights",
                "params": {"total": 110},
            },
            {
                "field": "rubric[2].scale_max",
                "reason": "Criterion 'impact': the scale maximum, 5, must exceed its minimum, 5.",
                "code": "call.rubric.scale",
                "params": {"criterion": "impact", "scale_min": 5, "scale_max": 5},
            },
        ],
    )
    assert (await audit_count(db), await _calls(db)) == (before, 0)


_CALL_FIELDS = [
    "code",
    "title.en",
    "description.en",
    "topics",
    "opens_at",
    "closes_at",
    "durations",
    "agencies",
]


async def test_create_call_without_body_names_every_required_field(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)

    response = await client.post("/api/calls", headers=co.jst_headers)

    assert problem_of(response) == _invalid_fields(
        "/api/calls", [{"field": field, **MISSING} for field in _CALL_FIELDS]
    )
    assert await _calls(db) == 0


async def test_create_call_empty_object_names_every_required_field(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)

    response = await client.post("/api/calls", headers=co.jst_headers, json={})

    assert problem_of(response) == _invalid_fields(
        "/api/calls", [{"field": field, **MISSING} for field in _CALL_FIELDS]
    )


async def test_create_proposal_without_body_names_every_required_field(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    headers = {**await bearer(db, world.jp_pi), "content-type": "application/json"}

    response = await client.post("/api/proposals", headers=headers, content=b"")

    assert problem_of(response) == _invalid_fields(
        "/api/proposals",
        [
            {"field": field, **MISSING}
            for field in ("call_id", "title.en", "topic", "duration_years", "planned_start")
        ],
    )


async def test_person_listed_once_across_both_parts(client: Client, db: AsyncSession) -> None:
    world = await make_world(db)
    proposal = await make_proposal(
        db, world.call, {world.jst.id: world.jp_pi, world.nafosted.id: world.vn_pi}
    )
    base = f"/api/proposals/{proposal.id}/parts"
    jp_headers = await bearer(db, world.jp_pi)
    vn_headers = await bearer(db, world.vn_pi)
    listed = await client.post(
        f"{base}/{proposal.parts[0].id}/members",
        headers=jp_headers,
        json={
            "name": "Tanaka",
            "email": "tanaka@example.jp",
            "orcid": "0000-0002-1825-0097",
            "erad_number": "12345678",
        },
    )
    before = await audit_count(db)

    pi_again = await client.post(
        f"{base}/{proposal.parts[1].id}/members",
        headers=vn_headers,
        json={"name": "Dup PI", "email": "ＪＰ.ＰＩ@Example.JP"},
    )
    same_orcid = await client.post(
        f"{base}/{proposal.parts[1].id}/members",
        headers=vn_headers,
        json={
            "name": "T. Tanaka",
            "email": "t.tanaka@example.vn",
            "orcid": "https://orcid.org/0000-0002-1825-0097",
        },
    )
    renamed = await client.patch(
        f"{base}/{proposal.parts[0].id}/members/{listed.json()['id']}",
        headers=jp_headers,
        json={"version": 1, "email": "vn.pi@example.vn"},
    )

    conflict = {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "This person is already on the proposal's team.",
        "code": "member.already_listed",
        "params": {},
    }
    email_listed = {
        "field": "email",
        "reason": "this e-mail is already on the proposal's team",
        "code": "member.email_listed",
        "params": {},
    }
    assert listed.status_code == 201
    assert problem_of(pi_again) == {
        **conflict,
        "instance": f"{base}/{proposal.parts[1].id}/members",
        "errors": [email_listed],
    }
    assert problem_of(same_orcid) == {
        **conflict,
        "instance": f"{base}/{proposal.parts[1].id}/members",
        "errors": [
            {
                "field": "orcid",
                "reason": "this ORCID iD is already on the proposal's team",
                "code": "member.orcid_listed",
                "params": {},
            }
        ],
    }
    assert problem_of(renamed) == {
        **conflict,
        "instance": f"{base}/{proposal.parts[0].id}/members/{listed.json()['id']}",
        "errors": [email_listed],
    }
    assert await audit_count(db) == before


async def test_create_user_lookalike_email_is_the_same_account(
    client: Client, db: AsyncSession
) -> None:
    headers = await bearer(db, await make_user(db, "admin"))
    await make_user(db, email="josé@example.org")
    before = await audit_count(db)

    responses = [
        await client.post(
            "/api/users",
            headers=headers,
            json={"email": email, "display_name": "J", "password": "long enough password"},
        )
        for email in ("ＪＯＳÉ@example.org", "jose\u0301@EXAMPLE.org")
    ]

    assert [problem_of(r) for r in responses] == [
        {
            "type": "urn:cofund:problem:conflict",
            "title": "Conflict",
            "status": 409,
            "detail": "An account with this email already exists.",
            "instance": "/api/users",
            "code": "account.email.taken",
            "params": {},
            "errors": [
                {
                    "field": "email",
                    "reason": "This email is already registered.",
                    "code": "account.email.registered",
                    "params": {},
                }
            ],
        }
    ] * 2
    assert await audit_count(db) == before


async def test_login_with_fullwidth_email_finds_the_account(
    client: Client, db: AsyncSession
) -> None:
    user = await make_user(db, "researcher", email="hana@example.org")

    response = await client.post(
        "/api/auth/login", json={"email": "ｈａｎａ@example.org", "password": PASSWORD}
    )

    assert (response.status_code, response.json()["user"]["id"]) == (200, str(user.id))


async def test_budget_bad_lines_and_cap_breach_in_one_answer(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(
        db, world.call, {world.jst.id: world.jp_pi, world.nafosted.id: world.vn_pi}
    )
    url = f"/api/proposals/{proposal.id}/parts/{proposal.parts[0].id}/budget"
    lines = [
        {"year": 1, "category": "personnel", "amount": 9_000_000, "currency": "JPY"},
        {"year": 1, "category": "equipment", "amount": 2_000_000, "currency": "JPY"},
        {"year": 1, "category": "snacks", "amount": 1, "currency": "JPY"},
        {"year": 2, "category": "travel", "amount": 1.5, "currency": "VND"},
    ]

    response = await client.put(
        url, headers=await bearer(db, world.jp_pi), json={"version": 1, "lines": lines}
    )

    assert problem_of(response) == {
        **_invalid_fields(
            url,
            [
                {
                    "field": "lines[2].category",
                    "reason": "not a budget category; the categories are personnel, equipment, "
                    "consumables, travel, other, and indirect",
                    "code": "budget.line.unknown_category",
                    "params": {
                        "categories": [
                            "personnel",
                            "equipment",
                            "consumables",
                            "travel",
                            "other",
                            "indirect",
                        ]
                    },
                },
                {
                    "field": "lines[3].amount",
                    "reason": "JPY has no minor unit: give a whole number",
                    "code": "budget.line.no_minor_unit",
                    "params": {"currency": "JPY"},
                },
                {
                    "field": "lines[3].currency",
                    "reason": "this part's budget is in JPY",
                    "code": "budget.line.other_currency",
                    "params": {"currency": "JPY"},
                },
                {
                    "field": "lines",
                    "reason": "The JST part's budget for year 1 is ¥11,000,000, over JST's cap "
                    "of ¥10,000,000 per year.",
                    "code": "budget.caps.year_over_cap",
                    "params": {
                        "agency": "JST",
                        "year": 1,
                        "amount": {"amount": 11_000_000, "currency": "JPY"},
                        "cap": {"amount": 10_000_000, "currency": "JPY"},
                    },
                },
            ],
        ),
        "detail": "Some budget lines are invalid.",
        "code": "budget.lines_invalid",
    }
    assert await db.scalar(select(func.count()).select_from(BudgetLine)) == 0


async def test_member_email_stored_normalised_for_the_duplicate_funding_check(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})

    response = await client.post(
        f"/api/proposals/{proposal.id}/parts/{proposal.parts[0].id}/members",
        headers=await bearer(db, world.jp_pi),
        json={"name": "Aiko", "email": "ＡＩＫＯ@Example.JP"},
    )

    assert (response.status_code, response.json()["email"]) == (201, "aiko@example.jp")
