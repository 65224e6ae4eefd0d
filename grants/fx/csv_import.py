"""Import exchange rates from CSV: every row is checked first, then all are stored, or none.

Header: `date,base,quote,rate,source`. Line numbers count the header as line 1. A row whose
day, pair and source is stored already, or repeats an earlier row of the file, is an error (a
file imported twice changes nothing).
"""

from __future__ import annotations

import csv
import io
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import Entry
from grants.common.actors import Actor
from grants.errors import FieldError, Invalid
from grants.fx import schemas
from grants.fx.checks import Errors, RateIn, check_rate, parse_date
from grants.fx.services import store, stored_keys
from messages import define

HEADER = ["date", "base", "quote", "rate", "source"]
MAX_ROWS = 5000

UNREADABLE = define("fx.import.unreadable", "not a readable CSV file: {error}")
BAD_HEADER = define("fx.import.header", "expected {header}")
CELL_COUNT = define("fx.import.cell_count", "has {count} cells; the header has 5")
EMPTY = define("fx.import.empty", "the file has no rate rows")
TOO_MANY_ROWS = define("fx.import.too_many_rows", "at most {count} rows per file")
REPEATED = define("fx.import.repeated", "repeats line {line}")
STORED = define("fx.import.stored", "recorded already for this day, pair and source")
HAS_ERRORS = define("fx.import.has_errors", "The file has errors; no rate was imported.")


def parse(text: str) -> tuple[list[tuple[int, RateIn]], list[FieldError]]:
    """Every row checked: the good ones with their line numbers and every error, named
    `line N: field`."""
    try:
        return _parse(text)
    except csv.Error as exc:
        return [], [FieldError("body", UNREADABLE(error=str(exc)))]


def _parse(text: str) -> tuple[list[tuple[int, RateIn]], list[FieldError]]:
    # newline="": the csv module reads line ends itself, so a lone \r ends a line
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = next(reader, [])
    if [h.strip() for h in header] != HEADER:
        return [], [FieldError("line 1: header", BAD_HEADER(header=",".join(HEADER)))]
    good: list[tuple[int, RateIn]] = []
    errors: list[FieldError] = []
    seen: dict[tuple[object, ...], int] = {}
    line = reader.line_num + 1
    for cells in reader:
        if any(c.strip() for c in cells):
            found = _row(line, cells, errors)
            if found is not None:
                key = (found.rate_date, found.base, found.quote, found.source)
                if key in seen:
                    errors.append(FieldError(f"line {line}: row", REPEATED(line=seen[key])))
                seen.setdefault(key, line)
                good.append((line, found))
        line = reader.line_num + 1
    if not good and not errors:
        errors.append(FieldError("line 2: row", EMPTY()))
    if len(good) > MAX_ROWS:
        errors.append(FieldError("body", TOO_MANY_ROWS(count=MAX_ROWS)))
    return good, errors


def _row(line: int, cells: list[str], errors: list[FieldError]) -> RateIn | None:
    if len(cells) != len(HEADER):
        errors.append(FieldError(f"line {line}: row", CELL_COUNT(count=len(cells))))
        return None
    day_text, base, quote, rate, source = (c.strip() for c in cells)
    found: Errors = []
    day, why = parse_date(day_text)
    if why is not None:
        found.append(("date", why))
    checked = check_rate(day, base, quote, rate, source, found)
    errors.extend(FieldError(f"line {line}: {field}", reason) for field, reason in found)
    return checked


async def import_rates(
    session: AsyncSession, text: str, *, actor: Actor, entered_by: uuid.UUID
) -> schemas.FxImportResult:
    """Store every rate of a CSV file in one transaction. Raises Invalid listing every bad row
    (`line N: field`), rows stored already included; nothing is written then. Audited row by
    row (`fx_rate.create`), then one `fx_rate.import` with the total."""
    rows, errors = parse(text)
    stored = await stored_keys(session, [r for _, r in rows])
    for line, r in rows:
        if (r.rate_date, r.base, r.quote, r.source) in stored:
            errors.append(FieldError(f"line {line}: row", STORED()))
    if errors:
        errors.sort(key=_line_of)
        raise Invalid(HAS_ERRORS(), errors=errors)
    result = schemas.FxImportResult(rates_created=len(rows))
    total = Entry(actor, "fx_rate.import", "fx_rate", "csv", result.model_dump())
    await store(session, [r for _, r in rows], actor=actor, entered_by=entered_by, extra=[total])
    return result


def _line_of(error: FieldError) -> int:
    head = error.field.split(":", 1)[0]
    return int(head[5:]) if head.startswith("line ") else 0
