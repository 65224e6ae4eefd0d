"""Reviewers in the browser, each in their own language, on the demo: a Japanese reviewer
accepts to serve on the open call, bids on the call in review, accepts a review invitation and
reviews with a draft saved as typed (restored after a reload, and after a reload before the
save), then submits; a Vietnamese reviewer does the same in Vietnamese. The officers' part
(asking a reviewer to serve, running the assignment and inviting) is done through the CLI and
the API, as the README's journeys do. axe checks every page in every language; screenshots go
to tests/e2e/screenshots/ for a person to look at."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from grants.demo import DEMO_PASSWORD
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import GRANTS, Server, _server_env

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).parent / "screenshots"
REVIEW_CALL = "NEXUS-JV-2026"
OPEN_CALL = "NEXUS-JV-2027"
KENJI = "kenji.tanaka@demo.cofund.example"
MAI = "mai.hoang@demo.cofund.example"


class Officers:
    """The demo's officers acting through the API with bearer tokens (what a script does)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.env = _server_env(server.log.parent, server.base_url)
        self.tokens = {
            agency: self._cli("token", "create", "--email", email, "--name", "e2e").strip()
            for agency, email in (
                ("JST", "officer.jst@demo.cofund.example"),
                ("NAFOSTED", "officer.nafosted@demo.cofund.example"),
            )
        }
        self.assigned = False

    def _cli(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
            [str(GRANTS), *args],
            env=self.env,
            cwd=self.server.log.parent,
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout

    def api(self, agency: str, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(  # noqa: S310 - our test server
            f"{self.server.base_url}{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={
                "Authorization": f"Bearer {self.tokens[agency]}",
                "content-type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return json.loads(answer.read() or b"null")

    def call_id(self, code: str) -> str:
        return str(self.api("JST", "GET", f"/api/calls?q={code}")["items"][0]["id"])

    def ask_to_serve(self, agency: str, email: str, code: str) -> None:
        [reviewer] = self.api(agency, "GET", f"/api/reviewers?q={email}")["items"]
        body = {"reviewer": reviewer["user_id"], "agency": agency}
        self.api(agency, "POST", f"/api/calls/{self.call_id(code)}/reviewers", body)

    def assign_and_invite(self) -> None:
        """`grants assign` on the call in review, then each agency invites its pool (once)."""
        if self.assigned:
            return
        self._cli("assign", REVIEW_CALL)
        call = self.call_id(REVIEW_CALL)
        for agency in self.tokens:
            self.api(agency, "POST", f"/api/calls/{call}/assignment/invite", {})
        self.assigned = True


@pytest.fixture(scope="module")
def officers(server_process: Server, live_server: str) -> Officers:
    return Officers(server_process)


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


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def _checked(page: Page, name: str) -> None:
    """Every page a reviewer sees: accessible, and photographed."""
    assert_accessible(page)
    _shot(page, name)


def _sign_in(page: Page, email: str, lang: str) -> None:
    page.goto(f"/login?lang={lang}")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto("/reviewer")
    expect(page.locator("html")).to_have_attribute("lang", lang)


def _click(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def _review(page: Page, lang: str, texts: dict[str, str]) -> None:
    """Score, comment and recommend on the review form, checking the draft survives reloads."""
    form = page.locator("#review-form")
    status = page.locator("#draft-status")
    form.locator("input[name='score.novelty'][value='4']").check()
    page.locator("#comments_to_applicants").fill(texts["comment"])
    expect(status).to_contain_text(texts["saved"])
    page.reload()
    expect(page.locator("input[name='score.novelty'][value='4']")).to_be_checked()
    expect(page.locator("#comments_to_applicants")).to_have_value(texts["comment"])
    _checked(page, f"reviewer-review-draft-{lang}")

    # Typed and the page closed before the save: the browser keeps it and saves it on return.
    page.locator("#confidential_comments").fill(texts["confidential"])
    page.reload()
    expect(page.locator("#confidential_comments")).to_have_value(texts["confidential"])
    expect(status).to_contain_text(texts["saved"])
    page.reload()
    expect(page.locator("#confidential_comments")).to_have_value(texts["confidential"])

    page.locator("input[name='score.feasibility'][value='3']").check()
    page.locator("input[name='score.impact'][value='5']").check()
    page.locator("#recommendation").select_option("fund_if_possible")
    page.locator("#confidence").select_option("4")
    expect(status).to_contain_text(texts["saved"])
    _click(page, texts["submit"])
    expect(page.locator(".flash")).to_have_text(texts["submitted"])
    expect(page.locator("#others-heading")).to_have_text(texts["others"])
    expect(page.locator("#review-submitted .prose").first).to_have_text(texts["comment"])
    _checked(page, f"reviewer-review-submitted-{lang}")


def _accept_first_invitation(page: Page, accept: str) -> None:
    page.goto("/reviewer")
    invitations = page.locator("#invitations article")
    expect(invitations.first).to_be_visible()
    button = invitations.first.get_by_role("button", name=accept, exact=False)
    with page.expect_navigation():
        button.first.click()


def test_japanese_reviewer_serves_bids_and_reviews(
    japanese: BrowserContext, officers: Officers
) -> None:
    officers.ask_to_serve("JST", KENJI, OPEN_CALL)
    page = japanese.new_page()
    _sign_in(page, KENJI, "ja")
    expect(page.locator("h1")).to_have_text("私の審査")
    _checked(page, "reviewer-dashboard-ja")

    _click(page, f"承諾する：{OPEN_CALL} の審査")
    expect(page.locator(".flash")).to_have_text("この公募の審査を引き受けました。")
    expect(page.locator("#calls")).to_contain_text(f"{OPEN_CALL} の提案への入札")

    with page.expect_navigation():
        page.get_by_role("link", name=f"{REVIEW_CALL} の提案への入札").click()
    expect(page.locator("h1")).to_have_text(f"{REVIEW_CALL} への入札")
    _checked(page, "reviewer-bids-ja")
    first = page.locator("article.item").first
    first.get_by_label("ぜひ担当したい").check()
    with page.expect_navigation():
        first.get_by_role("button").click()
    expect(page.locator(".flash")).to_have_text("入札を保存しました。")
    expect(page.locator("article.item").first.get_by_label("ぜひ担当したい")).to_be_checked()

    page.goto("/reviewer/profile")
    expect(page.locator("h1")).to_have_text("審査委員プロフィール")
    _checked(page, "reviewer-profile-ja")

    officers.assign_and_invite()
    _accept_first_invitation(page, "承諾する：")
    expect(page.locator(".flash")).to_have_text("この提案の審査を承諾しました。")
    expect(page.locator("#review-heading")).to_have_text("あなたの審査")
    _review(
        page,
        "ja",
        {
            "comment": "チップレット接続の設計が明確で、日越の分担も妥当です。",
            "confidential": "ベトナム側の装置予算がやや少ない。",
            "saved": "下書きを保存しました：",
            "submit": "審査結果を提出",
            "submitted": "審査結果を提出しました。",
            "others": "他の審査委員の審査結果",
        },
    )


def test_vietnamese_reviewer_reviews_in_vietnamese(
    vietnamese: BrowserContext, officers: Officers
) -> None:
    officers.assign_and_invite()
    page = vietnamese.new_page()
    _sign_in(page, MAI, "vi")
    expect(page.locator("h1")).to_have_text("Đánh giá của tôi")
    _checked(page, "reviewer-dashboard-vi")

    _accept_first_invitation(page, "Chấp nhận")
    expect(page.locator(".flash")).to_have_text("Bạn đã nhận đánh giá đề xuất này.")
    _review(
        page,
        "vi",
        {
            "comment": "Kế hoạch hợp tác rõ ràng; nhóm hai bên bổ trợ tốt cho nhau.",
            "confidential": "Ngân sách thiết bị phía Việt Nam hơi thấp.",
            "saved": "Đã lưu bản nháp lúc",
            "submit": "Nộp đánh giá",
            "submitted": "Đánh giá của bạn đã được nộp.",
            "others": "Đánh giá của các chuyên gia khác",
        },
    )
    page.goto("/reviewer/profile")
    expect(page.locator("h1")).to_have_text("Hồ sơ chuyên gia đánh giá của tôi")
    _checked(page, "reviewer-profile-vi")
    page.goto("/reviewer?lang=en")
    expect(page.locator("h1")).to_have_text("My reviews")
    _checked(page, "reviewer-dashboard-en")
