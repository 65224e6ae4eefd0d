"""assignment: the solver wired to a call (engine), inspection and hand changes, invitations
and the reviewers' answers."""
