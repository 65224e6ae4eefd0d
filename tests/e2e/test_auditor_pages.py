"""The demo auditor in the browser, in English and in Japanese: browses and filters the audit
log, opens an event with its diff and checks its inclusion proof (recomputed by the browser
with Web Crypto), sees the latest checkpoint verified with the log's and both agencies'
witness signatures, downloads a CSV and an audit pack, and the pack verifies offline with
`grants audit verify-pack`. A NAFOSTED officer, in Vietnamese, sees the checkpoint and their
exports (without the audit log) and is refused the log. Both agencies' witnesses cosign first,
as their cron would, through `grants witness`. axe checks every page at 1280 px and 390 px;
screenshots go to tests/e2e/screenshots/."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from grants.demo import DEMO_PASSWORD
from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import GRANTS, Server, _server_env

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).parent / "screenshots"
AUDITOR = "auditor@demo.cofund.example"
OFFICERS = {
    "JST": "officer.jst@demo.cofund.example",
    "NAFOSTED": "officer.nafosted@demo.cofund.example",
}
PACK_SECONDS_MS = 90_000
WORDS = {
    "en": {
        "sign_in": "Sign in",
        "log": "Audit log",
        "filter": "Filter",
        "proof": "Inclusion proof of event {seq}",
        "browser_ok": (
            "Your browser recomputed every hash with SHA-256: "
            "the path leads to the checkpoint root."
        ),
        "log_ok": "✓ signature verified",
        "cosigned": "✓ cosignature verified",
        "show_proof": "Show its inclusion proof",
        "verified": "Verified against checkpoint",
        "build": "Build the audit pack",
        "download_pack": "Download the audit pack",
        "event_number": "Event number",
    },
    "ja": {
        "sign_in": "サインイン",
        "log": "監査ログ",
        "filter": "絞り込む",
        "proof": "イベント{seq}の包含証明",
        "browser_ok": (
            "ブラウザがすべてのハッシュをSHA-256で再計算しました。"
            "パスはチェックポイントのルートに一致します。"
        ),
        "log_ok": "✓ 署名を検証済み",
        "cosigned": "✓ 連署を検証済み",
        "show_proof": "包含証明を表示",
        "verified": "で検証済み",
        "build": "監査パックを作成",
        "download_pack": "監査パックをダウンロード",
        "event_number": "イベント番号",
    },
}


def _cli(server: Server, *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [str(GRANTS), *args],
        env=_server_env(server.log.parent, server.base_url),
        cwd=server.log.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _witnesses_cosign(server: Server) -> None:
    """Each agency's witness checks the latest checkpoint against the one it cosigned last and
    cosigns it, as `grants witness` does from the agency's cron (README: Verifiable audit log)."""
    var = server.log.parent
    log_key = _cli(server, "audit", "log-key").strip()
    for code, email in OFFICERS.items():
        token = _cli(server, "token", "create", "--email", email, "--name", "witness").strip()
        key = var / "witness" / f"{code.lower()}.key"
        state = var / "witness" / f"{code.lower()}.state"
        _cli(server, "witness", "--url", server.base_url, "--key", str(key), "--state",
             str(state), "--log-key", log_key, "--token", token)  # fmt: skip


