"""The demo data `make run` seeds into an empty database: agencies, one login per role, an
open call, a call in review and a finished call whose grant is in its second fiscal year."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.accounts.services import create_user
from grants.agencies.services import create_agency
from grants.common.actors import SYSTEM, Actor
from grants.db.models import User
from grants.demo.finished_call import FINISHED_CALL_CODE, seed_finished_call
from grants.demo.open_call import DEMO_CALL_CODE, seed_call
from grants.demo.people import (
    AGENCIES,
    DEMO_PASSWORD,
    GRANT_LOGINS,
    LOGINS,
    REVIEW_LOGINS,
    DemoLogin,
    user_create,
)
from grants.demo.review_call import REVIEW_CALL_CODE, seed_review_call
from grants.demo.witnesses import cosign_demo_checkpoint
from grants.document_store import build_document_store
from grants.settings import get_settings
from storage.base import DocumentStore

__all__ = [
    "DEMO_CALL_CODE",
    "DEMO_PASSWORD",
    "FINISHED_CALL_CODE",
    "LOGINS",
    "REVIEW_CALL_CODE",
    "DemoLogin",
    "is_empty",
    "seed",
]


async def is_empty(session: AsyncSession) -> bool:
    return not await session.scalar(select(func.count()).select_from(User))


async def seed(session: AsyncSession, store: DocumentStore | None = None) -> list[DemoLogin]:
    """Create the demo agencies, users, the open demo call, the call in review and the finished
    call with its grant (the agencies and users audited as the system, the calls as the JST
    officer, each proposal, review, decision and tranche step as the person taking it); returns
    the logins `grants demo` prints; the caller commits. The grant's signed agreements go to
    `store`, by default the one the settings choose."""
    for agency in AGENCIES:
        await create_agency(session, agency, actor=SYSTEM)
    users = {}
    for login in LOGINS:
        users[login.email] = await create_user(session, user_create(login), actor=SYSTEM)
    officers = {
        "JST": users["officer.jst@demo.cofund.example"],
        "NAFOSTED": users["officer.nafosted@demo.cofund.example"],
    }
    await seed_call(session, officers)
    for login in (*REVIEW_LOGINS, *GRANT_LOGINS):
        users[login.email] = await create_user(session, user_create(login), actor=SYSTEM)
    await seed_review_call(session, users)
    await seed_finished_call(session, users, store or build_document_store(get_settings()))
    # Last: the checkpoint both agencies cosign covers everything seeded above.
    await cosign_demo_checkpoint(
        session, get_settings(), {code: Actor(u.id, u.email) for code, u in officers.items()}
    )
    return list(LOGINS)
