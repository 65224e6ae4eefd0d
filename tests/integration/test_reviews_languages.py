"""A refused review and a refused ranking read in Japanese and in Vietnamese by people who saved
no language (Accept-Language decides): scores off the rubric's scales, a submission with a
criterion unscored, and a reorder that leaves a proposal out; codes and parameters as in
English, lists joined as each language joins them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Review
from tests.factories_scoring import assign, full_scores, make_panel, reviewer_with_headers
from tests.factories_scoring import submitted as submit_review
from tests.support.coded import field_error
from tests.support.problems import problem
from tests.support.reasons import reason

Client = httpx.AsyncClient
LANGUAGES = ("ja", "vi")

OFF_SCALES = {
    "ja": (
        "入力が無効です",
        "評価基準の評点の範囲に合わない点数があります。",
        ["1〜5 の範囲で入力してください", "整数で入力してください"],
        "評価基準の評価項目ではありません（novelty、feasibility、impact）",
    ),
    "vi": (
        "Dữ liệu không hợp lệ",
        "Một số điểm không nằm trong thang điểm của bộ tiêu chí đánh giá.",
        ["phải nằm trong khoảng 1..5", "phải là số nguyên"],
        "không phải là tiêu chí của bộ tiêu chí đánh giá (novelty, feasibility và impact)",
    ),
}
NOT_SCORED = {
    "ja": ("このイベントは実行できません。", "未採点の評価項目：feasibility、impact"),
    "vi": (
        "Sự kiện này bị từ chối.",
        "Các tiêu chí chưa được chấm điểm: feasibility và impact.",
    ),
}
REORDER = {
    "ja": (
        "入力が無効です",
        "順位に含まれるすべての提案を、各1回ずつ記載してください。",
        "順位に含まれる提案をすべて、各1回ずつ記載してください",
    ),
    "vi": (
        "Dữ liệu không hợp lệ",
        "Vui lòng liệt kê mọi đề xuất của xếp hạng, mỗi đề xuất đúng một lần.",
        "phải liệt kê mỗi đề xuất được xếp hạng đúng một lần",
    ),
}


def body(
    status: int, title: str, detail: str, instance: str, code: str, **extra: Any
) -> dict[str, Any]:
    kind = {409: "conflict", 422: "invalid"}[status]
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


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_scores_off_the_rubric_read_in_the_readers_language(
    client: Client, db: AsyncSession, lang: str
) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst)
    url = f"/api/assignments/{assignment.id}/review"

    response = await client.put(
        url,
        headers={**headers, "Accept-Language": lang},
        json={"version": 1, "scores": {"novelty": 6, "impact": 2.5, "beauty": 3}},
    )

    title, detail, (off_scale, not_whole), unknown = OFF_SCALES[lang]
    assert (response.status_code, response.headers["content-language"]) == (422, lang)
    assert problem(response) == body(
        422,
        title,
        detail,
        url,
        "review.scores_invalid",
        errors=[
            field_error("scores.novelty", off_scale, "review.score.off_scale", min=1, max=5),
            field_error("scores.impact", not_whole, "review.score.not_whole"),
            field_error(
                "scores.beauty",
                unknown,
                "review.score.unknown_criterion",
                criteria=["novelty", "feasibility", "impact"],
            ),
        ],
    )
    assert await db.scalar(select(Review.id)) is None


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_submission_missing_criteria_read_in_the_readers_language(
    client: Client, db: AsyncSession, lang: str
) -> None:
    panel = await make_panel(db)
    reviewer, headers = await reviewer_with_headers(db, panel.jst)
    assignment = await assign(db, panel.proposals[0], reviewer, panel.jst)
    headers = {**headers, "Accept-Language": lang}
    draft = await client.put(
        f"/api/assignments/{assignment.id}/review",
        headers=headers,
        json={"version": 1, "scores": {"novelty": 4}},
    )
    url = f"/api/assignments/{assignment.id}/events/submit"

    response = await client.post(url, headers=headers, json={"version": draft.json()["version"]})

    detail, missing = NOT_SCORED[lang]
    refused = problem(response)
    refused.pop("title")  # the problem's own title, read in test_problem_languages
    assert (response.status_code, response.headers["content-language"]) == (409, lang)
    assert refused == {
        "type": "urn:cofund:problem:conflict",
        "status": 409,
        "detail": detail,
        "instance": url,
        "code": "workflow.refused",
        "params": {},
        "reasons": [
            reason("assignment.guard.not_scored", missing, criteria=["feasibility", "impact"])
        ],
    }
    await db.refresh(assignment)
    assert assignment.state == "accepted"


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_reorder_leaving_a_proposal_out_read_in_the_readers_language(
    client: Client, db: AsyncSession, lang: str
) -> None:
    panel = await make_panel(db, n_proposals=2, state="ranking")
    reviewer, _ = await reviewer_with_headers(db, panel.jst)
    for proposal in panel.proposals:
        await submit_review(db, await assign(db, proposal, reviewer, panel.jst), full_scores())
    url = f"/api/calls/{panel.call.id}/rankings/JST"
    headers = {**panel.jst_headers, "Accept-Language": lang}
    draft = await client.post(f"{url}/draft", headers=headers)

    response = await client.put(
        url,
        headers=headers,
        json={
            "version": draft.json()["version"],
            "entries": [{"proposal_id": str(panel.proposals[0].id)}],
        },
    )

    title, detail, entries = REORDER[lang]
    assert (response.status_code, response.headers["content-language"]) == (422, lang)
    assert problem(response) == body(
        422,
        title,
        detail,
        url,
        "ranking.reorder.invalid",
        errors=[field_error("entries", entries, "ranking.reorder.entries")],
    )
