"""Every audit event names the request (or CLI command) that caused it."""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.cli import main
from grants.db.models import AuditEvent
from grants.settings import get_settings
from tests.factories import bearer, make_user

Client = httpx.AsyncClient
NEW_AGENCY = {
    "code": "NRF",
    "name": "National Research Foundation of Korea",
    "country": "KR",
    "currency": "KRW",
    "fiscal_year_start_month": 1,
    "time_zone": "Asia/Seoul",
}


async def _events_of(db: AsyncSession, action: str) -> list[tuple[str, str | None]]:
    rows = await db.execute(
        select(AuditEvent.entity_type, AuditEvent.request_id)
        .where(AuditEvent.action == action)
        .order_by(AuditEvent.seq)
    )
    return [(t, r) for t, r in rows.tuples()]


async def test_audit_event_request_id_is_the_response_header(
    client: Client, db: AsyncSession
) -> None:
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.post("/api/agencies", headers=headers, json=NEW_AGENCY)

    assert response.status_code == 201
    generated = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert await _events_of(db, "agency.create") == [("agency", generated)]


async def test_audit_event_request_id_is_the_clients_when_given(
    client: Client, db: AsyncSession
) -> None:
    headers = {**await bearer(db, await make_user(db, "admin")), "X-Request-ID": "batch-7-row-3"}

    response = await client.post("/api/agencies", headers=headers, json=NEW_AGENCY)

    assert (response.status_code, response.headers["x-request-id"]) == (201, "batch-7-row-3")
    assert await _events_of(db, "agency.create") == [("agency", "batch-7-row-3")]


@pytest.fixture
def var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def _grants(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_cli_events_of_one_command_share_one_request_id(var_dir: Path) -> None:
    _grants("db", "upgrade")

    _grants("demo")
    created = _grants(
        "user",
        "create",
        "--email=auditor2@example.org",
        "--name=Second Auditor",
        "--role=auditor",
        env={"GRANTS_PASSWORD": "a long enough password"},
    )

    assert created.exit_code == 0, created.output
    with sqlite3.connect(var_dir / "cofund.db") as conn:
        rows = conn.execute("SELECT request_id, action FROM audit_events ORDER BY seq").fetchall()
    by_id = Counter(request_id for request_id, _ in rows)
    demo_id, user_id = rows[0][0], rows[-1][0]
    assert all(re.fullmatch(r"cli-[0-9a-f]{32}", i) for i in by_id)
    assert by_id == {demo_id: 214, user_id: 1}
    assert rows[-1][1] == "user.create"
