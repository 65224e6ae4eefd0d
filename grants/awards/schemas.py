"""Request and response bodies of funding decisions and grants. Amounts are integers in the
minor unit of the agency's currency (JPY and VND have none)."""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from grants.common.schemas import Input, Integer, Output, examples
from grants.common.texts import Stored
from grants.money import MAX_AMOUNT
from grants.proposals.schemas import BudgetCategory
from messages import MessageError, define
from workflows.machines.grant import GrantState
from workflows.machines.proposal import ProposalState

Answer = Literal["approve", "reject"]
# A decision as the examples give it: JST approves its side, the equipment cut in year 1.
_APPROVAL = {
    "decision": "approve",
    "rationale": "Ranked first by the joint panel; the year 1 equipment is cut to the cap.",
    "budget": [
        {"year": 1, "category": "personnel", "amount": 6000000, "currency": "JPY"},
        {"year": 1, "category": "equipment", "amount": 2500000, "currency": "JPY"},
        {"year": 2, "category": "personnel", "amount": 6000000, "currency": "JPY"},
    ],
}
_REJECTION = {"decision": "reject", "rationale": "Below the funding line of the joint ranking."}

APPROVAL_NEEDS_BUDGET = define(
    "decision.budget.required", "An approval states the approved budget, line by line."
)
REJECTION_HAS_NO_BUDGET = define("decision.budget.on_rejection", "A rejection has no budget.")
TOTAL_TOO_LARGE = define(
    "decision.budget.total_too_large", "The approved budget's total is too large to store."
)


class ApprovedLineIn(Input):
    """One approved line: project year, category and amount (at most the amount requested)."""

    year: Integer = Field(ge=1, le=50)
    category: BudgetCategory
    amount: Integer = Field(ge=0, le=MAX_AMOUNT)
    currency: str = Field(min_length=3, max_length=3)


class DecisionData(Input):
    """Your agency's funding decision on its own side: `approve` with the approved budget (each
    line at most what was requested; a line left out is approved at zero) or `reject`; the
    rationale is kept on record and read by the consortium once the proposal is decided."""

    model_config = examples(_APPROVAL, _REJECTION)

    decision: Answer
    rationale: str = Field(min_length=1, max_length=4000)
    budget: list[ApprovedLineIn] = Field(default_factory=list, max_length=500)

    @field_validator("budget")
    @classmethod
    def _budget_matches(
        cls, value: list[ApprovedLineIn], info: ValidationInfo
    ) -> list[ApprovedLineIn]:
        decision = info.data.get("decision")
        if decision == "approve" and not value:
            raise MessageError(APPROVAL_NEEDS_BUDGET())
        if decision == "reject" and value:
            raise MessageError(REJECTION_HAS_NO_BUDGET())
        if sum(line.amount for line in value) > MAX_AMOUNT:
            raise MessageError(TOTAL_TOO_LARGE())
        return value


class DecisionCreate(DecisionData):
    """`agency` is the side you decide for (your own agency's code: nobody decides for another
    agency); `version` is the proposal's version you saw."""

    model_config = examples({"version": 9, "agency": "JST", **_APPROVAL})

    version: Integer = Field(ge=1)
    agency: str = Field(min_length=1, max_length=32)


class Amount(Output):
    amount: int
    currency: str


class ApprovedLine(Output):
    year: int
    category: BudgetCategory
    amount: int


class Officer(Output):
    id: uuid.UUID
    display_name: str


class Decision(Output):
    """One agency's decision. `decided_by` is null for the consortium, which reads the
    decision, never who made it."""

    id: uuid.UUID
    agency: str
    decision: Answer
    rationale: str
    budget: list[ApprovedLine]
    total: Amount | None
    decided_by: Officer | None
    decided_at: datetime.datetime


class DecisionOutcome(Output):
    """The decision recorded and what it did: the last approval awards the proposal (and
    `grant_id` names its grant), a rejection rejects it."""

    decision: Decision
    proposal_state: ProposalState
    proposal_version: int
    grant_id: uuid.UUID | None


class SideSummary(Output):
    agency: str
    number: str
    awarded: Amount


class Grant(Output):
    """A grant: the joint project runs from `start_date` up to, not including, `end_date`."""

    id: uuid.UUID
    version: int
    state: GrantState
    reference: str | None
    title: Stored
    call_id: uuid.UUID
    call_code: str
    proposal_id: uuid.UUID
    start_date: datetime.date
    end_date: datetime.date
    duration_years: int
    sides: list[SideSummary]


class YearAmount(Output):
    year: int
    amount: int


class Side(SideSummary):
    """One agency's side: its number, awarded total and approved grid (year × category)."""

    budget: list[ApprovedLine]
    totals_by_year: list[YearAmount]


class ConsortiumMember(Output):
    name: str
    role: Literal["pi", "co_investigator", "member"]
    orcid: str | None


class ConsortiumPart(Output):
    agency: str
    pi_user_id: uuid.UUID | None
    institution_ror: str | None
    institution_name: str | None
    members: list[ConsortiumMember]


class GrantLinks(Output):
    proposal: str
    documents: str
    reviews: str
    decisions: str
    tranches: str


class GrantDetail(Grant):
    """The grant with each side's grid, the consortium (the proposal's parts and teams) and
    links to the proposal, its documents, reviews and decisions, and the grant's tranches."""

    sides: list[Side]  # type: ignore[assignment]  # the detail's sides carry their grids
    consortium: list[ConsortiumPart]
    links: GrantLinks
