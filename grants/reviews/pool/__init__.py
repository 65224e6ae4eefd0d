"""pool: reviewer profiles and pools, the CSV import, serving on a call, conflicts of interest,
bids and the applicants' non-preferred reviewers."""

from __future__ import annotations

from typing import Any

from grants.reviews.pool.call_controllers import (
    CallPoolController,
    ConflictController,
    ProposalPoolController,
)
from grants.reviews.pool.controllers import OwnReviewerController, ReviewerController

# Route handlers this feature adds to the app; grants/reviews/__init__.py collects them.
ROUTES: list[Any] = [
    ReviewerController,
    OwnReviewerController,
    CallPoolController,
    ConflictController,
    ProposalPoolController,
]
