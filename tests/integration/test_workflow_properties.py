"""Property: through the workflow service, no event sequence leaves the machine's states, and a
refused event changes nothing and writes no audit event (the account machine, on SQLite)."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from grants.accounts.workflow import account_context
from grants.audit.chain import Actor
from grants.db import migrate
from grants.db.engine import create_engine
from grants.db.models import AuditEvent
from grants.errors import DomainError
from grants.security.middleware import principal_for
from grants.workflow.service import EventRequest, fire
from tests.factories import make_user
from workflows.machines.account import ACCOUNT

EVENTS = [*ACCOUNT.events, "promote"]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}"

    async def build() -> None:
        engine = create_engine(url)
        await migrate.upgrade(engine)
        await engine.dispose()

    asyncio.run(build())
    return url


async def _audit_count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


async def _run(url: str, steps: list[tuple[str, bool, int]]) -> None:
    engine = create_engine(url)
    async with engine.connect() as conn:
        outer = await conn.begin()
        maker = async_sessionmaker(
            bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        async with maker() as session:
            admin = await make_user(session, "admin")
            subject = await make_user(session, "researcher")
            for event, as_admin, version_skew in steps:
                actor = admin if as_admin else subject
                principal = principal_for(actor, "token", actor.id)
                before = (subject.state, subject.version, await _audit_count(session))
                request = EventRequest(event=event, version=subject.version + version_skew, data={})
                try:
                    async with session.begin_nested():
                        ctx = await account_context(session, principal, subject)
                        await fire(
                            session,
                            machine=ACCOUNT,
                            entity=subject,
                            entity_type="user",
                            request=request,
                            roles=principal.roles,
                            ctx=ctx,
                            actor=Actor(actor.id, actor.email),
                        )
                except DomainError:
                    await session.refresh(subject)
                    assert (subject.state, subject.version, await _audit_count(session)) == before
                else:
                    assert subject.version == before[1] + 1
                    assert await _audit_count(session) == before[2] + 1
                assert subject.state in ACCOUNT.states
        await outer.rollback()
    await engine.dispose()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(EVENTS), st.booleans(), st.sampled_from([0, 0, 0, -1, 1])),
        max_size=8,
    )
)
def test_event_sequences_stay_in_machine_and_refusals_write_nothing(
    database: str, steps: list[tuple[str, bool, int]]
) -> None:
    asyncio.run(_run(database, steps))
