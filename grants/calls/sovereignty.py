"""Which agency may change which entry of a call's `agencies` list (rules: grants.security.policy).

A PATCH sends the whole list: the caller's own entry as they want it, every other agency's
entry as it is. An entry's left-out fields take their defaults (as on create), so another
agency's entry sent without its envelope would clear that envelope: that counts as a change.
"""

from __future__ import annotations

from typing import Any

from grants.calls import schemas
from grants.db.models import Call, CallAgency
from grants.errors import FieldError, Forbidden
from grants.security import policy
from grants.security.principal import Principal
from messages import define

NOT_YOURS = define("call.terms.not_yours", "only {agency} changes its {field}")
KEEP_COFUNDER = define("call.terms.keep_cofunder", "{agency} co-funds this call; keep its entry")
OWN_TERMS_ONLY = define(
    "call.terms.own_only",
    "An agency changes only its own terms in a call and removes no co-funder.",
)

_EMPTY = schemas.AgencyTermsInput(agency="--")
"""What an agency added to a draft starts with: its own officers fill in its terms."""


def _stored(row: CallAgency | None, name: str) -> Any:
    if row is None:  # a newly added agency: the defaults of an empty entry
        return getattr(_EMPTY, name)
    return getattr(row, name)


def _entry_refusals(
    principal: Principal, index: int, sent: schemas.AgencyTermsInput, row: CallAgency | None
) -> list[FieldError]:
    errors = []
    for name in policy.AGENCY_ENTRY_FIELDS:
        value = getattr(sent, name)
        if name == "currency" and (value is None or row is None):
            continue  # left out means "the agency's own", which is checked as invalid input
        if value != _stored(row, name):
            errors.append(
                FieldError(f"agencies[{index}].{name}", NOT_YOURS(agency=sent.agency, field=name))
            )
    return errors


def terms_refusals(
    principal: Principal, call: Call, terms: list[schemas.AgencyTermsInput]
) -> list[FieldError]:
    """Every change `terms` would make to another agency's entry, and every co-funder it would
    remove; empty when the caller changes only their own entry (or what is shared)."""
    rows = {row.agency.code: row for row in call.agencies}
    errors = []
    for index, sent in enumerate(terms):
        row = rows.get(sent.agency)
        if row is not None and policy.can_edit_agency_entry(principal, row.agency_id):
            continue
        if row is None and sent.agency in {r.agency for r in terms[:index]}:
            continue  # a repeated code: refused as invalid input
        errors.extend(_entry_refusals(principal, index, sent, row))
    sent_codes = {t.agency for t in terms}
    for code, row in rows.items():
        if code not in sent_codes and not policy.can_remove_cofunder(principal, row.agency_id):
            errors.append(FieldError("agencies", KEEP_COFUNDER(agency=code)))
    return errors


def require_own_terms(
    principal: Principal, call: Call, terms: list[schemas.AgencyTermsInput]
) -> None:
    """Raises Forbidden naming every other agency's field the caller would change."""
    errors = terms_refusals(principal, call, terms)
    if errors:
        raise Forbidden(OWN_TERMS_ONLY(), errors=errors)
