"""The open-data exports over HTTP on one awarded grant (`tests.factories_opendata`): the
360Giving package valid against the pinned schema with the data-quality checks passing, the
flattened CSV, the IATI XML valid against the XSD; who gets which agency's records, the
audit event of each download, and the bad filters."""

from __future__ import annotations

import csv
import datetime
import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from lxml import etree
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from grants.db.models import AuditEvent
from grants.settings import Settings
from opendata import quality_problems
from tests.factories import bearer, make_user
from tests.factories_awards import make_deciding, make_grant, with_tranches
from tests.factories_opendata import ORG_IDS, Awarded, make_awarded
from tests.unit.opendata.schemas import schema_errors, xsd_errors

Client = httpx.AsyncClient
JST_ID = "JP-JCN-1000000000001-JV-2026-0001-JST"
NAFOSTED_ID = "VN-COA-0100000001-JV-2026-0001-NAFOSTED"
DESCRIPTION = (
    "We co-design chiplet links and their EDA flow.\n\n"
    "Title (Japanese, ja): チップレット相互接続\n\nTitle (Vietnamese, vi): Kết nối chiplet"
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        var_dir=tmp_path,
        secret_key="test-secret-key-not-for-production",
        open_data_org_ids=ORG_IDS,
    )


def modified(world: Awarded) -> str:
    moments = [world.grant.updated_at, *(t.updated_at for t in world.tranches)]
    return max(moments).astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def expected_grants(world: Awarded) -> list[dict[str, Any]]:
    def record(ident: str, other: str, currency: str, **side: Any) -> dict[str, Any]:
        funder, recipient = side["funder"], side["recipient"]
        return {
            "id": ident,
            "title": "Chiplet interconnects for edge-AI accelerators",
            "description": DESCRIPTION,
            "currency": currency,
            "amountAwarded": side["awarded"],
            "amountDisbursed": side["paid"],
            "awardDate": "2025-03-01",
            "plannedDates": [{"startDate": "2025-04-01", "endDate": "2028-03-31", "duration": 36}],
            "recipientOrganization": [recipient],
            "fundingOrganization": [funder],
            "grantProgramme": [{"code": "JV-2026", "title": "Joint call JV-2026"}],
            "fromOpenCall": "Yes",
            "disbursementTransaction": [
                {
                    "id": f"{ident}-FY2025",
                    "transactionDate": side["paid_on"],
                    "currency": currency,
                    "value": side["paid"],
                    "provider": funder["id"],
                    "recipient": recipient["id"],
                }
            ],
            "relatedActivity": [other],
            "dateModified": modified(world),
        }

    return [
        record(
            JST_ID,
            NAFOSTED_ID,
            "JPY",
            awarded=10_500_000,
            paid=6_500_000,
            paid_on="2025-04-20",
            funder={"id": ORG_IDS["JST"], "name": "Japan Science and Technology Agency"},
            recipient={
                "id": "XI-ROR-057zh3y96",
                "name": "The University of Tokyo",
                "addressCountry": "JP",
            },
        ),
        record(
            NAFOSTED_ID,
            JST_ID,
            "VND",
            awarded=1_500_000_000,
            paid=600_000_002,
            paid_on="2025-04-25",
            funder={
                "id": ORG_IDS["NAFOSTED"],
                "name": "National Foundation for Science and Technology Development",
            },
            recipient={
                "id": "XI-ROR-02jmfj006",
                "name": "Vietnam National University, Hanoi",
                "addressCountry": "VN",
            },
        ),
    ]


async def auditor(db: AsyncSession) -> dict[str, str]:
    return await bearer(db, await make_user(db, "auditor", email="auditor@example.org"))


async def test_an_auditor_gets_both_shares_as_a_valid_360giving_package(
    client: Client, db: AsyncSession
) -> None:
    world = await make_awarded(db)

    response = await client.get("/api/open-data/360giving.json", headers=await auditor(db))

    assert (response.status_code, response.headers["content-type"]) == (200, "application/json")
    assert response.headers["content-disposition"] == 'attachment; filename="360giving.json"'
    data = response.json()
    assert data["grants"] == expected_grants(world)
    assert {k: v for k, v in data.items() if k not in ("grants", "issued")} == {
        "version": "1.4",
        "title": "CoFund: awarded grants",
        "publisher": {"name": "CoFund"},
        "license": "https://creativecommons.org/licenses/by/4.0/",
    }
    assert schema_errors(response.content) == []
    exact = json.loads(response.content, parse_float=Decimal)["grants"]
    assert quality_problems(exact, datetime.datetime.now(datetime.UTC).date()) == []


