"""The pages under the Content-Security-Policy in a real browser: the sign-in page and the API
reference render with no violation reported, and no page may be framed."""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

pytestmark = pytest.mark.browser


def _violations(page: Page) -> list[str]:
    seen: list[str] = []

    def record(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            seen.append(message.text)

    page.on("console", record)
    return seen


def test_sign_in_page_runs_without_a_violation(page: Page) -> None:
    violations = _violations(page)

    response = page.goto("/login")

    assert response is not None
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    expect(page.locator("form input[name=email]")).to_be_visible()
    assert violations == []


def test_api_reference_renders_under_its_policy(page: Page) -> None:
    violations = _violations(page)

    page.goto("/schema", timeout=60_000)

    # Scalar builds the page from /schema/openapi.json: its sidebar lists the API's tags.
    sidebar = page.get_by_role("complementary", name="Sidebar for CoFund API")
    expect(sidebar.get_by_role("link", name="auth", exact=True)).to_be_visible(timeout=60_000)
    assert violations == []


def test_a_page_cannot_be_framed(page: Page, live_server: str) -> None:
    page.set_content(f'<iframe src="{live_server}/login" width="400" height="300"></iframe>')
    page.wait_for_timeout(1_000)

    framed = page.frames[-1]
    # Refused by frame-ancestors 'none': the frame shows the browser's error, not the form.
    assert (framed.url, framed.locator("input[name=email]").count()) == (
        "chrome-error://chromewebdata/",
        0,
    )
