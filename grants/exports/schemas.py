"""Response bodies of the exports listing."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from grants.common.schemas import Output

Format = Literal["csv", "xlsx", "jsonl"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "jsonl")


class ExportColumn(Output):
    """One column: its name (the CSV header) and kind (`int` money is in minor units beside a
    `currency` column; `datetime` is ISO 8601 UTC; `json` is the stored JSON)."""

    name: str = Field(examples=["amount"])
    type: str = Field(examples=["int"])


class ExportDataset(Output):
    """A dataset the caller may export, its columns for the caller, formats and filters."""

    name: str = Field(examples=["budget_lines"])
    description: str
    columns: list[ExportColumn]
    formats: list[Format] = Field(examples=[["csv", "xlsx", "jsonl"]])
    filters: list[str] = Field(examples=[["call", "agency", "since", "until"]])
    url: str = Field(examples=["/api/exports/budget_lines.csv"])
