"""Request and response bodies of agencies, validated against ISO 3166 and ISO 4217."""

from __future__ import annotations

import datetime
import uuid

from pydantic import Field, field_validator

from grants.awards import numbers
from grants.common import codes
from grants.common.schemas import Input, Integer, Output
from grants.times import validate_time_zone


def _country(value: str | None) -> str | None:
    return codes.country(value) if value is not None else None


def _currency(value: str | None) -> str | None:
    return codes.currency(value) if value is not None else None


class _Validated(Input):
    @field_validator("country", check_fields=False)
    @classmethod
    def _check_country(cls, value: str | None) -> str | None:
        return _country(value)

    @field_validator("currency", check_fields=False)
    @classmethod
    def _check_currency(cls, value: str | None) -> str | None:
        return _currency(value)

    @field_validator("time_zone", check_fields=False)
    @classmethod
    def _check_zone(cls, value: str | None) -> str | None:
        return validate_time_zone(value) if value is not None else None

    @field_validator("grant_number_pattern", check_fields=False)
    @classmethod
    def _check_pattern(cls, value: str | None) -> str | None:
        return numbers.parse(value).text if value is not None else None


PATTERN_DOC = (
    "How the agency numbers its grants, e.g. `JPMJNX{yy}{seq:C2}`: `{agency}`, `{call}`, "
    "`{yyyy}`/`{yy}` (the agency's fiscal year the grant starts in), exactly one `{seq:Dn}` "
    "(n decimal digits) or `{seq:Cn}` (n base-36 characters); null: `{agency}-{yyyy}-{seq:D4}`."
)


THRESHOLD_DOC = (
    "A budget move of less than this percent of its source year's direct costs (every "
    "category but `indirect`) is recorded without the agency's approval."
)


class AgencyCreate(_Validated):
    code: str = Field(min_length=2, max_length=32, pattern=r"^[A-Z][A-Z0-9_-]*$")
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=2)
    currency: str = Field(min_length=3, max_length=3)
    fiscal_year_start_month: Integer = Field(ge=1, le=12)
    time_zone: str
    grant_number_pattern: str | None = Field(default=None, max_length=64, description=PATTERN_DOC)
    budget_move_threshold_percent: Integer = Field(
        default=10, ge=0, le=100, description=THRESHOLD_DOC
    )


class AgencyUpdate(_Validated):
    """All optional but `version`, the one the client saw."""

    version: Integer = Field(ge=1)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    currency: str | None = Field(default=None, min_length=3, max_length=3)
    fiscal_year_start_month: Integer | None = Field(default=None, ge=1, le=12)
    time_zone: str | None = None
    grant_number_pattern: str | None = Field(default=None, max_length=64, description=PATTERN_DOC)
    budget_move_threshold_percent: Integer | None = Field(
        default=None, ge=0, le=100, description=THRESHOLD_DOC
    )


class Agency(Output):
    id: uuid.UUID
    code: str
    name: str
    country: str
    currency: str
    fiscal_year_start_month: int
    time_zone: str
    grant_number_pattern: str | None
    budget_move_threshold_percent: int
    version: int
    created_at: datetime.datetime
    updated_at: datetime.datetime
