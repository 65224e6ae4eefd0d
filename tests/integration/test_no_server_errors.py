"""Inputs found by a fuzzer and a new user's tests: each is the client's doing and is answered
4xx problem+json, never 500 (deep JSON, huge integers, instants near year 1 or 9999, a client
going away mid-body)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import structlog
from litestar import Litestar
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from structlog.testing import LogCapture

from grants import errors
from grants.db.models import AuditEvent, Call
from tests.factories import bearer, make_user
from tests.factories_calls import call_body, make_cofunders
from tests.support.asgi import disconnecting
from tests.support.problems import problem

Client = httpx.AsyncClient
JSON = {"content-type": "application/json"}
OUT_OF_RANGE = (
    "is out of range; an instant must be between "
    "Jan 3, 1, 12:00\u202fAM (UTC) and Dec 29, 9999, 12:00\u202fAM (UTC)"
)
BOUNDS = {"earliest": "0001-01-03T00:00:00Z", "latest": "9999-12-29T00:00:00Z"}


def _deep(levels: int) -> bytes:
    return b'{"email":' * levels + b'"a@example.org"' + b"}" * levels


def _too_deep(instance: str) -> dict[str, Any]:
    return {
        "type": "urn:cofund:problem:malformed",
        "title": "Malformed request",
        "status": 400,
        "detail": "The JSON body is nested deeper than 64 levels.",
        "instance": instance,
        "code": "common.json.too_deep",
        "params": {"depth": 64},
    }


def _invalid(
    instance: str, field: str, reason: str, code: str, params: dict[str, Any]
) -> dict[str, Any]:
    return {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "The request has invalid fields.",
        "instance": instance,
        "code": "problem.invalid_fields",
        "params": {},
        "errors": [{"field": field, "reason": reason, "code": code, "params": params}],
    }


def _at_most(instance: str, field: str, bound: int) -> dict[str, Any]:
    reason = f"Give at most {bound:,}."
    return _invalid(instance, field, reason, "validation.less_than_equal", {"le": bound})


async def _admin(db: AsyncSession) -> dict[str, str]:
    return await bearer(db, await make_user(db, "admin"))


async def _count(db: AsyncSession, model: Any) -> int:
    return int(await db.scalar(select(func.count()).select_from(model)) or 0)


# --- JSON nested too deep ------------------------------------------------------------------


async def test_login_json_nested_1000_deep_is_400(client: Client) -> None:
    response = await client.post("/api/auth/login", content=_deep(1000), headers=JSON)

    assert (response.status_code, problem(response)) == (400, _too_deep("/api/auth/login"))


@pytest.mark.parametrize(
    ("accept", "locale", "detail"),
    [
        ("ja,en;q=0.5", "ja", "JSON本文の入れ子が64階層を超えています。"),
        ("vi-VN", "vi", "Nội dung JSON lồng nhau sâu hơn 64 cấp."),
        ("fr", "en", "The JSON body is nested deeper than 64 levels."),
    ],
)
async def test_too_deep_json_refused_in_the_anonymous_readers_language(
    client: Client, accept: str, locale: str, detail: str
) -> None:
    headers = {**JSON, "Accept-Language": accept}

    response = await client.post("/api/auth/login", content=_deep(1000), headers=headers)

    assert (response.headers["content-language"], response.json()["detail"]) == (locale, detail)


@pytest.mark.parametrize("body", [b"[" * 1000 + b"]" * 1000, b"[" * 65 + b"]" * 65])
async def test_create_agency_json_nested_too_deep_is_400(
    client: Client, db: AsyncSession, body: bytes
) -> None:
    response = await client.post(
        "/api/agencies", content=body, headers={**await _admin(db), **JSON}
    )

    assert (response.status_code, problem(response)) == (400, _too_deep("/api/agencies"))


async def test_login_json_64_deep_reaches_the_validator(client: Client) -> None:
    response = await client.post("/api/auth/login", content=_deep(64), headers=JSON)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["email", "password"]


async def test_json_brackets_inside_strings_do_not_count(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    body = call_body(description={"en": "[{" * 500})

    response = await client.post("/api/calls", headers=co.jst_headers, json=body)

    assert response.status_code == 201, response.text
    assert response.json()["description"]["en"] == "[{" * 500


# --- integers past what the database holds ---------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field", "bound"),
    [
        ("offset=9223372036854775808", "offset", 2147483647),
        ("offset=2147483648", "offset", 2147483647),
        ("limit=9223372036854775808", "limit", 200),
    ],
)
async def test_list_huge_pagination_is_422_naming_it(
    client: Client, db: AsyncSession, query: str, field: str, bound: int
) -> None:
    response = await client.get(f"/api/agencies?{query}", headers=await _admin(db))

    assert (response.status_code, problem(response)) == (
        422,
        _at_most("/api/agencies", field, bound),
    )


async def test_list_largest_offset_is_an_empty_page(client: Client, db: AsyncSession) -> None:
    response = await client.get("/api/audit/events?offset=2147483647", headers=await _admin(db))

    assert response.json() == {"items": [], "total": 0, "limit": 50, "offset": 2147483647}


async def test_scores_huge_round_is_422_naming_it(client: Client, db: AsyncSession) -> None:
    co = await make_cofunders(db)
    path = f"/api/calls/{uuid.uuid4()}/scores"

    response = await client.get(path, params={"round": 2**80}, headers=co.jst_headers)

    assert (response.status_code, problem(response)) == (
        422,
        _at_most(path, "round", 2147483647),
    )


async def test_remove_member_huge_version_is_422_naming_it(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    path = f"/api/proposals/{uuid.uuid4()}/parts/{uuid.uuid4()}/members/{uuid.uuid4()}"

    response = await client.delete(path, params={"version": 2**80}, headers=co.jst_headers)

    assert (response.status_code, problem(response)) == (
        422,
        _at_most(path, "version", 2147483647),
    )


# --- instants near year 1 or 9999 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("since", "0001-01-01T00:00:00+01:00"),
        ("until", "9999-12-31T23:00:00-05:00"),
    ],
)
async def test_audit_list_instant_out_of_range_is_422_naming_it(
    client: Client, db: AsyncSession, field: str, value: str
) -> None:
    response = await client.get(
        "/api/audit/events", params={field: value}, headers=await _admin(db)
    )

    assert (response.status_code, problem(response)) == (
        422,
        _invalid(
            "/api/audit/events",
            field,
            f"datetime {value} {OUT_OF_RANGE}",
            "time.out_of_range",
            {"value": value, **BOUNDS},
        ),
    )


async def test_audit_list_instant_without_zone_is_422_naming_it(
    client: Client, db: AsyncSession
) -> None:
    response = await client.get(
        "/api/audit/events", params={"since": "2026-04-01T00:00:00"}, headers=await _admin(db)
    )

    assert (response.status_code, problem(response)) == (
        422,
        _invalid(
            "/api/audit/events",
            "since",
            "datetime 2026-04-01T00:00:00 has no time zone; an instant is required",
            "time.naive",
            {"value": "2026-04-01T00:00:00"},
        ),
    )


async def test_create_call_instants_near_year_1_and_9999_are_422_naming_them(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    body = call_body(
        opens_at="0001-01-01T00:00:00+01:00", review_deadline="9999-12-31T23:00:00-05:00"
    )

    response = await client.post("/api/calls", headers=co.jst_headers, json=body)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": field,
            "reason": f"datetime {value} {OUT_OF_RANGE}",
            "code": "time.out_of_range",
            "params": {"value": value, **BOUNDS},
        }
        for field, value in (
            ("opens_at", "0001-01-01T00:00:00+01:00"),
            ("review_deadline", "9999-12-31T23:00:00-05:00"),
        )
    ]
    assert await _count(db, Call) == 0


# --- a client going away mid-body ----------------------------------------------------------


def _disconnected(instance: str) -> dict[str, Any]:
    return {
        "type": "urn:cofund:problem:client_disconnected",
        "title": "Client disconnected",
        "status": 400,
        "detail": "The client closed the connection before the request was read; "
        "nothing was changed.",
        "instance": instance,
        "code": "problem.client_disconnected",
        "params": {},
    }


@pytest.fixture
def error_log(monkeypatch: pytest.MonkeyPatch) -> LogCapture:
    """What grants.errors logs, captured instead of printed."""
    capture = LogCapture()
    monkeypatch.setattr(errors, "log", structlog.wrap_logger(None, processors=[capture]))
    return capture


async def test_create_call_client_disconnecting_midway_is_logged_as_the_clients_doing(
    client: Client, app: Litestar, db: AsyncSession, error_log: LogCapture
) -> None:
    co = await make_cofunders(db)
    before = await _count(db, AuditEvent)

    answer = await disconnecting(
        app, "POST", "/api/calls", {**co.jst_headers, **JSON}, [b'{"code": "NEXUS-']
    )

    assert (answer.status, _without_id(answer.body)) == (400, _disconnected("/api/calls"))
    assert error_log.entries == [
        {
            "event": "client disconnected",
            "path": "/api/calls",
            "error": "InternalServerException",
            "log_level": "info",
        }
    ]
    assert (await _count(db, Call), await _count(db, AuditEvent)) == (0, before)


def _without_id(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "request_id"}


# --- values the database cannot hold -------------------------------------------------------


async def test_reviewer_search_nul_character_is_422_not_500(
    client: Client, db: AsyncSession, backend: str
) -> None:
    co = await make_cofunders(db)

    response = await client.get("/api/reviewers", params={"q": "a\x00b"}, headers=co.jst_headers)

    if backend == "sqlite":  # SQLite stores a NUL in text: nothing to refuse there
        assert response.json() == {"items": [], "total": 0, "limit": 50, "offset": 0}
        return
    assert (response.status_code, problem(response)) == (
        422,
        {
            "type": "urn:cofund:problem:invalid",
            "title": "Invalid input",
            "status": 422,
            "detail": "A value in the request cannot be stored: a number out of range, "
            "or text with a NUL character.",
            "instance": "/api/reviewers",
            "code": "problem.unstorable_value",
            "params": {},
        },
    )
