"""Signing in and out through the browser: redirects, the start page, errors and CSRF, each
page in the reader's language (demo accounts choose none: the browser's language, or `?lang=`,
decides)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Response, expect

from grants.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

OFFICER_JST = "officer.jst@demo.cofund.example"
RESEARCHER_JP = "hana.sato@demo.cofund.example"
RESEARCHER_VN = "minh.nguyen@demo.cofund.example"
# Only the wrong-password tests use these logins (one each), so a failure never rate-limits
# another test.
AUDITOR = "auditor@demo.cofund.example"
ADMIN = "admin@demo.cofund.example"
SESSION_COOKIE = "cofund_session"
WELCOME_JST_OFFICER = "ようこそ、JST programme officer さん"
AGENCY_ROWS = [
    ["JST", "Japan Science and Technology Agency", "JP", "JPY", "4月", "Asia/Tokyo"],
    [
        "NAFOSTED",
        "National Foundation for Science and Technology Development",
        "VN",
        "VND",
        "1月",
        "Asia/Ho_Chi_Minh",
    ],
]


def _submit(page: Page, path: str, button: str) -> Response:
    """Click `button`, wait until the page it leads to (after any redirect) has loaded, and
    return the response to the form's POST itself."""
    with (
        page.expect_navigation(),
        page.expect_response(
            lambda r: r.request.method == "POST" and r.url.endswith(path)
        ) as posted,
    ):
        page.get_by_role("button", name=button).click()
    return posted.value


def _fill_login(page: Page, email: str, password: str) -> None:
    opened = page.goto("/login")
    assert opened is not None
    assert opened.status == 200, opened.text()  # fail now, not after a locator's timeout
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)


def _sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> Response:
    _fill_login(page, email, password)
    return _submit(page, "/login", "Sign in")


def test_home_signed_out_redirects_to_login(page: Page, live_server: str) -> None:
    response = page.goto("/")

    assert response is not None
    assert (response.status, page.url) == (200, f"{live_server}/login")
    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def test_login_page_stylesheet_loads(page: Page, live_server: str) -> None:
    with page.expect_response(lambda r: r.request.resource_type == "stylesheet") as css:
        page.goto("/login")

    response = css.value
    assert (response.status, response.url) == (200, f"{live_server}/static/cofund.css")
    assert response.headers["content-type"] == "text/css; charset=utf-8"


def test_sign_in_officer_shows_welcome_role_and_agencies(page: Page, live_server: str) -> None:
    posted = _sign_in(page, OFFICER_JST)

    assert (posted.status, posted.headers["location"]) == (302, "/")
    assert page.url == f"{live_server}/"
    page.goto("/?lang=ja")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("h1")).to_have_text(WELCOME_JST_OFFICER)
    expect(page.locator(".role")).to_have_text(["officer · JST"])
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    for row, cells in zip(rows.all(), AGENCY_ROWS, strict=True):
        expect(row.locator("td")).to_have_text(cells)


def test_sign_in_wrong_password_shows_error_on_login(page: Page, live_server: str) -> None:
    posted = _sign_in(page, AUDITOR, "not-the-password")

    assert (posted.status, page.url) == (401, f"{live_server}/login")
    expect(page.get_by_role("alert")).to_have_text("The email or password is wrong.")
    expect(page.get_by_label("Email")).to_have_value(AUDITOR)
    expect(page.get_by_label("Password")).to_have_value("")


def test_sign_out_returns_to_login_and_home_redirects(page: Page, live_server: str) -> None:
    _sign_in(page, RESEARCHER_JP)

    posted = _submit(page, "/logout", "Sign out")  # the browser reads English

    assert (posted.status, posted.headers["location"]) == (302, "/login")
    assert page.url == f"{live_server}/login"
    expect(page.locator("h1")).to_have_text("Sign in")
    page.goto("/")
    assert page.url == f"{live_server}/login"


def test_sign_out_session_cookie_replayed_is_refused(
    context: BrowserContext, page: Page, live_server: str
) -> None:
    _sign_in(page, RESEARCHER_JP)
    [secret] = [c["value"] for c in context.cookies() if c["name"] == SESSION_COOKIE]
    _submit(page, "/logout", "Sign out")  # the browser reads English

    context.add_cookies([{"name": SESSION_COOKIE, "value": secret, "url": live_server}])
    page.goto("/")

    assert page.url == f"{live_server}/login"
    expect(page.locator("h1")).to_have_text("Sign in")


def test_home_vietnamese_name_renders_exactly(page: Page, tmp_path: Path) -> None:
    _sign_in(page, RESEARCHER_VN)
    page.goto("/?lang=vi")

    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.locator("h1").text_content() == "Xin chào, Nguyễn Văn Minh (researcher, Vietnam)"
    assert page.locator("form.account span").text_content() == (
        "Nguyễn Văn Minh (researcher, Vietnam) <minh.nguyen@demo.cofund.example>"
    )
    assert page.locator(".tagline").text_content() == "Tài trợ nghiên cứu chung"
    shot = page.screenshot(path=tmp_path / "home-vietnamese.png", full_page=True)
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "home-vietnamese.png").read_bytes() == shot


def test_sign_in_tampered_csrf_is_refused(page: Page, live_server: str) -> None:
    _fill_login(page, OFFICER_JST, DEMO_PASSWORD)
    page.locator("input[name=csrf]").evaluate("field => { field.value = 'tampered' }")

    posted = _submit(page, "/login", "Sign in")

    assert (posted.status, page.url) == (403, f"{live_server}/login")
    expect(page.get_by_role("alert")).to_have_text("The form expired; please try again.")
    page.goto("/")
    assert page.url == f"{live_server}/login"


def test_sign_in_after_expired_form_succeeds(page: Page, live_server: str) -> None:
    _fill_login(page, OFFICER_JST, DEMO_PASSWORD)
    page.locator("input[name=csrf]").evaluate("field => { field.value = 'tampered' }")
    _submit(page, "/login", "Sign in")
    page.get_by_label("Password").fill(DEMO_PASSWORD)

    posted = _submit(page, "/login", "Sign in")

    assert (posted.status, page.url) == (302, f"{live_server}/")
    expect(page.locator("h1")).to_have_text("Welcome, JST programme officer")


def test_language_switcher_japanese_sign_in_and_its_error(page: Page, live_server: str) -> None:
    page.goto("/login")
    with page.expect_navigation():
        page.get_by_role("link", name="日本語").click()
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    page.get_by_label("メールアドレス").fill(ADMIN)
    page.get_by_label("パスワード").fill("not-the-password")

    posted = _submit(page, "/login", "サインイン")

    assert (posted.status, page.url) == (401, f"{live_server}/login")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("alert")).to_have_text(
        "メールアドレスまたはパスワードが正しくありません。"
    )
    expect(page.get_by_label("メールアドレス")).to_have_value(ADMIN)


def test_sign_in_page_vietnamese_browser(chromium: Browser, live_server: str) -> None:
    context = chromium.new_context(base_url=live_server, locale="vi-VN")
    try:
        page = context.new_page()
        page.goto("/login")

        expect(page.locator("html")).to_have_attribute("lang", "vi")
        expect(page.locator("h1")).to_have_text("Đăng nhập")
        expect(page.get_by_label("Mật khẩu")).to_be_visible()
        expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    finally:
        context.close()
