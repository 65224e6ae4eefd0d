"""Progress reports through the HTTP API: planned at the award, submitted by a PI, answered by
each agency on its round (accept, revise, stop), and what follows for the tranches and the
grant; the mid-term gate of a long grant."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, Grant, GrantSide, ProgressReport, Tranche
from tests.factories import DocumentFactory, bearer, persist
from tests.factories_awards import with_statement
from tests.factories_scoring import Panel
from tests.integration.test_tranches import awarded, fire, schedule
from tests.support.problems import problem

Client = httpx.AsyncClient

FIGURES = {
    "publications": 4,
    "patents": 1,
    "students_trained": 6,
    "milestones_met": 3,
    "milestones_planned": 4,
    "summary": "Interposer taped out.",
}


async def reports(client: Client, grant_id: str, headers: dict[str, str]) -> list[Any]:
    response = await client.get(f"/api/grants/{grant_id}/reports", headers=headers)
    assert response.status_code == 200, response.json()
    return list(response.json()["items"])


async def report_document(db: AsyncSession, panel: Panel, version: int = 1) -> str:
    proposal = panel.proposals[0]
    document = DocumentFactory(
        proposal_id=proposal.id,
        kind="progress_report",
        version=version,
        uploaded_by=panel.jp_pi.id,
    )
    await persist(db, document)
    return str(document.id)


async def submitted(client: Client, db: AsyncSession) -> tuple[Panel, str, Any]:
    """The 3-year grant with its year 1 report submitted by the JST PI."""
    panel, grant_id = await awarded(client, db)
    first = (await reports(client, grant_id, panel.jst_headers))[0]
    document = await report_document(db, panel)
    response = await client.post(
        f"/api/reports/{first['id']}/events/submit",
        headers=await bearer(db, panel.jp_pi),
        json={"version": 1, "data": {"document_id": document, "figures": FIGURES}},
    )
    assert response.status_code == 200, response.json()
    return panel, grant_id, response.json()


async def jst_side(db: AsyncSession, grant_id: str) -> GrantSide:
    side = await db.scalar(
        select(GrantSide).where(GrantSide.grant_id == uuid.UUID(grant_id), GrantSide.position == 0)
    )
    assert side is not None
    return side


async def answer(
    client: Client, report: Any, headers: dict[str, str], agency: str, version: int, **data: Any
) -> httpx.Response:
    return await client.post(
        f"/api/reports/{report['id']}/decisions",
        headers=headers,
        json={"version": version, "agency": agency, **data},
    )


async def report_actions(db: AsyncSession) -> list[str]:
    rows = await db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.entity_type.in_(("progress_report", "grant", "tranche")))
        .order_by(AuditEvent.seq)
    )
    return [a for a in rows if a != "grant.create"]


async def test_the_award_plans_one_report_per_year_due_after_a_grace(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)

    items = await reports(client, grant_id, await bearer(db, panel.vn_pi))

    assert [(r["year"], r["due_date"], r["state"], r["round"]) for r in items] == [
        (1, "2028-05-31", "due", 0),
        (2, "2029-05-31", "due", 0),
        (3, "2030-05-31", "due", 0),
    ]
    assert items[0] == {
        "id": items[0]["id"],
        "version": 1,
        "grant_id": grant_id,
        "year": 1,
        "due_date": "2028-05-31",
        "state": "due",
        "round": 0,
        "document_id": None,
        "figures": None,
        "submitted_by": None,
        "submitted_at": None,
        "answers": [],
    }
    midterm = await client.get(f"/api/grants/{grant_id}/midterm", headers=panel.jst_headers)
    assert (midterm.status_code, midterm.json()["code"]) == (404, "policy.midterm.not_found")


async def test_both_agencies_accept_and_the_second_tranche_becomes_requestable(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id, report = await submitted(client, db)
    first = await answer(client, report, panel.jst_headers, "JST", 2, decision="accept")
    second = await answer(client, report, panel.nafosted_headers, "NAFOSTED", 2, decision="accept")

    assert (first.status_code, first.json()["state"]) == (201, "submitted")
    body = second.json()
    assert (second.status_code, body["state"], body["round"], body["version"]) == (
        201,
        "accepted",
        1,
        3,
    )
    assert [(a["round"], a["agency"], a["decision"], a["comment"]) for a in body["answers"]] == [
        (1, "JST", "accept", None),
        (1, "NAFOSTED", "accept", None),
    ]
    assert body["answers"][1]["by"] == {
        "id": str(panel.nafosted_officer.id),
        "display_name": panel.nafosted_officer.display_name,
    }
    consortium = await client.get(
        f"/api/reports/{report['id']}", headers=await bearer(db, panel.vn_pi)
    )
    assert [a["by"] for a in consortium.json()["answers"]] == [None, None]
    await with_statement(db, await jst_side(db, grant_id), 1, panel.jp_pi, personnel=4_800_000)
    tranche = (await schedule(client, grant_id, panel.jst_headers))[1]
    requested = await fire(client, tranche, "request", await bearer(db, panel.jp_pi), 1)
    assert (requested.status_code, requested.json()["state"]) == (200, "requested")
    assert await report_actions(db) == [
        "progress_report.submit",
        "progress_report.decide",
        "progress_report.decide",
        "progress_report.accept",
        "tranche.request",
    ]


async def test_one_acceptance_leaves_the_tranche_waiting_for_the_other_agency(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id, report = await submitted(client, db)
    await answer(client, report, panel.jst_headers, "JST", 2, decision="accept")
    tranche = (await schedule(client, grant_id, panel.jst_headers))[1]

    response = await fire(client, tranche, "request", await bearer(db, panel.jp_pi), 1)

    assert problem(response)["reasons"] == [
        {
            "code": "tranche.request.statement_missing",
            "params": {"agency": "JST", "year": 1},
            "message": "The financial statement of JST's side for project year 1 has not been "
            "submitted.",
        },
        {
            "code": "tranche.guard.previous_report_pending",
            "params": {"agencies": ["NAFOSTED"]},
            "message": "The previous year's progress report is not yet accepted by: NAFOSTED.",
        },
    ]
    state = await db.scalar(select(Tranche.state).where(Tranche.id == uuid.UUID(tranche["id"])))
    assert (state, await report_actions(db)) == (
        "planned",
        ["progress_report.submit", "progress_report.decide"],
    )


async def test_a_revision_returns_the_report_and_a_resubmission_needs_fresh_answers(
    client: Client, db: AsyncSession
) -> None:
    panel, _, report = await submitted(client, db)
    await answer(client, report, panel.jst_headers, "JST", 2, decision="accept")
    returned = await answer(
        client, report, panel.nafosted_headers, "NAFOSTED", 2, decision="revise", comment="More."
    )
    document = await report_document(db, panel, version=2)
    resubmitted = await client.post(
        f"/api/reports/{report['id']}/events/resubmit",
        headers=await bearer(db, panel.vn_pi),
        json={"version": 3, "data": {"document_id": document, "figures": FIGURES}},
    )
    jst_again = await answer(client, report, panel.jst_headers, "JST", 4, decision="accept")

    assert (returned.json()["state"], resubmitted.json()["state"]) == ("returned", "submitted")
    body = jst_again.json()
    assert (body["state"], body["round"], body["document_id"]) == ("submitted", 2, document)
    assert [(a["round"], a["agency"], a["decision"], a["comment"]) for a in body["answers"]] == [
        (1, "JST", "accept", None),
        (1, "NAFOSTED", "revise", "More."),
        (2, "JST", "accept", None),
    ]


async def test_a_stop_terminates_the_grant_and_withholds_every_open_tranche(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id, report = await submitted(client, db)

    response = await answer(
        client, report, panel.jst_headers, "JST", 2, decision="stop", comment="No progress."
    )

    assert (response.status_code, response.json()["state"]) == (201, "stopped")
    grant = await db.scalar(
        select(Grant.state)
        .where(Grant.id == uuid.UUID(grant_id))
        .execution_options(populate_existing=True)
    )
    states = await db.scalars(
        select(Tranche.state)
        .where(Tranche.grant_id == uuid.UUID(grant_id))
        .execution_options(populate_existing=True)
    )
    assert (grant, set(states)) == ("terminated", {"withheld"})
    assert await report_actions(db) == [
        "progress_report.submit",
        "progress_report.decide",
        *["tranche.withhold"] * 7,
        "grant.terminate",
        "progress_report.stop",
    ]


async def test_a_second_answer_of_one_agency_is_a_conflict(
    client: Client, db: AsyncSession
) -> None:
    panel, _, report = await submitted(client, db)
    await answer(client, report, panel.jst_headers, "JST", 2, decision="accept")

    again = await answer(client, report, panel.jst_headers, "JST", 2, decision="accept")

    assert problem(again)["status"] == 409
    assert problem(again)["reasons"] == [
        {
            "code": "report.guard.answered_already",
            "params": {},
            "message": "Your agency has answered on this round already.",
        }
    ]
    assert await report_actions(db) == ["progress_report.submit", "progress_report.decide"]


async def test_the_other_agency_and_the_consortium_cannot_answer_for_an_agency(
    client: Client, db: AsyncSession
) -> None:
    panel, _, report = await submitted(client, db)

    other = await answer(client, report, panel.nafosted_headers, "JST", 2, decision="accept")
    member = await answer(
        client, report, await bearer(db, panel.jp_pi), "JST", 2, decision="accept"
    )

    assert [(r.status_code, r.json()["code"]) for r in (other, member)] == [
        (403, "policy.decision.own_side_only"),
        (403, "policy.decision.officers_only"),
    ]
    assert await report_actions(db) == ["progress_report.submit"]


async def test_a_revision_without_a_comment_is_invalid(client: Client, db: AsyncSession) -> None:
    panel, _, report = await submitted(client, db)

    response = await answer(client, report, panel.jst_headers, "JST", 2, decision="revise")

    assert problem(response)["errors"] == [
        {
            "field": "comment",
            "reason": "A comment is required to revise the report.",
            "code": "report.decision.comment_required",
            "params": {"decision": "revise"},
        }
    ]
    assert await report_actions(db) == ["progress_report.submit"]


async def test_a_submission_with_another_kind_of_document_is_invalid(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id = await awarded(client, db)
    first = (await reports(client, grant_id, panel.jst_headers))[0]
    other = DocumentFactory(proposal_id=panel.proposals[0].id, uploaded_by=panel.jp_pi.id)
    await persist(db, other)

    response = await client.post(
        f"/api/reports/{first['id']}/events/submit",
        headers=await bearer(db, panel.jp_pi),
        json={"version": 1, "data": {"document_id": str(other.id), "figures": FIGURES}},
    )

    assert problem(response)["errors"] == [
        {
            "field": "data.document_id",
            "reason": "The document must be a 'progress_report' document uploaded to this "
            "grant's proposal.",
            "code": "report.document.not_a_report",
            "params": {"kind": "progress_report"},
        }
    ]
    stored = await db.scalar(
        select(ProgressReport.state).where(ProgressReport.id == uuid.UUID(first["id"]))
    )
    assert (stored, await report_actions(db)) == ("due", [])
