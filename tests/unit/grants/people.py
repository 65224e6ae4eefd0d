"""Principals for the pure policy tests: agency ids and a person with roles, no database."""

from __future__ import annotations

import uuid

from grants.security.principal import Principal

JST, NAFOSTED, FWO = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def person(*roles: str, agency: uuid.UUID | None = None) -> Principal:
    """A signed-in caller holding `roles` (an officer of `agency`)."""
    return Principal(
        user_id=uuid.uuid4(),
        email="someone@example.org",
        display_name="Someone",
        locale="en",
        time_zone="UTC",
        roles=frozenset(roles),
        officer_agency_id=agency,
        auth_kind="token",
        credential_id=uuid.uuid4(),
    )
