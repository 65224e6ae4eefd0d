"""Rows to bytes: CSV exactly as PostgreSQL's `COPY … WITH (FORMAT csv)` writes it, JSON Lines,
and XLSX sheets (XlsxWriter in constant-memory mode, written to a temporary file)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from xlsxwriter.worksheet import Worksheet

from grants.exports.columns import Column, Kind, text

BOM = b"\xef\xbb\xbf"
_QUOTED = re.compile(r'[,"\r\n]')
EXACT_IN_EXCEL = 2**53
"""Excel holds numbers as doubles: a larger integer goes in as text, never rounded."""


def csv_field(value: str | None) -> str:
    """PostgreSQL's CSV quoting: NULL is empty and unquoted, an empty string is `""`, a value
    with a comma, quote or line break is quoted with its quotes doubled."""
    if value is None:
        return ""
    if value == "" or _QUOTED.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


def csv_header(columns: Sequence[Column]) -> str:
    return ",".join(csv_field(c.name) for c in columns) + "\n"


def csv_row(columns: Sequence[Column], row: Sequence[Any]) -> str:
    return ",".join(csv_field(text(c.kind, v)) for c, v in zip(columns, row, strict=True)) + "\n"


def json_value(kind: Kind, value: Any) -> Any:
    """A JSON Lines value: integers (money in minor units) stay numbers, JSON stays JSON."""
    if value is None:
        return None
    if kind is Kind.INT:
        return int(value)
    if kind is Kind.JSON:
        return json.loads(value)
    return text(kind, value)


def jsonl_row(columns: Sequence[Column], row: Sequence[Any]) -> str:
    record = {c.name: json_value(c.kind, v) for c, v in zip(columns, row, strict=True)}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n"


def sheet_header(sheet: Worksheet, columns: Sequence[Column]) -> None:
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.name)


def sheet_row(sheet: Worksheet, index: int, columns: Sequence[Column], row: Sequence[Any]) -> None:
    """Row `index` (1-based under the header): integers as numbers, everything else as text."""
    for col, (column, value) in enumerate(zip(columns, row, strict=True)):
        if value is None:
            continue
        if column.kind is Kind.INT and abs(int(value)) < EXACT_IN_EXCEL:
            sheet.write_number(index, col, int(value))
        else:
            sheet.write_string(index, col, text(column.kind, value) or "")
