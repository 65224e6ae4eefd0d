"""assignment: the solver wired to a call (engine), inspection and hand changes, invitations
and the reviewers' answers."""

from __future__ import annotations

from typing import Any

from grants.reviews.assignment.controllers import AssignmentController

ROUTES: list[Any] = [AssignmentController]
