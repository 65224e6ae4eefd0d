"""The mid-term gate of a 5-year grant through the HTTP API: once year 2's report is accepted,
each agency decides continue or stop; both continuing opens the later tranches, a stop
terminates the grant and withholds what was not paid."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, Grant, MidtermGate, Tranche
from tests.factories import bearer
from tests.factories_awards import make_deciding, make_grant, with_statement, with_tranches
from tests.factories_reports import long_grant, with_reports
from tests.factories_scoring import Panel
from tests.support.problems import problem
from tests.support.reasons import reason

Client = httpx.AsyncClient


async def long_project(db: AsyncSession, **states: str) -> tuple[Panel, Grant, list[Tranche]]:
    """A 5-year grant from 2027-04-01 with its tranches, reports in `states` (by `y<year>`) and
    its gate after year 2, pending."""
    panel = await make_deciding(db)
    grant = await make_grant(db, panel, panel.proposals[0], **long_grant())
    tranches = await with_tranches(db, panel, grant)
    await with_reports(db, grant, **states)
    return panel, grant, tranches


async def decide(
    client: Client, grant: Grant, headers: dict[str, str], agency: str, version: int, **data: Any
) -> httpx.Response:
    return await client.post(
        f"/api/grants/{grant.id}/midterm/decisions",
        headers=headers,
        json={"version": version, "agency": agency, **data},
    )


def jst_fourth(grant: Grant, tranches: list[Tranche]) -> Tranche:
    """JST's tranche of project year 4 (fiscal 2030), the first past the gate's year 2 + 1."""
    return next(t for t in tranches if t.side_id == grant.sides[0].id and t.position == 4)


async def request(client: Client, db: AsyncSession, panel: Panel, tranche: Tranche) -> Any:
    return await client.post(
        f"/api/tranches/{tranche.id}/events/request",
        headers=await bearer(db, panel.jp_pi),
        json={"version": tranche.version, "data": {}},
    )


async def actions(db: AsyncSession) -> list[str]:
    rows = await db.scalars(select(AuditEvent.action).order_by(AuditEvent.seq))
    return list(rows)


async def gate_row(db: AsyncSession, grant: Grant) -> tuple[str, int]:
    gate = await db.scalar(
        select(MidtermGate)
        .where(MidtermGate.grant_id == grant.id)
        .execution_options(populate_existing=True)
    )
    assert gate is not None
    return gate.state, gate.version


def continuing(agency: str, officer: Any, at: str) -> dict[str, Any]:
    return {
        "round": 1,
        "agency": agency,
        "decision": "continue",
        "comment": "Milestones on track.",
        "by": {"id": str(officer.id), "display_name": officer.display_name},
        "at": at,
    }


async def test_both_agencies_continuing_pass_the_gate_and_open_the_later_tranches(
    client: Client, db: AsyncSession
) -> None:
    panel, grant, tranches = await long_project(db, y1="accepted", y2="accepted", y3="accepted")
    await with_statement(db, grant.sides[0], 3, panel.jp_pi, personnel=3_900_000)
    fourth = jst_fourth(grant, tranches)
    waiting = await request(client, db, panel, fourth)

    jst = await decide(
        client, grant, panel.jst_headers, "JST", 1, decision="continue", rationale="On track."
    )
    nafosted = await decide(
        client,
        grant,
        panel.nafosted_headers,
        "NAFOSTED",
        1,
        decision="continue",
        rationale="Milestones on track.",
    )
    requested = await request(client, db, panel, fourth)

    assert problem(waiting)["reasons"] == [
        reason(
            "tranche.guard.midterm_gate_pending",
            "The mid-term gate has not been passed by every agency.",
        )
    ]
    assert (jst.status_code, jst.json()["state"], jst.json()["version"]) == (201, "pending", 1)
    body = nafosted.json()
    assert nafosted.status_code == 201
    assert body == {
        "id": body["id"],
        "version": 2,
        "grant_id": str(grant.id),
        "after_year": 2,
        "state": "passed",
        "answers": [
            {
                **continuing("JST", panel.jst_officer, body["answers"][0]["at"]),
                "comment": "On track.",
            },
            continuing("NAFOSTED", panel.nafosted_officer, body["answers"][1]["at"]),
        ],
    }
    assert (requested.status_code, requested.json()["state"]) == (200, "requested")
    assert await actions(db) == [
        "midterm_gate.decide",
        "midterm_gate.decide",
        "midterm_gate.pass",
        "tranche.request",
    ]


async def test_a_stop_fails_the_gate_terminates_the_grant_and_withholds_the_rest(
    client: Client, db: AsyncSession
) -> None:
    panel, grant, tranches = await long_project(db, y1="accepted", y2="accepted")
    # JST's first tranche was paid: a failed gate leaves it as it was.
    paid = tranches[0]
    paid.state, paid.paid_on = "disbursed", datetime.date(2027, 4, 10)
    paid.requested_amount = paid.approved_amount = paid.disbursed_amount = paid.planned_amount
    await db.commit()

    jst = await decide(
        client, grant, panel.jst_headers, "JST", 1, decision="continue", rationale="On track."
    )
    stop = await decide(
        client,
        grant,
        panel.nafosted_headers,
        "NAFOSTED",
        1,
        decision="stop",
        rationale="No results in year 2.",
    )

    assert (jst.status_code, stop.status_code, stop.json()["state"]) == (201, 201, "failed")
    assert [(a["agency"], a["decision"], a["comment"]) for a in stop.json()["answers"]] == [
        ("JST", "continue", "On track."),
        ("NAFOSTED", "stop", "No results in year 2."),
    ]
    state = await db.scalar(
        select(Grant.state).where(Grant.id == grant.id).execution_options(populate_existing=True)
    )
    rows = await db.execute(
        select(Tranche.id, Tranche.state)
        .where(Tranche.grant_id == grant.id)
        .execution_options(populate_existing=True)
    )
    states = dict(rows.tuples().all())
    assert state == "terminated"
    assert states == {t.id: "disbursed" if t.id == paid.id else "withheld" for t in tranches}
    assert await actions(db) == [
        "midterm_gate.decide",
        "midterm_gate.decide",
        *["tranche.withhold"] * (len(tranches) - 1),
        "grant.terminate",
        "midterm_gate.fail",
    ]


async def test_a_decision_before_the_gate_years_report_is_accepted_is_refused(
    client: Client, db: AsyncSession
) -> None:
    panel, grant, _ = await long_project(db, y1="accepted", y2="submitted")

    response = await decide(
        client, grant, panel.jst_headers, "JST", 1, decision="continue", rationale="On track."
    )

    gate_id = await db.scalar(select(MidtermGate.id).where(MidtermGate.grant_id == grant.id))
    assert problem(response) == {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "The event is refused.",
        "instance": f"/api/grants/{grant.id}/midterm/decisions",
        "code": "workflow.refused",
        "params": {},
        "reasons": [
            reason(
                "midterm.guard.report_pending",
                "The gate is decided once the year 2 progress report is accepted.",
                year=2,
            )
        ],
    }
    assert gate_id is not None
    assert (await gate_row(db, grant), await actions(db)) == (("pending", 1), [])


async def test_a_tranche_past_the_gate_is_refused_naming_the_gate_and_nothing_is_written(
    client: Client, db: AsyncSession
) -> None:
    panel, grant, tranches = await long_project(db, y1="accepted", y2="accepted", y3="accepted")
    fourth = jst_fourth(grant, tranches)

    response = await request(client, db, panel, fourth)

    assert problem(response) == {
        "type": "urn:cofund:problem:conflict",
        "title": "Conflict",
        "status": 409,
        "detail": "The event is refused.",
        "instance": f"/api/tranches/{fourth.id}/events/request",
        "code": "workflow.refused",
        "params": {},
        "reasons": [
            reason(
                "tranche.request.statement_missing",
                "The financial statement of JST's side for project year 3 has not been submitted.",
                agency="JST",
                year=3,
            ),
            reason(
                "tranche.guard.midterm_gate_pending",
                "The mid-term gate has not been passed by every agency.",
            ),
        ],
    }
    stored = await db.scalar(
        select(Tranche.state)
        .where(Tranche.id == fourth.id)
        .execution_options(populate_existing=True)
    )
    assert (stored, await actions(db)) == ("planned", [])


async def test_a_grant_of_five_years_has_its_gate_after_year_two(
    client: Client, db: AsyncSession
) -> None:
    panel, grant, _ = await long_project(db)

    response = await client.get(
        f"/api/grants/{grant.id}/midterm", headers=await bearer(db, panel.vn_pi)
    )

    body = response.json()
    assert (response.status_code, body) == (
        200,
        {
            "id": body["id"],
            "version": 1,
            "grant_id": str(grant.id),
            "after_year": 2,
            "state": "pending",
            "answers": [],
        },
    )
    assert uuid.UUID(body["id"])
