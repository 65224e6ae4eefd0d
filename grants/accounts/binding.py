"""The account machine's binding: admins suspend, reactivate and deactivate accounts; an account
leaving `active` loses its sessions in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from grants.accounts import schemas, services
from grants.common.schemas import Input, examples
from grants.db.models import User
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from grants.workflow.binding import Binding, Firing, Target
from workflows.machines.account import ACCOUNT, AccountContext, AccountEvent, AccountState


class AccountReason(Input):
    """Why the account is suspended or closed (kept on the audit record)."""

    model_config = examples({"reason": "Left the institution; access ends with the contract."})

    reason: str | None = Field(default=None, max_length=2000)


class AccountBinding(Binding[User]):
    resource = "users"
    id_name = "user_id"
    entity_type = "user"
    machine = ACCOUNT
    view_type = schemas.User
    tag = "users"
    data: ClassVar[Mapping[str, type[BaseModel]]] = {
        AccountEvent.SUSPEND: AccountReason,
        AccountEvent.DEACTIVATE: AccountReason,
    }

    async def load(
        self, session: AsyncSession, principal: Principal, entity_id: uuid.UUID, event: str | None
    ) -> Target[User]:
        """Accounts are reached by admins (who act) and auditors (who read); anyone else is
        refused, as on every `/api/users` endpoint."""
        roles = require(policy.decide(principal, policy.Action.FIRE, policy.AccountFacts()))
        user = await services.get_user(session, entity_id)
        return Target(user, roles)

    async def context(
        self, session: AsyncSession, principal: Principal, target: Target[User]
    ) -> AccountContext:
        user = target.entity
        return AccountContext(
            actor_is_subject=principal.user_id == user.id,
            subject_is_admin=any(r.role == "admin" for r in user.roles),
            other_active_admins=await services.other_active_admins(session, user.id),
        )

    async def effects(
        self, session: AsyncSession, target: Target[User], firing: Firing
    ) -> Mapping[str, Any]:
        if firing.to_state == AccountState.ACTIVE:
            return {}
        await services.revoke_sessions(session, target.entity.id)
        return {"sessions": "revoked"}

    async def view(
        self, session: AsyncSession, principal: Principal, target: Target[User]
    ) -> schemas.User:
        return services.user_view(target.entity)
