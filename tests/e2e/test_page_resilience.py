"""The pages when things go wrong or change under the reader, in Chromium on the demo: an upload
too large or of the wrong type refused before anything is sent; an expired session sending the
reader to sign in and back to the same page with the unsent form filled in again; the parts
that update in place as typed (the ROR id's institution, the ORCID check, the budget totals
against the caps); a team member changed and removed; and the reviewers' pages on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Request, expect

from grants.demo import DEMO_PASSWORD
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import ACTION_TIMEOUT_MS

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).parent / "screenshots"
CALL = "NEXUS-JV-2027"
RESEARCHER = "takeshi.yamamoto@demo.cofund.example"
REVIEWERS = ("emi.watanabe@demo.cofund.example", "mai.hoang@demo.cofund.example")


def _context(chromium: Browser, live_server: str, locale: str, width: int) -> BrowserContext:
    created = chromium.new_context(
        base_url=live_server, locale=locale, viewport={"width": width, "height": 900}
    )
    created.set_default_timeout(ACTION_TIMEOUT_MS)
    return created


@pytest.fixture
def english(chromium: Browser, live_server: str) -> Iterator[BrowserContext]:
    created = _context(chromium, live_server, "en-GB", 1280)
    yield created
    created.close()


def _sign_in(page: Page, email: str) -> None:
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("form[data-login] button[type=submit]").click()


def _click(page: Page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _draft(page: Page, title: str) -> str:
    """A new draft on the open call, by the page's reader; its address."""
    page.goto("/calls")
    with page.expect_navigation():
        page.get_by_role("link", name=CALL, exact=True).click()
    page.get_by_label("Title (English)").fill(title)
    page.get_by_label("Topic").select_option("advanced packaging")
    page.get_by_label("Duration (years)").select_option("3")
    page.get_by_label("Planned start").fill("2027-04-01")
    _click(page, "Create the draft")
    expect(page.locator(".flash")).to_have_text("Your draft proposal was created.")
    return page.url


