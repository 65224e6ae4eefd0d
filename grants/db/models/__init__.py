"""ORM models, central because relationships cross features (STYLE.md)."""

from advanced_alchemy.base import orm_registry

from grants.db.models.accounts import ApiToken, LoginAttempt, User, UserRole, UserSession
from grants.db.models.agencies import Agency
from grants.db.models.audit import AuditChainHead, AuditEvent

metadata = orm_registry.metadata

__all__ = [
    "Agency",
    "ApiToken",
    "AuditChainHead",
    "AuditEvent",
    "LoginAttempt",
    "User",
    "UserRole",
    "UserSession",
    "metadata",
]
