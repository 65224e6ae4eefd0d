"""Facts the account machine's guards need, gathered from the database."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from grants.accounts.services import other_active_admins
from grants.db.models import User
from grants.security.principal import Principal
from workflows.machines.account import AccountContext


async def account_context(
    session: AsyncSession, principal: Principal, user: User
) -> AccountContext:
    return AccountContext(
        actor_is_subject=principal.user_id == user.id,
        subject_is_admin=any(r.role == "admin" for r in user.roles),
        other_active_admins=await other_active_admins(session, user.id),
    )
