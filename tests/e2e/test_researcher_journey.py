"""The researchers' whole proposal by clicking alone, each in their own language: the Japanese
PI (a browser reading Japanese) drafts a joint proposal in the open demo call, invites the
Vietnamese PI, fills in the JST part, its budget and the project description; the Vietnamese
PI (a browser reading Vietnamese) accepts from the dashboard, fills in the NAFOSTED part and
submits once the checklist is empty. axe checks every page in the language it is read in, and
a screenshot of each main page in each language lands in `tests/e2e/screenshots/`.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from grants.demo import DEMO_PASSWORD
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import ACTION_TIMEOUT_MS

pytestmark = pytest.mark.browser

RESEARCHER_JP = "hana.sato@demo.cofund.example"
RESEARCHER_VN = "minh.nguyen@demo.cofund.example"
CALL = "NEXUS-JV-2027"
SCREENSHOTS = Path(__file__).parent / "screenshots"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
YEARS = (1, 2, 3)


def _context(chromium: Browser, live_server: str, locale: str) -> BrowserContext:
    created = chromium.new_context(
        base_url=live_server, locale=locale, viewport={"width": 1280, "height": 900}
    )
    created.set_default_timeout(ACTION_TIMEOUT_MS)
    return created


def _shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    lang = page.locator("html").get_attribute("lang")
    page.screenshot(path=SCREENSHOTS / f"{name}-{lang}.png", full_page=True)


def _checked(page: Page, name: str) -> None:
    """Every page visited: accessible in its language, and photographed."""
    assert_accessible(page)
    _shot(page, name)


def _sign_in(page: Page, email: str, button: str) -> None:
    page.goto("/")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _click(page: Page, role: str, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]


def _fill_budget(page: Page, agency: str) -> None:
    for year in YEARS:
        page.locator(f"#{agency}-budget-{year}-personnel").fill("6000000")
        page.locator(f"#{agency}-budget-{year}-indirect").fill("1800000")


def test_joint_proposal_drafted_filled_and_submitted_in_two_languages(
    chromium: Browser, live_server: str
) -> None:
    jp_context = _context(chromium, live_server, "ja-JP")
    vn_context = _context(chromium, live_server, "vi-VN")
    try:
        jp = jp_context.new_page()
        _sign_in(jp, RESEARCHER_JP, "サインイン")
        expect(jp.locator("html")).to_have_attribute("lang", "ja")
        expect(jp.locator("#proposals-title")).to_have_text("あなたの提案書")
        _checked(jp, "dashboard")

        _click(jp, "link", "公募")
        expect(jp.locator("h1")).to_have_text("公募")
        row = jp.locator("table.calls tr", has_text=CALL)
        expect(row.locator("td")).to_have_count(5)
        expect(row.locator(".state")).to_have_text("募集中")
        _checked(jp, "calls")

        _click(jp, "link", CALL)
        expect(jp.locator("h1")).to_have_text(f"{CALL} — 日越半導体共同研究")
        # The description has no Japanese text: shown in English, marked as such.
        expect(jp.locator(".description p")).to_have_attribute("lang", "en")
        expect(jp.locator(".description .in-english")).to_have_text("(英語)")
        _checked(jp, "call")

        jp.get_by_label("題目（英語）").fill("Chiplet interconnects")
        jp.get_by_label("題目（日本語）").fill("チップレット相互接続")
        jp.get_by_label("分野").select_option("advanced packaging")
        jp.get_by_label("期間（年）").select_option("3")
        jp.get_by_label("開始予定日").fill("2027-04-01")
        _click(jp, "button", "下書きを作成")

        expect(jp.locator(".flash")).to_have_text("提案書の下書きを作成しました。")
        expect(jp.locator("h1")).to_have_text("チップレット相互接続")
        expect(jp.locator("#submit-title + p + ul.checklist li").first).to_be_visible()
        expect(jp.get_by_role("button", name="提案書を提出")).to_be_disabled()
        _checked(jp, "proposal-draft")
        proposal_url = jp.url

        jp.get_by_label("概要（英語）").fill("We co-design chiplet links.")
        _click(jp, "button", "共通項目を保存")
        expect(jp.locator(".flash")).to_have_text("提案書を保存しました。")

        jp.get_by_label("研究代表者のメールアドレス").fill(RESEARCHER_VN)
        _click(jp, "button", "招待を送信")
        expect(jp.locator(".flash")).to_have_text(f"{RESEARCHER_VN} に招待を送信しました。")

        # The ROR id is looked up in the local registry as it is typed (htmx).
        ror = jp.locator("#JST-institution_ror")
        found = jp.locator("#JST-institution_ror-found")
        ror.fill("057zh3y95")
        expect(found).to_have_class("lookup field-error")
        ror.fill("057zh3y96")
        expect(found).to_have_text("東京大学（ROR に登録）")
        jp.locator("#JST-institution_name").fill("東京大学")
        _click(jp, "button", "所属機関を保存")
        expect(jp.locator(".flash")).to_have_text("JST 側を保存しました。")

        jp.locator("#JST-member-name").fill("Aiko Suzuki")
        jp.locator("#JST-member-email").fill("aiko@example.jp")
        jp.locator("#JST-member-orcid").fill("0000-0002-1825-0097")
        jp.locator("#JST-member-erad_number").fill("12345678")
        _click(jp, "button", "チームに追加")
        expect(jp.locator(".flash")).to_have_text("Aiko Suzuki さんが JST のチームに加わりました。")

        _fill_budget(jp, "JST")
        jst_budget = jp.locator("table.budget").first
        expect(jst_budget.locator("[data-total]")).to_have_text("￥23,400,000")
        _click(jp, "button", "JST の予算を保存")
        expect(jp.locator(".flash")).to_have_text("JST の予算を保存しました。")
        expect(jst_budget.locator("[data-year-total='2']")).to_have_text("￥7,800,000")

        jp.locator("#upload-file").set_input_files(
            files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        jp.get_by_role("button", name="アップロード", exact=True).click()
        expect(jp.locator("[data-upload-digest]")).to_have_text(hashlib.sha256(PDF).hexdigest())
        expect(jp.locator("progress")).to_have_attribute("value", "100")
        _checked(jp, "proposal-filled")

        vn = vn_context.new_page()
        _sign_in(vn, RESEARCHER_VN, "Đăng nhập")
        expect(vn.locator("html")).to_have_attribute("lang", "vi")
        expect(vn.locator("#invitations-title")).to_have_text("Lời mời dành cho bạn")
        _checked(vn, "dashboard")
        _click(vn, "button", f"Chấp nhận lời mời vào {CALL}")
        expect(vn.locator(".flash")).to_have_text("Bạn đã chấp nhận lời mời.")
        assert vn.url == proposal_url
        # The Japanese title is not the reader's: the English one, marked as such.
        expect(vn.locator("h1 span")).to_have_attribute("lang", "en")
        expect(vn.locator("h1")).to_contain_text("Chiplet interconnects")

        vn.locator("#NAFOSTED-institution_name").fill("Vietnam National University, Hanoi")
        _click(vn, "button", "Lưu cơ quan chủ trì")
        expect(vn.locator(".flash")).to_have_text("Đã lưu phần NAFOSTED.")
        _fill_budget(vn, "NAFOSTED")
        _click(vn, "button", "Lưu ngân sách NAFOSTED")
        expect(vn.locator(".flash")).to_have_text("Đã lưu ngân sách NAFOSTED.")
        expect(vn.locator(".checklist-ok")).to_have_text("Không thiếu gì: đề xuất có thể nộp.")
        _checked(vn, "proposal-filled")

        _click(vn, "button", "Nộp đề xuất")
        expect(vn.locator(".flash")).to_have_text("Đã xong: Nộp đề xuất.")
        expect(vn.locator("#proposal-title + p .state")).to_have_text("đã nộp")
        expect(vn.locator("#proposal-title + p")).to_contain_text(f"{CALL}-0001")
        _checked(vn, "proposal-submitted")

        jp.goto("/")
        row = jp.locator("table.proposals tbody tr", has_text="チップレット相互接続")
        expect(row.locator("td")).to_have_text(
            [CALL, f"{CALL}-0001", "チップレット相互接続", "提出済み"]
        )
        _checked(jp, "dashboard-submitted")

        with vn.expect_navigation():
            vn.get_by_role("link", name="English").click()
        expect(vn.locator("html")).to_have_attribute("lang", "en")
        expect(vn.locator("#proposal-title + p .state")).to_have_text("submitted")
        _checked(vn, "proposal-submitted")
    finally:
        jp_context.close()
        vn_context.close()


def test_draft_without_english_title_keeps_what_was_typed(
    chromium: Browser, live_server: str
) -> None:
    context = _context(chromium, live_server, "vi-VN")
    try:
        page = context.new_page()
        _sign_in(page, "lan.tran@demo.cofund.example", "Đăng nhập")
        _click(page, "link", "Các đợt gọi")
        _click(page, "link", CALL)
        page.get_by_label("Tiêu đề (tiếng Việt)").fill("Kết nối chiplet")
        with page.expect_navigation():
            page.get_by_role("button", name="Tạo bản nháp").click()

        field = page.get_by_label("Tiêu đề (tiếng Anh)")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_attribute("aria-describedby", "title_en-error")
        expect(page.locator("#title_en-error")).not_to_be_empty()
        expect(page.get_by_label("Tiêu đề (tiếng Việt)")).to_have_value("Kết nối chiplet")
        _checked(page, "call-error")
    finally:
        context.close()


def test_small_screen_shows_every_part_of_the_layout(
    page: Page, chromium: Browser, live_server: str
) -> None:
    context = chromium.new_context(
        base_url=live_server, locale="ja-JP", viewport={"width": 390, "height": 844}
    )
    try:
        phone = context.new_page()
        _sign_in(phone, RESEARCHER_JP, "サインイン")
        _click(phone, "link", "公募")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390
        expect(phone.get_by_role("link", name="English")).to_be_visible()
        assert_accessible(phone)
        SCREENSHOTS.mkdir(exist_ok=True)
        phone.screenshot(path=SCREENSHOTS / "calls-phone-ja.png", full_page=True)
    finally:
        context.close()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_decided_proposal_shows_the_decisions_and_the_reviews_as_applicants_read_them(
    chromium: Browser, live_server: str
) -> None:
    context = _context(chromium, live_server, "ja-JP")
    try:
        page = context.new_page()
        _sign_in(page, "rina.abe@demo.cofund.example", "サインイン")
        row = page.locator("table.proposals tbody tr", has_text="不採択")
        with page.expect_navigation():
            row.locator("a").click()

        expect(page.locator("#decision-title")).to_have_text("採否の決定")
        expect(page.locator(".decision h3", has_text="JST")).to_have_text("JST：不採択")
        reviews = page.locator(".review")
        assert reviews.count() >= 1
        expect(reviews.first.locator("h4")).to_contain_text("審査 1")
        # Applicants never read who reviewed, nor what was said to the panel alone.
        assert (
            "@demo.cofund.example" not in page.locator("#decision-title").locator("..").inner_text()
        )
        expect(page.get_by_role("button", name="提案書を提出")).to_have_count(0)
        _checked(page, "proposal-decided")
    finally:
        context.close()
