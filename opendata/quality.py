"""The data-quality checks 360Giving's tool (CoVE) runs that apply to these exports, as a pure
function over grant records: each problem names the grant, the rule and what is wrong."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

# org-id.guide prefixes: a two-letter country or XI/XM/XE list code, a dash, the list's code.
ORG_ID_PREFIX = re.compile(r"^[A-Z]{2}-[A-Z0-9]+-\S+")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
TEXT_FIELDS = ("title", "description")


@dataclass(frozen=True, slots=True)
class Problem:
    """`rule` is one of: amount_not_positive, award_date_future, planned_end_before_start,
    funders_not_one, identifier_prefix, email_in_text."""

    grant: str
    rule: str
    detail: str


def _amounts(grant: dict[str, Any]) -> Iterator[tuple[str, Decimal]]:
    for field in ("amountAwarded", "amountDisbursed"):
        if field in grant:
            yield field, grant[field]
    for n, transaction in enumerate(grant.get("disbursementTransaction", [])):
        yield f"disbursementTransaction/{n}/value", transaction["value"]


def _dates(grant: dict[str, Any], today: datetime.date) -> Iterator[Problem]:
    ident = grant["id"]
    if datetime.date.fromisoformat(grant["awardDate"][:10]) > today:
        yield Problem(ident, "award_date_future", grant["awardDate"])
    for dates in grant.get("plannedDates", []):
        start, end = dates.get("startDate"), dates.get("endDate")
        if start and end and end < start:
            yield Problem(ident, "planned_end_before_start", f"{start} > {end}")


def _identifiers(grant: dict[str, Any]) -> Iterator[Problem]:
    """Organisations carry org-id identifiers; a grant's own identifier starts with its
    funder's (so it is unique across publishers)."""
    ident = grant["id"]
    orgs = [
        (f"{key}/{n}/id", org["id"])
        for key in ("fundingOrganization", "recipientOrganization")
        for n, org in enumerate(grant.get(key, []))
    ]
    for field, value in orgs:
        if not ORG_ID_PREFIX.match(value):
            yield Problem(ident, "identifier_prefix", f"{field} = {value}")
    funders = [org["id"] for org in grant.get("fundingOrganization", [])]
    if funders and not any(ident.startswith(f"{funder}-") for funder in funders):
        yield Problem(ident, "identifier_prefix", f"id = {ident}")


def _grant_problems(grant: dict[str, Any], today: datetime.date) -> Iterator[Problem]:
    ident = grant["id"]
    for field, value in _amounts(grant):
        # Nothing disbursed yet is a true zero; an award or a payment of zero is not.
        if value < 0 or (value == 0 and field != "amountDisbursed"):
            yield Problem(ident, "amount_not_positive", f"{field} = {value}")
    yield from _dates(grant, today)
    funders = grant.get("fundingOrganization", [])
    if len(funders) != 1:
        yield Problem(ident, "funders_not_one", f"{len(funders)} funding organisations")
    yield from _identifiers(grant)
    for field in TEXT_FIELDS:
        if EMAIL.search(grant.get(field) or ""):
            yield Problem(ident, "email_in_text", field)


def quality_problems(grants: Sequence[dict[str, Any]], today: datetime.date) -> list[Problem]:
    """Every problem of every grant record (empty when all pass)."""
    return [problem for grant in grants for problem in _grant_problems(grant, today)]
