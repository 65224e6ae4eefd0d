"""Partners and their matching funds as the API shows them."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from grants.db.models import Call, EnterprisePartner, ProposalPart
from grants.partners import identifiers, matching, queries, schemas
from grants.proposals import checks
from schedules.fx import RecordedRate


def partner_view(
    partner: EnterprisePartner, part: ProposalPart, *, contact: bool = True
) -> schemas.Partner:
    """A partner; without `contact` (an assigned reviewer) its contact person is null."""
    return schemas.Partner(
        id=partner.id,
        part_id=part.id,
        agency=part.agency.code,
        version=partner.version,
        legal_name=partner.legal_name,
        legal_name_en=partner.legal_name_en,
        country=partner.country,
        identifier=partner.identifier,
        identifier_formatted=identifiers.formatted(partner.country, partner.identifier),
        size_class=partner.size_class,  # type: ignore[arg-type] # the CHECK holds it
        contact_name=partner.contact_name if contact else None,
        contact_email=partner.contact_email if contact else None,
        role=partner.role,
        currency=partner.currency,
        letter_document_id=partner.letter_document_id,
        contributions=[
            schemas.Contribution.model_validate(c)
            for c in sorted(partner.contributions, key=lambda c: (c.year, c.kind))
        ],
        committed_total=queries.committed_total(partner),
        created_at=partner.created_at,
    )


def matching_view(
    part: ProposalPart, call: Call, rates: Sequence[RecordedRate], as_of: datetime.date
) -> schemas.Matching:
    """The part's matching funds (budget and partners loaded)."""
    terms = checks.terms_for(call, part)
    budget, counted = queries.part_matching(part, call, rates, as_of)
    percent = terms.min_matching_percent
    return schemas.Matching(
        agency=part.agency.code,
        currency=terms.currency,
        partner_required=terms.partner_required,
        min_matching_percent=percent,
        budget=budget,
        committed=counted.total,
        share_percent=matching.share_percent(budget, counted.total),
        required=matching.required_matching(budget, percent) if percent else 0,
        shortfall=matching.shortfall(budget, counted.total, percent) if percent else 0,
        unconverted=list(counted.unconverted),
    )


def part_partners_view(
    part: ProposalPart,
    call: Call,
    rates: Sequence[RecordedRate],
    as_of: datetime.date,
    *,
    contact: bool,
) -> schemas.PartPartners:
    return schemas.PartPartners(
        part_id=part.id,
        agency=part.agency.code,
        partners=[partner_view(p, part, contact=contact) for p in part.partners],
        matching=matching_view(part, call, rates, as_of),
    )
