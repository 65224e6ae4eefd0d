"""Issue 4's "done when", through the API alone once the call is arranged: JST and NAFOSTED
co-fund a closed call with three eligible proposals; reviewers of both pools serve on it, one
of them at the host institution of a consortium. Officers start the review, detect the
conflict and run the solver (every proposal covered, the conflicted pair never assigned), then
invite; each reviewer accepts, saves a draft, submits; each agency finalises its ranking, the
joint ranking is recorded and approved by both, the call moves to ranking and deciding, and
the audit chain verifies."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Proposal, User
from tests.factories import bearer, make_proposal, make_reviewer, make_user
from tests.factories_proposals import World, make_world
from tests.support.reasons import reason

Client = httpx.AsyncClient
Headers = dict[str, str]

TOKYO, KYOTO, TOHOKU = "057zh3y96", "02kpeqv85", "01dq60k83"
PROPOSALS = [  # title, keywords, JP host (ROR, name), VN host
    (
        "Chiplet interconnects for edge accelerators",
        ["chiplet", "interconnect", "packaging"],
        (TOKYO, "The University of Tokyo"),
        "Hanoi University of Science and Technology",
    ),
    (
        "Placement and routing with learned EDA flows",
        ["placement", "routing", "EDA"],
        (KYOTO, "Kyoto University"),
        "Vietnam National University, Hanoi",
    ),
    (
        "Spiking neural hardware for sensors",
        ["neuromorphic", "spiking", "sensor"],
        (TOHOKU, "Tohoku University"),
        "Ho Chi Minh City University of Technology",
    ),
]
EXPERTISE = [
    ("Chiplet packaging and interconnect design.", ["chiplet", "interconnect", "packaging"]),
    ("EDA placement and routing algorithms.", ["placement", "routing", "EDA"]),
    ("Neuromorphic spiking circuits for sensor nodes.", ["neuromorphic", "spiking", "sensor"]),
]
# Marks per proposal (all criteria alike) given by its JST and its NAFOSTED reviewer.
JST_MARKS, NAFOSTED_MARKS = (3, 5, 2), (2, 4, 5)


@dataclass
class Journey:
    world: World
    nafosted_officer: User
    proposals: list[Proposal]
    jp: list[User]
    vn: list[User]

    @property
    def call(self) -> str:
        return f"/api/calls/{self.world.call.id}"


async def arrange(db: AsyncSession) -> Journey:
    """A closed parallel-mode call (one reviewer per pool and proposal), three eligible
    proposals with their own JP and VN PIs and hosts, three JST reviewers (the first at the
    University of Tokyo, host of proposal 1's JST part) and two NAFOSTED reviewers."""
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    world = await make_world(
        db,
        state="closed",
        closes_at=now - datetime.timedelta(days=1),
        reviewers_per_proposal=1,
        min_reviewers_per_country=0,
        review_mode="parallel",
    )
    nafosted_officer = await make_user(
        db, "officer", agency=world.nafosted, email="officer@nafosted.example"
    )
    proposals = []
    for i, (title, keywords, (ror, jp_host), vn_host) in enumerate(PROPOSALS):
        jp_pi = await make_user(db, "researcher", country="JP", email=f"pi{i}@example.jp")
        vn_pi = await make_user(db, "researcher", country="VN", email=f"pi{i}@example.vn")
        proposal = await make_proposal(
            db,
            world.call,
            {world.jst.id: jp_pi, world.nafosted.id: vn_pi},
            state="eligible",
            number=i + 1,
            reference=f"JV-2026-{i + 1:04d}",
            submitted_at=now - datetime.timedelta(days=2),
            title={"en": title},
            abstract={"en": f"We study {' and '.join(keywords)}."},
            keywords=keywords,
        )
        jp_part, vn_part = proposal.parts
        jp_part.institution_ror, jp_part.institution_name = ror, jp_host
        vn_part.institution_name = vn_host
        proposals.append(proposal)
    await db.flush()
    jp = [
        await _reviewer(db, world.jst, "JP", 0, institution_ror=TOKYO, institution_name="UTokyo"),
        await _reviewer(db, world.jst, "JP", 1, institution_name="Osaka University"),
        await _reviewer(db, world.jst, "JP", 2, institution_name="Nagoya University"),
    ]
    vn = [
        await _reviewer(db, world.nafosted, "VN", 0, institution_name="Can Tho University"),
        await _reviewer(db, world.nafosted, "VN", 1, institution_name="Hue University"),
    ]
    return Journey(world, nafosted_officer, proposals, jp, vn)


async def _reviewer(db: AsyncSession, pool: Agency, country: str, i: int, **fields: Any) -> User:
    expertise, keywords = EXPERTISE[i]
    return await make_reviewer(
        db, pool, country=country, expertise=expertise, keywords=keywords, load_cap=3, **fields
    )


async def test_closed_call_to_joint_ranking_through_the_api(
    client: Client, db: AsyncSession
) -> None:
    j = await arrange(db)
    jst = await bearer(db, j.world.jst_officer)
    naf = await bearer(db, j.nafosted_officer)
    auditor = await bearer(db, await make_user(db, "auditor"))
    reviewers = j.jp + j.vn
    headers = {str(r.id): await bearer(db, r) for r in reviewers}
    ref = {str(p.id): p.reference for p in j.proposals}
    name = {str(r.id): i for i, r in enumerate(reviewers)}  # jp0..jp2 → 0..2, vn0..vn1 → 3..4

    # The officers ask each reviewer to serve for their own agency; each accepts.
    asked = [
        await client.post(
            f"{j.call}/reviewers",
            headers=jst if r in j.jp else naf,
            json={"reviewer": str(r.id), "agency": "JST" if r in j.jp else "NAFOSTED"},
        )
        for r in reviewers
    ]
    accepted = [
        await client.post(
            f"/api/call-reviewers/{a.json()['id']}/events/accept",
            headers=headers[str(r.id)],
            json={"version": 1},
        )
        for a, r in zip(asked, reviewers, strict=True)
    ]
    assert [(a.status_code, a.json()["state"]) for a in asked] == [(201, "invited")] * 5
    assert [(a.status_code, a.json()["state"]) for a in accepted] == [(200, "accepted")] * 5

    # Review starts; conflicts are detected: jp0 shares the University of Tokyo with proposal 1.
    started = await client.post(
        f"{j.call}/events/start_review", headers=jst, json={"version": j.world.call.version}
    )
    detected = await client.post(f"{j.call}/conflicts/detect", headers=jst)
    conflicts = (await client.get(f"{j.call}/conflicts", headers=jst)).json()
    assert (started.status_code, started.json()["state"]) == (200, "reviewing")
    assert detected.status_code == 200
    assert (detected.json()["pairs_checked"], detected.json()["created"]) == (15, 1)
    assert conflicts["total"] == 1
    (conflict,) = conflicts["items"]
    assert (conflict["proposal_reference"], conflict["reviewer_email"], conflict["status"]) == (
        "JV-2026-0001",
        j.jp[0].email,
        "active",
    )
    assert conflict["source"] == "same_institution"

    # Each agency's officer runs the solver on its own pool; together they cover every
    # proposal in both pools, never with the conflicted pair.
    runs = [await client.post(f"{j.call}/assignment/run", headers=h) for h in (jst, naf)]
    for run, pool in zip(runs, ("JST", "NAFOSTED"), strict=True):
        report = run.json()
        assert run.status_code == 200, run.text
        assert (report["pool"], report["feasible"], report["shortfalls"]) == (pool, True, [])
        assert (report["proposals_covered"], report["proposals_total"]) == (3, 3)
        assert (report["slots_required"], report["slots_filled"], report["added"]) == (3, 3, 3)
    # Each agency's officer lists their own pool's assignments only.
    rows = [
        row
        for officer in (jst, naf)
        for row in (await client.get(f"{j.call}/assignments", headers=officer)).json()["items"]
    ]
    assert ({r["pool"] for r in rows[:3]}, {r["pool"] for r in rows[3:]}) == (
        {"JST"},
        {"NAFOSTED"},
    )
    pairs = {(ref[r["proposal_id"]], r["pool"], name[r["reviewer_id"]]) for r in rows}
    assert {(p, pool) for p, pool, _ in pairs} == {
        (p.reference, pool) for p in j.proposals for pool in ("JST", "NAFOSTED")
    }
    assert ("JV-2026-0001", "JST", 0) not in pairs
    assert all(r["conflicts"] == [] and r["state"] == "proposed" for r in rows)
    # Expertise follows the topics where no conflict stands in the way.
    assert {("JV-2026-0002", "JST", 1), ("JV-2026-0003", "JST", 2)} <= pairs
    assert {("JV-2026-0001", "NAFOSTED", 3), ("JV-2026-0002", "NAFOSTED", 4)} <= pairs

    # Invitations go out; ranking is refused while reviews are missing.
    invited = await client.post(f"{j.call}/assignment/invite", headers=jst)
    invited_naf = await client.post(f"{j.call}/assignment/invite", headers=naf)
    assert invited.status_code == 200, invited.text
    assert invited.json()["invited"] + invited_naf.json()["invited"] == 6
    assert invited.json()["refused"] == invited_naf.json()["refused"] == []
    early = await client.post(
        f"{j.call}/events/start_ranking", headers=jst, json={"version": started.json()["version"]}
    )
    assert (early.status_code, early.json()["reasons"]) == (
        409,
        [
            reason(
                "call.guard.reviews_short",
                "Proposals with fewer submitted reviews than the call requires: 3.",
                count=3,
            )
        ],
    )

    # Each reviewer accepts, saves a draft, completes and submits it.
    for row in rows:
        who = headers[row["reviewer_id"]]
        mine = (await client.get(f"{j.call}/assignments/{row['id']}", headers=who)).json()
        accept = await client.post(
            f"/api/assignments/{row['id']}/events/accept",
            headers=who,
            json={"version": mine["version"]},
        )
        assert (accept.status_code, accept.json()["state"]) == (200, "accepted"), accept.text
        p = [x.reference for x in j.proposals].index(ref[row["proposal_id"]])
        mark = (JST_MARKS if row["pool"] == "JST" else NAFOSTED_MARKS)[p]
        review = f"/api/assignments/{row['id']}/review"
        version = accept.json()["version"]
        draft = await client.put(
            review, headers=who, json={"version": version, "scores": {"novelty": mark}}
        )
        assert (draft.status_code, draft.json()["version"]) == (200, version + 1), draft.text
        full = await client.put(
            review,
            headers=who,
            json={
                "version": version + 1,
                "scores": {"novelty": mark, "feasibility": mark, "impact": mark},
                "comments_to_applicants": "Clear aims; see the detailed remarks.",
                "confidential_comments": "The panel should weigh the bilateral plan.",
                "recommendation": "fund" if mark >= 4 else "do_not_fund",
                "confidence": 4,
            },
        )
        assert full.status_code == 200, full.text
        submitted = await client.post(
            f"/api/assignments/{row['id']}/events/submit",
            headers=who,
            json={"version": full.json()["version"]},
        )
        assert (submitted.status_code, submitted.json()["state"]) == (
            200,
            "submitted",
        ), submitted.text
        locked = await client.put(
            review, headers=who, json={"version": submitted.json()["version"], "scores": {}}
        )
        assert locked.status_code == 409

    call_now = (await client.get(j.call, headers=jst)).json()
    ranking = await client.post(
        f"{j.call}/events/start_ranking", headers=jst, json={"version": call_now["version"]}
    )
    assert (ranking.status_code, ranking.json()["state"]) == (200, "ranking"), ranking.text

    # Each agency drafts its ranking from its own pool's scores and finalises it.
    finals = {}
    for code, officer in (("JST", jst), ("NAFOSTED", naf)):
        base = f"{j.call}/rankings/{code}"
        draft = await client.post(f"{base}/draft", headers=officer)
        assert draft.status_code == 201, draft.text
        final = await client.post(
            f"/api/rankings/{draft.json()['id']}/events/finalise",
            headers=officer,
            json={"version": draft.json()["version"]},
        )
        assert (final.status_code, final.json()["state"]) == (200, "final"), final.text
        finals[code] = [
            (e["reference"], e["position"], e["score"]) for e in draft.json()["entries"]
        ]
    assert finals == {
        "JST": [("JV-2026-0002", 1, 5.0), ("JV-2026-0001", 2, 3.0), ("JV-2026-0003", 3, 2.0)],
        "NAFOSTED": [("JV-2026-0003", 1, 5.0), ("JV-2026-0002", 2, 4.0), ("JV-2026-0001", 3, 2.0)],
    }

    # The joint panel records one ranking; deciding waits for both agencies' approvals.
    p1, p2, p3 = (str(p.id) for p in j.proposals)
    joint = await client.post(
        f"{j.call}/joint-ranking",
        headers=naf,
        json={
            "entries": [
                {"proposal_id": p2, "position": 1, "recommendation": "fund"},
                {"proposal_id": p3, "position": 2, "recommendation": "fund_if_possible"},
                {"proposal_id": p1, "position": 3, "recommendation": "do_not_fund"},
            ],
            "minutes": "Joint panel, Tokyo: JV-2026-0002 first by consensus.",
        },
    )
    assert (joint.status_code, joint.json()["state"], joint.json()["agency"]) == (
        201,
        "draft",
        None,
    ), joint.text
    approve = f"/api/rankings/{joint.json()['id']}/events/approve"
    first = await client.post(approve, headers=jst, json={"version": joint.json()["version"]})
    call_now = (await client.get(j.call, headers=jst)).json()
    refused = await client.post(
        f"{j.call}/events/start_deciding", headers=jst, json={"version": call_now["version"]}
    )
    second = await client.post(approve, headers=naf, json={"version": first.json()["version"]})
    deciding = await client.post(
        f"{j.call}/events/start_deciding", headers=naf, json={"version": call_now["version"]}
    )
    shown = (await client.get(f"{j.call}/joint-ranking", headers=jst)).json()
    assert (first.json()["state"], first.json()["approved_by"]) == ("draft", ["JST"])
    assert (refused.status_code, refused.json()["reasons"]) == (
        409,
        [reason("call.guard.joint_ranking_missing", "The joint ranking has not been recorded.")],
    )
    assert (second.json()["state"], second.json()["approved_by"]) == (
        "final",
        ["JST", "NAFOSTED"],
    )
    assert (deciding.status_code, deciding.json()["state"]) == (200, "deciding"), deciding.text
    assert [(e["reference"], e["position"], e["recommendation"]) for e in shown["entries"]] == [
        ("JV-2026-0002", 1, "fund"),
        ("JV-2026-0003", 2, "fund_if_possible"),
        ("JV-2026-0001", 3, "do_not_fund"),
    ]

    verified = await client.get("/api/audit/verify", headers=auditor)
    assert verified.status_code == 200
    assert (verified.json()["intact"], verified.json()["broken_seq"]) == (True, None)
