"""The reviewers' pages over HTTP on both backends: what each page says (exact texts of its
parts), and that its forms change state through the same services and workflow as the API,
refuse with their reasons next to the fields, keep what was typed and change nothing then."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import (
    AuditEvent,
    Bid,
    CallReviewer,
    Conflict,
    Review,
    ReviewAssignment,
    User,
)
from messages.render import catalog
from tests.factories import PASSWORD, CallReviewerFactory, make_reviewer, make_user, persist
from tests.factories_reviews_pool import add_profile
from tests.factories_scoring import Panel, assign, full_scores, make_panel, submitted
from tests.integration.test_proposals_assigned_reviewer import under_review

Client = httpx.AsyncClient
HTML = {"accept": "text/html"}
DEADLINE = datetime.datetime(2030, 8, 31, 8, 0, tzinfo=datetime.UTC)


class _Texts(HTMLParser):
    """The whitespace-collapsed text inside the element with a given id."""

    VOID = frozenset({"input", "br", "meta", "link", "img", "hr"})

    def __init__(self, wanted: str) -> None:
        super().__init__()
        self.wanted, self.depth, self.parts = wanted, 0, []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        if self.depth or dict(attrs).get("id") == self.wanted:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.parts.append(data)


def text_of(html: str, element_id: str) -> str:
    parser = _Texts(element_id)
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


@dataclass
class Scene:
    panel: Panel
    reviewer: User
    service: CallReviewer
    csrf: str


async def _sign_in(client: Client, user: User) -> str:
    response = await client.post(
        "/api/auth/login", json={"email": user.email, "password": PASSWORD}
    )
    assert response.status_code == 200, response.text
    return str(response.json()["csrf_token"])


async def _scene(
    client: Client, db: AsyncSession, service_state: str = "accepted", n_proposals: int = 2
) -> Scene:
    panel = await make_panel(db, n_proposals, review_deadline=DEADLINE)
    reviewer = await make_user(db, "reviewer", country="JP", display_name="Kenji Tanaka")
    await add_profile(
        db,
        reviewer,
        panel.jst,
        institution_name="Osaka University",
        orcid="0000-0002-1825-0097",
        keywords=["chiplet", "packaging"],
    )
    service = CallReviewerFactory(
        call_id=panel.call.id, reviewer_id=reviewer.id, agency_id=panel.jst.id, state=service_state
    )
    await persist(db, service)
    return Scene(panel, reviewer, service, await _sign_in(client, reviewer))


# The dashboard ---------------------------------------------------------------------------------


async def test_dashboard_lists_invitation_and_accepted_review_with_deadline_in_both_zones(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db, service_state="invited")
    first, second = scene.panel.proposals
    invited = await assign(db, first, scene.reviewer, scene.panel.jst, state="invited")
    accepted = await assign(db, second, scene.reviewer, scene.panel.jst)

    page = await client.get("/reviewer", headers=HTML)

    assert page.status_code == 200
    assert text_of(page.text, "profile-heading") == "Profile"
    assert "<dd>Osaka University</dd>" in page.text
    assert "<dd>0000-0002-1825-0097</dd>" in page.text
    assert text_of(page.text, f"service-{scene.service.id}") == (
        f"JV-2026 · {scene.panel.call.title['en']} Pool: JST · State: invited "
        "Accept serving on JV-2026 Decline serving on JV-2026 "
        "Reason for declining serving on JV-2026 Decline serving on JV-2026"
    )
    assert text_of(page.text, f"assignment-{invited.id}") == (
        "JV-2026-0001 · JV-2026 Pool: JST · State: invited Review deadline: "
        "Japan time: Aug 31, 2030, 5:00:00 PM (Asia/Tokyo) "
        "Vietnam time: Aug 31, 2030, 3:00:00 PM (Asia/Ho_Chi_Minh) "
        "Accept reviewing JV-2026-0001 Decline reviewing JV-2026-0001 "
        "Reason for declining reviewing JV-2026-0001 Decline reviewing JV-2026-0001"
    )
    link = f'<a href="/reviewer/assignments/{accepted.id}">JV-2026-0002</a>'
    assert link in page.text


async def test_dashboard_in_japanese_names_states_and_zones(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db)
    row = await assign(
        db, scene.panel.proposals[0], scene.reviewer, scene.panel.jst, state="invited"
    )

    page = await client.get("/reviewer?lang=ja", headers=HTML)

    assert page.status_code == 200
    assert '<html lang="ja">' in page.text
    assert page.headers["content-language"] == "ja"
    assert "<h1>私の審査</h1>" in page.text
    assert text_of(page.text, f"assignment-{row.id}") == (
        "JV-2026-0001 · JV-2026 審査委員プール：JST · 状態： 依頼中 審査期限： "
        "日本時間: 2030/08/31 17:00:00 (Asia/Tokyo) "
        "ベトナム時間: 2030/08/31 15:00:00 (Asia/Ho_Chi_Minh) "
        "承諾する：JV-2026-0001 の審査 辞退する：JV-2026-0001 の審査 "
        "辞退の理由（JV-2026-0001 の審査） 辞退する：JV-2026-0001 の審査"
    )


async def test_dashboard_for_a_researcher_is_forbidden(client: Client, db: AsyncSession) -> None:
    researcher = await make_user(db, "researcher")
    await _sign_in(client, researcher)

    page = await client.get("/reviewer", headers=HTML)

    assert page.status_code == 403
    assert '<p class="error" role="alert">This needs the role reviewer.</p>' in page.text


async def test_dashboard_signed_out_goes_to_sign_in(client: Client) -> None:
    page = await client.get("/reviewer", headers=HTML)

    assert (page.status_code, page.headers["location"]) == (302, "/login?next=%2Freviewer")


# Serving on a call and review invitations --------------------------------------------------------


async def test_accept_service_form_moves_it_to_accepted(client: Client, db: AsyncSession) -> None:
    scene = await _scene(client, db, service_state="invited")

    answer = await client.post(
        f"/reviewer/services/{scene.service.id}/accept",
        data={"csrf": scene.csrf, "version": "1"},
        headers=HTML,
    )

    assert (answer.status_code, answer.headers["location"]) == (303, "/reviewer")
    await db.refresh(scene.service)
    assert (scene.service.state, scene.service.version) == ("accepted", 2)


async def test_decline_service_without_reason_refused_next_to_field_keeping_nothing(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db, service_state="invited")

    answer = await client.post(
        f"/reviewer/services/{scene.service.id}/decline?lang=vi",
        data={"csrf": scene.csrf, "version": "1", "reason": ""},
        headers=HTML,
    )

    assert answer.status_code == 422
    assert text_of(answer.text, "refused") == "Dữ liệu của “decline” không hợp lệ."
    error = re.search(
        rf'<p class="error" id="reason-{scene.service.id}-error">(.*?)</p>', answer.text
    )
    assert error is not None
    assert error.group(1) == "Vui lòng nhập ít nhất 1 ký tự."
    await db.refresh(scene.service)
    assert (scene.service.state, scene.service.version) == ("invited", 1)


async def test_decline_assignment_with_reason_keeps_it(client: Client, db: AsyncSession) -> None:
    scene = await _scene(client, db)
    row = await assign(
        db, scene.panel.proposals[0], scene.reviewer, scene.panel.jst, state="invited"
    )

    answer = await client.post(
        f"/reviewer/assignments/{row.id}/events/decline",
        data={"csrf": scene.csrf, "version": "1", "reason": "On leave until April."},
        headers=HTML,
    )

    assert (answer.status_code, answer.headers["location"]) == (303, "/reviewer")
    await db.refresh(row)
    assert (row.state, row.decline_reason) == ("declined", "On leave until April.")


async def test_stale_accept_shows_reason_and_changes_nothing(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db)
    row = await assign(
        db, scene.panel.proposals[0], scene.reviewer, scene.panel.jst, state="invited"
    )

    answer = await client.post(
        f"/reviewer/assignments/{row.id}/events/accept",
        data={"csrf": scene.csrf, "version": "7"},
        headers=HTML,
    )

    assert answer.status_code == 409
    assert text_of(answer.text, "refused") == "You saw version 7, but it is now version 1."
    await db.refresh(row)
    assert row.state == "invited"


async def test_form_with_forged_csrf_is_refused(client: Client, db: AsyncSession) -> None:
    scene = await _scene(client, db, service_state="invited")

    answer = await client.post(
        f"/reviewer/services/{scene.service.id}/accept",
        data={"csrf": "forged", "version": "1"},
        headers=HTML,
    )

    assert answer.status_code == 403
    assert "The form&#39;s CSRF token is missing or wrong; reload the page." in answer.text
    await db.refresh(scene.service)
    assert scene.service.state == "invited"


# The profile and conflicts ---------------------------------------------------------------------


async def test_profile_saves_expertise_and_keywords(client: Client, db: AsyncSession) -> None:
    scene = await _scene(client, db)

    answer = await client.post(
        "/reviewer/profile",
        data={
            "csrf": scene.csrf,
            "version": "1",
            "expertise": "3D integration",
            "keywords": "TSV, hybrid bonding\nchiplet",
        },
        headers=HTML,
    )
    page = await client.get(answer.headers["location"], headers=HTML)

    assert (answer.status_code, answer.headers["location"]) == (303, "/reviewer/profile")
    assert '<p class="flash flash-success" role="status">Your profile is saved.</p>' in page.text
    assert 'value="TSV, hybrid bonding, chiplet"' in page.text
    assert ">3D integration</textarea>" in page.text


async def test_profile_blank_expertise_error_next_to_field_keeps_typed(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db)

    answer = await client.post(
        "/reviewer/profile?lang=ja",
        data={"csrf": scene.csrf, "version": "1", "expertise": "  ", "keywords": "new words"},
        headers=HTML,
    )

    assert answer.status_code == 422
    assert '<p class="error" id="expertise-error">1 文字以上で入力してください。</p>' in answer.text
    assert 'aria-invalid="true" aria-describedby="expertise-error"' in answer.text
    assert 'value="new words"' in answer.text
    profile = (await client.get("/api/me/reviewer-profile")).json()
    assert (profile["keywords"], profile["version"]) == (["chiplet", "packaging"], 1)


async def test_declare_conflict_lists_it_and_hides_proposal_from_bids(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db)
    first = scene.panel.proposals[0]

    answer = await client.post(
        "/reviewer/conflicts",
        data={"csrf": scene.csrf, "proposal": str(first.id), "reason": "My former student."},
        headers=HTML,
    )
    profile = await client.get("/reviewer/profile", headers=HTML)
    bids = await client.get(f"/reviewer/calls/{scene.panel.call.id}/bids", headers=HTML)

    assert (answer.status_code, answer.headers["location"]) == (303, "/reviewer/profile#conflicts")
    row = "<tr><td>JV-2026-0001</td><td>JV-2026</td><td>My former student.</td><td>active</td></tr>"
    assert row in profile.text
    assert "JV-2026-0001" not in bids.text
    assert "<legend>Your bid on JV-2026-0002</legend>" in bids.text
    stored = await db.scalar(select(Conflict.source).where(Conflict.proposal_id == first.id))
    assert stored == "declared_by_reviewer"


async def test_declare_conflict_without_reason_keeps_choice(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db)
    second = scene.panel.proposals[1]

    answer = await client.post(
        "/reviewer/conflicts",
        data={"csrf": scene.csrf, "proposal": str(second.id), "reason": ""},
        headers=HTML,
    )

    assert answer.status_code == 422
    assert '<p class="error" id="reason-error">Give at least 1 characters.</p>' in answer.text
    assert f'<option value="{second.id}" selected>' in answer.text
    assert await db.scalar(select(Conflict.id)) is None


# Bidding ---------------------------------------------------------------------------------------


async def test_bid_saved_and_shown_checked(client: Client, db: AsyncSession) -> None:
    scene = await _scene(client, db)
    second = scene.panel.proposals[1]

    answer = await client.post(
        f"/reviewer/proposals/{second.id}/bid",
        data={"csrf": scene.csrf, "level": "eager"},
        headers=HTML,
    )
    page = await client.get(f"/reviewer/calls/{scene.panel.call.id}/bids?lang=vi", headers=HTML)

    target = f"/reviewer/calls/{scene.panel.call.id}/bids#p-{second.id}"
    assert (answer.status_code, answer.headers["location"]) == (303, target)
    assert '<input type="radio" name="level" value="eager" checked> Rất muốn' in page.text
    level = await db.scalar(select(Bid.level).where(Bid.proposal_id == second.id))
    assert level == "eager"


async def test_bid_unknown_level_refused_next_to_it(client: Client, db: AsyncSession) -> None:
    scene = await _scene(client, db)
    first = scene.panel.proposals[0]

    answer = await client.post(
        f"/reviewer/proposals/{first.id}/bid",
        data={"csrf": scene.csrf, "level": "maybe"},
        headers=HTML,
    )

    assert answer.status_code == 422
    assert text_of(answer.text, "refused") == "The request has invalid fields."
    assert await db.scalar(select(Bid.id)) is None


async def test_bids_page_of_a_call_not_served_is_not_found(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db, service_state="invited")

    page = await client.get(f"/reviewer/calls/{scene.panel.call.id}/bids", headers=HTML)

    assert page.status_code == 404


# The assignment and its review -----------------------------------------------------------------


async def test_assignment_shows_proposal_and_rubric_form(client: Client, db: AsyncSession) -> None:
    scene = await _scene(client, db)
    row = await assign(db, scene.panel.proposals[0], scene.reviewer, scene.panel.jst)

    page = await client.get(f"/reviewer/assignments/{row.id}", headers=HTML)

    assert page.status_code == 200
    assert "<h1>Review of JV-2026-0001</h1>" in page.text
    assert "<legend>Scientific novelty · weight 40%</legend>" in page.text
    assert 'data-api="/api/assignments/' + str(row.id) + '/review"' in page.text
    # Nothing scored yet: the button says so (its reasons beside it, drawn again on each save).
    assert (
        '<button type="submit" name="action" value="submit" aria-disabled="true" '
        'aria-describedby="submit-blocked">Submit the review</button>'
    ) in page.text
    assert text_of(page.text, "review-heading") == "Your review"
    assert text_of(page.text, "submit-blocked") == (
        "Before you submit: Criteria not scored: novelty, feasibility, and impact."
    )


async def test_review_saved_then_submitted_through_the_form(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db)
    row = await assign(db, scene.panel.proposals[0], scene.reviewer, scene.panel.jst)
    typed = {
        "csrf": scene.csrf,
        "version": "1",
        "score.novelty": "4",
        "score.feasibility": "3",
        "score.impact": "5",
        "comments_to_applicants": "Strong bilateral plan.",
        "confidential_comments": "Budget is thin.",
        "recommendation": "fund",
        "confidence": "4",
    }

    saved = await client.post(f"/reviewer/assignments/{row.id}/review", data=typed, headers=HTML)
    draft = (await client.get(f"/api/assignments/{row.id}/review")).json()
    sent = await client.post(
        f"/reviewer/assignments/{row.id}/review",
        data={**typed, "version": str(draft["version"]), "action": "submit"},
        headers=HTML,
    )
    page = await client.get(f"/reviewer/assignments/{row.id}", headers=HTML)

    assert (saved.status_code, sent.status_code) == (303, 303)
    assert (draft["scores"], draft["recommendation"]) == (full_scores(4, 3, 5), "fund")
    await db.refresh(row)
    assert row.state == "submitted"
    assert text_of(page.text, "others-heading") == "The other reviewers' reviews"
    assert "<p>No other review is submitted yet.</p>" in page.text


async def test_review_off_scale_score_error_keeps_typed(client: Client, db: AsyncSession) -> None:
    scene = await _scene(client, db)
    row = await assign(db, scene.panel.proposals[0], scene.reviewer, scene.panel.jst)

    answer = await client.post(
        f"/reviewer/assignments/{row.id}/review",
        data={
            "csrf": scene.csrf,
            "version": "1",
            "score.novelty": "9",
            "comments_to_applicants": "Kept as typed.",
        },
        headers=HTML,
    )

    assert answer.status_code == 422
    assert '<p class="error" id="novelty-error">must be within 1..5</p>' in answer.text
    assert ">Kept as typed.</textarea>" in answer.text
    assert await db.scalar(select(Review.id)) is None


async def test_submit_with_missing_scores_refused_with_reasons(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db)
    row = await assign(db, scene.panel.proposals[0], scene.reviewer, scene.panel.jst)

    answer = await client.post(
        f"/reviewer/assignments/{row.id}/review?lang=ja",
        data={"csrf": scene.csrf, "version": "1", "score.novelty": "4", "action": "submit"},
        headers=HTML,
    )

    assert answer.status_code == 409
    assert (
        text_of(answer.text, "refused")
        == "このイベントは実行できません。 未採点の評価項目：feasibility、impact"
    )
    assert await db.scalar(select(Review.id)) is None
    await db.refresh(row)
    assert (row.state, row.version) == ("accepted", 1)


async def test_after_submitting_others_reviews_show_without_names(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db)
    proposal = scene.panel.proposals[0]
    mine = await assign(db, proposal, scene.reviewer, scene.panel.jst)
    await submitted(db, mine, full_scores(4, 3, 5), recommendation="fund")
    other = await make_user(db, "reviewer", display_name="Emi Watanabe")
    await add_profile(db, other, scene.panel.jst)
    theirs = await assign(db, proposal, other, scene.panel.jst)
    await submitted(
        db,
        theirs,
        full_scores(2, 2, 2),
        recommendation="do_not_fund",
        comments_to_applicants="Too ambitious.",
        confidential_comments="Secret words.",
    )

    page = await client.get(f"/reviewer/assignments/{mine.id}", headers=HTML)

    assert page.status_code == 200
    assert "Too ambitious." in page.text
    assert "Review 1 (JST pool)" in page.text
    assert "Emi Watanabe" not in page.text
    assert "Secret words." not in page.text


async def test_assignment_of_another_reviewer_is_not_found(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db)
    other = await make_reviewer(db, scene.panel.jst)
    row = await assign(db, scene.panel.proposals[0], other, scene.panel.jst)

    page = await client.get(f"/reviewer/assignments/{row.id}", headers=HTML)

    assert page.status_code == 404
    assert await db.scalar(select(ReviewAssignment.state).where(ReviewAssignment.id == row.id)) == (
        "accepted"
    )


async def test_assignment_page_links_documents_the_reviewer_downloads(
    client: Client, db: AsyncSession
) -> None:
    r = await under_review(client, db)
    jst = r.team.call.agencies[0].agency
    reviewer = await make_reviewer(db, jst)
    row = await assign(db, r.team.proposal, reviewer, jst)
    await _sign_in(client, reviewer)

    page = await client.get(f"/reviewer/assignments/{row.id}", headers=HTML)
    link = f"/api/proposals/{r.team.proposal.id}/documents/{r.document_id}/content"
    got = await client.get(link)

    assert page.status_code == 200
    assert f'<a href="{link}" download>plan.pdf</a>' in page.text
    assert (got.status_code, got.content) == (200, r.body)


# The profile's institution and ORCID iD, and the submit button drawn again after a save ----------


async def test_profile_saves_institution_orcid_and_country_audited(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db)
    before = await db.scalar(select(func.count()).select_from(AuditEvent))
    form = {
        "csrf": scene.csrf,
        "version": "1",
        "expertise": "3D integration",
        "keywords": "chiplet",
        "institution_ror": "https://ror.org/035t8zc32",
        "institution_name": "Osaka University",
        "orcid": "0000000218250097",
        "country": "vn",
    }

    wrong = await client.post(
        "/reviewer/profile?lang=vi", data={**form, "orcid": "0000-0002-1825-0098"}, headers=HTML
    )
    answer = await client.post("/reviewer/profile", data=form, headers=HTML)
    page = await client.get("/reviewer/profile?lang=ja", headers=HTML)

    assert wrong.status_code == 422
    assert 'id="orcid" name="orcid"' in wrong.text
    assert '<p class="error" id="orcid-error">' in wrong.text
    assert (answer.status_code, answer.headers["location"]) == (303, "/reviewer/profile")
    profile = (await client.get("/api/me/reviewer-profile")).json()
    assert (profile["institution_ror"], profile["orcid"], profile["country"]) == (
        "035t8zc32",
        "0000-0002-1825-0097",
        "VN",
    )
    assert await db.scalar(select(func.count()).select_from(AuditEvent)) == (before or 0) + 1
    assert 'class="lookup verified">大阪大学（ROR に登録）</output>' in page.text


async def test_own_profile_api_checks_the_codes(client: Client, db: AsyncSession) -> None:
    scene = await _scene(client, db)
    headers = {"x-csrf-token": scene.csrf}

    refused = await client.patch(
        "/api/me/reviewer-profile",
        headers=headers,
        json={"version": 1, "institution_ror": "035t8zc33", "country": "XX"},
    )
    changed = await client.patch(
        "/api/me/reviewer-profile",
        headers=headers,
        json={"version": 1, "institution_name": "Kyoto University", "orcid": None},
    )

    assert refused.status_code == 422
    assert sorted(e["field"] for e in refused.json()["errors"]) == ["country", "institution_ror"]
    assert (changed.json()["institution_name"], changed.json()["orcid"]) == (
        "Kyoto University",
        "0000-0002-1825-0097",
    )


async def test_submit_state_fragment_follows_the_saved_draft(
    client: Client, db: AsyncSession
) -> None:
    scene = await _scene(client, db)
    row = await assign(db, scene.panel.proposals[0], scene.reviewer, scene.panel.jst)
    path = f"/reviewer/assignments/{row.id}/submit-state"

    before = await client.get(f"{path}?lang=ja", headers={"hx-request": "true"})
    saved = await client.put(
        f"/api/assignments/{row.id}/review",
        headers={"x-csrf-token": scene.csrf},
        json={"version": 1, "scores": {"novelty": 4, "feasibility": 3, "impact": 5}},
    )
    after = await client.get(path, headers={"hx-request": "true"})

    assert saved.status_code == 200, saved.text
    before_you = catalog("ja").gettext("Before you submit:")
    assert text_of(before.text, "submit-blocked") == (
        f"{before_you} 未採点の評価項目：novelty、feasibility、impact"
    )
    assert 'value="submit" aria-disabled="true"' in before.text
    assert 'value="submit">' in after.text
    assert text_of(after.text, "submit-ready") == (
        "Everything the review needs is saved: you can submit it."
    )
    other = await make_user(db, "reviewer", country="JP")
    await add_profile(db, other, scene.panel.jst)
    await client.post("/api/auth/logout", headers={"x-csrf-token": scene.csrf})
    await _sign_in(client, other)
    assert (await client.get(path, headers=HTML)).status_code == 404
