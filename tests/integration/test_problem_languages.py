"""Errors in the reader's language: the saved locale, else Accept-Language, else English; each
text with its message code and parameters beside it (problem+json)."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import bearer, make_user

Client = httpx.AsyncClient

REQUIRED = ("code", "country", "currency", "fiscal_year_start_month", "name", "time_zone")


async def test_missing_fields_in_japanese(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.post(
        "/api/agencies", json={}, headers={**headers, "Accept-Language": "ja, en;q=0.5"}
    )

    assert response.status_code == 422
    assert response.headers["content-language"] == "ja"
    body = response.json()
    assert (body["title"], body["detail"], body["code"], body["params"]) == (
        "入力が無効です",
        "リクエストに無効な項目があります。",
        "problem.invalid_fields",
        {},
    )
    assert sorted(body["errors"], key=lambda e: e["field"]) == [
        {"field": f, "reason": "この項目は必須です。", "code": "validation.missing", "params": {}}
        for f in REQUIRED
    ]


async def test_bounds_in_vietnamese_with_their_parameters(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))

    response = await client.get(
        "/api/agencies?limit=0", headers={**headers, "Accept-Language": "vi-VN"}
    )

    assert response.status_code == 422
    assert response.headers["content-language"] == "vi"
    assert response.json()["errors"] == [
        {
            "field": "limit",
            "reason": "Vui lòng nhập giá trị tối thiểu là 1.",
            "code": "validation.greater_than_equal",
            "params": {"ge": 1},
        }
    ]


async def test_saved_locale_wins_over_the_header(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin", locale="ja"))

    response = await client.post(
        "/api/agencies", json={}, headers={**headers, "Accept-Language": "vi"}
    )

    assert response.status_code == 422
    assert response.headers["content-language"] == "ja"
    assert response.json()["errors"][0]["reason"] == "この項目は必須です。"


async def test_a_wrong_method_in_vietnamese(client: Client) -> None:
    response = await client.delete("/api/agencies", headers={"Accept-Language": "vi"})

    assert response.status_code == 405
    body = response.json()
    assert (body["title"], body["detail"], body["code"]) == (
        "Phương thức không được phép",
        "Phương thức này không được phép tại địa chỉ này.",
        "problem.http.405",
    )


async def test_an_unsupported_language_falls_back_to_english(client: Client) -> None:
    response = await client.post(
        "/api/auth/login",
        content=b"{not json",
        headers={"Accept-Language": "fr-FR, de", "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.headers["content-language"] == "en"
    body = response.json()
    assert (body["title"], body["detail"], body["code"]) == (
        "Malformed request",
        "The request body cannot be read.",
        "problem.malformed_body",
    )


async def test_a_missing_query_parameter_is_named(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin"))

    path = f"/api/proposals/{uuid.uuid4()}/parts/{uuid.uuid4()}/members/{uuid.uuid4()}"

    response = await client.delete(path, headers={**headers, "Accept-Language": "ja"})

    assert response.status_code == 400
    body = response.json()
    assert (body["detail"], body["errors"]) == (
        "リクエストに無効な項目があります。",
        [
            {
                "field": "version",
                "reason": "この項目は必須です。",
                "code": "validation.missing",
                "params": {},
            }
        ],
    )
