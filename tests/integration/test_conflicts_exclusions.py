"""The applicants' non-preferred reviewers: at most three, on a draft, then detected."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Conflict, ProposalExclusion
from tests.factories import bearer, make_proposal, make_user
from tests.factories_proposals import make_world
from tests.factories_reviews_pool import ORCID, pool_reviewer

Client = httpx.AsyncClient


def people(n: int) -> list[dict[str, str]]:
    return [{"name": f"Dr. Rival {i}", "email": f"rival{i}@example.org"} for i in range(n)]


async def test_pi_names_up_to_three_non_preferred_reviewers(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    headers = await bearer(db, world.jp_pi)
    url = f"/api/proposals/{proposal.id}/exclusions"
    body = [*people(2), {"name": "Dr. Orcid", "orcid": ORCID, "reason": "Competing project."}]

    saved = await client.put(url, headers=headers, json=body)
    too_many = await client.put(url, headers=headers, json=people(4))
    shown = await client.get(url, headers=headers)

    assert saved.status_code == 200
    assert too_many.status_code == 422
    assert (too_many.json()["detail"], too_many.json()["errors"]) == (
        "Too many non-preferred reviewers.",
        [
            {
                "field": "body",
                "reason": "at most 3 non-preferred reviewers",
                "code": "pool.exclusions.at_most",
                "params": {"count": 3},
            }
        ],
    )
    assert [(e["name"], e["email"], e["orcid"]) for e in shown.json()] == [
        ("Dr. Rival 0", "rival0@example.org", None),
        ("Dr. Rival 1", "rival1@example.org", None),
        ("Dr. Orcid", None, ORCID),
    ]


async def test_exclusions_only_on_a_draft_by_its_consortium(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    submitted = await make_proposal(db, world.call, {world.jst.id: world.jp_pi}, state="submitted")
    draft = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    other = await make_user(db, "researcher", country="JP")

    late = await client.put(
        f"/api/proposals/{submitted.id}/exclusions",
        headers=await bearer(db, world.jp_pi),
        json=people(1),
    )
    foreign = await client.put(
        f"/api/proposals/{draft.id}/exclusions", headers=await bearer(db, other), json=people(1)
    )

    assert (late.status_code, foreign.status_code) == (409, 404)
    assert await db.scalar(select(ProposalExclusion.id)) is None


async def test_exclusion_by_email_is_detected_after_submission(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    rival = await pool_reviewer(db, world.nafosted, country="VN", email="rival0@example.org")
    proposal = await make_proposal(db, world.call, {world.jst.id: world.jp_pi})
    await client.put(
        f"/api/proposals/{proposal.id}/exclusions",
        headers=await bearer(db, world.jp_pi),
        json=[{"name": "Dr. Rival 0", "email": "Rival0@Example.org"}],
    )
    proposal.state = "submitted"
    await db.flush()

    await client.post(
        f"/api/calls/{world.call.id}/conflicts/detect", headers=await bearer(db, world.jst_officer)
    )

    conflict = await db.scalar(select(Conflict))
    assert conflict is not None
    assert (conflict.reviewer_id, conflict.source, conflict.reason) == (
        rival.id,
        "excluded_by_applicants",
        "Excluded by the applicants (Dr. Rival 0, matched by email).",
    )
    assert (conflict.reason_code, conflict.reason_params) == (
        "conflict.excluded.email",
        {"name": "Dr. Rival 0"},
    )
