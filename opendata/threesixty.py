"""The 360Giving Data Standard (schema 1.4): one grant record per agency share, so each record
has one funder and one currency; the shares of a project name each other in
`relatedActivity`. Only paid tranches are `disbursementTransaction`s."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from opendata.amounts import major, number_text
from opendata.records import Project, Share, identifier

STANDARD_VERSION = "1.4"
OTHER_LANGUAGES = ("ja", "vi")
LANGUAGE_NAMES = {"ja": "Japanese", "vi": "Vietnamese"}


def description(project: Project) -> str:
    """The English abstract, then the title in each other language it was given in."""
    parts = [project.abstracts.get("en") or project.titles.get("en", project.reference)]
    for lang in OTHER_LANGUAGES:
        title = project.titles.get(lang)
        if title:
            parts.append(f"Title ({LANGUAGE_NAMES[lang]}, {lang}): {title}")
    return "\n\n".join(parts)


def _disbursements(share: Share, ident: str) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{ident}-{tranche.label}",
            "transactionDate": tranche.paid.paid_on.isoformat(),
            "currency": share.currency,
            "value": major(tranche.paid.amount, share.currency),
            "provider": share.funder.id,
            "recipient": share.recipient.id,
        }
        for tranche in share.tranches
        if tranche.paid is not None
    ]


def grant_record(project: Project, share: Share) -> dict[str, Any]:
    """One share as a 360Giving grant; amounts are exact Decimals (`package_json` writes them
    as JSON numbers)."""
    ident = identifier(share, project)
    paid = sum(t.paid.amount for t in share.tranches if t.paid is not None)
    recipient: dict[str, Any] = {"id": share.recipient.id, "name": share.recipient.name}
    if share.recipient.country:
        recipient["addressCountry"] = share.recipient.country
    return {
        "id": ident,
        "title": project.titles.get("en", project.reference),
        "description": description(project),
        "currency": share.currency,
        "amountAwarded": major(share.awarded, share.currency),
        "amountDisbursed": major(paid, share.currency),
        "awardDate": project.awarded_on.isoformat(),
        "plannedDates": [
            {
                "startDate": project.start.isoformat(),
                "endDate": project.last_day.isoformat(),
                "duration": project.duration_years * 12,
            }
        ],
        "recipientOrganization": [recipient],
        "fundingOrganization": [{"id": share.funder.id, "name": share.funder.name}],
        "grantProgramme": [{"code": project.call_code, "title": project.call_title}],
        "fromOpenCall": "Yes",
        "disbursementTransaction": _disbursements(share, ident),
        "relatedActivity": [
            identifier(other, project) for other in project.shares if other is not share
        ],
        "dateModified": _utc(project.modified),
    }


def grant_records(projects: Sequence[Project]) -> list[dict[str, Any]]:
    """Every published share of every project, in the projects' order then the shares'."""
    return [
        grant_record(project, share)
        for project in projects
        for share in project.shares
        if share.published
    ]


def package(
    projects: Sequence[Project], *, publisher: str, issued: datetime.datetime
) -> dict[str, Any]:
    """A 360Giving data package: metadata and the `grants` array."""
    return {
        "version": STANDARD_VERSION,
        "title": f"{publisher}: awarded grants",
        "issued": _utc(issued),
        "publisher": {"name": publisher},
        "license": "https://creativecommons.org/licenses/by/4.0/",
        "grants": grant_records(projects),
    }


_DECIMAL_MARK = "\u0000decimal:"
_DECIMAL_TOKEN = re.compile(r'"\\u0000decimal:(-?[0-9.]+)"')


def package_json(data: dict[str, Any]) -> bytes:
    """`data` as UTF-8 JSON with every Decimal written as the exact number it is (the json
    module would need a float)."""

    def default(value: object) -> str:
        if isinstance(value, Decimal):
            return _DECIMAL_MARK + number_text(value)
        raise TypeError(f"cannot write a {type(value).__name__}")

    text = json.dumps(data, ensure_ascii=False, indent=2, default=default)
    return _DECIMAL_TOKEN.sub(r"\1", text).encode()


def _utc(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
