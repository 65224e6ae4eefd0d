"""Agency rankings, the joint ranking with both agencies' approvals, and the call's review and
ranking facts (start_ranking, start_deciding) through the call events endpoint."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent
from tests.factories import bearer, make_user
from tests.factories_scoring import Panel, assign, full_scores, make_panel, reviewer_with_headers
from tests.factories_scoring import submitted as submit_review
from tests.support.coded import field_error
from tests.support.problems import problem
from tests.support.reasons import reason

Client = httpx.AsyncClient
KINDS = {403: ("forbidden", "Forbidden"), 409: ("conflict", "Conflict")}


def refused(
    status: int, instance: str, detail: str, code: str | None, /, **extra: Any
) -> dict[str, Any]:
    """An exact problem body; `extra` holds `params` (none by default), `errors`, `reasons`."""
    kind, title = KINDS.get(status, ("invalid", "Invalid input"))
    return {
        "type": f"urn:cofund:problem:{kind}",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
        "params": extra.pop("params", {}),
        **extra,
    }


async def ranking_panel(db: AsyncSession, **call: str) -> Panel:
    """A call in ranking with two proposals, each reviewed once in each agency's pool."""
    panel = await make_panel(db, n_proposals=2, state="ranking", **call)
    for pool, marks in ((panel.jst, (5, 2)), (panel.nafosted, (3, 4))):
        reviewer, _ = await reviewer_with_headers(db, pool)
        for proposal, mark in zip(panel.proposals, marks, strict=True):
            assignment = await assign(db, proposal, reviewer, pool)
            await submit_review(db, assignment, full_scores(mark, mark, mark))
    return panel


async def finalised(client: Client, panel: Panel, code: str, headers: dict[str, str]) -> None:
    base = f"/api/calls/{panel.call.id}/rankings/{code}"
    draft = await client.post(f"{base}/draft", headers=headers)
    assert draft.status_code == 201
    final = await client.post(
        f"/api/rankings/{draft.json()['id']}/events/finalise",
        headers=headers,
        json={"version": draft.json()["version"]},
    )
    assert final.status_code == 200


def joint_body(panel: Panel) -> dict[str, object]:
    p1, p2 = panel.proposals
    return {
        "entries": [
            {"proposal_id": str(p2.id), "position": 1, "recommendation": "fund"},
            {"proposal_id": str(p1.id), "position": 2, "recommendation": "fund_if_possible"},
        ],
        "minutes": "Joint panel, Hanoi: consensus on the order.",
    }


async def test_agency_draft_from_scores_then_reorder_and_finalise(
    client: Client, db: AsyncSession
) -> None:
    panel = await ranking_panel(db)
    p1, p2 = panel.proposals
    base = f"/api/calls/{panel.call.id}/rankings/JST"

    draft = await client.post(f"{base}/draft", headers=panel.jst_headers)
    foreign = await client.put(
        base, headers=panel.nafosted_headers, json={"version": 1, "entries": []}
    )
    moved = await client.put(
        base,
        headers=panel.jst_headers,
        json={
            "version": draft.json()["version"],
            "entries": [
                {"proposal_id": str(p2.id), "recommendation": "fund_if_possible"},
                {"proposal_id": str(p1.id), "recommendation": "fund"},
            ],
        },
    )
    final = await client.post(
        f"/api/rankings/{draft.json()['id']}/events/finalise",
        headers=panel.jst_headers,
        json={"version": moved.json()["version"]},
    )
    frozen = await client.put(
        base,
        headers=panel.jst_headers,
        json={"version": final.json()["version"], "entries": []},
    )

    assert draft.status_code == 201
    assert [(e["reference"], e["position"], e["score"]) for e in draft.json()["entries"]] == [
        ("JV-2026-0001", 1, 5.0),
        ("JV-2026-0002", 2, 2.0),
    ]
    assert (foreign.status_code, foreign.json()["detail"]) == (
        403,
        "Only JST's officers change JST's ranking.",
    )
    assert [(e["reference"], e["recommendation"]) for e in moved.json()["entries"]] == [
        ("JV-2026-0002", "fund_if_possible"),
        ("JV-2026-0001", "fund"),
    ]
    assert (final.json()["state"], final.json()["finalised_by"]) == (
        "final",
        str(panel.jst_officer.id),
    )
    assert (frozen.status_code, problem(frozen)) == (
        409,
        refused(
            409,
            base,
            "JST's ranking is final and can no longer change.",
            "ranking.final",
            params={"agency": "JST"},
        ),
    )
    actions = await db.scalars(
        select(AuditEvent.action).where(AuditEvent.entity_id == draft.json()["id"])
    )
    assert list(actions) == ["ranking.draft", "ranking.update", "ranking.finalise"]


