"""proposals feature: schemas, services and HTTP controllers."""

from __future__ import annotations

from typing import Any

from grants.proposals.controllers import InvitationController, ProposalController
from grants.proposals.part_controllers import PartController

# Route handlers (controllers) this feature adds to the app; grants/app.py mounts them.
ROUTES: list[Any] = [ProposalController, PartController, InvitationController]
