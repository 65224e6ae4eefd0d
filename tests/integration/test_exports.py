"""Dataset exports through the HTTP API on both backends: exact bytes per format, filters,
officers' scope and walls, the audit event of each export, bad input."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, BudgetLine, ProposalPart
from grants.exports.datasets import DATASETS
from tests.factories import bearer, make_user
from tests.factories_exports import ExportWorld, make_export_world
from tests.support.coded import field_error
from tests.support.problems import forbidden, problem
from tests.support.xlsx import read_sheets

Client = httpx.AsyncClient
BUDGET_HEADER = "part_id,proposal_reference,agency_code,year,category,amount,currency\n"
REVIEW_COLUMNS = (
    "id,assignment_id,proposal_reference,pool_agency_code,round,{who}scores,recommendation,"
    "confidence,comments_to_applicants,confidential_comments,submitted_at\n"
)


async def _budget(
    db: AsyncSession, world: ExportWorld
) -> list[tuple[str, str, int, str, int, str]]:
    """(part id, agency, year, category, amount, currency) of the proposal's lines, in order."""
    rows = await db.execute(
        select(
            BudgetLine.part_id,
            ProposalPart.position,
            BudgetLine.year,
            BudgetLine.category,
            BudgetLine.amount,
            BudgetLine.currency,
        )
        .join(ProposalPart, ProposalPart.id == BudgetLine.part_id)
        .order_by(BudgetLine.part_id, BudgetLine.year, BudgetLine.category)
    )
    agencies = ("JST", "NAFOSTED")
    return [(str(p), agencies[pos], y, c, a, cur) for p, pos, y, c, a, cur in rows]


async def test_budget_lines_csv_is_exact(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)
    lines = await _budget(db, world)

    response = await client.get("/api/exports/budget_lines.csv", headers=world.auditor)

    expected = BUDGET_HEADER + "".join(
        f"{p},JV-2026-0001,{a},{y},{c},{amount},{cur}\n" for p, a, y, c, amount, cur in lines
    )
    assert (response.status_code, response.headers["content-type"], response.text) == (
        200,
        "text/csv; charset=utf-8",
        expected,
    )
    assert [(a, y, c, amount) for _, a, y, c, amount, _ in lines] == [
        ("JST", 1, "indirect", 1_500_000),
        ("JST", 1, "personnel", 5_000_000),
        ("JST", 2, "personnel", 4_000_000),
        ("NAFOSTED", 1, "personnel", 800_000_000),
        ("NAFOSTED", 2, "personnel", 700_000_000),
    ]
    assert response.headers["content-disposition"] == 'attachment; filename="budget_lines.csv"'


async def test_excel_csv_starts_with_the_bom(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)

    response = await client.get(
        "/api/exports/budget_lines.csv?excel=1&agency=NAFOSTED", headers=world.auditor
    )

    assert response.content.startswith(b"\xef\xbb\xbf" + BUDGET_HEADER.encode())
    assert response.content.decode("utf-8-sig").count("\n") == 3


async def test_budget_lines_jsonl_keeps_money_integers(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)
    lines = await _budget(db, world)

    response = await client.get("/api/exports/budget_lines.jsonl", headers=world.auditor)

    expected = [
        {
            "part_id": p,
            "proposal_reference": "JV-2026-0001",
            "agency_code": a,
            "year": y,
            "category": c,
            "amount": amount,
            "currency": cur,
        }
        for p, a, y, c, amount, cur in lines
    ]
    assert response.headers["content-type"] == "application/jsonl; charset=utf-8"
    assert [json.loads(line) for line in response.text.splitlines()] == expected


async def test_budget_lines_xlsx_reads_back(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)
    lines = await _budget(db, world)

    response = await client.get("/api/exports/budget_lines.xlsx", headers=world.auditor)

    assert read_sheets(response.content) == {
        "budget_lines": [
            BUDGET_HEADER.strip().split(","),
            *[[p, "JV-2026-0001", a, y, c, amount, cur] for p, a, y, c, amount, cur in lines],
        ]
    }


async def test_review_csv_escapes_and_shows_reviewers_to_auditors(
    client: Client, db: AsyncSession
) -> None:
    world = await make_export_world(db)
    review, assignment = world.jst_review, world.jst_assignment

    response = await client.get("/api/exports/reviews.csv?agency=JST", headers=world.auditor)

    scores = await _stored_json(db, "reviews", "scores", review.id)
    assert response.text == REVIEW_COLUMNS.format(who="reviewer_id,reviewer_email,") + (
        f"{review.id},{assignment.id},JV-2026-0001,JST,0,{world.jst_reviewer.id},"
        f'jst.reviewer@example.jp,"{scores.replace(chr(34), chr(34) * 2)}",fund,4,'
        '"Strong, ""novel"" plan,\nwell argued.",,2026-06-01T03:04:05.123456Z\n'
    )


