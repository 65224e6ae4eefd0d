"""reviews feature: reviewer pool, conflicts, bids, assignment, scoring, rankings."""

from __future__ import annotations

from typing import Any

# Route handlers this feature adds to the app; each sub-area appends its controllers here.
ROUTES: list[Any] = []
