"""Business verbs on calls: creating and editing a draft; every change is audited.

State changes go through `grants.workflow.service.fire` (see `grants.calls.workflow`), never here.
"""

from __future__ import annotations

import dataclasses
import datetime
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.calls import schemas
from grants.calls.problems import Setup, Terms, consistency
from grants.calls.sovereignty import require_own_terms
from grants.calls.zones import call_zones
from grants.common.actors import Actor
from grants.common.edits import check_version
from grants.common.texts import english_missing
from grants.db.models import Agency, Call, CallAgency
from grants.errors import Conflict, FieldError, Forbidden, Invalid
from grants.money import Money
from grants.security import policy
from grants.security.principal import Principal
from messages import define
from workflows.machines.call import CallState

AMOUNTS = (
    "cap_per_year",
    "cap_total",
    "envelope",
    "max_indirect_percent",
    "pi_once_per_call",
    "partner_required",
    "min_matching_percent",
    "members_abroad_allowed",
)

INVALID = define("call.invalid", "The call has invalid fields.")
UNKNOWN_AGENCY = define("call.terms.unknown_agency", "no agency has the code '{agency}'")
AGENCY_TWICE = define("call.terms.agency_twice", "{agency} is listed twice")
OWN_CURRENCY = define("call.terms.own_currency", "{agency}'s terms are in {currency}")
OWN_AGENCY_MISSING = define(
    "call.terms.own_agency_missing", "your own agency must be among the co-funders"
)
CODE_TAKEN = define("call.code.taken", "A call with this code exists.")
CODE_USED = define("call.code.used", "already used")
OFFICERS_ONLY = define(
    "call.edit.officers_only", "Only officers of the co-funding agencies change a call."
)
NOT_DRAFT = define("call.edit.not_draft", "The call is {state}; only a draft call can be edited.")


@dataclass(frozen=True, slots=True)
class Author:
    """Who sets up a call: the acting officer and their agency, which must co-fund it."""

    actor: Actor
    agency_id: uuid.UUID | None

    @classmethod
    def of(cls, principal: Principal) -> Author:
        return cls(principal.actor, principal.officer_agency_id)


def _values(data: schemas.CallCreate) -> dict[str, Any]:
    """The call's own fields of a create body, its texts as stored."""
    values = data.model_dump(exclude={"code", "agencies", "title", "description"})
    return values | {"title": data.title.stored(), "description": data.description.stored()}


def _setup(values: dict[str, Any], terms: list[Terms], zones: Sequence[str]) -> Setup:
    names = [f.name for f in dataclasses.fields(Setup) if f.name not in ("terms", "zones")]
    return Setup(**{name: values[name] for name in names}, terms=terms, zones=zones)


def _money(amount: int | None, currency: str) -> Money | None:
    return None if amount is None else Money(amount, currency)


def setup_of(call: Call) -> Setup:
    """The plain-data view of a call that `grants.calls.problems` checks."""
    terms = [
        Terms(
            t.agency.code,
            _money(t.cap_per_year, t.currency),
            _money(t.cap_total, t.currency),
            _money(t.envelope, t.currency),
            t.share_percent,
        )
        for t in call.agencies
    ]
    values = {name: getattr(call, name) for name in schemas.SETTINGS}
    return _setup(values, terms, call_zones(call))


async def _agencies_by_code(
    session: AsyncSession, terms: list[schemas.AgencyTermsInput]
) -> dict[str, Agency]:
    codes = {t.agency for t in terms}
    return {a.code: a for a in await session.scalars(select(Agency).where(Agency.code.in_(codes)))}


def _terms_errors(
    agency_id: uuid.UUID | None, terms: list[schemas.AgencyTermsInput], known: dict[str, Agency]
) -> list[FieldError]:
    errors, seen = [], set()
    for i, t in enumerate(terms):
        agency = known.get(t.agency)
        if agency is None:
            errors.append(FieldError(f"agencies[{i}].agency", UNKNOWN_AGENCY(agency=t.agency)))
        elif t.agency in seen:
            errors.append(FieldError(f"agencies[{i}].agency", AGENCY_TWICE(agency=t.agency)))
        elif t.currency is not None and t.currency != agency.currency:
            own = OWN_CURRENCY(agency=t.agency, currency=agency.currency)
            errors.append(FieldError(f"agencies[{i}].currency", own))
        seen.add(t.agency)
    if not any(a.id == agency_id for a in known.values()):
        errors.append(FieldError("agencies", OWN_AGENCY_MISSING()))
    return errors


async def _checked_terms(
    session: AsyncSession,
    agency_id: uuid.UUID | None,
    values: dict[str, Any],
    terms: list[schemas.AgencyTermsInput],
) -> dict[str, Agency]:
    """Resolve agency codes and check the whole set-up; raises Invalid with every error."""
    known = await _agencies_by_code(session, terms)
    shares = [Terms(t.agency, None, None, None, t.share_percent) for t in terms]
    zones = [known[t.agency].time_zone for t in terms if t.agency in known]
    errors = _terms_errors(agency_id, terms, known) + consistency(_setup(values, shares, zones))
    if errors:
        raise Invalid(INVALID(), errors=errors)
    return known


def _terms_row(position: int, t: schemas.AgencyTermsInput, agency: Agency) -> CallAgency:
    return CallAgency(
        agency_id=agency.id,
        agency=agency,
        position=position,
        currency=agency.currency,  # always the agency's own currency
        share_percent=t.share_percent,
        **{name: getattr(t, name) for name in AMOUNTS},
    )


