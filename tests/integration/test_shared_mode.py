"""`shared` co-funding mode: every agency approves the lead part's one joint budget; at the
award each line is split by the call's percentages (largest remainder), each agency's part
converted once into its currency with the latest recorded rate, the rate stored on its side.
Without a rate, with another grid or with lines in another currency the decision is refused,
nothing changed and nothing audited."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Approval, Grant, GrantSideShare
from grants.times import utcnow
from tests.factories import persist
from tests.factories_awards import (
    JST_REQUEST,
    NAFOSTED_REQUEST,
    approval_body,
    audit_total,
    lines,
    make_deciding,
)
from tests.factories_fx import make_rates
from tests.factories_scoring import Panel
from tests.support.coded import field_error
from tests.support.problems import problem

Client = httpx.AsyncClient
TODAY = utcnow().date()
LAST_MONTH = TODAY - datetime.timedelta(days=30)
NEXT_MONTH = TODAY + datetime.timedelta(days=30)


async def shared_call(db: AsyncSession) -> Panel:
    """The JV-2026 call in shared mode: JST (the lead, yen) 60%, NAFOSTED 40%."""
    panel = await make_deciding(db, cofunding_mode="shared")
    jst, nafosted = panel.call.agencies
    jst.share_percent, nafosted.share_percent = 60, 40
    await persist(db, jst, nafosted)
    return panel


async def with_rates(db: AsyncSession, panel: Panel) -> None:
    await make_rates(
        db,
        panel.nafosted_officer,
        {"rate_date": LAST_MONTH, "base": "JPY", "quote": "VND", "rate": Decimal("170.5"),
         "source": "SBV"},
        # Recorded ahead of time: never used before its day.
        {"rate_date": NEXT_MONTH, "base": "JPY", "quote": "VND", "rate": Decimal("999"),
         "source": "SBV"},
    )  # fmt: skip


async def decide(client: Client, panel: Panel, agency: str, budget: Any) -> httpx.Response:
    proposal = panel.proposals[0]
    headers = panel.jst_headers if agency == "JST" else panel.nafosted_headers
    # The first decision moves the proposal's version: send the one the officer sees now.
    version = (await client.get(f"/api/proposals/{proposal.id}", headers=headers)).json()
    return await client.post(
        f"/api/proposals/{proposal.id}/decisions",
        headers=headers,
        json=approval_body(proposal, agency, budget) | {"version": version["version"]},
    )


def yen(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "JPY"}


def dong(amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": "VND"}


async def test_the_joint_budget_is_split_and_converted_once_at_the_award(
    client: Client, db: AsyncSession
) -> None:
    panel = await shared_call(db)
    await with_rates(db, panel)
    joint = lines(JST_REQUEST, "JPY")

    first = await decide(client, panel, "NAFOSTED", joint)
    second = await decide(client, panel, "JST", joint)

    assert (first.status_code, second.status_code) == (201, 201), second.json()
    grant_id = second.json()["grant_id"]
    money = (await client.get(f"/api/grants/{grant_id}/money", headers=panel.jst_headers)).json()
    jst, nafosted = money["sides"]
    rate = {
        "rate": "170.5",
        "rate_date": LAST_MONTH.isoformat(),
        "base": "JPY",
        "quote": "VND",
        "source": "SBV",
        "inverse": False,
    }
    assert [(s["agency"], s["awarded"], s["budget"], s["share"]) for s in (jst, nafosted)] == [
        (
            "JST",
            yen(6_300_000),
            [
                {"year": 1, "category": "indirect", "amount": 900_000},
                {"year": 1, "category": "personnel", "amount": 3_000_000},
                {"year": 2, "category": "personnel", "amount": 2_400_000},
            ],
            {"percent": 60, "joint_total": yen(10_500_000), "rate": None},
        ),
        (
            "NAFOSTED",
            # ¥600,000 / ¥2,000,000 / ¥1,600,000 (40% of each line) × 170.5
            dong(716_100_000),
            [
                {"year": 1, "category": "indirect", "amount": 102_300_000},
                {"year": 1, "category": "personnel", "amount": 341_000_000},
                {"year": 2, "category": "personnel", "amount": 272_800_000},
            ],
            {"percent": 40, "joint_total": yen(10_500_000), "rate": rate},
        ),
    ]
    stored = await db.scalar(select(GrantSideShare.fx_rate_id).where(GrantSideShare.base == "JPY"))
    assert stored is not None


async def test_every_line_splits_to_the_unit(client: Client, db: AsyncSession) -> None:
    panel = await shared_call(db)
    await with_rates(db, panel)
    joint = [{"year": 1, "category": "personnel", "amount": 4_999_999, "currency": "JPY"}]

    await decide(client, panel, "NAFOSTED", joint)
    grant_id = (await decide(client, panel, "JST", joint)).json()["grant_id"]

    money = (await client.get(f"/api/grants/{grant_id}/money", headers=panel.jst_headers)).json()
    # 60% of 4,999,999 is 2,999,999.4 and 40% 1,999,999.6: the spare yen goes to NAFOSTED's
    # larger remainder, then ¥2,000,000 × 170.5.
    assert [s["awarded"] for s in money["sides"]] == [yen(2_999_999), dong(341_000_000)]


async def test_without_a_rate_the_award_is_refused_and_nothing_changes(
    client: Client, db: AsyncSession
) -> None:
    panel = await shared_call(db)
    joint = lines(JST_REQUEST, "JPY")
    await decide(client, panel, "NAFOSTED", joint)
    before = (await audit_total(db), await _keys(db))

    response = await decide(client, panel, "JST", joint)

    assert (response.status_code, problem(response)["code"], problem(response)["detail"]) == (
        409,
        "award.shared.no_rate",
        f"No JPY/VND rate (nor VND/JPY) is recorded on or before "
        f"{TODAY.strftime('%b')} {TODAY.day}, {TODAY.year}: NAFOSTED's share cannot be "
        "converted. Record one, then decide again.",
    )
    assert (await audit_total(db), await _keys(db)) == before
    assert await db.scalar(select(func.count()).select_from(Grant)) == 0


async def test_a_second_agency_approving_another_grid_is_refused(
    client: Client, db: AsyncSession
) -> None:
    panel = await shared_call(db)
    await with_rates(db, panel)
    joint = lines(JST_REQUEST, "JPY")
    await decide(client, panel, "NAFOSTED", joint)
    before = (await audit_total(db), await _keys(db))

    response = await decide(client, panel, "JST", joint[:2])

    assert (response.status_code, problem(response)["code"], problem(response)["detail"]) == (
        409,
        "decision.shared.grid_differs",
        "NAFOSTED approved another joint budget; in shared mode every agency approves the same "
        "one.",
    )
    assert (await audit_total(db), await _keys(db)) == before


async def test_a_joint_budget_in_another_currency_is_refused_line_by_line(
    client: Client, db: AsyncSession
) -> None:
    panel = await shared_call(db)
    before = (await audit_total(db), await _keys(db))

    response = await decide(client, panel, "NAFOSTED", lines(NAFOSTED_REQUEST, "VND"))

    body = problem(response)
    assert (response.status_code, body["code"]) == (422, "decision.shared.refused")
    assert body["errors"][:2] == [
        field_error(
            "budget[0].currency",
            "JST funds its side in JPY.",
            "decision.budget.wrong_currency",
            agency="JST",
            currency="JPY",
        ),
        field_error(
            "budget[0].amount",
            "¥800,000,000 is more than the ¥5,000,000 requested for year 1, personnel.",
            "decision.budget.over_request",
            approved={"amount": 800_000_000, "currency": "JPY"},
            requested={"amount": 5_000_000, "currency": "JPY"},
            year=1,
            category="personnel",
        ),
    ]
    assert (await audit_total(db), await _keys(db)) == before


async def _keys(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(Approval)) or 0)


async def test_the_calls_money_commits_each_share_in_its_agencys_currency(
    client: Client, db: AsyncSession
) -> None:
    panel = await shared_call(db)
    await with_rates(db, panel)
    joint = lines(JST_REQUEST, "JPY")
    await decide(client, panel, "NAFOSTED", joint)
    await decide(client, panel, "JST", joint)

    response = await client.get(f"/api/calls/{panel.call.id}/money", headers=panel.jst_headers)

    body = response.json()
    assert (body["cofunding_mode"], body["grants"]) == ("shared", 1)
    assert [
        (a["agency"], a["share_percent"], a["figures"]["committed"], a["figures"]["remaining"])
        for a in body["agencies"]
    ] == [
        ("JST", 60, yen(6_300_000), yen(293_700_000)),
        ("NAFOSTED", 40, dong(716_100_000), dong(59_283_900_000)),
    ]


async def test_a_missing_rate_is_explained_in_the_readers_language(
    client: Client, db: AsyncSession
) -> None:
    panel = await shared_call(db)
    joint = lines(JST_REQUEST, "JPY")
    await decide(client, panel, "NAFOSTED", joint)
    proposal = panel.proposals[0]
    version = (await client.get(f"/api/proposals/{proposal.id}", headers=panel.jst_headers)).json()

    response = await client.post(
        f"/api/proposals/{proposal.id}/decisions",
        headers=panel.jst_headers | {"Accept-Language": "vi"},
        json=approval_body(proposal, "JST", joint) | {"version": version["version"]},
    )

    assert (response.status_code, response.headers["content-language"]) == (409, "vi")
    assert response.json()["detail"].startswith(
        "Không có tỷ giá JPY/VND (hay VND/JPY) nào được ghi nhận vào hoặc trước "
    )
    assert response.json()["detail"].endswith(
        ": không thể quy đổi phần của NAFOSTED. Hãy ghi nhận một tỷ giá rồi quyết định lại."
    )
