"""Grants as the API shows them: the list item and the detail with each side's grid and the
consortium."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards import queries, schemas
from grants.db.models import Call, Grant, GrantSide, Proposal


def grant_view(
    grant: Grant, reference: str | None, title: dict[str, Any], call_code: str
) -> schemas.Grant:
    """A grant as listed: dates, state and each side's number and awarded total."""
    return schemas.Grant(
        **_shared(grant, reference, title, call_code),
        sides=[_summary(side) for side in grant.sides],
    )


async def grant_detail(
    session: AsyncSession, grant: Grant, proposal: Proposal, call: Call
) -> schemas.GrantDetail:
    """The grant with each side's approved grid and yearly totals, the consortium as the
    proposal lists it, and links to the proposal's documents, reviews and decisions."""
    await queries.load_grids(session, grant)
    base = f"/api/proposals/{proposal.id}"
    return schemas.GrantDetail(
        **_shared(grant, proposal.reference, proposal.title, call.code),
        sides=[_side(side) for side in grant.sides],
        consortium=[
            schemas.ConsortiumPart(
                agency=part.agency.code,
                pi_user_id=part.pi_user_id,
                institution_ror=part.institution_ror,
                institution_name=part.institution_name,
                members=[schemas.ConsortiumMember.model_validate(m) for m in part.members],
            )
            for part in proposal.parts
        ],
        links=schemas.GrantLinks(
            proposal=base,
            documents=f"{base}/documents",
            reviews=f"{base}/reviews",
            decisions=f"{base}/decisions",
            tranches=f"/api/grants/{grant.id}/tranches",
        ),
    )


def _shared(
    grant: Grant, reference: str | None, title: dict[str, Any], call_code: str
) -> dict[str, Any]:
    return {
        "id": grant.id,
        "version": grant.version,
        "state": grant.state,
        "reference": reference,
        "title": title,
        "call_id": grant.call_id,
        "call_code": call_code,
        "proposal_id": grant.proposal_id,
        "start_date": grant.start_date,
        "end_date": grant.end_date,
        "duration_years": grant.duration_years,
    }


def _summary(side: GrantSide) -> schemas.SideSummary:
    return schemas.SideSummary(
        agency=side.agency.code,
        number=side.number,
        awarded=schemas.Amount(amount=side.awarded_total, currency=side.currency),
    )


def _side(side: GrantSide) -> schemas.Side:
    by_year: dict[int, int] = {}
    for line in side.lines:
        by_year[line.year] = by_year.get(line.year, 0) + line.amount
    return schemas.Side(
        **_summary(side).model_dump(),
        budget=[schemas.ApprovedLine.model_validate(line) for line in side.lines],
        totals_by_year=[schemas.YearAmount(year=y, amount=a) for y, a in sorted(by_year.items())],
    )
