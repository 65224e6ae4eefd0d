"""The API views of a call: instants in every co-funder's zone, amounts in the reader's locale."""

from __future__ import annotations

from grants.calls import schemas
from grants.db.models import Call, CallAgency
from grants.money import Money, format_money
from grants.times import format_in_zones


def call_view(call: Call) -> schemas.Call:
    """The list view of a call."""
    return schemas.Call.model_validate(
        {**_common(call), "agency_codes": [t.agency.code for t in call.agencies]}
    )


def call_detail(call: Call, locale: str) -> schemas.CallDetail:
    """Every field of a call; deadlines and amounts shown for a reader in `locale`."""
    return schemas.CallDetail.model_validate(
        {
            **_common(call),
            "agency_codes": [t.agency.code for t in call.agencies],
            "description": call.description,
            "reviewers_per_proposal": call.reviewers_per_proposal,
            "min_reviewers_per_country": call.min_reviewers_per_country,
            "review_deadline": call.review_deadline,
            "rubric": call.rubric,
            "document_kinds": call.document_kinds,
            "agencies": [_terms(t, locale) for t in call.agencies],
            "opens_at_local": _local(call, "opens_at", locale),
            "closes_at_local": _local(call, "closes_at", locale),
        }
    )


def _common(call: Call) -> dict[str, object]:
    fields = ("id", "code", "title", "topics", "state", "opens_at", "closes_at", "durations")
    rest = ("cofunding_mode", "review_mode", "version", "created_at")
    return {name: getattr(call, name) for name in (*fields, *rest)}


def _local(call: Call, field: str, locale: str) -> list[schemas.LocalTime]:
    zones = [t.agency.time_zone for t in call.agencies]
    texts = dict(format_in_zones(getattr(call, field), zones, locale))
    return [
        schemas.LocalTime(agency=t.agency.code, time_zone=t.agency.time_zone, text=texts[tz])
        for t, tz in zip(call.agencies, zones, strict=True)
    ]


def _text(amount: int | None, currency: str, locale: str) -> str | None:
    return None if amount is None else format_money(Money(amount, currency), locale)


def _terms(terms: CallAgency, locale: str) -> schemas.AgencyTerms:
    return schemas.AgencyTerms(
        agency=terms.agency.code,
        agency_name=terms.agency.name,
        country=terms.agency.country,
        currency=terms.currency,
        cap_per_year=terms.cap_per_year,
        cap_per_year_text=_text(terms.cap_per_year, terms.currency, locale),
        cap_total=terms.cap_total,
        cap_total_text=_text(terms.cap_total, terms.currency, locale),
        envelope=terms.envelope,
        envelope_text=_text(terms.envelope, terms.currency, locale),
        max_indirect_percent=terms.max_indirect_percent,
        pi_once_per_call=terms.pi_once_per_call,
        share_percent=terms.share_percent,
        partner_required=terms.partner_required,
        min_matching_percent=terms.min_matching_percent,
        members_abroad_allowed=terms.members_abroad_allowed,
    )
