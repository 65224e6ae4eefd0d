"""Business verbs on a part's enterprise partners: add, change and remove them.

As the part's team and budget: only the part's own side (its PI and co-investigators) edits
them, in a draft, under the partner's version the client saw; every change bumps the proposal's
version and is audited (`proposal.partner_*`); every refusal names each bad field at once and
comes before anything is written.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common import codes
from grants.common.edits import merge_patch
from grants.db.models import (
    Document,
    EnterprisePartner,
    PartnerContribution,
    Proposal,
    ProposalPart,
)
from grants.db.models.partners import CONTRIBUTION_KINDS
from grants.documents.services import LETTER_KIND
from grants.errors import FieldError, Invalid, NotFound
from grants.money import MAX_AMOUNT, minor_exponent
from grants.partners import identifiers, queries, schemas
from grants.proposals import access
from grants.proposals.team import audit_change, lock_and_check
from grants.security.principal import Principal
from grants.times import utcnow
from messages import MessageError, define

PARTNER_FIELDS = (
    "legal_name",
    "legal_name_en",
    "country",
    "identifier",
    "size_class",
    "contact_name",
    "contact_email",
    "role",
    "currency",
    "letter_document_id",
)
REQUIRED = tuple(f for f in PARTNER_FIELDS if f not in {"letter_document_id", "currency"})

NO_SUCH_PARTNER = define("partner.not_found", "No such enterprise partner of this part.")
ADD_REFUSED = define("partner.add_refused", "The enterprise partner cannot be added.")
UPDATE_REFUSED = define("partner.update_refused", "The enterprise partner cannot be changed.")
LISTED_ALREADY = define("partner.identifier.listed", "this enterprise is already on this part")
NO_CURRENCY = define("partner.currency.none", "give the currency of the enterprise's contributions")
NOT_A_LETTER = define(
    "partner.letter.not_a_letter",
    "not a document of kind '{kind}' uploaded to this proposal",
)
YEAR_OUTSIDE = define("partner.contribution.year_outside", "a year of the project: 1 to {duration}")
UNKNOWN_KIND = define("partner.contribution.unknown_kind", "cash or in_kind")
NO_MINOR_UNIT = define(
    "partner.contribution.no_minor_unit", "{currency} has no minor unit: give a whole number"
)
IN_MINOR_UNITS = define(
    "partner.contribution.in_minor_units",
    "{currency} is counted in minor units: give a whole number",
)
NEGATIVE = define("partner.contribution.negative", "must not be negative")
TOO_LARGE = define("partner.contribution.too_large", "too large")
OTHER_CURRENCY = define(
    "partner.contribution.other_currency", "this partner contributes in {currency}"
)
LISTED_TWICE = define("partner.contribution.listed_twice", "year {year} {kind} is listed twice")


def find_partner(part: ProposalPart, partner_id: uuid.UUID) -> EnterprisePartner:
    """The part's partner `partner_id` (partners loaded); raises NotFound."""
    found = next((p for p in part.partners if p.id == partner_id), None)
    if found is None:
        raise NotFound(NO_SUCH_PARTNER())
    return found


def contribution_errors(
    prefix: str, sent: list[schemas.ContributionIn], currency: str | None, duration: int
) -> tuple[list[PartnerContribution], list[FieldError]]:
    """Rows of the valid contributions and an error naming each field of the others: a year
    outside the project, an unknown kind, a decimal, negative or too large amount, another
    currency than the partner's, a year and kind listed twice."""
    rows: list[Any] = []
    errors: list[FieldError] = []
    seen: set[tuple[Any, str]] = set()
    for i, c in enumerate(sent):
        field, before = f"{prefix}[{i}]", len(errors)
        if not 1 <= c.year <= duration:
            errors.append(FieldError(f"{field}.year", YEAR_OUTSIDE(duration=duration)))
        if c.kind not in CONTRIBUTION_KINDS:
            errors.append(FieldError(f"{field}.kind", UNKNOWN_KIND()))
        shown = currency or c.currency
        if not isinstance(c.amount, int):
            whole = NO_MINOR_UNIT if exponent(shown) == 0 else IN_MINOR_UNITS
            errors.append(FieldError(f"{field}.amount", whole(currency=shown)))
        elif not 0 <= c.amount <= MAX_AMOUNT:
            errors.append(
                FieldError(f"{field}.amount", NEGATIVE() if c.amount < 0 else TOO_LARGE())
            )
        if currency is not None and c.currency != currency:
            errors.append(FieldError(f"{field}.currency", OTHER_CURRENCY(currency=currency)))
        if (c.year, c.kind) in seen:
            errors.append(FieldError(field, LISTED_TWICE(year=c.year, kind=c.kind)))
        seen.add((c.year, c.kind))
        if len(errors) == before and currency is not None:
            rows.append(
                PartnerContribution(
                    year=c.year, kind=c.kind, amount=int(c.amount), currency=currency
                )
            )
    return rows, errors


def exponent(currency: str) -> int:
    try:
        return minor_exponent(currency)
    except Exception:
        return 0


