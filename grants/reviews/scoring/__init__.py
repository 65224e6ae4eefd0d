"""scoring: reviewers' reviews, their visibility, score aggregation and the rankings."""

from __future__ import annotations

from typing import Any

from grants.reviews.scoring.controllers import ProposalReviewsController, ReviewController
from grants.reviews.scoring.ranking_controllers import RankingController

ROUTES: list[Any] = [ReviewController, ProposalReviewsController, RankingController]
