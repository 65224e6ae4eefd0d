"""Officers in the browser, each in their own language, on the demo: JST's officer (Japanese)
sets up a call with its rubric and documents, leaves JST's envelope out and fixes it when the
page says so next to the field; NAFOSTED's officer (Vietnamese) fills in NAFOSTED's own terms,
JST's read-only, and approves its side; JST's key opens the call. Submissions are then seeded
with the factories (as the integration tests do) and the deadline moved into the past; JST's
officer closes the call and both decide their own part's eligibility, a refusal without a
reason shown at its field. axe checks every page; screenshots go to tests/e2e/screenshots/."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from grants.demo import DEMO_PASSWORD
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import REPO, Server, _server_env

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).parent / "screenshots"
CODE = "E2E-JV-2031"
JST = "officer.jst@demo.cofund.example"
NAFOSTED = "officer.nafosted@demo.cofund.example"


def _context(chromium: Browser, live_server: str, locale: str) -> Iterator[BrowserContext]:
    created = chromium.new_context(
        base_url=live_server, locale=locale, viewport={"width": 1280, "height": 900}
    )
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
    """Every page an officer sees: accessible, and photographed."""
    assert_accessible(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def _sign_in(page: Page, email: str, lang: str) -> None:
    page.goto(f"/login?lang={lang}")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto("/officer")
    expect(page.locator("html")).to_have_attribute("lang", lang)


def _click(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _open_call(page: Page, link: str) -> None:
    page.goto("/officer")
    with page.expect_navigation():
        page.get_by_role("link", name=link).click()


def _seed(server: Server) -> None:
    """Two submitted proposals in the call, its deadline passed (tests/e2e/seed_submissions)."""
    subprocess.run(  # noqa: S603 - our own module with fixed arguments
        [sys.executable, "-m", "tests.e2e.seed_submissions", CODE],
        env=_server_env(server.log.parent, server.base_url),
        cwd=REPO,
        check=True,
        capture_output=True,
    )


def test_officers_set_up_publish_and_decide_eligibility_each_in_their_language(
    japanese: BrowserContext, vietnamese: BrowserContext, server_process: Server
) -> None:
    jst = japanese.new_page()
    _sign_in(jst, JST, "ja")
    expect(jst.locator("h1")).to_have_text("担当の公募 — JST")
    _checked(jst, "officer-dashboard-ja")

    # JST sets up the call, leaving its envelope out.
    with jst.expect_navigation():
        jst.get_by_role("link", name="新しい公募を設定する").click()
    _checked(jst, "officer-new-call-ja")
    jst.locator("#code").fill(CODE)
    jst.locator("#title_en").fill("Japan–Vietnam chips, E2E")
    jst.locator("#title_ja").fill("日越半導体 E2E")
    jst.locator("#description_en").fill("Joint projects in chip design.")
    jst.locator("#topics").fill("chip design\nadvanced packaging")
    jst.locator("#durations").fill("3, 5")
    jst.locator("#opens_at").fill("2026-01-05T09:00")
    jst.locator("#closes_at").fill("2030-01-31T17:00")
    jst.locator("#rubric-0_key").fill("novelty")
    jst.locator("#rubric-0_label").fill("Novelty")
    jst.locator("#rubric-0_weight").fill("60")
    jst.locator("#rubric-0_scale_min").fill("1")
    jst.locator("#rubric-0_scale_max").fill("5")
    for _ in range(2):
        jst.get_by_role("button", name="評価項目を追加").click()
    jst.locator("#rubric-1_key").fill("typo")
    jst.locator("tr[data-row]:has(#rubric-1_key) [data-remove-row]").click()
    jst.locator("#rubric-1_key").fill("impact")  # the third row, numbered again
    jst.locator("#rubric-1_label").fill("Impact")
    jst.locator("#rubric-1_weight").fill("40")
    jst.locator("#document_kinds-0_kind").fill("project_description")
    jst.locator("#document_kinds-0_label").fill("Project description")
    jst.locator("input[name='document_kinds-0_allowed_types'][value='application/pdf']").check()
    jst.locator("#agencies-0_cap_per_year").fill("15000000")
    jst.locator("#agencies-0_cap_total").fill("45000000")
    jst.locator("input[name=partners][value=NAFOSTED]").check()
    _click(jst, "公募の下書きを作成")
    expect(jst.locator(".flash")).to_have_text(f"公募 {CODE} の下書きを作成しました。")
    expect(jst.locator("#agencies-0_envelope-error")).to_have_text(
        "JSTの予算総額が設定されていません。"
    )
    expect(jst.get_by_role("button", name="自機関として承認する")).to_be_disabled()
    _checked(jst, "officer-call-draft-ja")

    jst.locator("#agencies-0_envelope").fill("450000000")
    _click(jst, "設定を保存")
    expect(jst.locator(".flash")).to_have_text("公募の設定を保存しました。")
    expect(jst.locator("#agencies-0_envelope-error")).to_have_count(0)
    expect(jst.locator("#agencies-1_envelope-error")).to_have_text(
        "NAFOSTEDの予算総額が設定されていません。"
    )

    # NAFOSTED fills in its own side (JST's is read-only) and approves.
    naf = vietnamese.new_page()
    _sign_in(naf, NAFOSTED, "vi")
    _checked(naf, "officer-dashboard-vi")
    _open_call(naf, f"Mở {CODE}")
    expect(naf.locator("#terms-JST")).to_contain_text("450.000.000 ¥")
    expect(naf.locator("input[name='agencies-0_envelope']")).to_have_count(0)
    naf.locator("#agencies-1_cap_per_year").fill("2000000000")
    naf.locator("#agencies-1_cap_total").fill("6000000000")
    naf.locator("#agencies-1_envelope").fill("60000000000")
    _click(naf, "Lưu thiết lập")
    expect(naf.locator(".flash")).to_have_text("Đã lưu thiết lập đợt gọi.")
    _checked(naf, "officer-call-setup-vi")
    naf.locator("#rationale").fill("Theo thỏa thuận của ban điều hành.")
    _click(naf, "Phê duyệt phần của chúng tôi")
    expect(naf.locator(".flash")).to_have_text("Cơ quan bạn đã phê duyệt thiết lập.")
    expect(naf.locator("#keys")).to_have_text(
        "JST: chưa phê duyệt NAFOSTED: đã phê duyệt — Theo thỏa thuận của ban điều hành."
    )

    # JST's key opens the call.
    _open_call(jst, f"{CODE} を開く")
    _click(jst, "自機関として承認する")
    expect(jst.locator(".flash")).to_have_text("公募が開始されました。")
    expect(jst.locator("#call-state")).to_have_text("募集中")
    _checked(jst, "officer-call-open-ja")

    # Submissions come in; the deadline passes; JST closes the call.
    _seed(server_process)
    jst.reload()
    _click(jst, "応募を締め切る")
    with jst.expect_navigation():
        jst.get_by_role("link", name="要件審査").click()
    first, second = jst.locator("section.proposal").all()
    expect(first.locator(".duplicates")).to_contain_text(
        f"hana.sato@demo.cofund.example は {CODE}-0002 にも参加しており"
    )
    _checked(jst, "officer-eligibility-ja")
    first.get_by_role("textbox").fill("上限内です。")
    with jst.expect_navigation():
        first.get_by_role("button", name="自機関の部分は要件を満たす").click()
    expect(jst.locator(".flash")).to_have_text(
        f"自機関は {CODE}-0001 の担当部分が要件を満たすと判断しました。"
    )
    second = jst.locator("section.proposal").nth(1)
    with jst.expect_navigation():
        second.get_by_role("button", name="自機関の部分は要件を満たさない").click()
    expect(jst.locator("section.proposal").nth(1).locator(".field-error")).to_have_text(
        "この項目は必須です。"
    )
    _checked(jst, "officer-eligibility-refused-ja")

    # NAFOSTED finds its part of the first proposal eligible: the last key admits it.
    _open_call(naf, f"Mở {CODE}")
    with naf.expect_navigation():
        naf.get_by_role("link", name="Tính hợp lệ").click()
    row = naf.locator("section.proposal").first
    with naf.expect_navigation():
        row.get_by_role("button", name="Phần của chúng tôi hợp lệ").click()
    expect(naf.locator(".flash")).to_have_text(
        f"Cơ quan bạn xác nhận phần của mình trong {CODE}-0001 hợp lệ."
    )
    admitted = naf.locator(f"section.proposal:has(h3:has-text('{CODE}-0001'))")
    expect(admitted.locator(".state")).to_have_text("hợp lệ")
    expect(admitted.locator(".keys")).to_have_text("JST: hợp lệ NAFOSTED: hợp lệ")
    _checked(naf, "officer-eligibility-vi")
