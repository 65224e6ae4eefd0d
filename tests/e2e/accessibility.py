"""The accessibility check every browser test runs on each page it visits, in each language:
axe-core (bundled by `axe-playwright-python`, so it works offline) against the WCAG 2.0/2.1/2.2
A and AA rules; a violation of impact serious or critical fails the test with its rule, help
text and the offending elements.

    from tests.e2e.accessibility import assert_accessible
    page.goto("/calls?lang=ja")
    assert_accessible(page)
"""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
_AXE = Axe()


def violations(page: Page) -> list[dict[str, Any]]:
    """axe's serious and critical violations of the WCAG AA rules on the page as it is now."""
    options = {"runOnly": {"type": "tag", "values": WCAG_AA_TAGS}, "resultTypes": ["violations"]}
    results = _AXE.run(page, options=options)
    found = results.response.get("violations", [])
    return [v for v in found if v.get("impact") in BLOCKING_IMPACTS]


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for violation in found:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(
            f"    {node['target']}: {node.get('failureSummary', '')}" for node in violation["nodes"]
        )
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail with axe's findings when the page has a serious or critical WCAG AA violation."""
    found = violations(page)
    assert not found, f"{page.url} is not accessible:\n{describe(found)}"