async def test_reorder_must_list_every_entry_once(client: Client, db: AsyncSession) -> None:
    panel = await ranking_panel(db)
    base = f"/api/calls/{panel.call.id}/rankings/JST"
    await client.post(f"{base}/draft", headers=panel.jst_headers)

    response = await client.put(
        base,
        headers=panel.jst_headers,
        json={"version": 1, "entries": [{"proposal_id": str(panel.proposals[0].id)}]},
    )

    assert (response.status_code, problem(response)) == (
        422,
        refused(
            422,
            base,
            "List every proposal of the ranking exactly once.",
            "ranking.reorder.invalid",
            errors=[
                field_error(
                    "entries",
                    "must list each ranked proposal exactly once",
                    "ranking.reorder.entries",
                )
            ],
        ),
    )


async def test_joint_ranking_refused_until_both_final_then_approved_by_both(
    client: Client, db: AsyncSession
) -> None:
    panel = await ranking_panel(db)
    joint = f"/api/calls/{panel.call.id}/joint-ranking"
    await finalised(client, panel, "JST", panel.jst_headers)

    early = await client.post(joint, headers=panel.jst_headers, json=joint_body(panel))
    await finalised(client, panel, "NAFOSTED", panel.nafosted_headers)
    recorded = await client.post(joint, headers=panel.jst_headers, json=joint_body(panel))
    version = recorded.json()["version"]
    approve = f"/api/rankings/{recorded.json()['id']}/events/approve"
    first = await client.post(approve, headers=panel.jst_headers, json={"version": 1})
    twice = await client.post(approve, headers=panel.jst_headers, json={"version": 1})
    second = await client.post(approve, headers=panel.nafosted_headers, json={"version": version})

    assert (early.status_code, problem(early)) == (
        409,
        refused(
            409,
            joint,
            "Every agency's ranking must be final first.",
            "ranking.joint.rankings_not_final",
            reasons=[
                reason(
                    "ranking.guard.rankings_not_final",
                    "Agencies whose ranking is not final: NAFOSTED.",
                    agencies=["NAFOSTED"],
                )
            ],
        ),
    )
    assert recorded.status_code == 201
    assert (recorded.json()["agency"], recorded.json()["state"]) == (None, "draft")
    assert [(e["reference"], e["recommendation"]) for e in recorded.json()["entries"]] == [
        ("JV-2026-0002", "fund"),
        ("JV-2026-0001", "fund_if_possible"),
    ]
    assert (first.json()["state"], first.json()["approved_by"]) == ("draft", ["JST"])
    assert (twice.status_code, twice.json()["reasons"]) == (
        409,
        [
            reason(
                "ranking.guard.already_approved",
                "Your agency has approved the joint ranking already.",
            )
        ],
    )
    assert (second.json()["state"], second.json()["approved_by"]) == (
        "final",
        ["JST", "NAFOSTED"],
    )


async def test_joint_ranking_rejects_unknown_and_duplicate_entries(
    client: Client, db: AsyncSession
) -> None:
    panel = await ranking_panel(db, review_mode="joint")
    body = joint_body(panel)
    entries = body["entries"]
    assert isinstance(entries, list)
    entries[1] = {**entries[1], "proposal_id": str(panel.call.id), "position": 3}

    response = await client.post(
        f"/api/calls/{panel.call.id}/joint-ranking", headers=panel.jst_headers, json=body
    )

    assert (response.status_code, problem(response)) == (
        422,
        refused(
            422,
            f"/api/calls/{panel.call.id}/joint-ranking",
            "The joint ranking's entries are invalid.",
            "ranking.joint.invalid",
            errors=[
                field_error(
                    "entries[1].proposal_id",
                    "not a reviewed proposal of this call",
                    "ranking.joint.not_rankable",
                ),
                field_error(
                    "entries",
                    "positions must be 1..2, each once",
                    "ranking.joint.positions",
                    count=2,
                ),
            ],
        ),
    )


