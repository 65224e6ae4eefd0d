"""The reviewer pool speaks the reader's language: refusals, field errors, conflict reasons and
the assignment report's shortfalls, read by a Japanese and a Vietnamese reader (by their
`Accept-Language`, or by the language saved on their account)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import User
from grants.reviews.pool.matching import SAME_ROR
from grants.reviews.pool.reasons import stored
from tests.factories import ConflictFactory, bearer, make_user, persist
from tests.factories_assignment import make_review_world as make_assignment_world
from tests.factories_reviews_pool import (
    TOKYO_ROR,
    make_review_world,
    pool_reviewer,
    serving_reviewer,
)
from tests.support.coded import coded, field_error

Client = httpx.AsyncClient
CSV = "email,name,expertise,keywords,institution_ror,institution_name,country,orcid,load_cap,pools"


async def asking(db: AsyncSession, user: User, locale: str) -> dict[str, str]:
    """Headers of `user`, who chose no language, asking for `locale` (weighted, as browsers do)."""
    return {**await bearer(db, user), "Accept-Language": f"{locale}, en;q=0.5"}


async def saved(db: AsyncSession, user: User, locale: str) -> dict[str, str]:
    """Headers of `user`, who chose `locale` on their account (and whose browser says English)."""
    user.locale = locale
    await db.flush()
    return {**await bearer(db, user), "Accept-Language": "en"}


async def test_shortfalls_explained_in_vietnamese(client: Client, db: AsyncSession) -> None:
    rw = await make_assignment_world(db, proposals=2, jp=2, vn=1, reviewers_per_proposal=2)
    headers = await asking(db, rw.vn_officer, "vi")  # NAFOSTED's pool: one reviewer for k = 2

    response = await client.post(f"{rw.call_path}/assignment/run", headers=headers)

    assert [(s["explanation"], s["explanation_code"]) for s in response.json()["shortfalls"]] == [
        (
            f"{p.reference}: sau khi loại trừ các trường hợp xung đột lợi ích và từ chối, không "
            "đủ chuyên gia đánh giá ứng viên từ NAFOSTED (cần 2, ứng viên 1, đã phân công 1).",
            "shortfall.too_few_candidates",
        )
        for p in rw.proposals
    ]


async def test_shortfalls_explained_in_japanese(client: Client, db: AsyncSession) -> None:
    rw = await make_assignment_world(db, proposals=3, jp=1, vn=3, reviewers_per_proposal=1, cap=2)
    headers = await saved(db, rw.world.jst_officer, "ja")

    response = await client.post(f"{rw.call_path}/assignment/run", headers=headers)

    shortfall = response.json()["shortfalls"][0]
    assert (shortfall["explanation"], shortfall["explanation_code"]) == (
        f"{shortfall['reference']}: JST の評価者の担当上限を合計しても、この公募で必要な評価件数に"
        "足りません（必要 1、候補 1、割当済み 0）。",
        "shortfall.capacity_too_low",
    )


async def test_detected_conflicts_are_listed_in_each_officers_language(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    w = rw.world
    await pool_reviewer(db, w.jst, institution_ror=TOKYO_ROR)
    await pool_reviewer(
        db, w.nafosted, country="VN", institution_name="Science & Technology, Hanoi University"
    )
    jst = await saved(db, w.jst_officer, "ja")
    nafosted = await asking(db, await make_user(db, "officer", agency=w.nafosted), "vi")
    await client.post(f"/api/calls/{w.call.id}/conflicts/detect", headers=jst)

    seen_by_jst = await client.get(f"/api/calls/{w.call.id}/conflicts", headers=jst)
    seen_by_nafosted = await client.get(f"/api/calls/{w.call.id}/conflicts", headers=nafosted)

    assert [
        (c["reason"], c["reason_code"], c["reason_params"]) for c in seen_by_jst.json()["items"]
    ] == [
        (
            "JST 側の部分（The University of Tokyo）と所属機関が同じです: ROR 057zh3y96。",
            "conflict.same_institution.ror",
            {"agency": "JST", "institution": "The University of Tokyo", "ror": TOKYO_ROR},
        )
    ]
    assert [(c["reason"], c["reason_code"]) for c in seen_by_nafosted.json()["items"]] == [
        (
            "Cùng tổ chức với phần NAFOSTED (Hanoi University of Science and Technology): trùng "
            "tên sau khi chuẩn hóa.",
            "conflict.same_institution.name",
        )
    ]


async def test_a_conflicted_bid_is_refused_in_japanese_with_its_reason(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    reviewer = await serving_reviewer(db, rw)
    reason = SAME_ROR(agency="JST", institution="The University of Tokyo", ror=TOKYO_ROR)
    await persist(
        db,
        ConflictFactory(
            proposal_id=rw.proposal.id,
            reviewer_id=reviewer.id,
            source="same_institution",
            **stored(reason),
        ),
    )

    response = await client.put(
        f"/api/proposals/{rw.proposal.id}/bid",
        headers=await asking(db, reviewer, "ja"),
        json={"level": "eager"},
    )

    assert response.headers["content-language"] == "ja"
    body = response.json()
    assert (body["status"], body["detail"], body["code"], body["reasons"]) == (
        409,
        "この提案とは利益相反があるため、評価希望を登録できません。",
        "pool.bid.conflicted",
        [
            coded(
                "JST 側の部分（The University of Tokyo）と所属機関が同じです: ROR 057zh3y96。",
                "conflict.same_institution.ror",
                agency="JST",
                institution="The University of Tokyo",
                ror=TOKYO_ROR,
            )
        ],
    )


async def test_a_bad_csv_file_is_explained_in_vietnamese_line_by_line(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    officer = await make_user(db, "officer", agency=rw.world.nafosted)
    headers = {**await saved(db, officer, "vi"), "Content-Type": "text/csv"}
    rows = [
        CSV,
        "minh@example.vn,Minh Tran,EDA flows,eda,,Hanoi University,VN,,8,NAFOSTED",
        "new@example.vn,,EDA flows,,,,VN,,8,NAFOSTED;NSF",
        "minh@example.vn,Minh Tran,EDA flows,eda,,Hanoi University,VN,,5,NAFOSTED",
    ]

    response = await client.post("/api/reviewers/import", headers=headers, content="\n".join(rows))

    assert response.headers["content-language"] == "vi"
    body = response.json()
    assert (body["status"], body["detail"], body["code"]) == (
        422,
        "Tệp có lỗi; không có dữ liệu nào được nhập.",
        "reviewer.import.has_errors",
    )
    assert body["errors"] == [
        field_error(
            "line 3: name", "bắt buộc đối với tài khoản mới", "reviewer.import.name_required"
        ),
        field_error(
            "line 3: pools",
            "không có cơ quan tài trợ nào có mã 'NSF'",
            "pool.agency.unknown_code",
            code="NSF",
        ),
        field_error("line 4: email", "trùng với dòng 2", "reviewer.import.repeated_email", line=2),
    ]
