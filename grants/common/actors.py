"""Who causes a change: a signed-in person or the system itself. The audit log records it, but
the notion belongs to every service that changes something, not to the audit package."""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Actor:
    """Who caused an event: a user, or the system itself (`id` None) such as the demo seeder."""

    id: uuid.UUID | None
    label: str


SYSTEM = Actor(id=None, label="system")
