"""pool: reviewer profiles and pools, the CSV import, serving on a call, conflicts of interest,
bids and the applicants' non-preferred reviewers."""
