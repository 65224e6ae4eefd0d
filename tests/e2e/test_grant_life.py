"""Decisions, money and a grant's life in the browser, on the demo, each person in their own
language: on a call in its decision phase (NEXUS-JV-2025, replayed by `tests.e2e.deciding_call`)
the JST officer, in Japanese, approves a proposal above the request and is refused at the cell,
then approves it cut; the NAFOSTED officer, in Vietnamese, approves it as requested, which
awards it; the JST officer reads the call's money. On the demo's grant (NEXUS-JV-2024-0001) the
JST PI, in Japanese, finds the next tranche waiting for the year-1 report; both officers accept
the report; the PI requests the tranche; the JST officer approves and disburses it from the
queue; the PI finds the tranche after it waiting for the year-2 report. axe checks every page;
screenshots go to tests/e2e/screenshots/."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from grants.demo import DEMO_PASSWORD, FINISHED_CALL_CODE
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import REPO, Server, _server_env
from tests.e2e.deciding_call import DECIDING_CALL_CODE

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).parent / "screenshots"
JST = "officer.jst@demo.cofund.example"
NAFOSTED = "officer.nafosted@demo.cofund.example"
MORI = "kaito.mori@demo.cofund.example"


def _context(chromium: Browser, live_server: str, locale: str) -> Iterator[BrowserContext]:
    created = chromium.new_context(base_url=live_server, locale=locale)
    created.set_default_timeout(15_000)
    yield created
    created.close()


@pytest.fixture
def japanese(chromium: Browser, live_server: str) -> Iterator[BrowserContext]:
    yield from _context(chromium, live_server, "ja-JP")


@pytest.fixture
def vietnamese(chromium: Browser, live_server: str) -> Iterator[BrowserContext]:
    yield from _context(chromium, live_server, "vi-VN")


@pytest.fixture(scope="module")
def deciding_call(server_process: Server, live_server: str) -> str:
    """NEXUS-JV-2025 in `deciding`, seeded into the running server's database."""
    subprocess.run(
        [sys.executable, "-m", "tests.e2e.deciding_call"],
        env=_server_env(server_process.log.parent, live_server),
        cwd=server_process.log.parent,
        check=True,
        capture_output=True,
    )
    return DECIDING_CALL_CODE


