"""Refusals of sign-in, accounts and access read in Japanese and Vietnamese, each with its code
and parameters: by `Accept-Language` before signing in, by the caller's saved locale after
(which `Accept-Language` does not override)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import PASSWORD, bearer, make_user

Client = httpx.AsyncClient


def said(response: httpx.Response) -> dict[str, Any]:
    """The body without its request id and without its title: titles are the problem
    module's messages, translated with it, not here."""
    return {k: v for k, v in response.json().items() if k not in ("request_id", "title")}


async def _login(client: Client, email: str, password: str, language: str) -> httpx.Response:
    return await client.post(
        "/api/auth/login",
        json={"email": email, "password": password},
        headers={"Accept-Language": language},
    )


async def test_login_wrong_password_in_japanese(client: Client, db: AsyncSession) -> None:
    await make_user(db, email="hana@example.org")

    response = await _login(client, "hana@example.org", "not the password", "ja,en;q=0.5")

    assert response.headers["content-language"] == "ja"
    assert said(response) == {
        "type": "urn:cofund:problem:unauthenticated",
        "status": 401,
        "detail": "メールアドレスまたはパスワードが正しくありません。",
        "instance": "/api/auth/login",
        "code": "auth.login.bad_credentials",
        "params": {},
    }


async def test_login_wrong_password_in_vietnamese(client: Client, db: AsyncSession) -> None:
    await make_user(db, email="minh@example.org")

    response = await _login(client, "minh@example.org", "not the password", "vi-VN")

    assert response.headers["content-language"] == "vi"
    assert said(response) == {
        "type": "urn:cofund:problem:unauthenticated",
        "status": 401,
        "detail": "Email hoặc mật khẩu không đúng.",
        "instance": "/api/auth/login",
        "code": "auth.login.bad_credentials",
        "params": {},
    }


async def test_login_rate_limited_in_vietnamese(client: Client, db: AsyncSession) -> None:
    await make_user(db, email="target@example.org")
    for _ in range(3):
        await _login(client, "target@example.org", "guess", "vi")

    response = await _login(client, "target@example.org", PASSWORD, "vi")

    assert said(response) == {
        "type": "urn:cofund:problem:rate_limited",
        "status": 429,
        "detail": "Đăng nhập không thành công vào tài khoản này từ địa chỉ của bạn quá nhiều lần; "
        "vui lòng đợi 30 giây rồi thử lại.",
        "instance": "/api/auth/login",
        "code": "auth.login.slowed",
        "params": {"seconds": 30},
    }


async def test_missing_role_in_the_callers_saved_locale(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "researcher", locale="vi"))

    response = await client.get("/api/users", headers=headers)

    assert said(response) == {
        "type": "urn:cofund:problem:forbidden",
        "status": 403,
        "detail": "Thao tác này cần vai trò “admin”.",
        "instance": "/api/users",
        "code": "security.role.needed",
        "params": {"role": "admin"},
    }


async def test_either_role_in_japanese(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "researcher", locale="ja"))

    response = await client.get("/api/reviewers", headers=headers)

    assert said(response) == {
        "type": "urn:cofund:problem:forbidden",
        "status": 403,
        "detail": "この操作にはロール「officer」または「admin」が必要です。",
        "instance": "/api/reviewers",
        "code": "security.role.either_needed",
        "params": {"role": "officer", "other": "admin"},
    }


async def test_saved_locale_wins_over_accept_language(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "researcher", locale="en"))

    response = await client.get("/api/users", headers={**headers, "Accept-Language": "ja"})

    assert (response.headers["content-language"], response.json()["detail"]) == (
        "en",
        "This needs the role admin.",
    )


async def test_csrf_refusal_in_japanese(client: Client, db: AsyncSession) -> None:
    await make_user(db, email="me@example.org", locale="ja")
    await _login(client, "me@example.org", PASSWORD, "en")

    response = await client.patch("/api/me", json={"version": 1, "display_name": "Changed"})

    assert said(response) == {
        "type": "urn:cofund:problem:forbidden",
        "status": 403,
        "detail": "CSRF トークンがないか、正しくありません。"
        "X-CSRF-Token ヘッダーで送信してください。",
        "instance": "/api/me",
        "code": "security.csrf.refused",
        "params": {},
    }


async def test_role_grant_errors_in_japanese(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, "admin", locale="ja"))

    response = await client.post(
        "/api/users",
        headers=headers,
        json={
            "email": "o@example.org",
            "display_name": "O",
            "password": "long enough password",
            "roles": [{"role": "officer", "agency": "NOPE"}, {"role": "officer"}],
        },
    )

    assert said(response) == {
        "type": "urn:cofund:problem:invalid",
        "status": 422,
        "detail": "付与できないロールがあります。",
        "instance": "/api/users",
        "code": "account.roles.refused",
        "params": {},
        "errors": [
            {
                "field": "roles[0].agency",
                "reason": "コード「NOPE」の資金配分機関はありません。",
                "code": "account.roles.unknown_agency",
                "params": {"agency": "NOPE"},
            },
            {
                "field": "roles[1]",
                "reason": "ロール「officer」が重複して指定されています。",
                "code": "account.roles.listed_twice",
                "params": {"role": "officer"},
            },
        ],
    }


async def test_wrong_current_password_in_vietnamese(client: Client, db: AsyncSession) -> None:
    headers = await bearer(db, await make_user(db, locale="vi"))

    response = await client.post(
        "/api/me/password",
        json={"current_password": "wrong", "new_password": "a-new-long-password"},
        headers=headers,
    )

    assert said(response) == {
        "type": "urn:cofund:problem:invalid",
        "status": 422,
        "detail": "Mật khẩu hiện tại không đúng.",
        "instance": "/api/me/password",
        "code": "account.password.wrong",
        "params": {},
        "errors": [
            {
                "field": "current_password",
                "reason": "Không khớp với mật khẩu hiện tại.",
                "code": "account.password.mismatch",
                "params": {},
            }
        ],
    }


async def test_account_machine_refused_to_non_admins_in_japanese(
    client: Client, db: AsyncSession
) -> None:
    target = await make_user(db)
    headers = await bearer(db, await make_user(db, "researcher", locale="ja"))

    response = await client.get(f"/api/users/{target.id}/transitions", headers=headers)

    assert said(response) == {
        "type": "urn:cofund:problem:forbidden",
        "status": 403,
        "detail": "アカウントを管理できるのは管理者のみです。",
        "instance": f"/api/users/{target.id}/transitions",
        "code": "security.account.admins_only",
        "params": {},
    }
