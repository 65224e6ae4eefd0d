"""Officers run a call's review in the browser, each in their own language, on the demo server:
a call in review with two proposals and two reviewers in each agency's pool is seeded with the
factories (a conflict of interest among them). The JST officer (Japanese) runs the solver,
tries a swap the server refuses with its reason (the conflict), checks and saves a valid one,
invites; the NAFOSTED officer (Vietnamese) runs and invites their pool. Reviews are then
seeded; the JST officer reads the scores (chart and table), starts ranking, builds, reorders
and finalises the JST ranking; the NAFOSTED officer finalises theirs, records the joint
ranking and approves it; the JST officer approves it last. axe checks every page; screenshots
go to tests/e2e/screenshots/."""

from __future__ import annotations

import asyncio
import datetime
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from grants.db.engine import create_engine
from grants.db.models import Agency, Proposal, ReviewAssignment, User
from grants.demo import DEMO_PASSWORD
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import Server
from tests.factories import (
    ConflictFactory,
    make_call,
    make_proposal,
    make_reviewer,
    make_user,
    persist,
)
from tests.factories_scoring import full_scores, submitted

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).parent / "screenshots"
CODE = "E2E-REVIEW-2026"
JST_OFFICER = "officer.jst@demo.cofund.example"
NAFOSTED_OFFICER = "officer.nafosted@demo.cofund.example"
TOPICS = [
    ("Chiplet interconnects for edge accelerators", ["chiplet", "interconnect", "packaging"]),
    ("Placement and routing with learned EDA flows", ["placement", "routing", "EDA"]),
]
EXPERTISE = [
    ("Chiplet packaging and interconnect design.", ["chiplet", "interconnect", "packaging"]),
    ("EDA placement and routing algorithms.", ["placement", "routing", "EDA"]),
]


@dataclass
class Seeded:
    call_id: uuid.UUID
    proposals: list[uuid.UUID]
    jp: list[uuid.UUID]


def _in_thread(work: Any) -> Any:
    """Run a coroutine on its own loop in a thread (Playwright's sync API owns this one)."""
    found: dict[str, Any] = {}

    def target() -> None:
        found["value"] = asyncio.run(work)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    return found["value"]


def _database(server: Server) -> str:
    return f"sqlite+aiosqlite:///{server.log.parent / 'cofund.db'}"


async def _seed(url: str) -> Seeded:
    """A call in review co-funded by the demo's JST and NAFOSTED, one reviewer per proposal
    and pool, two proposals under review, two reviewers in each pool who know one topic each,
    and a conflict between the first proposal and the second Japanese reviewer."""
    engine = create_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as db, db.begin():
            jst = await db.scalar(select(Agency).where(Agency.code == "JST"))
            nafosted = await db.scalar(select(Agency).where(Agency.code == "NAFOSTED"))
            officer = await db.scalar(select(User).where(User.email == JST_OFFICER))
            assert jst is not None and nafosted is not None and officer is not None  # noqa: PT018
            now = datetime.datetime.now(datetime.UTC)
            call = await make_call(
                db, officer, jst, nafosted, code=CODE, state="reviewing",
                reviewers_per_proposal=1, opens_at=now - datetime.timedelta(days=40),
                closes_at=now - datetime.timedelta(days=10),
            )  # fmt: skip
            jp_pi = await make_user(db, "researcher", country="JP", display_name="Haruto Sato")
            vn_pi = await make_user(db, "researcher", country="VN", display_name="Lan Pham")
            proposals = [
                await make_proposal(
                    db,
                    call,
                    {jst.id: jp_pi, nafosted.id: vn_pi},
                    state="under_review",
                    number=i + 1,
                    reference=f"{CODE}-{i + 1:04d}",
                    title={"en": title},
                    abstract={"en": f"We study {' and '.join(words)}."},
                    keywords=words,
                    submitted_at=now - datetime.timedelta(days=12),
                )
                for i, (title, words) in enumerate(TOPICS)
            ]
            people = [("Aoi Kato", "JP", jst), ("Daiki Mori", "JP", jst)]
            people += [("Minh Tran", "VN", nafosted), ("Thu Vo", "VN", nafosted)]
            reviewers = [
                await make_reviewer(
                    db,
                    pool,
                    country=country,
                    expertise=EXPERTISE[i % 2][0],
                    keywords=EXPERTISE[i % 2][1],
                    load_cap=2,
                )
                for i, (_, country, pool) in enumerate(people)
            ]
            for user, (name, _, _) in zip(reviewers, people, strict=True):
                user.display_name = name
            await persist(
                db, ConflictFactory(proposal_id=proposals[0].id, reviewer_id=reviewers[1].id)
            )
            return Seeded(call.id, [p.id for p in proposals], [r.id for r in reviewers[:2]])
    finally:
        await engine.dispose()


