"""The refusal naming the roles a guard admits, in each language: "or" spelled out for two
roles, the language's list for more."""

from __future__ import annotations

from grants.security.guards import roles_needed
from messages import render


def test_one_role_named_in_each_language() -> None:
    message = roles_needed(("admin",))

    assert (message.code, dict(message.params)) == ("security.role.needed", {"role": "admin"})
    assert [render(message, locale) for locale in ("en", "ja", "vi")] == [
        "This needs the role admin.",
        "この操作にはロール「admin」が必要です。",
        "Thao tác này cần vai trò “admin”.",
    ]


def test_two_roles_joined_with_or() -> None:
    message = roles_needed(("auditor", "admin"))

    assert dict(message.params) == {"role": "auditor", "other": "admin"}
    assert [render(message, locale) for locale in ("en", "ja", "vi")] == [
        "This needs the role auditor or admin.",
        "この操作にはロール「auditor」または「admin」が必要です。",
        "Thao tác này cần vai trò “auditor” hoặc “admin”.",
    ]


def test_more_roles_as_a_list() -> None:
    message = roles_needed(("officer", "auditor", "admin"))

    assert dict(message.params) == {"roles": ["officer", "auditor", "admin"]}
    assert [render(message, locale) for locale in ("en", "ja", "vi")] == [
        "This needs one of these roles: officer, auditor, and admin.",
        "この操作には次のいずれかのロールが必要です: officer、auditor、admin。",
        "Thao tác này cần một trong các vai trò sau: officer, auditor và admin.",
    ]
