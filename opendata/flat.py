"""360Giving's flattened CSV: one row per grant, the column titles flatten-tool derives from
the schema's `title` annotations (`Recipient Org:Identifier`); arrays the schema rolls up
(`rollUp`) give their first item's fields. The disbursements themselves are in the JSON; a row
carries their sum in `Amount Disbursed`, and `Related Activity` joins identifiers with `;` as
flatten-tool joins arrays of strings."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from opendata.amounts import number_text

Getter = Callable[[dict[str, Any]], Any]


def _first(key: str, field: str) -> Getter:
    return lambda grant: (grant.get(key) or [{}])[0].get(field)


FLAT_COLUMNS: tuple[tuple[str, Getter], ...] = (
    ("Identifier", lambda g: g["id"]),
    ("Title", lambda g: g["title"]),
    ("Description", lambda g: g["description"]),
    ("Currency", lambda g: g["currency"]),
    ("Amount Awarded", lambda g: g["amountAwarded"]),
    ("Amount Disbursed", lambda g: g.get("amountDisbursed")),
    ("Award Date", lambda g: g["awardDate"]),
    ("Planned Dates:Start Date", _first("plannedDates", "startDate")),
    ("Planned Dates:End Date", _first("plannedDates", "endDate")),
    ("Planned Dates:Duration (months)", _first("plannedDates", "duration")),
    ("Recipient Org:Identifier", _first("recipientOrganization", "id")),
    ("Recipient Org:Name", _first("recipientOrganization", "name")),
    ("Recipient Org:Country", _first("recipientOrganization", "addressCountry")),
    ("Funding Org:Identifier", _first("fundingOrganization", "id")),
    ("Funding Org:Name", _first("fundingOrganization", "name")),
    ("Grant Programme:Code", _first("grantProgramme", "code")),
    ("Grant Programme:Title", _first("grantProgramme", "title")),
    ("From An Open Call?", lambda g: g.get("fromOpenCall")),
    ("Related Activity", lambda g: ";".join(g.get("relatedActivity", []))),
    ("Last Modified", lambda g: g.get("dateModified")),
)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return number_text(value)
    return str(value)


def flat_csv(grants: Sequence[dict[str, Any]]) -> str:
    """The grant records (`grant_records`) as 360Giving's flattened CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(title for title, _ in FLAT_COLUMNS)
    for grant in grants:
        writer.writerow(_cell(get(grant)) for _, get in FLAT_COLUMNS)
    return out.getvalue()
