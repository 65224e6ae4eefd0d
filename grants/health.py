"""`GET /health`: the database and the document store answer, or 503 naming what failed."""

from __future__ import annotations

from typing import Any

from alembic.runtime.migration import MigrationContext
from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi.datastructures import ResponseSpec
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.migrate import head_revision

UNAVAILABLE = ResponseSpec(
    data_container=dict[str, Any],
    description="The database (or its schema revision) or the document store is not ready; "
    "`checks` names which and why.",
)


@get("/health", name="health", tags=["health"], responses={503: UNAVAILABLE})
async def health(state: State, db_session: AsyncSession) -> Response[dict[str, Any]]:
    """Liveness and readiness: database (and its schema revision) and storage.

    Public (no credentials), for load balancers and monitoring; changes nothing. Answers 200
    with `status: ok` when the database is at the code's schema revision and the document store
    answers, else 503 with `status: unavailable` and the failing check's error.
    """
    checks = {"database": await _database(db_session), "storage": await _storage(state)}
    ok = all(c["ok"] for c in checks.values())
    body = {"status": "ok" if ok else "unavailable", "checks": checks}
    return Response(body, status_code=200 if ok else 503)


async def _database(session: AsyncSession) -> dict[str, Any]:
    try:
        connection = await session.connection()
        await connection.execute(text("SELECT 1"))
        revision = await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    if revision != head_revision():
        return {"ok": False, "error": f"schema at {revision}, code expects {head_revision()}"}
    return {"ok": True, "revision": revision}


async def _storage(state: State) -> dict[str, Any]:
    try:
        await state["document_store"].check()
    except Exception as exc:
        return {"ok": False, "error": str(exc) or type(exc).__name__}
    return {"ok": True}
