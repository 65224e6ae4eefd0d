"""Exchange rates: officers record them (one by one or from CSV), everyone signed in reads
them; a zero, negative or malformed rate, a pair of one currency, an unknown currency and a
row recorded already are refused with every reason, nothing stored and nothing audited."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, FxRate
from tests.conftest import QueryCounter
from tests.factories import AgencyFactory, bearer, make_user, persist
from tests.factories_awards import audit_total
from tests.factories_fx import make_rates, rate_count
from tests.support.coded import field_error
from tests.support.problems import problem
from tests.support.queries import queries_on

Client = httpx.AsyncClient

BODY = {"rate_date": "2027-03-31", "base": "JPY", "quote": "VND", "rate": "170.5", "source": "SBV"}


async def officer_headers(db: AsyncSession) -> tuple[Any, dict[str, str]]:
    agency = AgencyFactory(code="JST")
    await persist(db, agency)
    officer = await make_user(db, "officer", agency=agency)
    return officer, await bearer(db, officer)


async def test_an_officer_records_a_rate_exactly_and_it_is_audited(
    client: Client, db: AsyncSession
) -> None:
    officer, headers = await officer_headers(db)

    response = await client.post("/api/fx-rates", headers=headers, json=BODY)

    body = response.json()
    assert (response.status_code, body) == (
        201,
        {
            "id": body["id"],
            "rate_date": "2027-03-31",
            "base": "JPY",
            "quote": "VND",
            "rate": "170.5",
            "source": "SBV",
            "entered_by": str(officer.id),
            "created_at": body["created_at"],
        },
    )
    stored = await db.scalar(select(FxRate.rate).where(FxRate.source == "SBV"))
    assert stored == Decimal("170.5")
    event = await db.scalar(select(AuditEvent).where(AuditEvent.action == "fx_rate.create"))
    assert event is not None
    assert (event.entity_id, event.changes) == (
        body["id"],
        {
            "rate_date": [None, "2027-03-31"],
            "base": [None, "JPY"],
            "quote": [None, "VND"],
            "rate": [None, "170.5"],
            "source": [None, "SBV"],
        },
    )


async def test_fifteen_significant_digits_round_trip_exactly(
    client: Client, db: AsyncSession
) -> None:
    _, headers = await officer_headers(db)

    created = await client.post(
        "/api/fx-rates", headers=headers, json=BODY | {"rate": "123456.123456789"}
    )
    listed = await client.get("/api/fx-rates", headers=headers)

    assert created.json()["rate"] == "123456.123456789"
    assert [r["rate"] for r in listed.json()["items"]] == ["123456.123456789"]


async def test_a_zero_rate_of_one_currency_is_refused_with_every_reason(
    client: Client, db: AsyncSession
) -> None:
    _, headers = await officer_headers(db)
    before = await audit_total(db)

    response = await client.post(
        "/api/fx-rates",
        headers=headers,
        json=BODY | {"quote": "JPY", "rate": "0", "source": " "},
    )

    assert (response.status_code, problem(response)) == (
        422,
        {
            "type": "urn:cofund:problem:invalid",
            "title": "Invalid input",
            "status": 422,
            "detail": "The exchange rate was not recorded.",
            "instance": "/api/fx-rates",
            "code": "fx.rate.refused",
            "params": {},
            "errors": [
                field_error(
                    "quote",
                    "the quote currency must differ from the base (JPY)",
                    "fx.pair.same_currency",
                    base="JPY",
                ),
                field_error(
                    "rate",
                    "a rate must be greater than zero, not 0",
                    "fx.rate.not_positive",
                    text="0",
                ),
                field_error(
                    "source",
                    "name the rate's source (e.g. a central bank)",
                    "fx.source.required",
                ),
            ],
        },
    )
    assert (await rate_count(db), await audit_total(db)) == (0, before)


async def test_a_negative_rate_an_unknown_currency_and_extra_places_are_named(
    client: Client, db: AsyncSession
) -> None:
    _, headers = await officer_headers(db)
    before = await audit_total(db)

    negative = await client.post(
        "/api/fx-rates", headers=headers, json=BODY | {"base": "XYZ", "rate": "-1.5"}
    )
    precise = await client.post(
        "/api/fx-rates", headers=headers, json=BODY | {"rate": "0.0000000001"}
    )

    assert negative.json()["errors"] == [
        field_error(
            "base",
            "'XYZ' is not an ISO 4217 currency code (upper-case, e.g. 'JPY')",
            "money.currency.unknown",
            currency="XYZ",
        ),
        field_error(
            "rate",
            "a rate must be greater than zero, not -1.5",
            "fx.rate.not_positive",
            text="-1.5",
        ),
    ]
    assert precise.json()["errors"] == [
        field_error("rate", "at most 9 decimal places", "fx.rate.too_precise", places=9)
    ]
    assert (negative.status_code, precise.status_code) == (422, 422)
    assert (await rate_count(db), await audit_total(db)) == (0, before)


async def test_a_json_number_rate_is_refused(client: Client, db: AsyncSession) -> None:
    _, headers = await officer_headers(db)

    response = await client.post("/api/fx-rates", headers=headers, json=BODY | {"rate": 170.5})

    assert response.status_code == 422
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("rate", "fx.rate.not_text")
    ]
    assert await rate_count(db) == 0


async def test_the_same_day_pair_and_source_twice_is_a_conflict(
    client: Client, db: AsyncSession
) -> None:
    officer, headers = await officer_headers(db)
    await make_rates(
        db, officer, {"base": "JPY", "quote": "VND", "rate": Decimal("170.5"), "source": "SBV"}
    )
    before = await audit_total(db)

    response = await client.post("/api/fx-rates", headers=headers, json=BODY | {"rate": "171"})

    assert (response.status_code, response.json()["code"], response.json()["detail"]) == (
        409,
        "fx.rate.duplicate",
        "A rate of JPY/VND on Mar 31, 2027 from SBV is recorded already.",
    )
    assert (await rate_count(db), await audit_total(db)) == (1, before)


async def test_researchers_auditors_and_admins_record_no_rate(
    client: Client, db: AsyncSession
) -> None:
    for role in ("researcher", "auditor", "admin"):
        headers = await bearer(db, await make_user(db, role))
        response = await client.post("/api/fx-rates", headers=headers, json=BODY)
        assert (response.status_code, response.json()["code"]) == (
            403,
            "policy.fx_rate.officers_only",
        )
    assert await rate_count(db) == 0


async def test_the_list_filters_by_pair_and_days_newest_first(
    client: Client, db: AsyncSession
) -> None:
    officer, _ = await officer_headers(db)
    reader = await bearer(db, await make_user(db, "researcher"))
    d = datetime.date
    await make_rates(
        db,
        officer,
        {"rate_date": d(2027, 1, 4), "rate": Decimal("0.0066")},
        {"rate_date": d(2027, 3, 31), "rate": Decimal("0.0067")},
        {"rate_date": d(2027, 6, 30), "rate": Decimal("0.0068")},
        {"rate_date": d(2027, 3, 31), "base": "USD", "quote": "VND", "rate": Decimal("26000")},
    )

    response = await client.get(
        "/api/fx-rates",
        headers=reader,
        params={"base": "JPY", "quote": "USD", "from": "2027-01-05", "to": "2027-12-31"},
    )

    body = response.json()
    assert (body["total"], body["limit"], body["offset"]) == (2, 50, 0)
    assert [(r["rate_date"], r["base"], r["quote"], r["rate"]) for r in body["items"]] == [
        ("2027-06-30", "JPY", "USD", "0.0068"),
        ("2027-03-31", "JPY", "USD", "0.0067"),
    ]


CSV_HEADER = "date,base,quote,rate,source"


async def test_a_csv_file_is_stored_whole_and_audited_row_by_row(
    client: Client, db: AsyncSession
) -> None:
    _, headers = await officer_headers(db)
    before = await audit_total(db)
    text = "\n".join(
        [CSV_HEADER, "2027-03-31,JPY,USD,0.0067,BOJ", "2027-03-31,USD,VND,26000,SBV", ""]
    )

    response = await client.post("/api/fx-rates/import", headers=headers, content=text)

    assert (response.status_code, response.json()) == (201, {"rates_created": 2})
    actions = await db.scalars(
        select(AuditEvent.action).where(AuditEvent.seq > before).order_by(AuditEvent.seq)
    )
    assert list(actions) == ["fx_rate.create", "fx_rate.create", "fx_rate.import"]
    assert await rate_count(db) == 2


async def test_a_csv_file_with_bad_rows_names_each_line_and_stores_nothing(
    client: Client, db: AsyncSession
) -> None:
    officer, headers = await officer_headers(db)
    await make_rates(db, officer, {"rate_date": datetime.date(2027, 3, 31)})
    before = await audit_total(db)
    text = "\n".join(
        [
            CSV_HEADER,
            "2027-03-31,JPY,USD,0.0067,BOJ",  # stored already
            "2027-04-01,JPY,JPY,0,BOJ",
            "2027-02-30,jpy,USD,1e-3,BOJ",
            "2027-04-01,USD,VND,26000,SBV",
            "2027-04-01,USD,VND,26001,SBV",  # repeats line 5
            "2027-04-01,USD,VND",
        ]
    )

    response = await client.post("/api/fx-rates/import", headers=headers, content=text)

    assert (response.status_code, response.json()["detail"]) == (
        422,
        "The file has errors; no rate was imported.",
    )
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("line 2: row", "fx.import.stored"),
        ("line 3: quote", "fx.pair.same_currency"),
        ("line 3: rate", "fx.rate.not_positive"),
        ("line 4: date", "fx.date.malformed"),
        ("line 4: base", "money.currency.unknown"),
        ("line 4: rate", "fx.rate.malformed"),
        ("line 6: row", "fx.import.repeated"),
        ("line 7: row", "fx.import.cell_count"),
    ]
    assert (await rate_count(db), await audit_total(db)) == (1, before)


async def test_a_csv_file_with_another_header_is_refused(client: Client, db: AsyncSession) -> None:
    _, headers = await officer_headers(db)

    response = await client.post(
        "/api/fx-rates/import", headers=headers, content="day,pair,rate\n2027-03-31,JPYUSD,1\n"
    )

    assert (response.status_code, response.json()["errors"]) == (
        422,
        [
            field_error(
                "line 1: header",
                "expected date,base,quote,rate,source",
                "fx.import.header",
                header="date,base,quote,rate,source",
            )
        ],
    )


async def test_the_list_reads_in_constant_queries_at_1_and_30(
    client: Client, db: AsyncSession, queries: QueryCounter, backend: str
) -> None:
    officer, headers = await officer_headers(db)
    first = datetime.date(2027, 1, 1)
    await make_rates(db, officer, {"rate_date": first})

    async def counted() -> tuple[int, int]:
        queries.count, queries.active = 0, True
        response = await client.get("/api/fx-rates?limit=50", headers=headers)
        queries.active = False
        return queries.count, response.json()["total"]

    one = await counted()
    await make_rates(
        db, officer, *({"rate_date": first + datetime.timedelta(days=n)} for n in range(1, 30))
    )
    thirty = await counted()

    n = queries_on(backend, 7)
    assert (one, thirty) == ((n, 1), (n, 30))