def _identity_errors(values: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """The country, identifier (compact) and currency checked together; every reason."""
    errors: list[FieldError] = []
    checked = dict(values)
    try:
        country = codes.country(values["country"])
        checked["country"] = country
    except MessageError as exc:
        return checked, [FieldError("country", exc.message)]
    compact, reason = identifiers.check_identifier(country, values["identifier"])
    if reason is not None:
        field = "country" if country not in identifiers.SCHEMES else "identifier"
        errors.append(FieldError(field, reason))
    checked["identifier"] = compact
    currency = values.get("currency") or identifiers.home_currency(country)
    if currency is None:
        errors.append(FieldError("currency", NO_CURRENCY()))
    else:
        try:
            checked["currency"] = codes.currency(currency)
        except MessageError as exc:
            errors.append(FieldError("currency", exc.message))
            checked["currency"] = None
    return checked, errors


async def _letter_errors(
    session: AsyncSession, proposal: Proposal, document_id: uuid.UUID | None
) -> list[FieldError]:
    if document_id is None:
        return []
    kind = await session.scalar(
        select(Document.kind).where(Document.id == document_id, Document.proposal_id == proposal.id)
    )
    if kind != LETTER_KIND:
        return [FieldError("letter_document_id", NOT_A_LETTER(kind=LETTER_KIND))]
    return []


def _listed_errors(
    part: ProposalPart, checked: dict[str, Any], partner: EnterprisePartner | None = None
) -> list[FieldError]:
    key = (checked.get("country"), checked.get("identifier"))
    others = [p for p in part.partners if p is not partner]
    if key[1] and any((p.country, p.identifier) == key for p in others):
        return [FieldError("identifier", LISTED_ALREADY())]
    return []


async def add_partner(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    part: ProposalPart,
    data: schemas.PartnerCreate,
) -> EnterprisePartner:
    """List an enterprise partner with its commitments. Raises Forbidden (not the part's
    side), Conflict (not a draft) and Invalid naming every bad field (an identifier with a
    wrong check digit, a country without a checked scheme, a contribution with decimals in
    JPY/VND or in another currency than the partner's, a letter that is not this proposal's
    letter of commitment, an enterprise listed twice)."""
    access.require_part_editor(principal, part, proposal)
    await queries.load_partners(session, proposal)
    values = {name: getattr(data, name) for name in PARTNER_FIELDS}
    values["contact_email"] = str(data.contact_email)
    checked, errors = _identity_errors(values)
    errors += _listed_errors(part, checked)
    errors += await _letter_errors(session, proposal, data.letter_document_id)
    rows, bad = contribution_errors(
        "contributions", data.contributions, checked.get("currency"), proposal.duration_years
    )
    if errors or bad:
        raise Invalid(ADD_REFUSED(), errors=errors + bad)
    partner = EnterprisePartner(part_id=part.id, contributions=rows, **checked)
    part.partners.append(partner)
    await session.flush()
    changes: dict[str, Any] = {"part": str(part.id), "partner": str(partner.id)}
    changes |= {name: [None, _plain(getattr(partner, name))] for name in PARTNER_FIELDS}
    changes["contributions"] = [None, _snapshot(partner.contributions)]
    await audit_change(session, proposal, principal.actor, "partner_add", changes)
    return partner


async def update_partner(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    part: ProposalPart,
    partner: EnterprisePartner,
    data: schemas.PartnerUpdate,
) -> EnterprisePartner:
    """Merge-patch a partner; `contributions` replace the whole list. Raises Forbidden,
    Conflict (not a draft), StaleVersion and Invalid (as `add_partner`, checked on the
    partner as it would be)."""
    access.require_part_editor(principal, part, proposal)
    await lock_and_check(session, partner, data.version)
    sent = merge_patch(data, (*PARTNER_FIELDS, "contributions"), required=REQUIRED)
    if sent.get("contact_email") is not None:
        sent["contact_email"] = str(sent["contact_email"])
    values = {name: sent.get(name, getattr(partner, name)) for name in PARTNER_FIELDS}
    if "country" in sent and "currency" not in sent:
        values["currency"] = None  # a new country's own currency, unless one is given
    checked, errors = _identity_errors(values)
    errors += _listed_errors(part, checked, partner)
    if "letter_document_id" in sent:
        errors += await _letter_errors(session, proposal, sent["letter_document_id"])
    contributions = sent.get("contributions")
    if contributions is None:  # kept: they must still be in the (maybe new) currency
        contributions = [
            schemas.ContributionIn.model_validate(c, from_attributes=True)
            for c in partner.contributions
        ]
    rows, bad = contribution_errors(
        "contributions", contributions, checked.get("currency"), proposal.duration_years
    )
    if errors or bad:
        raise Invalid(UPDATE_REFUSED(), errors=errors + bad)
    changes = _apply(partner, checked)
    before = _snapshot(partner.contributions)
    if before != _snapshot(rows):
        partner.contributions.clear()
        await session.flush()
        partner.contributions.extend(rows)
        changes["contributions"] = [before, _snapshot(rows)]
    if changes:
        partner.updated_at = utcnow()
        await audit_change(
            session,
            proposal,
            principal.actor,
            "partner_update",
            {"part": str(part.id), "partner": str(partner.id), **changes},
        )
    return partner


async def remove_partner(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    part: ProposalPart,
    partner: EnterprisePartner,
    version: int,
) -> None:
    """Take a partner off the part. Raises Forbidden, Conflict (not a draft), StaleVersion."""
    access.require_part_editor(principal, part, proposal)
    await lock_and_check(session, partner, version)
    changes = {
        "part": str(part.id),
        "partner": str(partner.id),
        "legal_name_en": [partner.legal_name_en, None],
        "identifier": [partner.identifier, None],
        "contributions": [_snapshot(partner.contributions), None],
    }
    part.partners.remove(partner)
    await audit_change(session, proposal, principal.actor, "partner_remove", changes)


def _apply(partner: EnterprisePartner, checked: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in PARTNER_FIELDS:
        if checked[name] != getattr(partner, name):
            changes[name] = [_plain(getattr(partner, name)), _plain(checked[name])]
            setattr(partner, name, checked[name])
    return changes


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, uuid.UUID) else value


def _snapshot(rows: list[PartnerContribution]) -> list[list[Any]]:
    return sorted([r.year, r.kind, r.amount, r.currency] for r in rows)