async def _stored_json(db: AsyncSession, table: str, column: str, row_id: object) -> str:
    """The JSON text the database itself gives (jsonb's normal form on PostgreSQL)."""
    dataset = DATASETS[table]
    picked = next(c for c in dataset.columns if c.name == column)
    id_column = next(c for c in dataset.columns if c.name == "id")
    return str(await db.scalar(select(picked.selected()).where(id_column.expr == row_id)))


async def test_officer_reads_own_pool_reviews_without_reviewers(
    client: Client, db: AsyncSession
) -> None:
    world = await make_export_world(db)

    jst = await client.get("/api/exports/reviews.jsonl", headers=world.panel.jst_headers)
    nafosted = await client.get("/api/exports/reviews.csv", headers=world.panel.nafosted_headers)

    jst_rows = [json.loads(line) for line in jst.text.splitlines()]
    assert [(r["id"], r["pool_agency_code"], r["scores"]) for r in jst_rows] == [
        (str(world.jst_review.id), "JST", {"novelty": 4, "feasibility": 3, "impact": 5})
    ]
    assert "reviewer_id" not in jst_rows[0]
    assert "reviewer_email" not in jst_rows[0]
    header, row = nafosted.text.split("\n", 1)
    assert header + "\n" == REVIEW_COLUMNS.format(who="")
    assert row.startswith(f"{world.nafosted_review.id},")
    assert "example.vn" not in row


async def test_officer_rows_are_their_agency_calls(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)

    jst = await client.get("/api/exports/proposals.jsonl", headers=world.panel.jst_headers)
    fwo = await client.get("/api/exports/proposals.jsonl", headers=world.fwo_headers)
    auditor = await client.get("/api/exports/proposals.jsonl", headers=world.auditor)

    def references(response: httpx.Response) -> list[str]:
        return [json.loads(line)["reference"] for line in response.text.splitlines()]

    assert (references(jst), references(fwo), references(auditor)) == (
        ["JV-2026-0001"],
        ["FWO-2026-0001"],
        ["JV-2026-0001", "FWO-2026-0001"],
    )


async def test_officer_filter_on_another_agencys_call_is_refused(
    client: Client, db: AsyncSession
) -> None:
    world = await make_export_world(db)
    before = await _export_events(db)

    response = await client.get(
        "/api/exports/proposals.csv?call=FWO-2026", headers=world.panel.jst_headers
    )

    assert (response.status_code, problem(response)) == (
        403,
        forbidden(
            "/api/exports/proposals.csv",
            "Your agency does not co-fund the call FWO-2026: you export only the calls it "
            "co-funds.",
        )
        | {"code": "policy.exports.call_not_cofunded", "params": {"call": "FWO-2026"}},
    )
    assert await _export_events(db) == before


async def test_audit_log_is_for_auditors(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)

    response = await client.get("/api/exports/audit_events.csv", headers=world.panel.jst_headers)

    assert (response.status_code, problem(response)) == (
        403,
        forbidden(
            "/api/exports/audit_events.csv",
            "The dataset audit_events is exported by auditors and admins only.",
        )
        | {"code": "policy.exports.oversight_only", "params": {"dataset": "audit_events"}},
    )


async def test_researchers_and_reviewers_export_nothing(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)
    researcher = await bearer(db, await make_user(db, "researcher"))
    refused = forbidden("/api/exports", "Exports are for auditors, officers and admins.") | {
        "code": "policy.exports.exporters_only",
        "params": {},
    }

    answers = [
        (r.status_code, problem(r))
        for r in [
            await client.get("/api/exports", headers=researcher),
            await client.get("/api/exports", headers=world.reviewer_headers),
        ]
    ]
    file = await client.get("/api/exports/calls.csv", headers=world.reviewer_headers)

    assert answers == [(403, refused), (403, refused)]
    assert (file.status_code, problem(file)["code"]) == (403, "policy.exports.exporters_only")


async def test_listing_shows_officers_their_datasets(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)

    officer = (await client.get("/api/exports", headers=world.panel.jst_headers)).json()
    auditor = (await client.get("/api/exports", headers=world.auditor)).json()

    assert [d["name"] for d in auditor] == list(DATASETS)
    assert [d["name"] for d in officer] == [n for n in DATASETS if n != "audit_events"]
    reviews = next(d for d in officer if d["name"] == "reviews")
    assert reviews["columns"][:5] == [
        {"name": "id", "type": "uuid"},
        {"name": "assignment_id", "type": "uuid"},
        {"name": "proposal_reference", "type": "text"},
        {"name": "pool_agency_code", "type": "text"},
        {"name": "round", "type": "int"},
    ]
    assert (reviews["formats"], reviews["filters"], reviews["url"]) == (
        ["csv", "xlsx", "jsonl"],
        ["call", "agency", "since", "until"],
        "/api/exports/reviews.csv",
    )


