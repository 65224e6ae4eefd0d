"""scoring: reviewers' reviews, their visibility, score aggregation and the rankings."""
