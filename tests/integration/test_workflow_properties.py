"""Property: through the workflow service, no event sequence leaves the machine's states, and a
refused event changes nothing and writes no audit event (the account machine, on SQLite)."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import ACCOUNTS
from grants.db.models import AuditEvent, User
from grants.errors import DomainError
from grants.security.middleware import principal_for
from grants.settings import Settings
from grants.workflow.service import EventRequest, fire
from tests.factories import make_user
from tests.support.property_db import migrated_sqlite, property_settings, rolled_back
from workflows.machines.account import ACCOUNT

EVENTS = [*ACCOUNT.events, "promote"]


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Settings]:
    directory: Path = tmp_path_factory.mktemp("prop")
    return migrated_sqlite(directory), property_settings(directory)


async def _stored(session: AsyncSession, user_id: uuid.UUID) -> tuple[str, int, int]:
    row = (await session.execute(select(User.state, User.version).where(User.id == user_id))).one()
    events = await session.scalar(select(func.count()).select_from(AuditEvent))
    return str(row.state), int(row.version), int(events or 0)


async def _run(url: str, config: Settings, steps: list[tuple[str, bool, int]]) -> None:
    async with rolled_back(url) as session:
        admin = await make_user(session, "admin")
        subject = await make_user(session, "researcher")
        subject_id = subject.id  # the row is reread after each event, never the object
        principals = {
            True: principal_for(admin, "token", admin.id),
            False: principal_for(subject, "token", subject.id),
        }
        for event, as_admin, version_skew in steps:
            before = await _stored(session, subject_id)
            body = EventRequest(version=before[1] + version_skew, data={})
            try:
                async with session.begin_nested():
                    await fire(
                        session, ACCOUNTS, subject_id, event, body, principals[as_admin],
                        settings=config,
                    )  # fmt: skip
            except DomainError:
                assert await _stored(session, subject_id) == before
            else:
                state, version, events = await _stored(session, subject_id)
                assert (version, events) == (before[1] + 1, before[2] + 1)
                assert state in ACCOUNT.states


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
    database: tuple[str, Settings], steps: list[tuple[str, bool, int]]
) -> None:
    asyncio.run(_run(*database, steps))
