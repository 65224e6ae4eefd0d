"""Enterprise partners: identifiers with valid check digits, partners with commitments."""

from __future__ import annotations

from typing import Any

import factory
from stdnum.jp import cn
from stdnum.vn import mst

from grants.db.models import EnterprisePartner, PartnerContribution


def jp_number(n: int) -> str:
    """A 13-digit Japanese corporate number with a valid check digit (leading)."""
    body = f"{n:012d}"
    return cn.calc_check_digit(body) + body


def vn_code(n: int) -> str:
    """A 10-digit Vietnamese enterprise/tax code with a valid check digit (last): the first
    sequence number from `n` on (at least 1) whose check digit is a single digit (a remainder
    of 10 is never issued)."""
    seq = max(n, 1)
    while len(digit := mst.calc_check_digit(f"01{seq:07d}")) != 1:
        seq += 1
    return f"01{seq:07d}{digit}"


def wrong_check_digit(number: str, *, leading: bool = False) -> str:
    """`number` with its check digit changed."""
    i = 0 if leading else len(number) - 1
    digit = str((int(number[i]) + 1) % 10)
    return number[:i] + digit + number[i + 1 :]


class EnterprisePartnerFactory(factory.Factory):
    class Meta:
        model = EnterprisePartner

    legal_name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    legal_name_en = factory.Sequence(lambda n: f"Test Devices {n} K.K.")
    country = "JP"
    identifier = factory.Sequence(lambda n: jp_number(1000 + n))
    size_class = "small"
    contact_name = "Taro Yamada"
    contact_email = factory.Sequence(lambda n: f"contact{n}@devices.example.jp")
    role = "Supplies test wafers."
    currency = "JPY"
    letter_document_id = None
    contributions = factory.LazyFunction(list)


def contributions(currency: str, *entries: tuple[int, str, int]) -> list[PartnerContribution]:
    """Contribution rows from (year, kind, amount)."""
    return [PartnerContribution(year=y, kind=k, amount=a, currency=currency) for y, k, a in entries]


def partner_body(**fields: Any) -> dict[str, Any]:
    """A valid `PartnerCreate` body of a Japanese partner, with `fields` changed."""
    return {
        "legal_name": "株式会社サクラ半導体",
        "legal_name_en": "Sakura Semiconductor Co., Ltd.",
        "country": "JP",
        "identifier": "5-8356-7825-6246",
        "size_class": "medium",
        "contact_name": "Kenji Watanabe",
        "contact_email": "k.watanabe@sakura-semi.example.jp",
        "role": "Provides the test chips.",
        "contributions": [{"year": 1, "kind": "cash", "amount": 2_000_000, "currency": "JPY"}],
        **fields,
    }
