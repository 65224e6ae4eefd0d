"""Which Chromium the browser tests drive: Debian's where it is installed, else Playwright's own
build where it has been downloaded; otherwise none, with a message saying how to get one."""

from __future__ import annotations

import os
from pathlib import Path

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
HOW_TO_GET_ONE = (
    "no Chromium for the browser tests: install Debian's (`apt-get install chromium "
    "fonts-noto-cjk`) or download Playwright's own (`.venv/bin/playwright install chromium`)"
)


class NoBrowser(RuntimeError):
    """Neither Debian's Chromium nor Playwright's own is installed."""


def find_chromium() -> Path:
    """The Chromium executable to launch; raises `NoBrowser` with `HOW_TO_GET_ONE`."""
    override = os.environ.get("CHROMIUM_EXECUTABLE")
    candidates = [Path(override)] if override else []
    candidates.append(DEBIAN_CHROMIUM)
    own = playwright_chromium()
    if own is not None:
        candidates.append(own)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise NoBrowser(HOW_TO_GET_ONE)


def playwright_chromium() -> Path | None:
    """Where Playwright keeps its own Chromium (whether or not it was downloaded), or None when
    Playwright itself is missing or cannot start its driver."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as playwright:
            return Path(playwright.chromium.executable_path)
    except (Error, OSError):
        return None