async def _review_all(url: str, call_id: uuid.UUID) -> None:
    """Every invited assignment of the call reviewed and submitted (the reviewers' part)."""
    engine = create_engine(url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as db, db.begin():
            rows = await db.scalars(
                select(ReviewAssignment)
                .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
                .where(Proposal.call_id == call_id, ReviewAssignment.state == "invited")
            )
            for n, row in enumerate(rows):
                await submitted(db, row, full_scores(4 - n % 2, 3 + n % 2, 5 - n % 3))
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def seeded(server_process: Server, live_server: str) -> Seeded:
    return _in_thread(_seed(_database(server_process)))


def _context(chromium: Browser, live_server: str, locale: str) -> Iterator[BrowserContext]:
    created = chromium.new_context(base_url=live_server, locale=locale)
    created.set_default_timeout(10_000)
    yield created
    created.close()


@pytest.fixture
def japanese(chromium: Browser, live_server: str) -> Iterator[BrowserContext]:
    yield from _context(chromium, live_server, "ja-JP")


@pytest.fixture
def vietnamese(chromium: Browser, live_server: str) -> Iterator[BrowserContext]:
    yield from _context(chromium, live_server, "vi-VN")


def _checked(page: Page, name: str) -> None:
    assert_accessible(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def _sign_in(page: Page, email: str, lang: str) -> None:
    page.goto(f"/login?lang={lang}")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def _click(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).first.click()


def test_officers_assign_score_rank_and_approve_the_joint_ranking(
    server_process: Server,
    seeded: Seeded,
    japanese: BrowserContext,
    vietnamese: BrowserContext,
) -> None:
    call = f"/officer/calls/{seeded.call_id}"
    p1, p2 = seeded.proposals
    aoi, daiki = seeded.jp
    jst, naf = japanese.new_page(), vietnamese.new_page()

    # JST, in Japanese: run the solver, a refused swap, a valid swap, invitations.
    _sign_in(jst, JST_OFFICER, "ja")
    jst.goto(f"{call}/assignment")
    expect(jst.locator("h1")).to_have_text(f"{CODE} の審査委員割り当て")
    _click(jst, "ソルバーを実行する")
    expect(jst.locator("#report")).to_contain_text("提案 2 件中 2 件を充足、枠 2 件中 2 件を割当")
    expect(jst.locator(f"#p-{p1}")).to_contain_text("Aoi Kato [JST] 候補")
    expect(jst.locator(f"#p-{p2}")).to_contain_text("Daiki Mori [JST] 候補")
    _checked(jst, "officer-assignment-run-ja")

    row = jst.locator(f"#p-{p1}")
    row.locator(f"#replace-{p1}").select_option(label="Aoi Kato")
    row.locator(f"#reviewer-{p1}").select_option(f"JST:{daiki}")
    row.get_by_role("button", name="確認する").click()
    expect(jst.locator(f"#check-{p1}")).to_contain_text(
        "不可： Daiki Mori はこの提案と利益相反があります。"
    )
    _checked(jst, "officer-assignment-refused-ja")

    row = jst.locator(f"#p-{p2}")
    row.locator(f"#replace-{p2}").select_option(label="Daiki Mori")
    row.locator(f"#reviewer-{p2}").select_option(f"JST:{aoi}")
    row.get_by_role("button", name="確認する").click()
    expect(jst.locator(f"#check-{p2}")).to_contain_text("可能： Aoi Kato は")
    with jst.expect_navigation():
        row.get_by_role("button", name="保存する").click()
    expect(jst.locator(".flash")).to_have_text(f"Aoi Kato を {CODE}-0002 の候補にしました。")
    expect(jst.locator(f"#p-{p2}")).to_contain_text("Aoi Kato [JST] 候補")
    _checked(jst, "officer-assignment-swapped-ja")
    _click(jst, "候補の審査委員全員に依頼する")
    expect(jst.locator("#invited")).to_contain_text("2 名の審査委員にメールで依頼しました。")

    # NAFOSTED, in Vietnamese: their pool only.
    _sign_in(naf, NAFOSTED_OFFICER, "vi")
    naf.goto(f"{call}/assignment")
    expect(naf.locator("#reviewers")).not_to_contain_text("Aoi Kato")
    _click(naf, "Chạy bộ giải")
    expect(naf.locator("#report")).to_contain_text("2/2 đề xuất có người đánh giá")
    _checked(naf, "officer-assignment-run-vi")
    _click(naf, "Mời mọi chuyên gia được đề xuất")
    expect(naf.locator("#invited")).to_contain_text("Đã gửi thư mời tới 2 chuyên gia đánh giá.")

    # The reviewers review (seeded); JST reads the scores and starts ranking.
    _in_thread(_review_all(_database(server_process), seeded.call_id))
    jst.goto(f"{call}/scores")
    expect(jst.locator("#pool")).to_have_text("JST プールの審査。")
    expect(jst.locator("#distribution-table")).to_contain_text("提出済みの審査 1 件")
    expect(jst.locator("canvas[data-chart]")).to_be_visible()
    _checked(jst, "officer-scores-ja")
    _click(jst, "順位付けを開始する")
    expect(jst.locator(".flash")).to_have_text("公募は順位付けの段階に入りました。")
    _click(jst, "評点から順位案を作成する")
    first = jst.locator(".ranking tbody tr").first.locator("th").inner_text()
    _click(jst, f"{first} を下へ")
    expect(jst.locator(".flash")).to_have_text(f"{first} は 2 位になりました。")
    _checked(jst, "officer-ranking-ja")
    _click(jst, "順位を確定する")
    expect(jst.locator(".flash")).to_have_text("自機関の順位を確定しました。")
    jst.goto(f"{call}/joint")
    expect(jst.locator("#side-NAFOSTED")).to_contain_text("共同順位が記録されるまで")
    _checked(jst, "officer-joint-walled-ja")

    # NAFOSTED finalises, records the joint ranking and approves it.
    naf.goto(f"{call}/ranking")
    _click(naf, "Lập bản nháp từ điểm số")
    _checked(naf, "officer-ranking-vi")
    _click(naf, "Chốt xếp hạng")
    naf.goto(f"{call}/joint")
    naf.locator("#minutes").fill("Hội đồng chung tại Hà Nội: nhất trí thứ tự.")
    _click(naf, "Ghi nhận xếp hạng chung")
    expect(naf.locator(".flash")).to_have_text(
        "Xếp hạng chung đã được ghi nhận; giờ mỗi cơ quan phê duyệt nó."
    )
    _click(naf, "Phê duyệt xếp hạng chung")
    expect(naf.locator("#approvals")).to_have_text("Đã phê duyệt: NAFOSTED")
    _checked(naf, "officer-joint-vi")

    # JST approves last: the joint ranking is recorded, and the walls come down.
    jst.goto(f"{call}/joint")
    _click(jst, "共同順位を承認する")
    expect(jst.locator("#approvals")).to_have_text("承認済み：JST, NAFOSTED")
    expect(jst.locator("#side-NAFOSTED")).not_to_contain_text("共同順位が記録されるまで")
    _checked(jst, "officer-joint-recorded-ja")
