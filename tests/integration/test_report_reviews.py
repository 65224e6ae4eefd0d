"""Each progress report reviewed in its own round through the HTTP API: an agency's officer
invites a reviewer of its own pool (round = the report's year), the reviewer accepts, scores
and submits through the assignment endpoints, the officers read the round's reviews with names,
the consortium without them once the report is decided; the selection round stays as it was."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, OutboxMessage, ReviewAssignment, ReviewerPool
from tests.factories import ReviewerProfileFactory, bearer, make_reviewer, persist
from tests.factories_scoring import Panel, assign, full_scores, reviewer_with_headers
from tests.factories_scoring import submitted as scored
from tests.integration.test_reports import answer, submitted
from tests.support.problems import problem

Client = httpx.AsyncClient


async def invite(client: Client, report: Any, headers: dict[str, str], reviewer: Any) -> Any:
    return await client.post(
        f"/api/reports/{report['id']}/reviewers", headers=headers, json={"reviewer": str(reviewer)}
    )


async def round_reviews(client: Client, report: Any, headers: dict[str, str]) -> Any:
    response = await client.get(f"/api/reports/{report['id']}/reviews", headers=headers)
    assert response.status_code == 200, response.json()
    return response.json()


async def selection_reviews(client: Client, panel: Panel, headers: dict[str, str]) -> Any:
    proposal = panel.proposals[0]
    response = await client.get(f"/api/proposals/{proposal.id}/reviews", headers=headers)
    assert response.status_code == 200, response.json()
    return response.json()


async def reviewed(client: Client, db: AsyncSession, report: Any, panel: Panel) -> Any:
    """A JST reviewer invited by JST, who accepts and submits a full review; their assignment."""
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    invited = await invite(client, report, panel.jst_headers, reviewer.id)
    assert invited.status_code == 201, invited.json()
    a = invited.json()
    accepted = await client.post(
        f"/api/assignments/{a['id']}/events/accept", headers=headers, json={"version": a["version"]}
    )
    assert accepted.status_code == 200, accepted.json()
    draft = {
        "version": accepted.json()["version"],
        "scores": full_scores(),
        "comments_to_applicants": "Good progress on the interposer.",
        "confidential_comments": "The thermal model slips again.",
        "recommendation": "fund",
        "confidence": 4,
    }
    saved = await client.put(f"/api/assignments/{a['id']}/review", headers=headers, json=draft)
    assert saved.status_code == 200, saved.json()
    assert saved.json()["round"] == 1
    done = await client.post(
        f"/api/assignments/{a['id']}/events/submit",
        headers=headers,
        json={"version": saved.json()["version"]},
    )
    assert done.status_code == 200, done.json()
    return {**done.json(), "reviewer": reviewer}


async def test_a_report_is_reviewed_in_its_own_round(client: Client, db: AsyncSession) -> None:
    panel, _, report = await submitted(client, db)
    jp = await bearer(db, panel.jp_pi)
    selector = await make_reviewer(db, panel.jst)
    chosen = await assign(db, panel.proposals[0], selector, panel.jst)
    await scored(db, chosen, full_scores(5, 5, 5), comments_to_applicants="Select it.")
    before = await selection_reviews(client, panel, panel.jst_headers)
    before_pi = await selection_reviews(client, panel, jp)
    assert [i["round"] for i in before["items"]] == [0]
    a = await reviewed(client, db, report, panel)
    assert a == {
        "id": a["id"],
        "call_id": str(panel.call.id),
        "proposal_id": str(panel.proposals[0].id),
        "proposal_reference": "JV-2026-0001",
        "reviewer_id": str(a["reviewer"].id),
        "reviewer_name": a["reviewer"].display_name,
        "pool": "JST",
        "round": 1,
        "state": "submitted",
        "version": 5,
        "affinity": None,
        "source": "manual",
        "decline_reason": None,
        "conflicts": [],
        "created_at": a["created_at"],
        "reviewer": a["reviewer"],
    }
    mails = await db.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.related_id == a["id"])
    )
    assert mails == 1
    review = {
        "round": 1,
        "scores": {"novelty": 4, "feasibility": 3, "impact": 5},
        "comments_to_applicants": "Good progress on the interposer.",
        "recommendation": "fund",
    }
    panel_view = await round_reviews(client, report, panel.jst_headers)
    item = panel_view["items"][0]
    assert panel_view == {
        "items": [
            {
                **review,
                "id": item["id"],
                "pool_agency": "JST",
                "reviewer": a["reviewer"].display_name,
                "confidential_comments": "The thermal model slips again.",
                "confidence": 4,
                "submitted_at": item["submitted_at"],
            }
        ],
        "total": 1,
        "limit": 50,
        "offset": 0,
    }
    empty = {"items": [], "total": 0, "limit": 50, "offset": 0}
    # This grant's call never recorded its joint ranking: JST's pool stays behind its wall.
    assert await round_reviews(client, report, panel.nafosted_headers) == empty
    assert await round_reviews(client, report, jp) == empty
    for agency, headers in (("JST", panel.jst_headers), ("NAFOSTED", panel.nafosted_headers)):
        current = (await client.get(f"/api/reports/{report['id']}", headers=headers)).json()
        r = await answer(client, report, headers, agency, current["version"], decision="accept")
        assert r.status_code == 201, r.json()
    assert await round_reviews(client, report, jp) == {**empty, "items": [review], "total": 1}
    assert await selection_reviews(client, panel, panel.jst_headers) == before
    assert await selection_reviews(client, panel, jp) == before_pi


async def test_invitations_are_refused_with_reasons_and_change_nothing(
    client: Client, db: AsyncSession
) -> None:
    panel, grant_id, report = await submitted(client, db)
    jst_only = await make_reviewer(db, panel.jst)
    outsider = await make_reviewer(db)
    await persist(
        db,
        ReviewerProfileFactory(
            user_id=panel.vn_pi.id, pools=[ReviewerPool(agency_id=panel.nafosted.id)]
        ),
    )
    events = await db.scalar(select(func.count()).select_from(AuditEvent))
    jp = await bearer(db, panel.jp_pi)

    path = f"/api/reports/{report['id']}/reviewers"
    base = {"instance": path, "params": {}}
    forbidden = {**base, "type": "urn:cofund:problem:forbidden", "title": "Forbidden"}
    conflict = {**base, "type": "urn:cofund:problem:conflict", "title": "Conflict", "status": 409}

    other = await invite(client, report, panel.nafosted_headers, jst_only.id)
    assert problem(other) == {
        **forbidden,
        "status": 403,
        "detail": "Only officers of JST assign reviewers from its pool.",
        "code": "assignment.manual.other_pool",
        "params": {"agency": "JST"},
    }
    pi = await invite(client, report, jp, jst_only.id)
    assert problem(pi) == {
        **forbidden,
        "status": 403,
        "detail": "Only officers of the grant's co-funding agencies invite reviewers to its "
        "progress reports.",
        "code": "policy.report.reviewer_inviters_only",
    }
    unpooled = await invite(client, report, panel.jst_headers, outsider.id)
    assert problem(unpooled) == {
        **base,
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "The reviewer cannot be invited.",
        "code": "report.reviewer.invalid",
        "errors": [
            {
                "field": "reviewer",
                "reason": "not a reviewer of the JST pool",
                "code": "report.reviewer.not_in_pool",
                "params": {"agency": "JST"},
            }
        ],
    }
    member = await invite(client, report, panel.nafosted_headers, panel.vn_pi.id)
    name = panel.vn_pi.display_name
    assert problem(member) == {
        **conflict,
        "detail": f"{name} has a conflict of interest with this project.",
        "code": "report.reviewer.conflicted",
        "params": {"reviewer": name},
        "reasons": [
            {
                "code": "conflict.consortium.pi",
                "params": {"agency": "NAFOSTED"},
                "message": "The reviewer is the PI of the NAFOSTED part.",
            }
        ],
    }
    later = (await client.get(f"/api/grants/{grant_id}/reports", headers=jp)).json()["items"][1]
    due = await invite(client, later, panel.jst_headers, jst_only.id)
    assert problem(due) == {
        **conflict,
        "instance": f"/api/reports/{later['id']}/reviewers",
        "detail": "The report is due; reviewers are invited while it is submitted.",
        "code": "report.reviewer.not_submitted",
        "params": {"state": "due"},
    }
    assert (await db.scalar(select(func.count()).select_from(ReviewAssignment))) == 0
    assert (await db.scalar(select(func.count()).select_from(AuditEvent))) == events
