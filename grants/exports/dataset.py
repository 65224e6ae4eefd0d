"""What a dataset is: declared columns over one table, the rows anyone may export, and how
the filters and an officer's scope narrow them into one SQLAlchemy select."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.sql.elements import ColumnElement

from grants.db.models import CallAgency
from grants.exports.columns import Column, Kind

Condition = ColumnElement[bool]
Sql = Any
"""A column expression: a mapped attribute, a column or a scalar subquery (SQLAlchemy types
them apart; a dataset takes any)."""


def cofunded_by(agency_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """The ids of the calls `agency_id` co-funds."""
    return select(CallAgency.call_id).where(CallAgency.agency_id == agency_id)


@dataclass(frozen=True, slots=True)
class Bounds:
    """Resolved filters: ids instead of codes, dates checked (`since` ≤ `until`)."""

    call_id: uuid.UUID | None = None
    agency_id: uuid.UUID | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None


@dataclass(frozen=True, slots=True)
class Dataset:
    """A dataset: `columns` read from `table` where `where` holds, in `order` order.

    `call_id` and `agency_id` are what the `call` and `agency` filters compare (a dataset
    without `agency_id` takes an agency filter as "calls the agency co-funds"); `date` (of
    `date_kind`) is the natural date `since`/`until` bound, both inclusive. `officer_rows`
    narrows further what an officer of an agency reads (walls, own decisions);
    `oversight_only` datasets are for auditors and admins alone.
    """

    name: str
    description: str
    table: Any
    columns: tuple[Column, ...]
    order: tuple[Sql, ...]
    date: Sql
    date_kind: Kind
    call_id: Sql | None = None
    agency_id: Sql | None = None
    where: tuple[Condition, ...] = ()
    officer_rows: Callable[[uuid.UUID], Condition] | None = None
    oversight_only: bool = False
    filters: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        names = ["since", "until"]
        if self.call_id is not None:
            names[:0] = ["call", "agency"]
        elif self.agency_id is not None:
            names[:0] = ["agency"]
        object.__setattr__(self, "filters", tuple(names))

    def visible_columns(self, identities: bool) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if identities or not c.identity)

    def query(
        self,
        bounds: Bounds,
        *,
        officer_of: uuid.UUID | None,
        identities: bool,
        copied: bool = False,
    ) -> Select[Any]:
        """The select of the rows and columns for these bounds and this reader; `copied`
        selects each column as the text PostgreSQL's `COPY` writes."""
        columns = self.visible_columns(identities)
        picked = [c.copied() if copied else c.selected() for c in columns]
        query = select(*picked).select_from(self.table).where(*self.where)
        for condition in self._conditions(bounds, officer_of):
            query = query.where(condition)
        return query.order_by(*self.order)

    def _conditions(self, bounds: Bounds, officer_of: uuid.UUID | None) -> Sequence[Condition]:
        found: list[Condition] = []
        if bounds.call_id is not None and self.call_id is not None:
            found.append(self.call_id == bounds.call_id)
        if bounds.agency_id is not None:
            found.append(self._of_agency(bounds.agency_id))
        found.extend(self._dates(bounds))
        if officer_of is not None:
            if self.call_id is not None:
                found.append(self.call_id.in_(cofunded_by(officer_of)))
            if self.officer_rows is not None:
                found.append(self.officer_rows(officer_of))
        return found

    def _of_agency(self, agency_id: uuid.UUID) -> Condition:
        if self.agency_id is not None:
            return self.agency_id == agency_id
        assert self.call_id is not None  # the filter is refused on datasets without either
        return self.call_id.in_(cofunded_by(agency_id))

    def _dates(self, bounds: Bounds) -> list[Condition]:
        found: list[Condition] = []
        if self.date_kind is Kind.DATE:
            if bounds.since is not None:
                found.append(self.date >= bounds.since)
            if bounds.until is not None:
                found.append(self.date <= bounds.until)
            return found
        if bounds.since is not None:
            found.append(self.date >= _midnight(bounds.since))
        if bounds.until is not None:
            found.append(self.date < _midnight(bounds.until + datetime.timedelta(days=1)))
        return found


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
