"""Request and response bodies of a grant side's signed agreement and financial statements.
Amounts are integers in the minor unit of the side's currency (JPY and VND have none)."""

from __future__ import annotations

import datetime
import uuid

from pydantic import Field

from grants.awards.schemas import Amount
from grants.common.schemas import Input, Integer, Output, examples
from grants.money import MAX_AMOUNT
from grants.partners.schemas import LooseAmount
from grants.proposals.schemas import BudgetCategory


class Agreement(Output):
    """One stored version of a side's signed grant agreement; `content_type` was sniffed from
    the bytes."""

    id: uuid.UUID
    grant_id: uuid.UUID
    agency: str
    version: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: uuid.UUID
    created_at: datetime.datetime


class SpentLine(Input):
    """What was spent in one budget category during the project year."""

    category: BudgetCategory
    spent: Integer = Field(ge=0, le=MAX_AMOUNT)


class ActualContributionIn(Input):
    """What one of the side's enterprise partners actually contributed in the year, in cash or
    in kind, in the partner's currency."""

    model_config = examples(
        {
            "partner_id": "01935f7e-0000-7000-8000-000000000001",
            "kind": "cash",
            "amount": 1800000,
            "currency": "JPY",
        }
    )

    partner_id: uuid.UUID
    kind: str = Field(max_length=10, json_schema_extra={"enum": ["cash", "in_kind"]})
    amount: LooseAmount
    currency: str = Field(max_length=3)


class StatementData(Input):
    """What the side spent in the project year, per budget category (each category at most
    once; a category left out spent nothing), in the side's currency; and what its enterprise
    partners actually contributed (each partner and kind at most once), in their currencies."""

    model_config = examples(
        {
            "lines": [
                {"category": "personnel", "spent": 4800000},
                {"category": "indirect", "spent": 1440000},
            ]
        },
        {
            "lines": [{"category": "personnel", "spent": 4800000}],
            "contributions": [
                {
                    "partner_id": "01935f7e-0000-7000-8000-000000000001",
                    "kind": "cash",
                    "amount": 1800000,
                    "currency": "JPY",
                }
            ],
        },
        {"lines": []},
    )

    lines: list[SpentLine] = Field(max_length=6)
    contributions: list[ActualContributionIn] = Field(default_factory=list, max_length=200)


class SpentAgainstBudget(Output):
    """The year's approved `budget`, what was `spent` and the `variance` (spent minus budget:
    negative when under budget, positive when over)."""

    budget: Amount
    spent: Amount
    variance: Amount


class StatementLine(SpentAgainstBudget):
    category: BudgetCategory


class PartnerYear(Output):
    """One enterprise partner of the side in the statement's year: what it committed and what
    the statement reports it actually contributed, in cash and in kind, in its currency."""

    partner_id: uuid.UUID
    legal_name_en: str
    committed_cash: Amount
    committed_in_kind: Amount
    actual_cash: Amount
    actual_in_kind: Amount


class Statement(Output):
    """Version `version` of a side's financial statement for project year `year`: each
    category budgeted or spent, against the year's approved budget, and the totals. `fixed`:
    a tranche it supports is approved, so it can no longer be corrected."""

    id: uuid.UUID
    grant_id: uuid.UUID
    agency: str
    year: int
    version: int
    submitted_by: uuid.UUID
    submitted_at: datetime.datetime
    fixed: bool
    lines: list[StatementLine]
    total: SpentAgainstBudget
    contributions: list[PartnerYear]
