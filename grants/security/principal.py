"""The authenticated caller as the rest of the code sees it: who, with which roles and scope."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from grants.common.actors import Actor


class Role(StrEnum):
    RESEARCHER = "researcher"
    REVIEWER = "reviewer"
    OFFICER = "officer"
    AUDITOR = "auditor"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: uuid.UUID
    email: str
    display_name: str
    locale: str
    time_zone: str
    roles: frozenset[str]
    officer_agency_id: uuid.UUID | None
    auth_kind: Literal["session", "token"]
    credential_id: uuid.UUID
    csrf_token: str | None = None

    def has(self, *roles: str) -> bool:
        """True when the caller holds any of `roles`."""
        return not self.roles.isdisjoint(roles)

    def officer_of(self, agency_id: uuid.UUID) -> bool:
        """True when the caller is an officer bound to `agency_id` (agency scope)."""
        return Role.OFFICER in self.roles and self.officer_agency_id == agency_id

    @property
    def actor(self) -> Actor:
        return Actor(id=self.user_id, label=self.email)
