"""Request and response bodies of calls; errors name the field path (`agencies[1].cap_total`)."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    field_validator,
    model_validator,
)

from grants.calls.problems import partial_consistency
from grants.common.partial import valid_fields, with_errors
from grants.common.schemas import Input, Integer, Output
from grants.common.texts import (
    MultilingualText,
    MultilingualTextPatch,
    MultilingualTitle,
    MultilingualTitlePatch,
    Stored,
)
from grants.money import MAX_AMOUNT
from grants.times import ensure_utc
from messages import MessageError, define
from workflows.machines.call import CallState

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{2,39}$"
MIME_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
)


NOT_WHOLE = define(
    "call.amount.not_whole",
    "an amount is a whole number of minor units (JPY and VND have none), not {kind} {value}",
)
UNKNOWN_TYPES = define(
    "call.document_kinds.unknown_types", "unknown types {unknown}; allowed: {allowed}"
)
REQUIRED = define(
    "call.patch.cannot_clear", "required: it cannot be cleared (leave it out to keep it)"
)


def _whole_minor_units(value: object) -> object:
    # A float or a numeric string is refused, not rounded: JPY and VND have no minor unit.
    if isinstance(value, bool) or not isinstance(value, int):
        raise MessageError(NOT_WHOLE(kind=type(value).__name__, value=repr(value)))
    return value


Amount = Annotated[int, BeforeValidator(_whole_minor_units), Field(gt=0, le=MAX_AMOUNT)]
Instant = Annotated[AwareDatetime, AfterValidator(ensure_utc)]
StrictCount = Integer


class Criterion(Input):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str = Field(min_length=1, max_length=200)
    weight: StrictCount = Field(ge=1, le=100)
    scale_min: StrictCount = Field(ge=0, le=100)
    scale_max: StrictCount = Field(ge=1, le=100)


class DocumentKind(Input):
    kind: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    label: str = Field(min_length=1, max_length=200)
    required: bool = False
    max_bytes: StrictCount = Field(ge=1, le=5 * 1024**3)
    allowed_types: list[str] = Field(min_length=1)

    @field_validator("allowed_types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        unknown = [t for t in value if t not in MIME_TYPES]
        if unknown:
            raise MessageError(UNKNOWN_TYPES(unknown=unknown, allowed=sorted(MIME_TYPES)))
        return value


class AgencyTermsInput(Input):
    """One co-funding agency's terms; amounts in that agency's currency (minor units)."""

    agency: str = Field(min_length=2, max_length=32)
    currency: str | None = Field(default=None, description="if given, the agency's own")
    cap_per_year: Amount | None = None
    cap_total: Amount | None = None
    envelope: Amount | None = None
    max_indirect_percent: StrictCount = Field(default=30, ge=0, le=100)
    pi_once_per_call: bool = True
    share_percent: StrictCount | None = Field(default=None, ge=1, le=99)
    partner_required: bool = Field(
        default=False, description="at least one enterprise partner on this agency's part"
    )
    min_matching_percent: StrictCount | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="matching funds: the partners' committed contributions (cash and in kind) "
        "as a minimum percentage of the part's budget",
    )
    members_abroad_allowed: bool = Field(
        default=False,
        description="this agency's part may list members whose host institution is abroad",
    )


CofundingMode = Literal["own_side", "shared"]
ReviewMode = Literal["parallel", "joint"]
Duration = Annotated[Integer, Field(ge=1, le=20)]


class CallCreate(Input):
    code: str = Field(pattern=CODE_PATTERN)
    title: MultilingualTitle
    description: MultilingualText
    topics: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(min_length=1)
    opens_at: Instant
    closes_at: Instant
    durations: list[Duration] = Field(min_length=1)
    cofunding_mode: CofundingMode = "own_side"
    review_mode: ReviewMode = "parallel"
    reviewers_per_proposal: StrictCount = Field(default=3, ge=1, le=20)
    min_reviewers_per_country: StrictCount = Field(default=0, ge=0, le=20)
    review_deadline: Instant | None = None
    rubric: list[Criterion] = Field(default_factory=list)
    document_kinds: list[DocumentKind] = Field(default_factory=list)
    agencies: list[AgencyTermsInput] = Field(min_length=1)

    @model_validator(mode="wrap")
    @classmethod
    def _every_problem(
        cls, data: Any, handler: ModelWrapValidatorHandler[CallCreate]
    ) -> CallCreate:
        # Field errors stop Pydantic before the set-up's contradictions (checked again by the
        # service when every field is valid): add those among the valid fields, so one answer
        # lists every problem.
        try:
            return handler(data)
        except ValidationError as exc:
            values = valid_fields(cls, data, exc)
            if values is None:
                raise
            raise with_errors(exc, partial_consistency(values)) from None


SETTINGS = (
    "title",
    "description",
    "topics",
    "opens_at",
    "closes_at",
    "durations",
    "cofunding_mode",
    "review_mode",
    "reviewers_per_proposal",
    "min_reviewers_per_country",
    "review_deadline",
    "rubric",
    "document_kinds",
)
"""The call's own fields a client sets (its agencies' terms are separate rows)."""

# A PATCH is a JSON Merge Patch (RFC 7396): `null` clears a field, so it is refused for every
# required one (REQUIRED); only review_deadline may be cleared (and languages of the texts but
# `en`).
_KEPT_UNLESS_GIVEN = (*(name for name in SETTINGS if name != "review_deadline"), "agencies")


class CallUpdate(Input):
    """A merge patch: every field optional but `version`, the one the client saw; `title` and
    `description` merge by language; `agencies` replaces the list (see services.update_call)."""

    version: Integer = Field(ge=1)
    title: MultilingualTitlePatch | None = None
    description: MultilingualTextPatch | None = None
    topics: list[Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(
        default=None, min_length=1
    )
    opens_at: Instant | None = None
    closes_at: Instant | None = None
    durations: list[Duration] | None = Field(default=None, min_length=1)
    cofunding_mode: CofundingMode | None = None
    review_mode: ReviewMode | None = None
    reviewers_per_proposal: StrictCount | None = Field(default=None, ge=1, le=20)
    min_reviewers_per_country: StrictCount | None = Field(default=None, ge=0, le=20)
    review_deadline: Instant | None = None
    rubric: list[Criterion] | None = None
    document_kinds: list[DocumentKind] | None = None
    agencies: list[AgencyTermsInput] | None = Field(default=None, min_length=1)

    @field_validator(*_KEPT_UNLESS_GIVEN, mode="before")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Only `review_deadline` may be cleared; the others are required by the call.
        if value is None:
            raise MessageError(REQUIRED())
        return value


class LocalTime(Output):
    agency: str
    time_zone: str
    text: str


class AgencyTerms(Output):
    agency: str
    agency_name: str
    country: str
    currency: str
    cap_per_year: int | None
    cap_per_year_text: str | None
    cap_total: int | None
    cap_total_text: str | None
    envelope: int | None
    envelope_text: str | None
    max_indirect_percent: int
    pi_once_per_call: bool
    share_percent: int | None
    partner_required: bool
    min_matching_percent: int | None
    members_abroad_allowed: bool


class Call(Output):
    id: uuid.UUID
    code: str
    title: Stored
    topics: list[str]
    state: CallState
    opens_at: datetime.datetime
    closes_at: datetime.datetime
    durations: list[int]
    cofunding_mode: CofundingMode
    review_mode: ReviewMode
    agency_codes: list[str]
    version: int
    created_at: datetime.datetime


class CallDetail(Call):
    description: Stored
    reviewers_per_proposal: int
    min_reviewers_per_country: int
    review_deadline: datetime.datetime | None
    rubric: list[dict[str, Any]]
    document_kinds: list[dict[str, Any]]
    agencies: list[AgencyTerms]
    opens_at_local: list[LocalTime]
    closes_at_local: list[LocalTime]
