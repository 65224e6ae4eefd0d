"""Amendments as the API shows them: proposed and approved values side by side, each deciding
agency's answer (the officer's id for oversight roles only)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.amendments import schemas
from grants.approvals.records import Purpose
from grants.awards.schemas import Amount
from grants.db.models import Amendment, Approval, ApprovedEndDate, Grant


async def amendment_views(
    session: AsyncSession, amendments: Sequence[Amendment], grant: Grant, *, officers: bool
) -> list[schemas.Amendment]:
    """The amendments of `grant` with their answers (two queries, whatever their number)."""
    ids = [a.id for a in amendments]
    rows = (
        await session.execute(
            select(Approval, ApprovedEndDate.end_date)
            .outerjoin(ApprovedEndDate, ApprovedEndDate.approval_id == Approval.id)
            .where(
                Approval.subject_type == "amendment",
                Approval.subject_id.in_(ids),
                Approval.purpose == Purpose.AMENDMENT,
            )
            .order_by(Approval.created_at, Approval.id)
        )
    ).tuples()
    codes = {side.agency_id: side.agency.code for side in grant.sides}
    answers: dict[uuid.UUID, list[schemas.AgencyAnswer]] = {}
    for approval, end_date in rows:
        answers.setdefault(approval.subject_id, []).append(
            schemas.AgencyAnswer(
                agency=codes[approval.agency_id],
                decision=approval.decision,  # type: ignore[arg-type]  # CHECK keeps it
                rationale=approval.rationale,
                end_date=end_date,
                officer_id=approval.officer_id if officers else None,
                answered_at=approval.created_at,
            )
        )
    sides = {side.id: side.agency.code for side in grant.sides}
    return [_view(a, sides, answers.get(a.id, [])) for a in amendments]


def _view(
    amendment: Amendment, sides: dict[uuid.UUID, str], answers: list[schemas.AgencyAnswer]
) -> schemas.Amendment:
    return schemas.Amendment(
        id=amendment.id,
        version=amendment.version,
        grant_id=amendment.grant_id,
        kind=amendment.kind,  # type: ignore[arg-type]  # CHECK keeps it
        state=amendment.state,  # type: ignore[arg-type]
        agency=sides.get(amendment.side_id) if amendment.side_id else None,
        reason=amendment.reason,
        requested_by=amendment.requested_by,
        requested_at=amendment.requested_at,
        moves=[
            schemas.Move(
                from_year=m.from_year,
                from_category=m.from_category,  # type: ignore[arg-type]
                to_year=m.to_year,
                to_category=m.to_category,  # type: ignore[arg-type]
                proposed=Amount(amount=m.proposed_amount, currency=m.currency),
                approved=None
                if m.approved_amount is None
                else Amount(amount=m.approved_amount, currency=m.currency),
            )
            for m in amendment.moves
        ],
        previous_end_date=amendment.previous_end_date,
        proposed_end_date=amendment.proposed_end_date,
        approved_end_date=amendment.approved_end_date,
        answers=answers,
    )
