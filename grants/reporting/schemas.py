"""Response bodies of the money views. Amounts are integers in the minor unit of their
currency; a converted amount always travels with the rate that converted it."""

from __future__ import annotations

import datetime
import uuid

from pydantic import Field

from grants.awards.schemas import Amount, ApprovedLine, YearAmount
from grants.calls.schemas import CofundingMode
from grants.common.problems import Reason
from grants.common.schemas import Output
from workflows.machines.grant import GrantState
from workflows.machines.tranche import TrancheState


class RateUsed(Output):
    """The recorded rate a figure was converted with: on `rate_date`, 1 `base` bought `rate`
    `quote` according to `source`; `inverse` when only that pair was recorded and the amount
    was divided by it (its currencies are then the other way round from the conversion)."""

    rate: str = Field(examples=["0.0067"])
    rate_date: datetime.date
    base: str
    quote: str
    source: str
    inverse: bool


class MoneyFigures(Output):
    """An agency's money in one currency. `remaining` = `envelope` − `committed` (null without
    an envelope)."""

    envelope: Amount | None
    committed: Amount
    requested: Amount
    approved_not_disbursed: Amount
    disbursed: Amount
    remaining: Amount | None


class Converted(Output):
    """The same figures in the reporting currency, each rounded half to even to its minor
    unit, with the rate used; `figures` null and `reason` set when no rate was recorded on or
    before the day (never a guess). In the agency's own currency `rate` is null."""

    figures: MoneyFigures | None
    rate: RateUsed | None
    reason: Reason | None


class EnterpriseMoney(Output):
    """Enterprise partners' contributions beside an agency's funding, in the agency's currency:
    `funding` (the agency's awarded totals), what the partners on its sides `committed` and
    `actual`ly contributed (the latest financial statement of each year), converted with the
    latest rate on or before the day where a partner contributes in another currency
    (`unconverted` lists currencies without a rate: their amounts are left out). `leverage` =
    committed ÷ funding, `actual_leverage` = actual ÷ funding, 4 decimals (null without
    funding). Partners never receive agency money."""

    funding: Amount
    committed: Amount
    actual: Amount
    leverage: str | None = Field(examples=["0.2500"])
    actual_leverage: str | None = Field(examples=["0.1000"])
    unconverted: list[str]


class AgencyMoney(Output):
    """One co-funding agency's money in the call: in its own currency, and converted; its
    enterprise partners' contributions beside it."""

    agency: str
    currency: str
    share_percent: int | None
    figures: MoneyFigures
    converted: Converted | None = Field(description="Null when no reporting currency is asked.")
    enterprise: EnterpriseMoney


class Consolidated(Output):
    """Every agency's converted figures added up; `figures` null (with every agency's reason)
    when one agency's figures could not be converted."""

    currency: str
    figures: MoneyFigures | None
    reasons: list[Reason]


class CallMoney(Output):
    """A call's money per co-funding agency on `as_of` (the day the rates are read for)."""

    call_id: uuid.UUID
    call_code: str
    cofunding_mode: CofundingMode
    as_of: datetime.date
    grants: int
    agencies: list[AgencyMoney]
    consolidated: Consolidated | None = Field(
        description="Null when no reporting currency is asked."
    )


class ScheduledTranche(Output):
    """A tranche of the schedule with its state and its amounts so far."""

    id: uuid.UUID
    position: int
    label: str
    fiscal_year: int
    due_date: datetime.date
    state: TrancheState
    planned: Amount
    requested: Amount | None
    approved: Amount | None
    disbursed: Amount | None
    paid_on: datetime.date | None


class SideShare(Output):
    """A `shared`-mode side's part of the one budget: its percentage of `joint_total` and the
    recorded rate its part was converted with once at the award (null in the joint budget's
    own currency)."""

    percent: int
    joint_total: Amount
    rate: RateUsed | None


class SideMoney(Output):
    """One agency's side of the grant: the approved grid, the awarded total, the schedule,
    what was paid and what is due next (the earliest tranche not yet paid nor withheld; null
    once every tranche is settled)."""

    agency: str
    number: str
    currency: str
    awarded: Amount
    budget: list[ApprovedLine]
    totals_by_year: list[YearAmount]
    tranches: list[ScheduledTranche]
    disbursed: Amount
    next_due: ScheduledTranche | None
    share: SideShare | None = Field(description="Null in `own_side` co-funding mode.")


class GrantMoney(Output):
    grant_id: uuid.UUID
    state: GrantState
    start_date: datetime.date
    end_date: datetime.date
    sides: list[SideMoney]
