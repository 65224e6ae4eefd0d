"""National identifiers of enterprises, checked with python-stdnum: Japan's 13-digit corporate
number (法人番号, `stdnum.jp.cn`) and Vietnam's enterprise/tax code (mã số thuế, `stdnum.vn.mst`).
Pure: no database, no Litestar.
"""

from __future__ import annotations

from types import ModuleType

from babel.numbers import get_territory_currencies
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.jp import cn
from stdnum.vn import mst

from messages import Message, define

SCHEMES: dict[str, ModuleType] = {"JP": cn, "VN": mst}
"""The identifier scheme of each country whose enterprises CoFund checks."""
SCHEME_NAMES = {"JP": "jp.cn", "VN": "vn.mst"}
DIGITS = {"JP": "13", "VN": "10 or 13"}

WRONG_CHECK_DIGIT = define(
    "partner.identifier.check_digit",
    "the check digit of this {country} enterprise identifier ({scheme}) is wrong",
)
MALFORMED = define(
    "partner.identifier.malformed",
    "a {country} enterprise identifier ({scheme}) has {digits} digits",
)
NO_SCHEME = define(
    "partner.identifier.no_scheme",
    "CoFund checks enterprise identifiers of {countries} only; give the country of the "
    "enterprise's registration",
)


def check_identifier(country: str, value: str) -> tuple[str | None, Message | None]:
    """The identifier's compact form (digits only, a branch's 13-digit MST kept whole), or the
    reason it is refused: an unknown country, a malformed number, a wrong check digit."""
    scheme = SCHEMES.get(country)
    if scheme is None:
        return None, NO_SCHEME(countries=sorted(SCHEMES))
    name = SCHEME_NAMES[country]
    try:
        return str(scheme.validate(value)), None
    except InvalidChecksum:
        return None, WRONG_CHECK_DIGIT(country=country, scheme=name)
    except ValidationError:
        return None, MALFORMED(country=country, scheme=name, digits=DIGITS[country])


def formatted(country: str, compact: str) -> str:
    """The identifier as people write it (`5-8356-7825-6246`, `0100233488` or `…-001`)."""
    scheme = SCHEMES.get(country)
    return str(scheme.format(compact)) if scheme is not None else compact


def home_currency(country: str) -> str | None:
    """The currency in use in `country` today (JP: JPY, VN: VND), or None."""
    found = get_territory_currencies(country, tender=True)
    return found[0] if found else None