async def test_joint_ranking_speaks_the_reviewers_vocabulary(
    client: Client, db: AsyncSession
) -> None:
    panel = await ranking_panel(db, review_mode="joint")
    body = joint_body(panel)
    entries = body["entries"]
    assert isinstance(entries, list)
    entries[1] = {**entries[1], "recommendation": "reserve"}

    response = await client.post(
        f"/api/calls/{panel.call.id}/joint-ranking", headers=panel.jst_headers, json=body
    )

    assert (response.status_code, response.json()["errors"]) == (
        422,
        [
            {
                "field": "entries[1].recommendation",
                "reason": "Give one of: 'fund', 'fund_if_possible' or 'do_not_fund'.",
                "code": "validation.literal_error",
                "params": {"expected": "'fund', 'fund_if_possible' or 'do_not_fund'"},
            }
        ],
    )


async def test_joint_mode_records_one_ranking_directly(client: Client, db: AsyncSession) -> None:
    panel = await ranking_panel(db, review_mode="joint")
    call = f"/api/calls/{panel.call.id}"

    agency = await client.post(f"{call}/rankings/JST/draft", headers=panel.jst_headers)
    joint = await client.post(
        f"{call}/joint-ranking", headers=panel.jst_headers, json=joint_body(panel)
    )

    assert (agency.status_code, problem(agency)) == (
        409,
        refused(
            409,
            f"{call}/rankings/JST/draft",
            "In joint review mode the call has one ranking: the joint ranking.",
            "ranking.joint_mode_single",
        ),
    )
    assert (joint.status_code, joint.json()["state"]) == (201, "draft")


async def test_start_deciding_only_after_joint_ranking_recorded(
    client: Client, db: AsyncSession
) -> None:
    panel = await ranking_panel(db)
    call = f"/api/calls/{panel.call.id}"
    joint = f"{call}/joint-ranking"
    await finalised(client, panel, "JST", panel.jst_headers)
    await finalised(client, panel, "NAFOSTED", panel.nafosted_headers)
    recorded = await client.post(joint, headers=panel.jst_headers, json=joint_body(panel))
    approve = f"/api/rankings/{recorded.json()['id']}/events/approve"
    await client.post(approve, headers=panel.jst_headers, json={"version": 1})

    refused = await client.post(
        f"{call}/events/start_deciding", headers=panel.jst_headers, json={"version": 1}
    )
    await client.post(approve, headers=panel.nafosted_headers, json={"version": 1})
    allowed = await client.post(
        f"{call}/events/start_deciding", headers=panel.jst_headers, json={"version": 1}
    )

    assert (refused.status_code, refused.json()["reasons"]) == (
        409,
        [reason("call.guard.joint_ranking_missing", "The joint ranking has not been recorded.")],
    )
    assert (allowed.status_code, allowed.json()["state"]) == (200, "deciding")


async def test_start_ranking_needs_reviews_from_every_pool(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db, reviewers_per_proposal=1)
    proposal = panel.proposals[0]
    event = f"/api/calls/{panel.call.id}/events/start_ranking"
    jp, _ = await reviewer_with_headers(db, panel.jst)
    await submit_review(db, await assign(db, proposal, jp, panel.jst), full_scores())

    short = await client.post(event, headers=panel.jst_headers, json={"version": 1})
    vn, _ = await reviewer_with_headers(db, panel.nafosted)
    await submit_review(db, await assign(db, proposal, vn, panel.nafosted), full_scores())
    allowed = await client.post(event, headers=panel.jst_headers, json={"version": 1})

    assert (short.status_code, short.json()["reasons"]) == (
        409,
        [
            reason(
                "call.guard.reviews_short",
                "Proposals with fewer submitted reviews than the call requires: 1.",
                count=1,
            )
        ],
    )
    assert (allowed.status_code, allowed.json()["state"]) == (200, "ranking")


async def test_complete_review_waits_for_outstanding_reviews(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db)
    proposal = panel.proposals[0]
    event = f"/api/proposals/{proposal.id}/events/complete_review"
    jp, _ = await reviewer_with_headers(db, panel.jst)
    await submit_review(db, await assign(db, proposal, jp, panel.jst), full_scores())
    vn, _ = await reviewer_with_headers(db, panel.nafosted)
    pending = await assign(db, proposal, vn, panel.nafosted)

    refused = await client.post(event, headers=panel.jst_headers, json={"version": 1})
    await submit_review(db, pending, full_scores())
    allowed = await client.post(event, headers=panel.jst_headers, json={"version": 1})

    assert (refused.status_code, refused.json()["reasons"]) == (
        409,
        [reason("proposal.guard.reviews_outstanding", "Reviews still outstanding: 1.", count=1)],
    )
    assert (allowed.status_code, allowed.json()["state"]) == (200, "reviewed")


