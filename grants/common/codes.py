"""Validation of standard codes: ISO 3166 countries, ISO 4217 currencies, ORCID iDs, ROR ids."""

from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale
from babel.numbers import list_currencies
from stdnum.exceptions import ValidationError
from stdnum.iso7064 import mod_11_2, mod_97_10

from messages import MessageError, define

NOT_A_COUNTRY = define("code.country.unknown", "'{value}' is not an ISO 3166 alpha-2 country code")
NOT_A_CURRENCY = define("code.currency.unknown", "'{value}' is not an ISO 4217 currency code")
ORCID_FORM = define("code.orcid.form", "an ORCID iD has 16 characters: 0000-0000-0000-000X")
ORCID_CHECK = define("code.orcid.check", "the ORCID iD's check character is wrong")
ROR_FORM = define(
    "code.ror.form", "a ROR id is 0 followed by 6 base-32 characters and 2 check digits"
)
ROR_CHECK = define("code.ror.check", "the ROR id's check digits are wrong")

_ROR = re.compile(r"^0[0-9a-hjkmnp-tv-z]{6}[0-9]{2}$")
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    # Babel's territories mix ISO 3166 alpha-2 codes with UN M.49 regions ("001"); keep letters.
    codes = (code for code in Locale("en").territories if isinstance(code, str))
    return frozenset(code for code in codes if code.isalpha() and len(code) == 2)


def country(value: str) -> str:
    """An ISO 3166 alpha-2 code, upper-cased; raises MessageError (a ValueError) otherwise."""
    if value.upper() not in _countries():
        raise MessageError(NOT_A_COUNTRY(value=value))
    return value.upper()


def currency(value: str) -> str:
    """An ISO 4217 code, upper-cased; raises MessageError (a ValueError) otherwise."""
    if value.upper() not in list_currencies():
        raise MessageError(NOT_A_CURRENCY(value=value))
    return value.upper()


def orcid(value: str) -> str:
    """An ORCID iD `0000-0002-1825-0097` (a URL form is accepted) with a valid MOD 11-2 check
    character; raises MessageError (a ValueError) otherwise."""
    text = value.strip().removeprefix("https://orcid.org/").removeprefix("http://orcid.org/")
    digits = text.replace("-", "").upper()
    if not re.fullmatch(r"\d{15}[\dX]", digits):
        raise MessageError(ORCID_FORM())
    try:
        mod_11_2.validate(digits)
    except ValidationError as exc:
        raise MessageError(ORCID_CHECK()) from exc
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def ror(value: str) -> str:
    """A ROR id (`0` + 6 Crockford base32 + 2-digit ISO 7064 mod 97-10 checksum; a
    `https://ror.org/` URL is accepted); raises MessageError (a ValueError) otherwise."""
    text = value.strip().lower().removeprefix("https://ror.org/")
    if not _ROR.fullmatch(text):
        raise MessageError(ROR_FORM())
    number = 0
    for char in text[1:7]:
        number = number * 32 + _CROCKFORD.index(char)
    if not mod_97_10.is_valid(f"{number}{text[7:]}"):
        raise MessageError(ROR_CHECK())
    return text
