"""Request and response bodies of reviewer profiles, call service, conflicts, bids, exclusions."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal, get_args

from pydantic import EmailStr, Field, field_validator, model_validator

from grants.common import codes
from grants.common.schemas import Input, Integer, Output, examples
from grants.common.texts import Stored
from grants.db.models.reviews import ConflictStatus
from grants.partners import identifiers
from messages import MessageError
from workflows.machines.call_service import ServiceState

BidLevel = Literal["eager", "willing", "not_willing", "conflict"]
# Where a conflict of interest comes from (see grants/reviews/pool/conflicts.py).
ConflictSource = Literal[
    "same_institution",
    "consortium_member",
    "coauthor",
    "excluded_by_applicants",
    "declared_by_reviewer",
    "enterprise_partner",
]
CONFLICT_SOURCES: tuple[str, ...] = get_args(ConflictSource)
Keywords = list[str]


class _Codes(Input):
    """Validators of the standard codes a profile carries (ROR, ISO 3166, ORCID)."""

    @field_validator("institution_ror", check_fields=False)
    @classmethod
    def _ror(cls, value: str | None) -> str | None:
        return codes.ror(value) if value else None

    @field_validator("country", check_fields=False)
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return codes.country(value) if value is not None else None

    @field_validator("orcid", check_fields=False)
    @classmethod
    def _orcid(cls, value: str | None) -> str | None:
        return codes.orcid(value) if value else None

    @field_validator("pools", check_fields=False)
    @classmethod
    def _pools(cls, value: list[str] | None) -> list[str] | None:
        return sorted({code.strip().upper() for code in value}) if value is not None else None


class EnterpriseInterest(Input):
    """An enterprise the reviewer works for (`employee`) or holds an interest in (`interest`:
    shares, a board seat, consulting), by its national identifier (Japan's corporate number,
    Vietnam's enterprise/tax code, checked with its check digit): a proposal with that
    enterprise as a partner is conflicted for the reviewer."""

    model_config = examples(
        {
            "country": "JP",
            "identifier": "5-8356-7825-6246",
            "relation": "employee",
            "name": "Sakura Semiconductor Co., Ltd.",
        }
    )

    country: str = Field(min_length=2, max_length=2)
    identifier: str = Field(min_length=1, max_length=40)
    relation: Literal["employee", "interest"]
    name: str = Field(min_length=1, max_length=300)

    @model_validator(mode="after")
    def _checked(self) -> EnterpriseInterest:
        country = codes.country(self.country)
        compact, reason = identifiers.check_identifier(country, self.identifier)
        if reason is not None:
            raise MessageError(reason)
        self.country, self.identifier = country, str(compact)
        return self


Interests = list[EnterpriseInterest]


class ReviewerProfileCreate(_Codes):
    email: EmailStr
    expertise: str = Field(min_length=1, max_length=20_000)
    keywords: Keywords = Field(default_factory=list, max_length=50)
    institution_ror: str | None = None
    institution_name: str | None = Field(default=None, max_length=300)
    country: str
    orcid: str | None = None
    load_cap: Integer = Field(default=8, ge=0, le=50)
    pools: list[str] = Field(min_length=1, description="agency codes, e.g. JST")
    enterprise_interests: Interests = Field(default_factory=list, max_length=50)


class ReviewerProfileUpdate(_Codes):
    """All optional; `pools` replaces the reviewer's pools. `version` is the one seen."""

    version: Integer = Field(ge=1)
    expertise: str | None = Field(default=None, min_length=1, max_length=20_000)
    keywords: Keywords | None = Field(default=None, max_length=50)
    institution_ror: str | None = None
    institution_name: str | None = Field(default=None, max_length=300)
    country: str | None = None
    orcid: str | None = None
    load_cap: Integer | None = Field(default=None, ge=0, le=50)
    pools: list[str] | None = Field(default=None, min_length=1)
    enterprise_interests: Interests | None = Field(default=None, max_length=50)


class OwnProfileUpdate(_Codes):
    """What a reviewer edits on their own profile: expertise, keywords, host institution (ROR
    id and name), ORCID iD, country and declared enterprise interests (the list is replaced);
    a field left out (or null) stays as it is."""

    version: Integer = Field(ge=1)
    expertise: str | None = Field(default=None, min_length=1, max_length=20_000)
    keywords: Keywords | None = Field(default=None, max_length=50)
    institution_ror: str | None = None
    institution_name: str | None = Field(default=None, max_length=300)
    country: str | None = None
    orcid: str | None = None
    enterprise_interests: Interests | None = Field(default=None, max_length=50)


class ReviewerProfile(Output):
    user_id: uuid.UUID
    email: str
    display_name: str
    expertise: str
    keywords: list[str]
    institution_ror: str | None
    institution_name: str | None
    country: str
    orcid: str | None
    load_cap: int
    pools: list[str]
    enterprise_interests: list[dict[str, Any]]
    version: int


class ImportRow(_Codes):
    """One CSV row after splitting `keywords` and `pools` on `;`."""

    email: EmailStr
    name: str = Field(default="", max_length=200)
    expertise: str = Field(min_length=1, max_length=20_000)
    keywords: Keywords = Field(default_factory=list, max_length=50)
    institution_ror: str | None = None
    institution_name: str | None = Field(default=None, max_length=300)
    country: str
    orcid: str | None = None
    load_cap: int = Field(default=8, ge=0, le=50)
    pools: list[str] = Field(min_length=1)


class ImportResult(Output):
    profiles_created: int
    users_created: int


class ConflictDecision(Input):
    """Why an officer dismisses or waives a conflict of interest (kept on the record)."""

    model_config = examples({"reason": "Different departments; no joint work since 2015."})

    reason: str = Field(min_length=1, max_length=2000)


class Declaration(Input):
    reason: str = Field(min_length=1, max_length=2000)
    coauthor: bool = False


class ConflictView(Output):
    """A conflict of interest. `reason` is in the reader's language when detection gave it
    (`reason_code` and `reason_params` then say it as a message code), as written when a
    person did (both null)."""

    id: uuid.UUID
    proposal_id: uuid.UUID
    reviewer_id: uuid.UUID
    source: ConflictSource
    reason: str
    reason_code: str | None
    reason_params: dict[str, Any] | None
    status: ConflictStatus
    decided_by: uuid.UUID | None
    decision_reason: str | None
    decided_at: datetime.datetime | None
    created_at: datetime.datetime


class ConflictDetail(ConflictView):
    reviewer_email: str
    reviewer_name: str
    proposal_reference: str | None


class DetectionResult(Output):
    pairs_checked: int
    created: int
    unchanged: int
    kept_decided: int


class ServeInvite(Input):
    reviewer: uuid.UUID
    agency: str = Field(min_length=1, max_length=20)


class ServeDecline(Input):
    """Why the reviewer does not serve on the call."""

    model_config = examples({"reason": "On sabbatical until next April."})

    reason: str = Field(min_length=1, max_length=2000)


class CallService(Output):
    id: uuid.UUID
    call_id: uuid.UUID
    call_code: str
    reviewer_id: uuid.UUID
    agency_code: str
    state: ServiceState
    decline_reason: str | None
    version: int


class BidBody(Input):
    """How much the reviewer wants to review the proposal (`conflict` declares one)."""

    model_config = examples({"level": "eager"}, {"level": "conflict"})

    level: BidLevel


class BidView(Output):
    proposal_id: uuid.UUID
    reviewer_id: uuid.UUID
    level: BidLevel


class BiddableProposal(Output):
    """What a reviewer sees before assignment: no consortium names, no budgets."""

    id: uuid.UUID
    reference: str | None
    title: Stored
    abstract: Stored
    keywords: list[str]
    bid: BidLevel | None


class Exclusion(Input):
    name: str = Field(min_length=1, max_length=200)
    email: EmailStr | None = None
    orcid: str | None = None
    reason: str | None = Field(default=None, max_length=2000)

    @field_validator("orcid")
    @classmethod
    def _orcid(cls, value: str | None) -> str | None:
        return codes.orcid(value) if value else None


class ExclusionView(Output):
    name: str
    email: str | None
    orcid: str | None
    reason: str | None