def terms_snapshot(call: Call) -> list[dict[str, Any]]:
    """The agencies' terms as the audit trail records them."""
    return [
        {
            "agency": t.agency.code,
            "currency": t.currency,
            "share_percent": t.share_percent,
            **{name: getattr(t, name) for name in AMOUNTS},
        }
        for t in call.agencies
    ]


async def create_call(session: AsyncSession, data: schemas.CallCreate, *, author: Author) -> Call:
    """Create a draft call co-funded by the caller's agency; raises Invalid (every bad field)
    or Conflict (code taken). Audited as `call.create` with every field."""
    values = _values(data)
    known = await _checked_terms(session, author.agency_id, values, data.agencies)
    if await session.scalar(select(Call.id).where(Call.code == data.code)):
        raise Conflict(CODE_TAKEN(), errors=[FieldError("code", CODE_USED())])
    call = Call(code=data.code, state=CallState.DRAFT, created_by=author.actor.id, **values)
    call.agencies = [_terms_row(i, t, known[t.agency]) for i, t in enumerate(data.agencies)]
    session.add(call)
    await session.flush()
    changes: dict[str, list[Any]] = {"code": [None, call.code], "state": [None, CallState.DRAFT]}
    changes |= {name: [None, value] for name, value in values.items()}
    changes["agencies"] = [None, terms_snapshot(call)]
    await _audit(session, author.actor, "call.create", call, changes)
    return call


def require_editable(call: Call, principal: Principal, version: int) -> None:
    """Raises Forbidden unless a co-funding officer edits, Conflict unless the call is a draft,
    StaleVersion when the client saw an older version."""
    if not policy.can_edit_shared_call_fields(principal, [t.agency_id for t in call.agencies]):
        raise Forbidden(OFFICERS_ONLY())
    if call.state != CallState.DRAFT:
        raise Conflict(NOT_DRAFT(state=call.state))
    check_version(call, version)


async def update_call(
    session: AsyncSession, call: Call, data: schemas.CallUpdate, *, principal: Principal
) -> Call:
    """Apply a JSON Merge Patch (RFC 7396) to a draft call: a field left out stays, `null`
    clears `review_deadline` or a language of `title`/`description` (Invalid for a required
    one), `agencies` replaces the list. Shared fields are any co-funding officer's; in
    `agencies` the caller changes only their own entry, sending the others unchanged, and
    removes no co-funder (Forbidden naming each field, see grants.calls.sovereignty). The merged
    call must stay consistent (else Invalid). Nothing is written when refused; audits only
    what changed, with before and after."""
    require_editable(call, principal, data.version)
    given = data.model_dump(exclude={"version", "agencies"}, exclude_unset=True)
    given |= merged_texts(call, data)
    values = {name: getattr(call, name) for name in schemas.SETTINGS} | given
    terms = data.agencies if data.agencies is not None else _terms_inputs(call)
    known = await _checked_terms(session, principal.officer_agency_id, values, terms)
    if data.agencies is not None:
        require_own_terms(principal, call, data.agencies)
    changes = {n: [getattr(call, n), v] for n, v in given.items() if getattr(call, n) != v}
    for name, value in given.items():
        setattr(call, name, value)
    before_terms = terms_snapshot(call)
    if data.agencies is not None:
        _replace_terms(call, data.agencies, known)
        if terms_snapshot(call) != before_terms:
            changes["agencies"] = [before_terms, terms_snapshot(call)]
    if changes:
        call.updated_at = datetime.datetime.now(datetime.UTC)  # dirty row: bumps `version`
        await session.flush()
        await _audit(session, principal.actor, "call.update", call, changes)
    return call


def merged_texts(call: Call, data: schemas.CallUpdate) -> dict[str, dict[str, str]]:
    """`title` and `description` merged into the stored texts (RFC 7396: a language sent as
    `null` is removed, one left out stays); raises Invalid naming `title.en` if it would go."""
    merged, errors = {}, []
    for name in ("title", "description"):
        patch = getattr(data, name)
        if patch is not None:
            merged[name] = patch.merged(getattr(call, name))
            errors += english_missing(name, merged[name], schemas.REQUIRED())
    if errors:
        raise Invalid(INVALID(), errors=errors)
    return merged


def _terms_inputs(call: Call) -> list[schemas.AgencyTermsInput]:
    return [
        schemas.AgencyTermsInput(agency=t.agency.code, share_percent=t.share_percent)
        for t in call.agencies
    ]


def _replace_terms(
    call: Call, terms: list[schemas.AgencyTermsInput], known: dict[str, Agency]
) -> None:
    """Update rows in place by agency (a delete and re-insert would break the unique key)."""
    existing = {row.agency_id: row for row in call.agencies}
    rows = []
    for position, t in enumerate(terms):
        agency = known[t.agency]
        row = existing.get(agency.id) or _terms_row(position, t, agency)
        row.position, row.share_percent = position, t.share_percent
        for name in AMOUNTS:
            setattr(row, name, getattr(t, name))
        rows.append(row)
    call.agencies = rows


async def _audit(
    session: AsyncSession, actor: Actor, action: str, call: Call, changes: dict[str, Any]
) -> None:
    await append(
        session,
        actor=actor,
        action=action,
        entity_type="call",
        entity_id=call.id,
        changes=changes,
    )
