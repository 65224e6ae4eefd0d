"""Request and response bodies of amendments. Amounts are integers in the minor unit of the
side's currency (JPY and VND have none: an amount with decimals is refused)."""

from __future__ import annotations

import datetime
import uuid
from typing import Literal

from pydantic import Field, model_validator

from grants.awards.schemas import Amount
from grants.common.schemas import Input, Integer, Output, examples
from grants.money import MAX_AMOUNT
from grants.proposals.schemas import BudgetCategory
from messages import MessageError, define
from workflows.machines.amendment import AmendmentState

Kind = Literal["budget_move", "no_cost_extension"]
Answer = Literal["approve", "reject"]

MOVE_NEEDS = define(
    "amendment.create.move_fields",
    "A budget move names its side's `agency` and at least one move, and no `end_date`.",
)
EXTENSION_NEEDS = define(
    "amendment.create.extension_fields",
    "A no-cost extension names its `end_date`, and no `agency` nor moves.",
)
REJECTION_CARRIES = define(
    "amendment.decide.rejection_values",
    "A rejection carries no approved amounts nor end date.",
)

_MOVE = {
    "kind": "budget_move",
    "agency": "JST",
    "reason": "A second-hand prober is cheaper; the saving pays a student in year 2.",
    "moves": [
        {
            "from_year": 1,
            "from_category": "personnel",
            "to_year": 2,
            "to_category": "personnel",
            "amount": 1000000,
        }
    ],
}
_EXTENSION = {
    "kind": "no_cost_extension",
    "reason": "The partner's cleanroom closed for four months.",
    "end_date": "2030-10-01",
}


class MoveIn(Input):
    """Move `amount` from the side's line (`from_year`, `from_category`) to (`to_year`,
    `to_category`); a line not in the grid holds zero."""

    from_year: Integer = Field(ge=1, le=50)
    from_category: BudgetCategory
    to_year: Integer = Field(ge=1, le=50)
    to_category: BudgetCategory
    amount: Integer = Field(ge=1, le=MAX_AMOUNT)


class AmendmentCreate(Input):
    """A PI's request. `budget_move`: `agency` names the side (yours), `moves` its moves
    (the side's total never changes). `no_cost_extension`: the project's new `end_date`
    (exclusive, like the grant's), later than the current by 1 to 12 whole months."""

    model_config = examples(_MOVE, _EXTENSION)

    kind: Kind
    reason: str = Field(min_length=1, max_length=4000)
    agency: str | None = Field(default=None, min_length=2, max_length=32)
    moves: list[MoveIn] = Field(default_factory=list, max_length=50)
    end_date: datetime.date | None = None

    @model_validator(mode="after")
    def _fields_of_kind(self) -> AmendmentCreate:
        if self.kind == "budget_move" and (self.agency is None or not self.moves or self.end_date):
            raise MessageError(MOVE_NEEDS())
        if self.kind == "no_cost_extension" and (
            self.end_date is None or self.agency is not None or self.moves
        ):
            raise MessageError(EXTENSION_NEEDS())
        return self


class DecideData(Input):
    """Your agency's answer. An approval may approve less than proposed: `amounts` (one per
    move, in order, each at most the proposed; the proposed when left out) for a budget move,
    `end_date` (at most the proposed, still whole months later than the current end) for an
    extension. A rejection carries neither."""

    model_config = examples(
        {"decision": "approve", "rationale": "Justified by the year 1 report."},
        {"decision": "approve", "rationale": "Half is enough.", "amounts": [500000]},
        {"decision": "approve", "rationale": "Three months suffice.", "end_date": "2030-07-01"},
        {"decision": "reject", "rationale": "The work plan does not need it."},
    )

    decision: Answer
    rationale: str = Field(min_length=1, max_length=4000)
    amounts: list[Integer] | None = Field(default=None, max_length=50)
    end_date: datetime.date | None = None

    @model_validator(mode="after")
    def _rejection_plain(self) -> DecideData:
        if self.decision == "reject" and (self.amounts is not None or self.end_date):
            raise MessageError(REJECTION_CARRIES())
        return self


class Move(Output):
    """One move: from a line to a line, the amount proposed and (once decided) approved."""

    from_year: int
    from_category: BudgetCategory
    to_year: int
    to_category: BudgetCategory
    proposed: Amount
    approved: Amount | None


class AgencyAnswer(Output):
    """One deciding agency's answer; `officer_id` is null for the consortium."""

    agency: str
    decision: Answer
    rationale: str | None
    end_date: datetime.date | None
    officer_id: uuid.UUID | None
    answered_at: datetime.datetime


class Amendment(Output):
    """An amendment with what was proposed and what was approved. `agency` is a budget move's
    side; the end dates are an extension's (`previous_end_date`: the grant's end when it was
    requested)."""

    id: uuid.UUID
    version: int
    grant_id: uuid.UUID
    kind: Kind
    state: AmendmentState
    agency: str | None
    reason: str
    requested_by: uuid.UUID
    requested_at: datetime.datetime
    moves: list[Move]
    previous_end_date: datetime.date | None
    proposed_end_date: datetime.date | None
    approved_end_date: datetime.date | None
    answers: list[AgencyAnswer]
