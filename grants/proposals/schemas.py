"""Request and response bodies of proposals, their parts, team members, budgets and invitations."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Literal

from pydantic import (
    BeforeValidator,
    EmailStr,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
)

from grants.common import codes
from grants.common.schemas import Input, Integer, Output, examples
from grants.common.texts import (
    MultilingualText,
    MultilingualTextPatch,
    MultilingualTitle,
    MultilingualTitlePatch,
    Stored,
)
from grants.db.models.proposals import BUDGET_CATEGORIES
from messages import MessageError, define
from workflows.machines.proposal import ProposalState

AMOUNT_NOT_BOOLEAN = define(
    "budget.line.amount_not_boolean", "an amount is a whole number, not true or false"
)


def _not_boolean(value: object) -> object:
    if isinstance(value, bool):
        raise MessageError(AMOUNT_NOT_BOOLEAN())
    return value


Keyword = Annotated[str, Field(min_length=1, max_length=100)]
# The values of BUDGET_CATEGORIES (the table's CHECK), spelled out for the schema's enum.
BudgetCategory = Literal["personnel", "equipment", "consumables", "travel", "other", "indirect"]
MemberRole = Literal["pi", "co_investigator", "member"]
InvitationRole = Literal["pi", "co_investigator"]


class ProposalCreate(Input):
    """A draft in an open call; the caller becomes PI of the part of their host institution's
    country (`host_country`, else their account's country): a Vietnamese scientist at a
    Japanese university is the JST side's PI."""

    model_config = examples(
        {
            "call_id": "0193a6c4-7d2e-7b8a-9f3e-2c5d8e1a4b60",
            "title": {
                "en": "Chiplet interconnects for edge-AI accelerators",
                "ja": "エッジAIアクセラレータのためのチップレット相互接続",
                "vi": "Kết nối chiplet cho bộ tăng tốc AI biên",
            },
            "abstract": {"en": "We co-design chiplet links and advanced packaging for the edge."},
            "keywords": ["chiplet", "interconnect", "edge AI"],
            "topic": "advanced packaging",
            "duration_years": 3,
            "planned_start": "2027-04-01",
        }
    )

    call_id: uuid.UUID
    title: MultilingualTitle
    abstract: MultilingualText | None = None
    keywords: list[Keyword] = Field(default_factory=list, max_length=20)
    topic: str = Field(min_length=1, max_length=100)
    duration_years: Integer = Field(ge=1, le=50)
    planned_start: datetime.date
    host_country: str | None = Field(
        default=None,
        description="ISO 3166 alpha-2 country of the caller's host institution: decides the "
        "side they lead (their account's country when left out)",
    )

    @field_validator("host_country")
    @classmethod
    def _host_country(cls, value: str | None) -> str | None:
        return codes.country(value) if value is not None else None


class ProposalUpdate(Input):
    """A JSON Merge Patch of the shared fields; `version` is the one the client saw. `title`
    and `abstract` merge per language; `null` clears `abstract` and `keywords`."""

    model_config = examples(
        {
            "version": 4,
            "title": {"vi": "Kết nối chiplet cho bộ tăng tốc AI biên"},
            "keywords": ["chiplet", "interconnect", "edge AI", "EDA"],
        }
    )

    version: Integer = Field(ge=1)
    title: MultilingualTitlePatch | None = None
    abstract: MultilingualTextPatch | None = None
    keywords: list[Keyword] | None = Field(default=None, max_length=20)
    topic: str | None = Field(default=None, min_length=1, max_length=100)
    duration_years: Integer | None = Field(default=None, ge=1, le=50)
    planned_start: datetime.date | None = None


class PartUpdate(Input):
    """A JSON Merge Patch of the part's host institution (`null` clears a field)."""

    model_config = examples(
        {"version": 1, "institution_ror": "04wxnsj81"},
        {"version": 2, "institution_name": "Vietnam National University, Hanoi"},
    )

    version: Integer = Field(ge=1)
    institution_ror: str | None = None
    institution_name: str | None = Field(default=None, max_length=300)

    @field_validator("institution_ror")
    @classmethod
    def _ror(cls, value: str | None) -> str | None:
        return codes.ror(value) if value else None


class _Person(Input):
    @field_validator("orcid", check_fields=False)
    @classmethod
    def _orcid(cls, value: str | None) -> str | None:
        return codes.orcid(value) if value else None

    @field_validator("based_in", check_fields=False)
    @classmethod
    def _based_in(cls, value: str | None) -> str | None:
        return codes.country(value) if value is not None else None


class MemberCreate(_Person):
    """A team member of the part; a `co_investigator` is invited by mail to join."""

    model_config = examples(
        {
            "name": "Aiko Suzuki",
            "email": "aiko.suzuki@tohoku.ac.jp",
            "orcid": "0000-0002-1825-0097",
            "erad_number": "12345678",
        },
        {"name": "Trần Văn Nam", "email": "nam.tran@hust.edu.vn", "role": "co_investigator"},
    )

    name: str = Field(min_length=1, max_length=200)
    email: EmailStr
    orcid: str | None = None
    erad_number: str | None = Field(default=None, pattern=r"^[0-9]{8}$")
    role: Literal["member", "co_investigator"] = "member"
    based_in: str | None = Field(
        default=None,
        description="ISO 3166 alpha-2 country of the member's host institution when it is not "
        "the part's agency's (a scientist abroad, where the call's agency terms allow it)",
    )


class MemberUpdate(_Person):
    """A JSON Merge Patch of a member: `null` clears `orcid` or `erad_number`; `name`, `email`
    and `role` cannot be cleared."""

    version: Integer = Field(ge=1)
    name: str | None = Field(default=None, min_length=1, max_length=200)
    email: EmailStr | None = None
    orcid: str | None = None
    erad_number: str | None = Field(default=None, pattern=r"^[0-9]{8}$")
    role: Literal["member", "co_investigator"] | None = None
    based_in: str | None = None


class BudgetLineIn(Input):
    """`amount` is checked by the service, so a decimal is refused naming its line; a boolean
    is refused here (Litestar's lax validation would read `true` as 1)."""

    model_config = examples(
        {"year": 1, "category": "personnel", "amount": 6000000, "currency": "JPY"}
    )

    year: Integer
    # A plain string here: the service refuses an unknown category naming its line, together
    # with the other lines' errors; the schema still shows the enum.
    category: str = Field(max_length=20, json_schema_extra={"enum": list(BUDGET_CATEGORIES)})
    # Read as any number or string so the service refuses a decimal naming its line; the
    # schema says what is accepted: an integer (Litestar would render `oneOf` integer, number,
    # string, which no integer satisfies, being both an integer and a number).
    amount: Annotated[StrictInt | StrictFloat | StrictStr, BeforeValidator(_not_boolean)] = Field(
        description="In the currency's minor unit (JPY and VND have none).",
        json_schema_extra={"type": "integer", "oneOf": None},
    )
    currency: str = Field(max_length=3)


class BudgetReplace(Input):
    """The whole new budget; `version` is the part's version the client saw."""

    model_config = examples(
        {
            "version": 2,
            "lines": [
                {"year": year, "category": category, "amount": amount, "currency": "JPY"}
                for year in (1, 2, 3)
                for category, amount in (("personnel", 6000000), ("indirect", 1800000))
            ],
        }
    )

    version: Integer = Field(ge=1)
    lines: list[BudgetLineIn] = Field(max_length=500)


class InvitationCreate(Input):
    """Invite the counterpart PI of the part of `agency` (by the agency's code)."""

    model_config = examples({"agency": "NAFOSTED", "email": "minh.nguyen@hust.edu.vn"})

    # An agency's code as agencies are created (`AgencyCreate.code`), so the schema refuses a
    # blank one that the server would strip to nothing.
    agency: str = Field(min_length=2, max_length=32, pattern=r"^[A-Z][A-Z0-9_-]*$")
    email: EmailStr


class Member(Output):
    """`user_id` stays null until the person accepted their invitation (co-investigators)."""

    id: uuid.UUID
    version: int
    user_id: uuid.UUID | None
    role: MemberRole
    name: str
    email: str
    orcid: str | None
    erad_number: str | None
    based_in: str | None = Field(description="the host institution's country when abroad")
    abroad: bool = Field(description="based in another country than the part's agency's")


class BudgetLine(Output):
    year: int
    category: BudgetCategory
    amount: int
    currency: str


class YearTotal(Output):
    year: int
    amount: int


class Budget(Output):
    """A part's budget with totals; `warnings` lists what the submit guard would refuse, in the
    reader's language (the submit refusal carries each one's code and parameters);
    `version` is the part's (a budget is replaced as a whole, under the part's version)."""

    version: int
    currency: str
    lines: list[BudgetLine]
    totals_by_year: list[YearTotal]
    total: int
    warnings: list[str]


class Part(Output):
    id: uuid.UUID
    version: int
    agency_id: uuid.UUID
    agency_code: str
    country: str
    currency: str
    position: int
    pi_user_id: uuid.UUID | None
    institution_ror: str | None
    institution_name: str | None
    members: list[Member]
    budget: Budget


class DocumentSummary(Output):
    id: uuid.UUID
    kind: str
    version: int
    latest: bool
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: uuid.UUID
    uploaded_at: datetime.datetime


class DuplicateFunding(Output):
    person: str
    other_proposal: str | None
    overlap_years: list[int]


class Proposal(Output):
    id: uuid.UUID
    call_id: uuid.UUID
    reference: str | None
    number: int | None
    state: ProposalState
    version: int
    title: Stored
    abstract: Stored
    keywords: list[str]
    topic: str
    duration_years: int
    planned_start: datetime.date
    submitted_at: datetime.datetime | None
    eligibility_reason: str | None
    created_at: datetime.datetime


class ProposalDetail(Proposal):
    """The whole proposal; `duplicate_funding` is shown to oversight roles only (else null)."""

    call_code: str
    parts: list[Part]
    documents: list[DocumentSummary]
    duplicate_funding: list[DuplicateFunding] | None = None


class Invitation(Output):
    """`role`: `pi` (the counterpart PI of a part) or `co_investigator` (a listed member)."""

    id: uuid.UUID
    proposal_id: uuid.UUID
    proposal_title: str
    call_code: str
    agency: str
    role: InvitationRole
    email: str
    expires_at: datetime.datetime
    accepted_at: datetime.datetime | None
