"""assignment: the solver wired to a call (engine), inspection and hand changes, invitations
and the reviewers' answers."""

from __future__ import annotations

from typing import Any

from grants.reviews.assignment.controllers import AssignmentController, MyAssignmentController

ROUTES: list[Any] = [AssignmentController, MyAssignmentController]
