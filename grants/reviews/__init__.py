"""Reviews: the reviewer pool and conflicts, assignment and invitations, scoring and rankings."""