def _checked(page: Page, name: str) -> None:
    assert_accessible(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def _sign_in(context: BrowserContext, email: str, lang: str) -> Page:
    page = context.new_page()
    page.goto(f"/login?lang={lang}")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    return page


def _api(page: Page, path: str) -> Any:
    answer = page.request.get(path)
    assert answer.ok, answer.text()
    return answer.json()


def _submit(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).click()


def test_officers_decide_and_read_the_money(
    japanese: BrowserContext, vietnamese: BrowserContext, deciding_call: str
) -> None:
    jst = _sign_in(japanese, JST, "ja")
    call = _api(jst, f"/api/calls?q={deciding_call}")["items"][0]["id"]
    jst.goto(f"/officer/calls/{call}/decisions")
    expect(jst.locator("h1")).to_have_text(f"{deciding_call} の採否決定")
    section = jst.locator("section.decision").first
    _checked(jst, "decisions-ja")

    section.locator("input[name='b-1-personnel']").fill("9000000")
    section.locator("textarea").fill("合同パネル1位。1年目の人件費を削減。")
    _submit(jst, "section.decision >> nth=0 >> button[type=submit]")
    error = jst.locator("section.decision").first.locator(".field-error")
    expect(error).to_have_text(
        "￥9,000,000 は、1年目の「personnel」の申請額 ￥8,000,000 を超えています。"
    )
    expect(jst.locator("input[name='b-1-personnel'][aria-invalid='true']")).to_have_value("9000000")
    _checked(jst, "decisions-refused-ja")

    section = jst.locator("section.decision").first
    section.locator("input[name='b-1-personnel']").fill("7500000")
    section.locator("textarea").fill("合同パネル1位。1年目の人件費を削減。")
    _submit(jst, "section.decision >> nth=0 >> button[type=submit]")
    expect(jst.locator(".flash")).to_contain_text("の決定を記録しました")
    expect(jst.locator("section.decision").first.locator(".cut").first).to_have_text(
        "￥500,000 削減"
    )

    nafosted = _sign_in(vietnamese, NAFOSTED, "vi")
    nafosted.goto(f"/officer/calls/{call}/decisions")
    section = nafosted.locator("section.decision").first
    section.locator("textarea").fill("Xếp hạng nhất; tài trợ như đề nghị.")
    _submit(nafosted, "section.decision >> nth=0 >> button[type=submit]")
    expect(nafosted.locator(".flash")).to_contain_text("Đã ghi nhận quyết định của NAFOSTED")
    expect(nafosted.locator("section.decision").first.locator("span.state")).to_have_text(
        "được tài trợ"
    )
    _checked(nafosted, "decisions-vi")

    jst.goto(f"/officer/calls/{call}/money")
    expect(jst.locator("#money-own tbody tr").first).to_have_text(
        "JST (JPY)￥300,000,000￥43,500,000￥0￥0￥0￥256,500,000"
    )
    expect(jst.locator("canvas[data-chart]")).to_have_attribute("data-drawn", "1")
    _checked(jst, "money-ja")
    jst.set_viewport_size({"width": 390, "height": 844})
    _checked(jst, "money-ja-390")


def test_a_tranche_waits_for_the_report_then_is_paid(
    japanese: BrowserContext, vietnamese: BrowserContext, chromium: Browser, live_server: str
) -> None:
    mori = _sign_in(japanese, MORI, "ja")
    [grant] = [
        g["id"] for g in _api(mori, "/api/grants")["items"] if g["call_code"] == FINISHED_CALL_CODE
    ]
    tranches = _api(mori, f"/api/grants/{grant}/tranches")["items"]
    fy2, fy3 = [t["id"] for t in tranches if t["agency"] == "JST" and t["position"] in (2, 3)]
    mori.goto(f"/grants/{grant}")
    expect(mori.locator(f"#t-{fy2}-request-why")).to_have_text(
        "今はできません： 前年度の進捗報告をまだ受理していない資金配分機関：JST、NAFOSTED"
    )
    _checked(mori, "grant-pi-waits-ja")

    nafosted = _sign_in(vietnamese, NAFOSTED, "vi")
    nafosted.goto("/officer/tranches")
    _checked(nafosted, "queue-vi")
    with nafosted.expect_navigation():
        nafosted.locator("#queue-report-list a").first.click()
    _submit(nafosted, "form[id='answer-report-1'] button[type=submit]")
    expect(nafosted.locator(".flash")).to_have_text("Đã ghi nhận trả lời của NAFOSTED.")
    _checked(nafosted, "grant-officer-vi")

    officer_context = chromium.new_context(base_url=live_server, locale="ja-JP")
    try:
        jst = _sign_in(officer_context, JST, "ja")
        jst.goto(f"/grants/{grant}")
        _submit(jst, "form[id='answer-report-1'] button[type=submit]")
        expect(jst.locator("#report-1")).to_contain_text("受理")

        mori.goto(f"/grants/{grant}")
        _submit(mori, f"form[action$='/tranches/{fy2}/request'] button")
        expect(mori.locator(".flash")).to_contain_text("FY2026")
        expect(mori.locator(f"#tranche-{fy2}")).to_contain_text("請求済み")

        jst.goto("/officer/tranches")
        expect(jst.locator("#queue-tranche-table")).to_contain_text("FY2026")
        _checked(jst, "queue-ja")
        with jst.expect_navigation():
            jst.locator("#queue-tranche-table a").first.click()
        _submit(jst, f"form[action$='/tranches/{fy2}/approve'] button")
        expect(jst.locator(f"#tranche-{fy2}")).to_contain_text("承認済み")
        jst.locator(f"#t-{fy2}-payment_reference").fill("JPMJNX2501-T2")
        jst.locator(f"#t-{fy2}-paid_on").fill("2026-12-01")
        jst.locator(f"#t-{fy2}-disburse-amount").fill("8550000")
        _submit(jst, f"form[action$='/tranches/{fy2}/disburse'] button")
        expect(jst.locator(f"#tranche-{fy2}")).to_contain_text("JPMJNX2501-T2")
        _checked(jst, "grant-paid-ja")
    finally:
        officer_context.close()

    mori.goto(f"/grants/{grant}")
    expect(mori.locator(f"#t-{fy3}-request-why")).to_contain_text(
        "前年度の進捗報告をまだ受理していない資金配分機関：JST、NAFOSTED"
    )
    _checked(mori, "grant-pi-next-waits-ja")
    mori.set_viewport_size({"width": 390, "height": 844})
    _checked(mori, "grant-pi-390")


__all__ = ["REPO"]
