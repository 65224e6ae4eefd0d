"""API views of loaded proposal rows (plain conversions; the controllers return these)."""

from __future__ import annotations

from grants.db.models import Call, PartMember, Proposal, ProposalPart
from grants.proposals import checks, schemas
from messages import render


def member_view(member: PartMember, part: ProposalPart) -> schemas.Member:
    """A team member as the API shows it; `abroad` when based outside the part's country."""
    abroad = member.based_in is not None and member.based_in != part.agency.country
    return schemas.Member(
        id=member.id,
        version=member.version,
        user_id=member.user_id,
        role=member.role,  # type: ignore[arg-type] # the CHECK holds it
        name=member.name,
        email=member.email,
        orcid=member.orcid,
        erad_number=member.erad_number,
        based_in=member.based_in,
        abroad=abroad,
    )


def budget_view(part: ProposalPart, call: Call, duration: int, locale: str) -> schemas.Budget:
    """The part's lines with totals per year and the rule breaches the submit guard refuses,
    in the reader's language."""
    terms = checks.terms_for(call, part)
    totals = checks.year_totals(part.budget)
    return schemas.Budget(
        version=part.version,
        currency=terms.currency,
        lines=[
            schemas.BudgetLine.model_validate(line)
            for line in sorted(part.budget, key=lambda b: (b.year, b.category))
        ],
        totals_by_year=[schemas.YearTotal(year=y, amount=a) for y, a in totals.items()],
        total=sum(totals.values()),
        warnings=[render(w, locale) for w in checks.budget_warnings(part, terms, duration)],
    )


def part_view(part: ProposalPart, call: Call, duration: int, locale: str) -> schemas.Part:
    """One agency's part with its team and budget."""
    return schemas.Part(
        id=part.id,
        version=part.version,
        agency_id=part.agency_id,
        agency_code=part.agency.code,
        country=part.agency.country,
        currency=checks.terms_for(call, part).currency,
        position=part.position,
        pi_user_id=part.pi_user_id,
        institution_ror=part.institution_ror,
        institution_name=part.institution_name,
        members=[member_view(m, part) for m in part.members],
        budget=budget_view(part, call, duration, locale),
    )


def proposal_view(proposal: Proposal, hidden: frozenset[str] = frozenset()) -> schemas.Proposal:
    """The shared fields of a proposal, without its parts (list items); `hidden` fields are
    shown as null (see `access.hidden_fields`)."""
    view = schemas.Proposal.model_validate(proposal)
    blanked = {f: None for f in hidden if f in schemas.Proposal.model_fields}
    return view.model_copy(update=blanked) if blanked else view


def detail_view(
    proposal: Proposal,
    call: Call,
    *,
    locale: str,
    documents: list[schemas.DocumentSummary],
    duplicate_funding: list[schemas.DuplicateFunding] | None,
) -> schemas.ProposalDetail:
    """The whole proposal as its detail endpoint shows it."""
    return schemas.ProposalDetail(
        **proposal_view(proposal).model_dump(),
        call_code=call.code,
        parts=[part_view(p, call, proposal.duration_years, locale) for p in proposal.parts],
        documents=documents,
        duplicate_funding=duplicate_funding,
    )
