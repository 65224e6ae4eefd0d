"""The officers' assignment board, scores, ranking and joint panel pages over HTTP on both
backends: what each page shows (exact texts, in English and another language), that its forms
change state through the same services and workflow as the API, and that a refused change
(a swap breaking a conflict, a cap or a pool rule; another agency's wall) says why and keeps
nothing."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import ReviewAssignment
from tests.factories import PASSWORD, ConflictFactory, persist
from tests.factories_assignment import make_review_world, stored
from tests.factories_scoring import assign, full_scores, reviewer_with_headers
from tests.factories_scoring import submitted as submit_review
from tests.integration.test_rankings_flow import ranking_panel
from tests.integration.test_web_reviewer_pages import csrf_of, text_of

Client = httpx.AsyncClient
HTML = {"accept": "text/html"}


async def _sign_in(client: Client, email: str) -> str:
    response = await client.post("/api/auth/login", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


@dataclass
class Board:
    """The call's ids and names, read before any test expires the session's rows."""

    call_id: uuid.UUID
    proposals: list[uuid.UUID]
    jp: list[tuple[uuid.UUID, str]]
    vn: list[tuple[uuid.UUID, str]]
    csrf: str
    html: str

    @property
    def base(self) -> str:
        return f"/officer/calls/{self.call_id}/assignment"

    def swap(self, proposal: int, replace: object, reviewer: int, pool: str = "JST") -> dict:
        who = (self.jp if pool == "JST" else self.vn)[reviewer][0]
        return {
            "csrf": self.csrf,
            "proposal": str(self.proposals[proposal]),
            "replace": str(replace),
            "reviewer": f"{pool}:{who}",
        }


async def _run(client: Client, db: AsyncSession, cap: int = 8) -> Board:
    """A call in review, one reviewer per proposal and pool, the JST officer signed in and the
    solver run on the JST pool from the page."""
    rw = await make_review_world(db, state="reviewing", reviewers_per_proposal=1, cap=cap)
    csrf = await _sign_in(client, rw.world.jst_officer.email)
    board = Board(
        rw.call_id,
        [p.id for p in rw.proposals],
        [(u.id, u.display_name) for u in rw.jp],
        [(u.id, u.display_name) for u in rw.vn],
        csrf,
        "",
    )
    run = await client.post(f"{board.base}/run", data={"csrf": csrf}, headers=HTML)
    assert run.status_code == 200, run.text
    board.html = run.text
    return board


async def _first(db: AsyncSession, board: Board) -> ReviewAssignment:
    return next(r for r in await stored(db) if r.proposal_id == board.proposals[0])


# The assignment board --------------------------------------------------------------------------


async def test_run_shows_report_board_with_affinity_terms_and_loads(
    client: Client, db: AsyncSession
) -> None:
    board = await _run(client, db)
    names = [name for _, name in board.jp]

    assert text_of(board.html, "report") == (
        "The solver's result 3 of 3 proposals covered, 3 of 3 slots filled, total affinity "
        "2.046. Proposed now: 3 added, 0 withdrawn. Every slot is filled."
    )
    assert text_of(board.html, f"p-{board.proposals[0]}").startswith(
        f"JV-2026-0001 Chiplet interconnects for edge accelerators {names[0]} [JST] proposed "
        "0.657 chiplet, interconnect, packaging JST: 0 Replace on JV-2026-0001"
    )
    assert text_of(board.html, "reviewers") == (
        f"Serving reviewers Pool JST Reviewer Load Cap {names[0]} 1 8 {names[1]} 1 8 {names[2]} 1 8"
    )
    assert [r.state for r in await stored(db)] == ["proposed"] * 3


async def test_board_in_japanese_for_the_nafosted_officer_shows_only_their_pool(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, state="reviewing", reviewers_per_proposal=1)
    jp_names = [u.display_name for u in rw.jp]
    await _sign_in(client, rw.vn_officer.email)

    page = await client.get(f"/officer/calls/{rw.call_id}/assignment?lang=ja", headers=HTML)

    assert page.status_code == 200
    assert "<h1>JV-2026 の審査委員割り当て</h1>" in page.text
    assert text_of(page.text, "reviewers").startswith("審査中の審査委員 プール NAFOSTED")
    assert all(name not in page.text for name in jp_names)


async def test_check_refuses_a_swap_onto_a_conflict_with_its_reason_and_keeps_nothing(
    client: Client, db: AsyncSession
) -> None:
    board = await _run(client, db)
    await persist(db, ConflictFactory(proposal_id=board.proposals[0], reviewer_id=board.jp[1][0]))
    before = [(r.id, r.reviewer_id) for r in await stored(db)]
    first = await _first(db, board)

    answer = await client.post(f"{board.base}/check", data=board.swap(0, first.id, 1), headers=HTML)

    assert answer.status_code == 200
    assert " ".join(answer.text.split()) == (
        '<div class="check check-refused"> <p><strong>Refused:</strong> '
        f"{board.jp[1][1]} has a conflict of interest with this proposal.</p> "
        '<ul class="reasons"><li>Declared by the reviewer: Declared by the reviewer.</li> </ul> '
        "</div>"
    )
    assert [(r.id, r.reviewer_id) for r in await stored(db)] == before


async def test_check_allows_a_valid_swap_and_save_makes_it(
    client: Client, db: AsyncSession
) -> None:
    board = await _run(client, db)
    first = (await _first(db, board)).id
    form = board.swap(0, first, 1)

    checked = await client.post(f"{board.base}/check", data=form, headers=HTML)
    assert " ".join(checked.text.split()) == (
        '<div class="check check-allowed"> <p><strong>Allowed:</strong> '
        f"{board.jp[1][1]} can review JV-2026-0001: no conflict, the load cap and the "
        "pool's slots hold.</p> <p>Affinity 0.0; shared terms: none</p> </div>"
    )
    assert first in [r.id for r in await stored(db)]

    saved = await client.post(f"{board.base}/swap", data={**form, "offset": "0"}, headers=HTML)

    assert (saved.status_code, saved.headers["location"]) == (
        303,
        f"{board.base}?offset=0#p-{board.proposals[0]}",
    )
    rows = [(r.proposal_id, r.reviewer_id, r.source) for r in await stored(db)]
    assert (board.proposals[0], board.jp[1][0], "manual") in rows
    assert first not in [r.id for r in await stored(db)]
    after = await client.get(f"{board.base}?offset=0", headers=HTML)
    assert (
        f'<p class="flash flash-success" role="status">{board.jp[1][1]} is proposed for '
        "JV-2026-0001.</p>"
    ) in after.text


async def test_swap_over_the_load_cap_is_refused_on_the_page_in_vietnamese(
    client: Client, db: AsyncSession
) -> None:
    board = await _run(client, db, cap=1)
    first = await _first(db, board)
    before = [(r.id, r.reviewer_id) for r in await stored(db)]

    answer = await client.post(
        f"{board.base}/swap?lang=vi", data=board.swap(0, first.id, 1), headers=HTML
    )

    assert answer.status_code == 409
    assert text_of(answer.text, "refused") == (
        f"{board.jp[1][1]} đã có 1 phân công trong đợt kêu gọi này; số phân công tối đa là 1."
    )
    assert [(r.id, r.reviewer_id) for r in await stored(db)] == before


async def test_check_of_a_reviewer_from_another_agencys_pool_is_refused(
    client: Client, db: AsyncSession
) -> None:
    board = await _run(client, db)

    answer = await client.post(
        f"{board.base}/check", data=board.swap(0, "", 0, pool="NAFOSTED"), headers=HTML
    )

    assert (
        "<p><strong>Refused:</strong> Only officers of NAFOSTED assign reviewers from its pool.</p>"
    ) in answer.text


async def test_conflict_waived_with_a_reason_and_refused_without(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db, state="reviewing", reviewers_per_proposal=1)
    conflict = ConflictFactory(proposal_id=rw.proposals[0].id, reviewer_id=rw.jp[0].id)
    await persist(db, conflict)
    csrf = await _sign_in(client, rw.world.jst_officer.email)
    base = f"/officer/calls/{rw.call_id}/assignment/conflicts/{conflict.id}"

    empty = await client.post(f"{base}/waive", data={"csrf": csrf, "reason": ""}, headers=HTML)
    assert empty.status_code == 422
    assert f'<small class="field-error" id="reason-{conflict.id}-error">' in empty.text
    waived = await client.post(
        f"{base}/waive", data={"csrf": csrf, "reason": "Old paper, no tie now."}, headers=HTML
    )

    assert waived.status_code == 303
    await db.refresh(conflict)
    assert (conflict.status, conflict.decision_reason) == ("waived", "Old paper, no tie now.")


async def test_assignment_page_refused_to_a_researcher(client: Client, db: AsyncSession) -> None:
    rw = await make_review_world(db, state="reviewing")
    await _sign_in(client, rw.world.jp_pi.email)

    page = await client.get(f"/officer/calls/{rw.call_id}/assignment", headers=HTML)

    assert page.status_code == 403
    assert '<p class="error" role="alert">This needs the role officer.</p>' in page.text


# Scores, ranking and the joint panel -----------------------------------------------------------


async def test_scores_show_aggregates_flags_and_distribution_chart_with_its_table(
    client: Client, db: AsyncSession
) -> None:
    panel = await ranking_panel(db)
    p1 = panel.proposals[0]
    second, _ = await reviewer_with_headers(db, panel.jst)
    await submit_review(db, await assign(db, p1, second, panel.jst), full_scores(1, 1, 1))
    await _sign_in(client, panel.jst_officer.email)

    page = await client.get(
        f"/officer/calls/{panel.call.id}/scores?proposal={p1.id}&lang=vi", headers=HTML
    )

    assert page.status_code == 200
    assert text_of(page.text, "pool") == "Đánh giá của nhóm chuyên gia JST."
    assert text_of(page.text, f"score-{p1.id}") == (
        "1 JV-2026-0001 3.00 3.00 3.00 3.00 2 4.00 các chuyên gia bất đồng tài trợ"
    )
    assert text_of(page.text, "distribution-table") == (
        "2 bản đánh giá đã nộp Tiêu chí 1 2 3 4 5 Scientific novelty 1 0 0 0 1 "
        "Feasibility 1 0 0 0 1 Bilateral impact 1 0 0 0 1"
    )
    assert 'data-chart="distribution-chart-data"' in page.text


async def test_calibrated_scores_page_keeps_the_switch_on(client: Client, db: AsyncSession) -> None:
    panel = await ranking_panel(db)
    await _sign_in(client, panel.jst_officer.email)

    page = await client.get(
        f"/officer/calls/{panel.call.id}/scores?calibrate=true&method=median", headers=HTML
    )

    assert page.status_code == 200
    assert '<input type="checkbox" name="calibrate" value="true" checked>' in page.text
    assert '<option value="median" selected>median</option>' in page.text


async def test_ranking_built_moved_finalised_then_joint_recorded_and_approved(
    client: Client, db: AsyncSession
) -> None:
    panel = await ranking_panel(db)
    p1, p2 = panel.proposals
    call = f"/officer/calls/{panel.call.id}"
    marks = {panel.jst_officer.email: "2.00", panel.nafosted_officer.email: "4.00"}
    for officer in (panel.jst_officer, panel.nafosted_officer):
        csrf = await _sign_in(client, officer.email)
        built = await client.post(f"{call}/ranking/draft", data={"csrf": csrf}, headers=HTML)
        assert built.status_code == 303, built.text
        page = await client.get(f"{call}/ranking", headers=HTML)
        moved = await client.post(
            f"{call}/ranking/move",
            data={"csrf": csrf, "version": "1", "proposal": str(p2.id), "direction": "up"},
            headers=HTML,
        )
        assert moved.status_code == 303, moved.text
        page = await client.get(f"{call}/ranking", headers=HTML)
        assert text_of(page.text, f"entry-{p2.id}") == (
            f"1 JV-2026-0002 {marks[officer.email]} fund ↓ Position of JV-2026-0002 Move"
        )
        version = page.text.split('name="version" value="')[1].split('"')[0]
        final = await client.post(
            f"{call}/ranking/events/finalise", data={"csrf": csrf, "version": version}, headers=HTML
        )
        assert final.status_code == 303, final.text
        if officer is panel.jst_officer:
            walled = await client.get(f"{call}/joint", headers=HTML)
            assert text_of(walled.text, "side-NAFOSTED") == (
                "NAFOSTED Behind NAFOSTED's wall until the joint ranking is recorded."
            )
    joint = await client.get(f"{call}/joint", headers=HTML)
    assert joint.status_code == 200
    csrf = csrf_of(joint.text)
    recorded = await client.post(
        f"{call}/joint/record",
        data={
            "csrf": csrf,
            f"position-{p1.id}": "2",
            f"position-{p2.id}": "1",
            f"recommendation-{p1.id}": "fund_if_possible",
            f"recommendation-{p2.id}": "fund",
            "minutes": "Hanoi panel.",
        },
        headers=HTML,
    )
    assert recorded.status_code == 303, recorded.text
    for officer in (panel.nafosted_officer, panel.jst_officer):
        csrf = await _sign_in(client, officer.email)
        page = await client.get(f"{call}/joint", headers=HTML)
        approved = await client.post(
            f"{call}/joint/events/approve", data={"csrf": csrf, "version": "1"}, headers=HTML
        )
        assert approved.status_code == 303, approved.text
    page = await client.get(f"{call}/joint", headers=HTML)
    assert text_of(page.text, "joint") == (
        "Joint ranking final JV-2026-0002 · fund JV-2026-0001 · fund if possible "
        "Minutes: Hanoi panel. Approved by: JST, NAFOSTED"
    )