def _sign_in(page: Page, email: str, lang: str) -> None:
    page.goto(f"/login?lang={lang}")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def _check(page: Page, name: str) -> None:
    """axe at the laptop width and at the phone width, with a screenshot of each."""
    SCREENSHOTS.mkdir(exist_ok=True)
    assert_accessible(page)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
    page.screenshot(path=SCREENSHOTS / f"{name}-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


def _proof_checked(page: Page, words: dict[str, str]) -> None:
    section = page.locator("[data-proof]").first
    expect(section).to_have_attribute("data-browser-checked", "ok")
    expect(section.locator("[data-browser-verdict]")).to_have_text(words["browser_ok"])
    expect(section.locator(".verdict.ok")).to_contain_text(words["verified"])


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_auditor_browses_checks_and_exports_the_record_in(
    page: Page, server_process: Server, live_server: str, tmp_path: Path, lang: str
) -> None:
    words = WORDS[lang]
    _witnesses_cosign(server_process)
    page.set_viewport_size({"width": 1280, "height": 800})
    _sign_in(page, AUDITOR, lang)

    # The log, newest first, then filtered to the agencies' witness keys.
    page.goto("/audit")
    expect(page.locator("h1")).to_have_text(words["log"])
    expect(page.locator("html")).to_have_attribute("lang", lang)
    _check(page, f"auditor-log-{lang}")
    page.locator("#action").fill("agency.witness_key.set")
    with page.expect_navigation():
        page.get_by_role("button", name=words["filter"], exact=True).click()
    events = page.locator("article.event")
    expect(events).to_have_count(2)
    expect(events.first.locator("table.diff")).to_contain_text("witness_key")
    _check(page, f"auditor-log-filtered-{lang}")

    # One event in full, with its diff, and its inclusion proof checked by the browser.
    with page.expect_navigation():
        events.first.locator("h3 a").click()
    seq = page.url.rsplit("/", 1)[1]
    expect(page.locator("#changes table.diff td.after")).to_contain_text("witness.")
    page.get_by_role("link", name=words["proof"].format(seq=seq)).click()
    _proof_checked(page, words)
    _check(page, f"auditor-event-{lang}")

    # The checkpoint: the log's signature and both witnesses' cosignatures verified.
    page.goto("/audit/checkpoint")
    expect(page.locator("#signature-log")).to_contain_text(words["log_ok"])
    for code in OFFICERS:
        expect(page.locator(f"#signature-{code}")).to_contain_text(words["cosigned"])
    page.get_by_label(words["event_number"]).fill("3")
    with page.expect_navigation():
        page.get_by_role("button", name=words["show_proof"]).click()
    _proof_checked(page, words)
    _check(page, f"auditor-checkpoint-{lang}")

    # A CSV built from the form's filters, then an audit pack followed to its download.
    page.goto("/audit/exports")
    page.locator("#dataset").select_option("calls")
    page.locator("#call").select_option("NEXUS-JV-2026")
    link = page.locator("[data-export-link]")
    expect(link).to_have_attribute("href", "/api/exports/calls.csv?call=NEXUS-JV-2026")
    _check(page, f"auditor-exports-{lang}")
    with page.expect_download() as csv_download:
        link.click()
    csv_path = tmp_path / "calls.csv"
    csv_download.value.save_as(csv_path)
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,code,title_en,")
    assert len(lines) == 2
    assert ",NEXUS-JV-2026," in lines[1]

    with page.expect_navigation():
        page.get_by_role("button", name=words["build"]).click()
    download_button = page.get_by_role("link", name=words["download_pack"])
    expect(download_button).to_be_visible(timeout=PACK_SECONDS_MS)
    _check(page, f"auditor-pack-{lang}")
    with page.expect_download() as pack_download:
        download_button.click()
    pack = tmp_path / "pack.zip"
    pack_download.value.save_as(pack)
    keys = tmp_path / "keys.txt"
    keys.write_text(_cli(server_process, "audit", "trust-keys"))
    verified = _cli(server_process, "audit", "verify-pack", str(pack), "--trust", str(keys))
    assert "PROBLEM" not in verified
    assert verified.strip() != ""


def test_an_officer_sees_the_checkpoint_and_own_exports_but_not_the_log_in_vietnamese(
    page: Page, server_process: Server, live_server: str
) -> None:
    _witnesses_cosign(server_process)
    page.set_viewport_size({"width": 1280, "height": 800})
    _sign_in(page, OFFICERS["NAFOSTED"], "vi")

    page.goto("/audit/checkpoint")
    expect(page.locator("h1")).to_have_text("Điểm kiểm tra mới nhất của nhật ký")
    expect(page.locator("#signature-log")).to_contain_text("✓ chữ ký đã xác minh")
    page.get_by_label("Số sự kiện").fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Xem bằng chứng bao hàm").click()
    section = page.locator("[data-proof]").first
    expect(section).to_have_attribute("data-browser-checked", "ok")
    assert section.get_attribute("data-leaf") is None  # hashes only for officers
    _check(page, "officer-checkpoint-vi")

    page.goto("/audit/exports")
    expect(page.locator("#dataset-calls")).to_be_visible()
    expect(page.locator("#dataset-audit_events")).to_have_count(0)
    _check(page, "officer-exports-vi")

    response = page.goto("/audit")
    assert response is not None
    assert response.status == 403
