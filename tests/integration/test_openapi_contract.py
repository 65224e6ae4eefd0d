"""The OpenAPI document a newcomer works from: every operation described, every error status it
may answer declared with the problem+json body actually sent, security on every non-public
operation, enumerations as enums, and a reference page that needs no network."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import httpx

from grants.calls.schemas import CODE_PATTERN
from grants.security.matrix import MATRIX

Client = httpx.AsyncClient

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
PUBLIC = {("get", "/health"), ("post", "/api/auth/login")}


async def _operations(client: Client) -> list[tuple[str, str, dict[str, Any]]]:
    spec = (await client.get("/schema/openapi.json")).json()
    return [(m, p, op) for p, item in spec["paths"].items() for m, op in item.items()]


def _openapi_path(path: str) -> str:
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


async def test_openapi_every_operation_has_summary_and_description(client: Client) -> None:
    operations = await _operations(client)

    undescribed = [
        (m, p)
        for m, p, op in operations
        if not op.get("summary") or len(op.get("description", "")) < 40
    ]
    assert len(operations) > 100
    assert undescribed == []


async def test_openapi_errors_are_problem_json_only(client: Client) -> None:
    operations = await _operations(client)

    other_bodies = [
        (m, p, status)
        for m, p, op in operations
        for status, response in op["responses"].items()
        if status.startswith("4") and response.get("content") != PROBLEM
    ]
    assert other_bodies == []


async def test_openapi_declares_every_status_of_the_matrix(client: Client) -> None:
    operations = {(m, p): op for m, p, op in await _operations(client)}

    missing = {}
    for (method, path), cells in MATRIX.items():
        operation = operations.get((method.lower(), _openapi_path(path)))
        if operation is None:  # web pages and the unknown-event fallbacks are not documented
            continue
        expected = {str(c if isinstance(c, int) else c[0]) for c in cells.values()}
        undeclared = expected - set(operation["responses"])
        if undeclared:
            missing[(method, path)] = sorted(undeclared)
    assert missing == {}


async def test_openapi_declares_input_errors_where_input_is_taken(client: Client) -> None:
    operations = {(m, p): op for m, p, op in await _operations(client)}

    assert sorted(operations[("patch", "/api/calls/{call_id}")]["responses"]) == [
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
        "422",
    ]
    assert sorted(operations[("post", "/api/proposals/{proposal_id}/documents")]["responses"]) == [
        "201",
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
        "415",
        "422",
        "503",
    ]
    assert sorted(operations[("get", "/api/agencies")]["responses"]) == ["200", "400", "401", "422"]


async def test_openapi_security_schemes_are_declared(client: Client) -> None:
    spec = (await client.get("/schema/openapi.json")).json()

    assert spec["components"]["securitySchemes"] == {
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "cft_…",
            "description": (
                "An API token (`Authorization: Bearer cft_…`), created with "
                "`POST /api/me/tokens`. Needs no CSRF token."
            ),
        },
        "session": {
            "type": "apiKey",
            "name": "cofund_session",
            "in": "cookie",
            "description": "The web session cookie set by `POST /api/auth/login`.",
        },
        "csrf": {
            "type": "apiKey",
            "name": "X-CSRF-Token",
            "in": "header",
            "description": (
                "The session's CSRF token (from the login answer or `GET /api/me`), required "
                "with the session cookie on every unsafe method (POST, PUT, PATCH, DELETE)."
            ),
        },
    }


async def test_openapi_security_on_every_non_public_operation(client: Client) -> None:
    operations = await _operations(client)

    security = {(m, p): op.get("security") for m, p, op in operations}

    assert {k for k, v in security.items() if not v} == PUBLIC
    assert {str(v) for k, v in security.items() if k not in PUBLIC and k[0] == "get"} == {
        "[{'bearer': []}, {'session': []}]"
    }
    assert {str(v) for k, v in security.items() if k not in PUBLIC and k[0] != "get"} == {
        "[{'bearer': []}, {'session': [], 'csrf': []}]"
    }
    responses = {k: sorted(op["responses"]) for m, p, op in operations if (k := (m, p)) in PUBLIC}
    assert responses == {
        ("get", "/health"): ["200", "503"],
        ("post", "/api/auth/login"): ["200", "400", "401", "403", "413", "415", "422", "429"],
    }


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href", "data-url") and v]


async def test_openapi_request_fields_keep_their_patterns(client: Client) -> None:
    schemas = (await client.get("/schema/openapi.json")).json()["components"]["schemas"]

    def pattern(node: dict[str, Any]) -> str | None:
        strings = [b for b in node.get("oneOf", []) if b.get("type") == "string"] or [node]
        return strings[0].get("pattern")

    found = {
        f"{name}.{prop}": pattern(node)
        for name, schema in schemas.items()
        for prop, node in schema.get("properties", {}).items()
        if pattern(node)
    }

    code, key, erad = r"^[A-Z][A-Z0-9_-]*$", r"^[a-z][a-z0-9_]{0,39}$", r"^[0-9]{8}$"
    assert found == {
        "AgencyCreate.code": code,
        "InvitationCreate.agency": code,
        "CallCreate.code": CODE_PATTERN,
        "Criterion.key": key,
        "DocumentKind.kind": key,
        "MemberCreate.erad_number": erad,
        "MemberUpdate.erad_number": erad,
    }


async def test_schema_page_references_only_local_urls(client: Client) -> None:
    page = await client.get("/schema")
    parser = _Urls()
    parser.feed(page.text)

    assert parser.urls == [
        "/static/openapi.css",
        "/schema/openapi.json",
        "/static/vendor/scalar/api-reference-1.76.0.js",
    ]
    assert "http" not in page.text
    for url in parser.urls:
        assert (await client.get(url)).status_code == 200