@pytest.mark.parametrize(("officer", "ident"), [("jst", JST_ID), ("nafosted", NAFOSTED_ID)])
async def test_an_officer_gets_only_their_own_agencys_share(
    client: Client, db: AsyncSession, officer: str, ident: str
) -> None:
    world = await make_awarded(db)
    headers = getattr(world.panel, f"{officer}_headers")

    response = await client.get("/api/open-data/360giving.json?call=JV-2026", headers=headers)

    assert response.status_code == 200
    (record,) = response.json()["grants"]
    assert record == next(g for g in expected_grants(world) if g["id"] == ident)


async def test_the_agency_filter_gives_an_auditor_that_agencys_share(
    client: Client, db: AsyncSession
) -> None:
    await make_awarded(db)

    response = await client.get(
        "/api/open-data/360giving.json?agency=NAFOSTED", headers=await auditor(db)
    )

    assert [g["id"] for g in response.json()["grants"]] == [NAFOSTED_ID]


async def test_the_flattened_csv_has_one_row_per_share(client: Client, db: AsyncSession) -> None:
    world = await make_awarded(db)

    response = await client.get("/api/open-data/360giving.csv", headers=await auditor(db))

    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["Identifier"] for row in rows] == [JST_ID, NAFOSTED_ID]
    assert rows[0] == {
        "Identifier": JST_ID,
        "Title": "Chiplet interconnects for edge-AI accelerators",
        "Description": DESCRIPTION,
        "Currency": "JPY",
        "Amount Awarded": "10500000",
        "Amount Disbursed": "6500000",
        "Award Date": "2025-03-01",
        "Planned Dates:Start Date": "2025-04-01",
        "Planned Dates:End Date": "2028-03-31",
        "Planned Dates:Duration (months)": "36",
        "Recipient Org:Identifier": "XI-ROR-057zh3y96",
        "Recipient Org:Name": "The University of Tokyo",
        "Recipient Org:Country": "JP",
        "Funding Org:Identifier": ORG_IDS["JST"],
        "Funding Org:Name": "Japan Science and Technology Agency",
        "Grant Programme:Code": "JV-2026",
        "Grant Programme:Title": "Joint call JV-2026",
        "From An Open Call?": "Yes",
        "Related Activity": NAFOSTED_ID,
        "Last Modified": modified(world),
    }


def _periods(activity: Any, tag: str) -> list[tuple[str, str, str]]:
    return [
        (e.find("period-start").get("iso-date"), e.find("period-end").get("iso-date"),
         e.findtext("value"))
        for e in activity.findall(tag)
    ]  # fmt: skip


async def test_the_iati_activities_are_valid_with_yearly_budgets_and_paid_tranches(
    client: Client, db: AsyncSession
) -> None:
    await make_awarded(db)

    response = await client.get("/api/open-data/iati.xml", headers=await auditor(db))

    assert response.headers["content-type"] == "application/xml"
    assert xsd_errors(response.content) == []
    jst, nafosted = etree.fromstring(response.content).findall("iati-activity")
    assert [a.findtext("iati-identifier") for a in (jst, nafosted)] == [JST_ID, NAFOSTED_ID]
    assert _periods(nafosted, "budget") == [
        ("2025-04-01", "2025-12-31", "600000002"),
        ("2026-01-01", "2026-12-31", "724999999"),
        ("2027-01-01", "2027-12-31", "174999999"),
        ("2028-01-01", "2028-03-31", "0"),
    ]
    assert _periods(jst, "budget") == [
        ("2025-04-01", "2026-03-31", "6500000"),
        ("2026-04-01", "2027-03-31", "4000000"),
        ("2027-04-01", "2028-03-31", "0"),
    ]
    assert _periods(jst, "planned-disbursement") == _periods(jst, "budget")
    assert [
        (t.find("transaction-type").get("code"), t.find("transaction-date").get("iso-date"),
         t.findtext("value"), t.find("value").get("currency"))
        for t in jst.findall("transaction")
    ] == [
        ("2", "2025-03-01", "10500000", "JPY"),
        ("3", "2025-04-20", "6500000", "JPY"),
    ]  # fmt: skip


