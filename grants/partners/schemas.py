"""Request and response bodies of enterprise partners and their contributions."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Literal

from pydantic import BeforeValidator, EmailStr, Field, StrictFloat, StrictInt, StrictStr

from grants.common.schemas import Input, Integer, Output, examples
from grants.proposals.schemas import _not_boolean

SizeClass = Literal["micro", "small", "medium", "large"]
ContributionKind = Literal["cash", "in_kind"]

# Read as any number or string so the service refuses a decimal naming its contribution (as a
# budget line's amount); the schema says what is accepted: an integer in minor units.
LooseAmount = Annotated[
    StrictInt | StrictFloat | StrictStr,
    BeforeValidator(_not_boolean),
    Field(
        description="In the partner's currency's minor unit (JPY and VND have none).",
        json_schema_extra={"type": "integer", "oneOf": None},
    ),
]


class ContributionIn(Input):
    """A commitment (before the award) or an actual contribution (a financial statement)."""

    model_config = examples({"year": 1, "kind": "cash", "amount": 3000000, "currency": "JPY"})

    year: Integer
    # A plain string: the service refuses an unknown kind naming its entry, with the others.
    kind: str = Field(max_length=10, json_schema_extra={"enum": ["cash", "in_kind"]})
    amount: LooseAmount
    currency: str = Field(max_length=3)


_PARTNER_EXAMPLE = {
    "legal_name": "株式会社サクラ半導体",
    "legal_name_en": "Sakura Semiconductor Co., Ltd.",
    "country": "JP",
    "identifier": "5-8356-7825-6246",
    "size_class": "medium",
    "contact_name": "Kenji Watanabe",
    "contact_email": "k.watanabe@sakura-semi.example.jp",
    "role": "Provides the 28 nm test chips and the packaging line for the prototypes.",
    "contributions": [
        {"year": 1, "kind": "cash", "amount": 2000000, "currency": "JPY"},
        {"year": 1, "kind": "in_kind", "amount": 1500000, "currency": "JPY"},
    ],
}


class PartnerCreate(Input):
    """An enterprise partner of the part. `identifier`: Japan's 13-digit corporate number or
    Vietnam's 10- or 13-digit enterprise/tax code, checked with its check digit. `currency`
    defaults to the country's; every contribution is in it. `letter_document_id`: a document
    of kind `letter_of_commitment` uploaded to this proposal (required at submission)."""

    model_config = examples(
        _PARTNER_EXAMPLE,
        {
            "legal_name": "Công ty Cổ phần Vi mạch Sông Hồng",
            "legal_name_en": "Song Hong Microchip JSC",
            "country": "VN",
            "identifier": "0100233488",
            "size_class": "small",
            "contact_name": "Nguyễn Thị Lan",
            "contact_email": "lan.nguyen@songhong-chip.example.vn",
            "role": "Hosts the edge-AI field trials in its Hanoi plant.",
            "contributions": [
                {"year": 1, "kind": "in_kind", "amount": 500000000, "currency": "VND"}
            ],
        },
    )

    legal_name: str = Field(min_length=1, max_length=300, description="in its own script")
    legal_name_en: str = Field(min_length=1, max_length=300)
    country: str = Field(min_length=2, max_length=2, description="ISO 3166 alpha-2: JP or VN")
    identifier: str = Field(min_length=1, max_length=40)
    size_class: SizeClass
    contact_name: str = Field(min_length=1, max_length=200)
    contact_email: EmailStr
    role: str = Field(min_length=1, max_length=2000)
    currency: str | None = Field(default=None, max_length=3, description="ISO 4217")
    letter_document_id: uuid.UUID | None = None
    contributions: list[ContributionIn] = Field(default_factory=list, max_length=200)


class PartnerUpdate(Input):
    """A JSON Merge Patch of a partner under its `version`: `contributions`, when sent, replace
    the whole list; `null` clears `letter_document_id`; the other fields cannot be cleared."""

    model_config = examples(
        {"version": 1, "letter_document_id": "01935f7e-0000-7000-8000-000000000001"},
        {"version": 2, "contributions": _PARTNER_EXAMPLE["contributions"]},
    )

    version: Integer = Field(ge=1)
    legal_name: str | None = Field(default=None, min_length=1, max_length=300)
    legal_name_en: str | None = Field(default=None, min_length=1, max_length=300)
    country: str | None = Field(default=None, min_length=2, max_length=2)
    identifier: str | None = Field(default=None, min_length=1, max_length=40)
    size_class: SizeClass | None = None
    contact_name: str | None = Field(default=None, min_length=1, max_length=200)
    contact_email: EmailStr | None = None
    role: str | None = Field(default=None, min_length=1, max_length=2000)
    currency: str | None = Field(default=None, max_length=3)
    letter_document_id: uuid.UUID | None = None
    contributions: list[ContributionIn] | None = Field(default=None, max_length=200)


class Contribution(Output):
    year: int
    kind: ContributionKind
    amount: int
    currency: str


class Partner(Output):
    """An enterprise partner; `contact_*` are null for an assigned reviewer."""

    id: uuid.UUID
    part_id: uuid.UUID
    agency: str
    version: int
    legal_name: str
    legal_name_en: str
    country: str
    identifier: str
    identifier_formatted: str
    size_class: SizeClass
    contact_name: str | None
    contact_email: str | None
    role: str
    currency: str
    letter_document_id: uuid.UUID | None
    contributions: list[Contribution]
    committed_total: int
    created_at: datetime.datetime


class Matching(Output):
    """The part's matching funds against its agency's rule in the call, in the agency's
    currency: its budget, what its partners commit (converted where needed), the share, the
    minimum and the shortfall; `unconverted` lists currencies without a recorded rate."""

    agency: str
    currency: str
    partner_required: bool
    min_matching_percent: int | None
    budget: int
    committed: int
    share_percent: int
    required: int
    shortfall: int
    unconverted: list[str]


class PartPartners(Output):
    """A part's partners and its matching funds."""

    part_id: uuid.UUID
    agency: str
    partners: list[Partner]
    matching: Matching