WALL = "JST's reviews, scores and ranking stay behind its wall until the joint ranking is recorded."


async def test_other_agency_is_walled_from_a_ranking_even_final_until_joint_ranking(
    client: Client, db: AsyncSession
) -> None:
    panel = await ranking_panel(db)
    call = f"/api/calls/{panel.call.id}"
    base = f"{call}/rankings/JST"
    scores = f"{call}/scores"

    missing = await client.get(base, headers=panel.nafosted_headers)
    draft = await client.post(f"{base}/draft", headers=panel.jst_headers)
    walled = await client.get(base, headers=panel.nafosted_headers)
    await client.post(
        f"/api/rankings/{draft.json()['id']}/events/finalise",
        headers=panel.jst_headers,
        json={"version": 1},
    )
    final = await client.get(base, headers=panel.nafosted_headers)
    final_scores = await client.get(
        scores, params={"agency": "JST"}, headers=panel.nafosted_headers
    )

    assert [
        (x.status_code, x.json()["detail"]) for x in (missing, walled, final, final_scores)
    ] == [
        (403, WALL),
        (403, WALL),
        (403, WALL),
        (403, WALL),
    ]


async def test_rankings_and_scores_open_to_every_agency_once_joint_ranking_recorded(
    client: Client, db: AsyncSession
) -> None:
    panel = await ranking_panel(db)
    call = f"/api/calls/{panel.call.id}"
    await finalised(client, panel, "JST", panel.jst_headers)
    await finalised(client, panel, "NAFOSTED", panel.nafosted_headers)
    joint = await client.post(
        f"{call}/joint-ranking", headers=panel.jst_headers, json=joint_body(panel)
    )
    approve = f"/api/rankings/{joint.json()['id']}/events/approve"
    await client.post(approve, headers=panel.jst_headers, json={"version": 1})
    before = await client.get(f"{call}/rankings/JST", headers=panel.nafosted_headers)
    await client.post(approve, headers=panel.nafosted_headers, json={"version": 1})

    own = await client.get(f"{call}/rankings/JST", headers=panel.jst_headers)
    other = await client.get(f"{call}/rankings/JST", headers=panel.nafosted_headers)
    own_scores = await client.get(
        f"{call}/scores", params={"agency": "JST"}, headers=panel.jst_headers
    )
    other_scores = await client.get(
        f"{call}/scores", params={"agency": "JST"}, headers=panel.nafosted_headers
    )

    assert (before.status_code, before.json()["detail"]) == (403, WALL)
    assert (other.status_code, other.json()) == (200, own.json())
    assert [(e["reference"], e["position"], e["score"]) for e in other.json()["entries"]] == [
        ("JV-2026-0001", 1, 5.0),
        ("JV-2026-0002", 2, 2.0),
    ]
    assert (other_scores.status_code, other_scores.json()) == (200, own_scores.json())
    assert [(p["reference"], p["total"]) for p in other_scores.json()["proposals"]] == [
        ("JV-2026-0001", 5.0),
        ("JV-2026-0002", 2.0),
    ]


async def test_auditor_reads_an_agency_draft_ranking_behind_the_wall(
    client: Client, db: AsyncSession
) -> None:
    panel = await ranking_panel(db)
    base = f"/api/calls/{panel.call.id}/rankings/JST"
    draft = await client.post(f"{base}/draft", headers=panel.jst_headers)
    auditor = await bearer(db, await make_user(db, "auditor"))

    response = await client.get(base, headers=auditor)

    assert (response.status_code, response.json()) == (200, draft.json())


async def test_own_agency_without_a_ranking_gets_404(client: Client, db: AsyncSession) -> None:
    panel = await ranking_panel(db)

    response = await client.get(
        f"/api/calls/{panel.call.id}/rankings/JST", headers=panel.jst_headers
    )

    assert (response.status_code, response.json()["detail"]) == (404, "No ranking yet.")