async def test_each_download_is_audited_with_its_filters(client: Client, db: AsyncSession) -> None:
    world = await make_awarded(db)

    await client.get("/api/open-data/iati.xml?call=JV-2026", headers=world.panel.jst_headers)

    event = await db.scalar(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1))
    assert event is not None
    assert (event.actor_id, event.action, event.entity_type, event.entity_id) == (
        world.panel.jst_officer.id,
        "open_data.exported",
        "open_data",
        "iati.xml",
    )
    assert event.changes == {
        "filters": {"call": "JV-2026", "agency": None},
        "scope_agency_id": str(world.panel.jst.id),
        "records": 1,
    }


def _problem(response: httpx.Response) -> dict[str, Any]:
    body = response.json()
    body.pop("request_id")
    return {"status": response.status_code, **body}


async def test_an_unknown_call_and_agency_are_refused_naming_each_field(
    client: Client, db: AsyncSession
) -> None:
    await make_awarded(db)

    response = await client.get(
        "/api/open-data/360giving.csv?call=NOPE&agency=XYZ", headers=await auditor(db)
    )

    assert response.headers["content-type"] == "application/problem+json"
    assert _problem(response) == {
        "status": 422,
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "detail": "The open-data export cannot be made with these filters.",
        "instance": "/api/open-data/360giving.csv",
        "code": "open_data.refused",
        "params": {},
        "errors": [
            {
                "field": "call",
                "reason": "There is no call with the code NOPE.",
                "code": "open_data.unknown_call",
                "params": {"code": "NOPE"},
            },
            {
                "field": "agency",
                "reason": "There is no agency with the code XYZ.",
                "code": "open_data.unknown_agency",
                "params": {"code": "XYZ"},
            },
        ],
    }


async def test_an_officer_naming_another_agency_is_refused_in_their_language(
    client: Client, db: AsyncSession
) -> None:
    world = await make_awarded(db)
    headers = {**world.panel.jst_headers, "Accept-Language": "ja"}

    response = await client.get("/api/open-data/iati.xml?agency=NAFOSTED", headers=headers)

    assert _problem(response) == {
        "status": 403,
        "type": "urn:cofund:problem:forbidden",
        "title": response.json()["title"],
        "detail": "担当者が出力できるのは自機関の助成のみです。",
        "instance": "/api/open-data/iati.xml",
        "code": "policy.open_data.own_agency_only",
        "params": {},
    }


async def test_an_officer_of_an_agency_outside_the_call_is_refused_its_filter(
    client: Client, db: AsyncSession
) -> None:
    await make_awarded(db)
    from tests.factories import AgencyFactory, persist

    fwo = AgencyFactory(code="FWO", name="FWO", country="BE", currency="EUR")
    await persist(db, fwo)
    officer = await bearer(db, await make_user(db, "officer", agency=fwo))

    refused = await client.get("/api/open-data/360giving.json?call=JV-2026", headers=officer)
    unfiltered = await client.get("/api/open-data/360giving.json", headers=officer)

    assert (refused.status_code, refused.json()["code"]) == (403, "policy.open_data.own_calls_only")
    assert (unfiltered.status_code, unfiltered.json()["grants"]) == (200, [])


async def test_a_researcher_may_not_export(client: Client, db: AsyncSession) -> None:
    world = await make_awarded(db)
    pi = await bearer(db, world.panel.jp_pi)

    response = await client.get("/api/open-data/360giving.json", headers=pi)

    assert (response.status_code, response.json()["code"], response.json()["detail"]) == (
        403,
        "policy.open_data.publishers_only",
        "Open-data exports are for officers, auditors and admins.",
    )


async def test_the_export_reads_with_the_same_queries_for_one_grant_and_for_three(
    client: Client, db: AsyncSession, engine: AsyncEngine
) -> None:
    """Reads only: the audit append's statements grow with the Merkle tree's shape, not with
    the grants."""
    panel = await make_deciding(db, n_proposals=3)
    headers = await auditor(db)
    selects: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "merkle_nodes" not in statement:
            selects.append(statement)

    async def counted() -> tuple[int, int]:
        selects.clear()
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        response = await client.get("/api/open-data/360giving.json", headers=headers)
        event.remove(engine.sync_engine, "before_cursor_execute", count)
        return len(selects), len(response.json()["grants"])

    await with_tranches(db, panel, await make_grant(db, panel, panel.proposals[0]))
    one = await counted()
    for proposal in panel.proposals[1:]:
        await with_tranches(db, panel, await make_grant(db, panel, proposal))
    three = await counted()

    assert (one[1], three[1]) == (2, 6)
    # the principal, the grants with their sides and agencies, the hosts, the enterprise
    # partners, the tranches and the audit append's own reads
    assert (one[0], three[0]) == (9, 9)
