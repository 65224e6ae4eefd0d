"""Reviews: the reviewer pool and conflicts, assignment and invitations, scoring and rankings."""

from __future__ import annotations

from typing import Any

from grants.reviews.assignment import ROUTES as ASSIGNMENT_ROUTES
from grants.reviews.pool import ROUTES as POOL_ROUTES
from grants.reviews.scoring import ROUTES as SCORING_ROUTES

# Route handlers this feature adds to the app; grants/app.py mounts them.
ROUTES: list[Any] = [*POOL_ROUTES, *ASSIGNMENT_ROUTES, *SCORING_ROUTES]
