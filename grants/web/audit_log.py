"""The audit log browser's reading: the filters of `/audit` read from the query string, one page
of events by keyset on `seq` (newest first; a constant two queries whatever the log's size),
and each event's changes as field diffs.

The filters are those of `GET /api/audit/events` (entity type and id, actor, action, dates);
the page walks with `before`/`after` cursors instead of an offset, so the 2,000th page of a
100,000-event log costs what the first does (an index range on the primary key).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import AuditEvent, User
from messages import Message, define

PAGE_SIZE = 50
NOT_A_DATE = define("web.audit.filter.not_a_date", "Give a date as YYYY-MM-DD.")
UNTIL_BEFORE_SINCE = define(
    "web.audit.filter.until_before_since", "The last day cannot be before the first day."
)
NOT_A_NUMBER = define("web.audit.filter.not_a_number", "Give a whole number from 1.")
TEXT_FILTERS = {"entity_type": 64, "entity_id": 64, "action": 100, "actor": 320}


@dataclass
class LogFilters:
    """What the reader asked for, as typed (so the form shows it again), with each refusal."""

    typed: dict[str, str]
    since: datetime.date | None = None
    until: datetime.date | None = None
    before: int | None = None
    after: int | None = None
    errors: dict[str, Message] = field(default_factory=dict)

    def query_string(self, **cursor: int) -> str:
        """The filters with a cursor, for the newer/older links."""
        kept = {k: v for k, v in self.typed.items() if v and k not in ("before", "after")}
        return urlencode({**kept, **cursor})


def _date(filters: LogFilters, name: str) -> datetime.date | None:
    text = filters.typed.get(name, "")
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        filters.errors[name] = NOT_A_DATE()
        return None


def _cursor(filters: LogFilters, name: str) -> int | None:
    text = filters.typed.get(name, "")
    if not text:
        return None
    if not text.isdigit() or int(text) < 1 or int(text) > 2**62:
        filters.errors[name] = NOT_A_NUMBER()
        return None
    return int(text)


def read_filters(query: Mapping[str, str]) -> LogFilters:
    """The filters of the query string; a bad value is named in `errors` and left out."""
    names = (*TEXT_FILTERS, "since", "until", "before", "after")
    typed = {name: str(query.get(name, "")).strip() for name in names}
    for name, limit in TEXT_FILTERS.items():
        typed[name] = typed[name][:limit]
    filters = LogFilters(typed)
    filters.since, filters.until = _date(filters, "since"), _date(filters, "until")
    filters.before, filters.after = _cursor(filters, "before"), _cursor(filters, "after")
    if filters.since and filters.until and filters.until < filters.since:
        filters.errors["until"] = UNTIL_BEFORE_SINCE()
    return filters


async def _actor_condition(session: AsyncSession, actor: str) -> Any:
    """An actor by user id, by a user's e-mail (their id, indexed), else by the label events
    carry (`system`, or the e-mail of a user no longer on file)."""
    try:
        return AuditEvent.actor_id == uuid.UUID(actor)
    except ValueError:
        pass
    user_id = await session.scalar(select(User.id).where(func.lower(User.email) == actor.lower()))
    if user_id is not None:
        return AuditEvent.actor_id == user_id
    return AuditEvent.actor_label == actor


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


async def filtered(session: AsyncSession, filters: LogFilters) -> Select[tuple[AuditEvent]]:
    """The events the filters select, unordered; dates are whole UTC days, both included."""
    query = select(AuditEvent)
    typed = filters.typed
    for column, name in (
        (AuditEvent.entity_type, "entity_type"),
        (AuditEvent.entity_id, "entity_id"),
        (AuditEvent.action, "action"),
    ):
        if typed[name]:
            query = query.where(column == typed[name])
    if typed["actor"]:
        query = query.where(await _actor_condition(session, typed["actor"]))
    if filters.since:
        query = query.where(AuditEvent.occurred_at >= _midnight(filters.since))
    if filters.until:
        until = _midnight(filters.until + datetime.timedelta(days=1))
        query = query.where(AuditEvent.occurred_at < until)
    return query


@dataclass(frozen=True, slots=True)
class LogPage:
    events: list[AuditEvent]
    newer: int | None  # the `after` cursor of the newer page, when there is one
    older: int | None  # the `before` cursor of the older page, when there is one


async def page_of(session: AsyncSession, filters: LogFilters, size: int = PAGE_SIZE) -> LogPage:
    """One page of events, newest first, after or before the cursor: one query for the page
    (one more row than shown tells whether there is a next one), one for the actor's id."""
    query = await filtered(session, filters)
    if filters.after is not None:
        rows = list(
            await session.scalars(
                query.where(AuditEvent.seq > filters.after).order_by(AuditEvent.seq).limit(size + 1)
            )
        )
        more_newer = len(rows) > size
        events = list(reversed(rows[:size]))
        newer = events[0].seq if more_newer and events else None
        older = events[-1].seq if events else None
        return LogPage(events, newer, older)
    if filters.before is not None:
        query = query.where(AuditEvent.seq < filters.before)
    rows = list(await session.scalars(query.order_by(AuditEvent.seq.desc()).limit(size + 1)))
    events = rows[:size]
    newer = events[0].seq if filters.before is not None and events else None
    older = events[-1].seq if len(rows) > size else None
    return LogPage(events, newer, older)


@dataclass(frozen=True, slots=True)
class Change:
    """One field of an event: before and after when the event recorded both, else its value."""

    name: str
    before: Any = None
    after: Any = None
    value: Any = None
    diff: bool = False


def changes_of(changes: Mapping[str, Any]) -> list[Change]:
    """An event's `changes` as rows: a `[before, after]` pair is a diff, anything else a
    detail of the event (`grants.audit.chain.append` records both shapes)."""
    rows = []
    for name, value in changes.items():
        if isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
            rows.append(Change(name, before=value[0], after=value[1], diff=True))
        else:
            rows.append(Change(name, value=value))
    return rows
