"""The export filters as a caller gives them (codes and dates), checked and resolved to ids."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Call, CallAgency
from grants.errors import INVALID_FIELDS, FieldError, Invalid
from grants.exports.dataset import Bounds, Dataset
from grants.security import policy
from grants.security.enforce import require
from grants.security.policy import ExportScope
from messages import define

UNKNOWN_CALL = define("export.filter.unknown_call", "There is no call with the code {call}.")
UNKNOWN_AGENCY = define(
    "export.filter.unknown_agency", "There is no agency with the code {agency}."
)
NOT_APPLICABLE = define(
    "export.filter.not_applicable",
    "The dataset {dataset} cannot be filtered by {filter}; it takes {filters}.",
)
SINCE_AFTER_UNTIL = define(
    "export.filter.since_after_until", "The end date {until} is before the start date {since}."
)


@dataclass(frozen=True, slots=True)
class Filters:
    """`call` (a call code), `agency` (an agency code), `since`/`until` (inclusive dates, in
    UTC for the datasets whose natural date is an instant)."""

    call: str | None = None
    agency: str | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None

    def for_dataset(self, dataset: Dataset) -> Filters:
        """These filters without those `dataset` does not take (to apply one set to all)."""
        dropped = {n: None for n in ("call", "agency") if n not in dataset.filters}
        return replace(self, **dropped)

    def as_json(self) -> dict[str, str]:
        """The filters given, for the audit event."""
        given = {"call": self.call, "agency": self.agency, "since": self.since, "until": self.until}
        return {k: str(v) for k, v in given.items() if v is not None}


def check_dates(filters: Filters) -> None:
    """Raises Invalid naming `until` when it is before `since`."""
    if filters.since and filters.until and filters.until < filters.since:
        reason = SINCE_AFTER_UNTIL(since=filters.since.isoformat(), until=filters.until.isoformat())
        raise Invalid(INVALID_FIELDS(), errors=[FieldError("until", reason)])


def check_applicable(filters: Filters, dataset: Dataset) -> None:
    """Raises Invalid naming the first filter `dataset` does not take."""
    for name in ("call", "agency"):
        if getattr(filters, name) is not None and name not in dataset.filters:
            reason = NOT_APPLICABLE(
                dataset=dataset.name, filter=name, filters=", ".join(dataset.filters)
            )
            raise Invalid(INVALID_FIELDS(), errors=[FieldError(name, reason)])


async def resolve(session: AsyncSession, filters: Filters, scope: ExportScope) -> Bounds:
    """The filters as ids: Invalid naming an unknown code or `until` before `since`;
    Forbidden when an officer names a call their agency does not co-fund."""
    check_dates(filters)
    call_id = agency_id = None
    if filters.call is not None:
        call_id = await session.scalar(select(Call.id).where(Call.code == filters.call))
        if call_id is None:
            reason = UNKNOWN_CALL(call=filters.call)
            raise Invalid(INVALID_FIELDS(), errors=[FieldError("call", reason)])
        cofunders = await session.scalars(
            select(CallAgency.agency_id).where(CallAgency.call_id == call_id)
        )
        require(policy.decide_export_call(scope, filters.call, set(cofunders)))
    if filters.agency is not None:
        agency_id = await session.scalar(select(Agency.id).where(Agency.code == filters.agency))
        if agency_id is None:
            reason = UNKNOWN_AGENCY(agency=filters.agency)
            raise Invalid(INVALID_FIELDS(), errors=[FieldError("agency", reason)])
    return Bounds(call_id, agency_id, filters.since, filters.until)
