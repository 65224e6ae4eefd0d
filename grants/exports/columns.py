"""A dataset's columns: a name, a kind and the SQL expression that reads it.

A kind says how a value is written, once for the Python path and once as the SQL that makes
PostgreSQL's own `COPY … TO STDOUT` write the very same text: times ISO 8601 UTC with
microseconds, dates ISO, booleans `true`/`false`, JSON as the database stores it. Money is an
`int` column beside a `currency` column; no kind ever rounds.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Text, case, cast, func, literal_column
from sqlalchemy.sql.elements import ColumnElement

ISO_UTC = "%Y-%m-%dT%H:%M:%S.%fZ"
PG_ISO_UTC = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    UUID = "uuid"
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"
    DECIMAL = "decimal"
    FLOAT = "float"
    JSON = "json"


@dataclass(frozen=True, slots=True)
class Column:
    """One column; `identity` marks who a reviewer is, which officers never export."""

    name: str
    kind: Kind
    expr: ColumnElement[Any]
    identity: bool = False

    def selected(self) -> ColumnElement[Any]:
        """What both paths select: JSON as its stored text (jsonb's own text on PostgreSQL)."""
        expr = cast(self.expr, Text) if self.kind is Kind.JSON else self.expr
        return expr.label(self.name)

    def copied(self) -> ColumnElement[Any]:
        """What `COPY` selects on PostgreSQL: the value already as `text()` would write it."""
        expr = self.expr
        if self.kind is Kind.DATETIME:
            utc = func.timezone(literal_column("'UTC'"), expr)
            return func.to_char(utc, PG_ISO_UTC).label(self.name)
        if self.kind is Kind.DATE:
            return func.to_char(expr, "YYYY-MM-DD").label(self.name)
        if self.kind is Kind.BOOL:
            return case((expr.is_(True), "true"), (expr.is_(False), "false")).label(self.name)
        if self.kind in (Kind.JSON, Kind.DECIMAL, Kind.FLOAT, Kind.UUID):
            return cast(expr, Text).label(self.name)
        return expr.label(self.name)


def text(kind: Kind, value: Any) -> str | None:
    """`value` of `kind` as the CSV text (None stays None: an empty unquoted field)."""
    if value is None:
        return None
    if kind is Kind.DATETIME:
        return _utc(value).strftime(ISO_UTC)
    if kind is Kind.DATE:
        return value.isoformat()
    if kind is Kind.BOOL:
        return "true" if value else "false"
    if kind is Kind.DECIMAL:
        return format(decimal.Decimal(value), "f")
    if kind is Kind.FLOAT:
        return _float(float(value))
    if kind is Kind.UUID:
        return str(uuid.UUID(str(value)))
    return str(value)


def _utc(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is None:  # SQLite hands back naive UTC where a driver drops the zone
        return value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC)


def _float(value: float) -> str:
    """PostgreSQL's shortest round-trip form: integral values without `.0`."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)
