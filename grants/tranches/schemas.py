"""Request and response bodies of tranches. Amounts are integers in the minor unit of the
agency's currency (JPY and VND have none)."""

from __future__ import annotations

import datetime
import uuid

from pydantic import Field

from grants.awards.schemas import Amount
from grants.common.schemas import Input, Integer, Output, examples
from grants.money import MAX_AMOUNT
from workflows.machines.tranche import TrancheState


class RequestData(Input):
    """A tranche's request by the PI of its side: `amount` is what you ask for, at most the
    planned amount (the planned amount when left out)."""

    model_config = examples({}, {"amount": 7000000})

    amount: Integer | None = Field(default=None, ge=0, le=MAX_AMOUNT)


class ApproveData(Input):
    """An officer's approval: `amount` at most what was requested (the requested amount when
    left out)."""

    model_config = examples({}, {"amount": 6500000})

    amount: Integer | None = Field(default=None, ge=0, le=MAX_AMOUNT)


class CommentData(Input):
    """Why the request goes back to the PI, or why the payment is withheld; the PI reads it."""

    model_config = examples({"comment": "The year 1 progress report lacks the partner's part."})

    comment: str = Field(min_length=1, max_length=4000)


class DisburseData(Input):
    """The payment made: `amount` at most the approved amount, the bank's or treasury's
    `payment_reference` and the day it was paid (`paid_on`)."""

    model_config = examples(
        {"amount": 6500000, "payment_reference": "JST-2028-04-0117", "paid_on": "2028-04-25"}
    )

    amount: Integer = Field(ge=0, le=MAX_AMOUNT)
    payment_reference: str = Field(min_length=1, max_length=100)
    paid_on: datetime.date


class Step(Output):
    """One step of the tranche's history: the amount, who (null for the consortium when an
    officer acted) and when."""

    amount: Amount
    by: uuid.UUID | None
    at: datetime.datetime


class Disbursement(Step):
    payment_reference: str
    paid_on: datetime.date


class Tranche(Output):
    """One agency's payment for one fiscal year of the grant (`label`, e.g. FY2027): due on
    `due_date` (the project's start, then each fiscal year's first day), paying the project
    days `first_day`..`last_day`."""

    id: uuid.UUID
    version: int
    grant_id: uuid.UUID
    agency: str
    position: int
    label: str
    fiscal_year: int
    due_date: datetime.date
    first_day: datetime.date
    last_day: datetime.date
    state: TrancheState
    planned: Amount
    requested: Step | None
    approved: Step | None
    disbursed: Disbursement | None
    comment: str | None