async def _export_events(db: AsyncSession) -> list[tuple[str, str, dict[str, object]]]:
    rows = await db.execute(
        select(AuditEvent.actor_label, AuditEvent.entity_id, AuditEvent.changes)
        .where(AuditEvent.action == "export.dataset")
        .order_by(AuditEvent.seq)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_every_export_is_an_audit_event(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)
    officer = world.panel.jst_officer.email

    await client.get(
        "/api/exports/budget_lines.xlsx?call=JV-2026&since=2026-01-01&until=2026-12-31",
        headers=world.panel.jst_headers,
    )
    await client.get("/api/exports/all.xlsx", headers=world.auditor)

    auditor = (
        await db.scalars(select(AuditEvent.actor_label).order_by(AuditEvent.seq.desc()))
    ).first()
    assert await _export_events(db) == [
        (
            officer,
            "budget_lines",
            {
                "format": "xlsx",
                "filters": {"call": "JV-2026", "since": "2026-01-01", "until": "2026-12-31"},
                "reviewer_identities": False,
            },
        ),
        (auditor, "all", {"format": "xlsx", "filters": {}, "reviewer_identities": True}),
    ]


async def test_all_xlsx_has_one_sheet_per_dataset(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)

    response = await client.get("/api/exports/all.xlsx", headers=world.panel.jst_headers)

    sheets = read_sheets(response.content)
    assert list(sheets) == [n for n in DATASETS if n != "audit_events"]
    assert sheets["proposals"][1][2] == "JV-2026-0001"
    assert len(sheets["proposals"]) == 2
    assert sheets["reviews"][0][5] == "scores"


async def test_date_and_agency_filters(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)

    async def count(query: str) -> int:
        response = await client.get(f"/api/exports/{query}", headers=world.auditor)
        assert response.status_code == 200, response.text
        return response.text.count("\n") - 1

    assert [
        await count("proposals.csv?since=2026-06-01&until=2026-06-01"),
        await count("proposals.csv?since=2026-06-02"),
        await count("proposals.csv?until=2026-05-31"),
        await count("budget_lines.csv?agency=NAFOSTED"),
        await count("budget_lines.csv?call=JV-2026&agency=JST"),
        await count("proposals.csv?call=FWO-2026"),
    ] == [2, 0, 0, 2, 3, 1]


async def test_bad_input_is_refused_with_the_reason(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)

    async def refused(path: str) -> tuple[int, dict[str, object]]:
        response = await client.get(path, headers=world.auditor)
        body = problem(response)
        return response.status_code, {k: body.get(k) for k in ("code", "params", "errors")}

    formats = "csv, xlsx, jsonl"
    assert [
        await refused("/api/exports/grant.csv"),
        await refused("/api/exports/grants.pdf"),
        await refused("/api/exports/all.csv"),
        await refused("/api/exports/grants.csv?since=2027-01-02&until=2027-01-01"),
        await refused("/api/exports/grants.csv?call=NOPE"),
        await refused("/api/exports/grants.csv?agency=NOPE"),
        await refused("/api/exports/fx_rates.csv?call=JV-2026"),
    ] == [
        _absent("export.unknown_dataset", dataset="grant", datasets=", ".join(DATASETS)),
        _absent("export.unknown_format", format="pdf", formats=formats),
        _absent("export.unknown_format", format="csv", formats=formats),
        _invalid(
            "until",
            "The end date 2027-01-01 is before the start date 2027-01-02.",
            "export.filter.since_after_until",
            since="2027-01-02",
            until="2027-01-01",
        ),
        _invalid(
            "call",
            "There is no call with the code NOPE.",
            "export.filter.unknown_call",
            call="NOPE",
        ),
        _invalid(
            "agency",
            "There is no agency with the code NOPE.",
            "export.filter.unknown_agency",
            agency="NOPE",
        ),
        _invalid(
            "call",
            "The dataset fx_rates cannot be filtered by call; it takes since, until.",
            "export.filter.not_applicable",
            dataset="fx_rates",
            filter="call",
            filters="since, until",
        ),
    ]


def _absent(code: str, **params: str) -> tuple[int, dict[str, object]]:
    return 404, {"code": code, "params": params, "errors": None}


def _invalid(field: str, reason: str, code: str, **params: str) -> tuple[int, dict[str, object]]:
    errors = [field_error(field, reason, code, **params)]
    return 422, {"code": "problem.invalid_fields", "params": {}, "errors": errors}


async def test_malformed_date_names_the_field(client: Client, db: AsyncSession) -> None:
    world = await make_export_world(db)

    response = await client.get("/api/exports/grants.csv?since=2027-13-01", headers=world.auditor)

    body = problem(response)
    assert (response.status_code, body["code"], [e["field"] for e in body["errors"]]) == (
        422,
        "problem.invalid_fields",
        ["since"],
    )