def test_upload_too_large_or_of_the_wrong_type_is_refused_before_it_is_sent(
    english: BrowserContext,
) -> None:
    page = english.new_page()
    page.goto("/")
    _sign_in(page, RESEARCHER)
    _draft(page, "Uploads refused early")
    sent: list[str] = []

    def watch(request: Request) -> None:
        if "/documents" in request.url and request.method == "POST":
            sent.append(request.url)

    page.on("request", watch)
    status = page.locator("[data-upload-status]")
    page.get_by_label("Kind").select_option("cv")
    big = b"0" * (5 * 2**20 + 1)  # one byte over the CVs' 5 MiB
    page.locator("#upload-file").set_input_files(
        files=[{"name": "cv.pdf", "mimeType": "application/pdf", "buffer": big}], timeout=60_000
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(status).to_have_text(
        "This file is larger than this kind of document allows (5,242,880 bytes at most); "
        "it was not sent."
    )
    page.locator("#upload-file").set_input_files(
        files=[{"name": "plan.docx", "mimeType": "application/msword", "buffer": b"doc"}]
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(status).to_have_text(
        "This kind of document must be one of: application/pdf; the file was not sent."
    )
    assert sent == []
    assert_accessible(page)


def test_expired_session_signs_in_again_and_comes_back_with_the_form_filled(
    english: BrowserContext,
) -> None:
    page = english.new_page()
    page.goto("/")
    _sign_in(page, RESEARCHER)
    address = _draft(page, "Session expiry")
    page.get_by_label("Abstract (English)").fill("Typed before the session ended.")
    english.clear_cookies()  # the session ends while the reader types

    _click(page, "Save the shared fields")

    assert "/login?next=" in page.url
    expect(page.locator("h1")).to_have_text("Sign in")
    _sign_in(page, RESEARCHER)
    assert page.url == address
    expect(page.get_by_label("Abstract (English)")).to_have_value("Typed before the session ended.")
    expect(page.locator("[data-restored-note]")).to_have_text(
        "The form you sent when your session ended is filled in again: check it and send it "
        "once more."
    )
    _click(page, "Save the shared fields")
    expect(page.locator(".flash")).to_have_text("The proposal was saved.")
    expect(page.get_by_label("Abstract (English)")).to_have_value("Typed before the session ended.")
    # A later page does not fill anything in again.
    page.reload()
    expect(page.locator("[data-restored-note]")).to_have_count(0)


def test_parts_update_in_place_as_typed_and_the_team_is_edited(
    english: BrowserContext,
) -> None:
    page = english.new_page()
    page.goto("/")
    _sign_in(page, RESEARCHER)
    _draft(page, "Live checks")

    ror = page.locator("#JST-institution_ror")
    ror.fill("02kpeqv86")
    expect(page.locator("#JST-institution_ror-found")).to_have_text(
        "the ROR id's check digits are wrong"
    )
    ror.fill("https://ror.org/02kpeqv85")
    expect(page.locator("#JST-institution_ror-found")).to_have_text(
        "Kyoto University (in the ROR registry)"
    )
    _click(page, "Save the host institution")
    expect(page.locator("#JST-institution_name")).to_have_value("Kyoto University")

    orcid = page.locator("#JST-member-orcid")
    orcid.fill("0000-0002-1825-0098")
    expect(page.locator("#JST-member-orcid-found")).to_have_text(
        "the ORCID iD's check character is wrong"
    )
    orcid.fill("0000-0002-1825-0097")
    expect(page.locator("#JST-member-orcid-found")).to_have_text(
        "A well-formed ORCID iD: 0000-0002-1825-0097."
    )
    page.locator("#JST-member-name").fill("Aiko Suzuki")
    page.locator("#JST-member-email").fill("aiko@example.jp")
    _click(page, "Add to the team")

    page.get_by_text("Change or remove Aiko Suzuki").click()
    row = page.locator("details.member-edit", has_text="Aiko Suzuki").last
    row.get_by_label("Name").fill("Aiko Suzuki-Tanaka")
    _click(page, "Save Aiko Suzuki")
    expect(page.locator(".flash")).to_have_text("Aiko Suzuki-Tanaka's details were saved.")
    expect(page.locator("table.team").first).to_contain_text("Aiko Suzuki-Tanaka")
    page.get_by_text("Change or remove Aiko Suzuki-Tanaka").click()
    _click(page, "Remove Aiko Suzuki-Tanaka from the team")
    expect(page.locator(".flash")).to_have_text("Aiko Suzuki-Tanaka is no longer on the team.")

    budget = page.locator("table.budget").first
    page.locator("#JST-budget-1-personnel").fill("12000000")
    page.locator("#JST-budget-1-equipment").fill("4000000")
    expect(budget.locator("[data-year-total='1']")).to_have_text("¥16,000,000")
    expect(budget.locator("[data-year-total='1']")).to_have_class("num over")
    expect(page.locator("#JST-budget-status")).to_contain_text("over JST's cap")
    page.locator("#JST-budget-1-equipment").fill("")
    expect(budget.locator("[data-total]")).to_have_text("¥12,000,000")
    expect(page.locator("#JST-budget-status")).to_have_text("")
    assert_accessible(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "proposal-live-en.png", full_page=True)


@pytest.mark.parametrize(
    ("email", "locale", "lang"), [(REVIEWERS[0], "ja-JP", "ja"), (REVIEWERS[1], "vi-VN", "vi")]
)
def test_reviewer_pages_fit_a_phone(
    chromium: Browser, live_server: str, email: str, locale: str, lang: str
) -> None:
    context = _context(chromium, live_server, locale, 390)
    try:
        phone = context.new_page()
        phone.goto("/reviewer")
        _sign_in(phone, email)
        assert phone.url.endswith("/reviewer")  # back where the reader was going
        SCREENSHOTS.mkdir(exist_ok=True)
        for path, name in (
            ("/reviewer", "reviewer-dashboard"),
            ("/reviewer/profile", "reviewer-profile"),
        ):
            phone.goto(path)
            expect(phone.locator("html")).to_have_attribute("lang", lang)
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
            assert_accessible(phone)
            phone.screenshot(path=SCREENSHOTS / f"{name}-phone-{lang}.png", full_page=True)
    finally:
        context.close()
