"""The pages in Japanese and Vietnamese: `?lang=` (remembered in a cookie), the saved locale,
`Accept-Language`; `<html lang>`, labels, the sign-in form's errors and the start page."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.web.i18n import LANG_COOKIE
from tests.factories import PASSWORD, AgencyFactory, make_user, persist

Client = httpx.AsyncClient


def _form_token(page: httpx.Response) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def _sign_in_page(locale: str, title: str, email: str, password: str) -> list[str]:
    """The pieces of a sign-in page in `locale` that a reader sees."""
    return [
        f'<html lang="{locale}">',
        f"<title>{title} · CoFund</title>",
        f"<h1>{title}</h1>",
        f'<label>{email} <input type="email" name="email"',
        f'<label>{password} <input type="password" name="password"',
        f'<button type="submit">{title}</button>',
    ]


def _missing(page: httpx.Response, pieces: list[str]) -> list[str]:
    return [piece for piece in pieces if piece not in page.text]


async def test_sign_in_page_in_japanese_by_query_is_remembered(client: Client) -> None:
    chosen = await client.get("/login?lang=ja")
    later = await client.get("/login")

    japanese = _sign_in_page("ja", "サインイン", "メールアドレス", "パスワード")
    japanese.append('<span class="tagline">共同研究助成</span>')
    japanese.append('<a href="?lang=ja" hreflang="ja" lang="ja" aria-current="true">日本語</a>')
    assert (chosen.headers["content-language"], _missing(chosen, japanese)) == ("ja", [])
    assert chosen.cookies[LANG_COOKIE] == "ja"
    assert (later.headers["content-language"], _missing(later, japanese)) == ("ja", [])


async def test_sign_in_page_in_vietnamese_by_accept_language(client: Client) -> None:
    page = await client.get("/login", headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"})

    vietnamese = _sign_in_page("vi", "Đăng nhập", "Địa chỉ email", "Mật khẩu")
    vietnamese.append('<span class="tagline">Tài trợ nghiên cứu chung</span>')
    assert (page.headers["content-language"], _missing(page, vietnamese)) == ("vi", [])
    assert LANG_COOKIE not in page.cookies


async def test_sign_in_page_query_beats_accept_language_and_unknown_is_ignored(
    client: Client,
) -> None:
    english = await client.get("/login?lang=en", headers={"Accept-Language": "ja"})
    client.cookies.clear()
    unknown = await client.get("/login?lang=fr", headers={"Accept-Language": "vi"})

    assert _missing(english, _sign_in_page("en", "Sign in", "Email", "Password")) == []
    assert _missing(unknown, _sign_in_page("vi", "Đăng nhập", "Địa chỉ email", "Mật khẩu")) == []
    assert LANG_COOKIE not in unknown.cookies


async def test_failed_sign_in_form_error_in_japanese(client: Client, db: AsyncSession) -> None:
    await make_user(db, email="web@example.org")
    token = _form_token(await client.get("/login?lang=ja"))

    response = await client.post(
        "/login", data={"email": "web@example.org", "password": "wrong", "csrf": token}
    )

    assert response.status_code == 401
    assert (
        _missing(
            response,
            [
                '<html lang="ja">',
                '<p class="error" role="alert">'
                "メールアドレスまたはパスワードが正しくありません。</p>",
                'name="email" value="web@example.org"',
            ],
        )
        == []
    )


async def test_expired_sign_in_form_error_in_vietnamese(client: Client, db: AsyncSession) -> None:
    await make_user(db, email="web@example.org")
    client.cookies.set("cofund_login_csrf", "planted", path="/login")

    response = await client.post(
        "/login",
        data={"email": "web@example.org", "password": PASSWORD, "csrf": "planted"},
        headers={"Accept-Language": "vi"},
    )

    assert response.status_code == 403
    assert (
        _missing(
            response,
            [
                '<html lang="vi">',
                '<p class="error" role="alert">Biểu mẫu đã hết hạn; vui lòng thử lại.</p>',
            ],
        )
        == []
    )


async def test_home_in_the_saved_locale_then_as_asked(client: Client, db: AsyncSession) -> None:
    await persist(db, AgencyFactory(code="NAFOSTED", fiscal_year_start_month=1))
    await make_user(
        db,
        "researcher",
        email="minh@example.org",
        display_name="Nguyễn Văn Minh",
        locale="vi",
        time_zone="Asia/Ho_Chi_Minh",
    )
    await client.post("/api/auth/login", json={"email": "minh@example.org", "password": PASSWORD})

    saved = await client.get("/")
    asked = await client.get("/?lang=ja")

    assert (
        _missing(
            saved,
            [
                '<html lang="vi">',
                "<h1>Xin chào, Nguyễn Văn Minh</h1>",
                "<p>Ngôn ngữ: vi · Múi giờ: Asia/Ho_Chi_Minh</p>",
                "<h2>Các cơ quan đồng tài trợ</h2>",
                "<td>tháng 1</td>",
                '<button type="submit">Đăng xuất</button>',
            ],
        )
        == []
    )
    assert (
        _missing(
            asked,
            [
                '<html lang="ja">',
                "<h1>ようこそ、Nguyễn Văn Minh さん</h1>",
                "<td>1月</td>",
                '<button type="submit">サインアウト</button>',
            ],
        )
        == []
    )


async def test_error_page_in_the_pages_language(client: Client, db: AsyncSession) -> None:
    await make_user(db, email="ja@example.org", locale="ja")
    await client.post("/api/auth/login", json={"email": "ja@example.org", "password": PASSWORD})

    response = await client.post(
        "/logout", data={"csrf": "forged"}, headers={"accept": "text/html"}
    )

    assert response.status_code == 403
    assert (
        _missing(
            response,
            [
                '<html lang="ja">',
                '<p class="error" role="alert">フォームの CSRF トークンがないか、正しくありません。'
                "ページを再読み込みしてください。</p>",
                '<a href="/">スタートページに戻る</a>',
            ],
        )
        == []
    )
