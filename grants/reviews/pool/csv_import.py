"""Import reviewers from CSV: every row is checked first, then all are written, or none.

Header: `email,name,expertise,keywords,institution_ror,institution_name,country,orcid,load_cap,
pools`; `keywords` and `pools` are `;`-separated. Line numbers count the header as line 1.
Unknown emails become new accounts without a password (they cannot sign in until an admin sets
one), with locale `en` and the row's country. A user who already has a reviewer profile is an
error, not an update, so a file imported twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import Entry, append_many
from grants.common.actors import Actor
from grants.common.emails import normalise
from grants.common.pydantic_messages import pydantic_message
from grants.db.models import Agency, ReviewerProfile, User
from grants.errors import FieldError, Invalid
from grants.reviews.pool import schemas
from grants.reviews.pool.profiles import (
    ALREADY_REVIEWER,
    PROFILE_FIELDS,
    UNKNOWN_AGENCY,
    grant_reviewer_role,
    new_profile,
)
from messages import define
from workflows.machines.account import AccountState

HEADER = [
    "email",
    "name",
    "expertise",
    "keywords",
    "institution_ror",
    "institution_name",
    "country",
    "orcid",
    "load_cap",
    "pools",
]
MAX_ROWS = 5000

UNREADABLE = define("reviewer.import.unreadable", "not a readable CSV file: {error}")
BAD_HEADER = define("reviewer.import.header", "expected {header}")
EXTRA_CELLS = define("reviewer.import.extra_cells", "has more cells than the header")
REPEATED = define("reviewer.import.repeated_email", "repeats line {line}")
EMPTY = define("reviewer.import.empty", "the file has no reviewer rows")
TOO_MANY_ROWS = define("reviewer.import.too_many_rows", "at most {count} rows per file")
NAME_REQUIRED = define("reviewer.import.name_required", "required for a new account")
HAS_ERRORS = define("reviewer.import.has_errors", "The file has errors; nothing was imported.")


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    data: schemas.ImportRow


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _cells(raw: dict[str, Any]) -> dict[str, Any]:
    """A CSV record as the row schema expects it: lists split, empty cells left out."""
    cells = {k: (v or "").strip() for k, v in raw.items() if k in HEADER}
    cells["keywords"] = _split(cells.get("keywords", ""))
    cells["pools"] = _split(cells.get("pools", ""))
    return {k: v for k, v in cells.items() if v != "" or k in ("expertise", "country", "email")}


def _row_errors(line: int, exc: ValidationError) -> list[FieldError]:
    found = []
    for item in exc.errors():
        field = str(item["loc"][0]) if item["loc"] else "row"
        found.append(FieldError(f"line {line}: {field}", pydantic_message(item)))
    return found


def _line_of(error: FieldError) -> int:
    """The line number an error names (`line 3: orcid`); 0 for file-level errors."""
    found = re.match(r"line (\d+):", error.field)
    return int(found.group(1)) if found else 0


def parse(text: str) -> tuple[list[_Row], list[FieldError]]:
    """Parse and validate every row; returns the good rows and every error (with its line)."""
    try:
        return _parse(text)
    except csv.Error as exc:
        # What the csv module cannot read at all (a field over its size limit, found by
        # schemathesis) is the client's file, answered 422, not a 500.
        return [], [FieldError("body", UNREADABLE(error=str(exc)))]


def _parse(text: str) -> tuple[list[_Row], list[FieldError]]:
    # newline="": the csv module reads line ends itself, so a lone \r ends a line
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    if header != HEADER:
        return [], [FieldError("line 1: header", BAD_HEADER(header=",".join(HEADER)))]
    rows: list[_Row] = []
    errors: list[FieldError] = []
    seen: dict[str, int] = {}
    line = reader.line_num + 1
    for raw in reader:
        if None in raw:
            errors.append(FieldError(f"line {line}: row", EXTRA_CELLS()))
        try:
            data = schemas.ImportRow.model_validate(_cells(raw))
        except ValidationError as exc:
            errors.extend(_row_errors(line, exc))
        else:
            email = normalise(data.email)
            if email in seen:
                errors.append(FieldError(f"line {line}: email", REPEATED(line=seen[email])))
            seen.setdefault(email, line)
            rows.append(_Row(line, data))
        line = reader.line_num + 1
    if not rows and not errors:
        errors.append(FieldError("line 2: row", EMPTY()))
    if len(rows) > MAX_ROWS:
        errors.append(FieldError("body", TOO_MANY_ROWS(count=MAX_ROWS)))
    return rows, errors


async def _check_against_database(
    session: AsyncSession, rows: list[_Row], errors: list[FieldError]
) -> tuple[dict[str, User], dict[str, Agency]]:
    """Existing users by email and agencies by code; adds errors for unknown pools, existing
    profiles and new people without a name."""
    emails = [normalise(r.data.email) for r in rows]
    users = {u.email: u for u in await session.scalars(select(User).where(User.email.in_(emails)))}
    profiled = set(
        await session.scalars(
            select(ReviewerProfile.user_id).where(
                ReviewerProfile.user_id.in_([u.id for u in users.values()])
            )
        )
    )
    codes = {c for r in rows for c in r.data.pools}
    agencies = {
        a.code: a for a in await session.scalars(select(Agency).where(Agency.code.in_(codes)))
    }
    for row in rows:
        user = users.get(normalise(row.data.email))
        if user is not None and user.id in profiled:
            errors.append(FieldError(f"line {row.line}: email", ALREADY_REVIEWER()))
        if user is None and not row.data.name:
            errors.append(FieldError(f"line {row.line}: name", NAME_REQUIRED()))
        for code in row.data.pools:
            if code not in agencies:
                errors.append(FieldError(f"line {row.line}: pools", UNKNOWN_AGENCY(code=code)))
    return users, agencies


async def import_reviewers(
    session: AsyncSession, text: str, *, actor: Actor
) -> schemas.ImportResult:
    """Create the users and profiles of a CSV file in one transaction.

    Raises Invalid listing every bad row (`line N: field`); nothing is written then. Audited
    row by row, as the one-at-a-time endpoints are (so each person's history under their own
    entity shows where it came from): `user.create` for each new account and
    `reviewer_profile.create` (with its `line`) for each profile, then one
    `reviewer_profile.import` event with the totals.
    """
    rows, errors = parse(text)
    users, agencies = await _check_against_database(session, rows, errors) if rows else ({}, {})
    if errors:
        errors.sort(key=_line_of)
        raise Invalid(HAS_ERRORS(), errors=errors)
    written = [await _write_row(session, row, users, agencies) for row in rows]
    await session.flush()
    result = schemas.ImportResult(
        profiles_created=len(rows), users_created=sum(w.user_created for w in written)
    )
    entries = [entry for w in written for entry in w.events(actor)]
    total = Entry(actor, "reviewer_profile.import", "reviewer_pool", "csv", result.model_dump())
    await append_many(session, [*entries, total])
    return result


@dataclass(frozen=True, slots=True)
class _Written:
    row: _Row
    user: User
    profile: ReviewerProfile
    user_created: bool
    role_added: bool

    def events(self, actor: Actor) -> list[Entry]:
        """The row's audit events, shaped as `user.create` and `reviewer_profile.create`."""
        data, found = self.row.data, []
        if self.user_created:
            user = {
                "email": [None, self.user.email],
                "display_name": [None, self.user.display_name],
                "roles": [None, ["reviewer"]],
            }
            found.append(Entry(actor, "user.create", "user", self.user.id, user))
        profile: dict[str, Any] = {n: [None, getattr(self.profile, n)] for n in PROFILE_FIELDS}
        profile["pools"] = [None, sorted(data.pools)]
        profile["role_added"] = self.role_added
        profile["line"] = self.row.line
        found.append(
            Entry(actor, "reviewer_profile.create", "reviewer_profile", self.profile.id, profile)
        )
        return found


async def _write_row(
    session: AsyncSession, row: _Row, users: dict[str, User], agencies: dict[str, Agency]
) -> _Written:
    email = normalise(row.data.email)
    user = users.get(email)
    created = user is None
    if user is None:
        user = User(
            email=email,
            display_name=row.data.name,
            locale=None,
            country=row.data.country,
            state=AccountState.ACTIVE,
        )
        role_added = grant_reviewer_role(user)  # before the flush: a new user's roles are []
        session.add(user)
        await session.flush()  # gives the user its id
    else:
        role_added = grant_reviewer_role(user)
    profile = new_profile(user, row.data, [agencies[c] for c in row.data.pools])
    session.add(profile)
    return _Written(row, user, profile, created, role_added)
