"""A call in its decision phase for decision and grant tests: JST (yen) and NAFOSTED (đồng)
co-fund it; each proposal is reviewed, with a two-year budget on each side; decisions and
grants can be arranged directly (rows written as the application writes them)."""

from __future__ import annotations

import datetime
import hashlib
import uuid
from typing import Any

import factory
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import (
    Agency,
    ApprovedBudgetLine,
    AuditEvent,
    FinancialStatement,
    FinancialStatementLine,
    Grant,
    GrantAgreement,
    GrantBudgetLine,
    GrantSide,
    Proposal,
    Tranche,
    User,
)
from grants.tranches.planning import side_tranches
from storage.base import StoredObject
from tests.factories import BudgetLineFactory, persist
from tests.factories_guards import approve
from tests.factories_scoring import Panel, make_panel

# What each side requests: (year, category, amount) in the agency's currency.
JST_REQUEST = (
    (1, "personnel", 5_000_000),
    (1, "indirect", 1_500_000),
    (2, "personnel", 4_000_000),
)
NAFOSTED_REQUEST = (
    (1, "personnel", 800_000_000),
    (2, "personnel", 700_000_000),
)
NAFOSTED_TERMS = {
    "cap_per_year": 2_000_000_000,
    "cap_total": 6_000_000_000,
    "envelope": 60_000_000_000,
}


async def make_deciding(db: AsyncSession, n_proposals: int = 1, **call: Any) -> Panel:
    """Co-funders, a call in `deciding` (caps: JST ¥10,000,000 a year, ¥45,000,000 a project,
    envelope ¥300,000,000; NAFOSTED's in `NAFOSTED_TERMS`) and reviewed proposals, each
    requesting `JST_REQUEST` and `NAFOSTED_REQUEST`, starting 2027-04-01 for 3 years."""
    panel = await make_panel(
        db, n_proposals=n_proposals, proposal_state="reviewed", state="deciding", **call
    )
    for name, value in NAFOSTED_TERMS.items():
        setattr(panel.call.agencies[1], name, value)
    for proposal in panel.proposals:
        for part, request, currency in zip(
            proposal.parts, (JST_REQUEST, NAFOSTED_REQUEST), ("JPY", "VND"), strict=True
        ):
            part.budget.extend(
                BudgetLineFactory(part_id=part.id, year=y, category=c, amount=a, currency=currency)
                for y, c, a in request
            )
    await persist(db, panel.call, *panel.proposals)
    return panel


def lines(request: tuple[tuple[int, str, int], ...], currency: str) -> list[dict[str, Any]]:
    """A decision body's budget: every requested line approved in full."""
    return [{"year": y, "category": c, "amount": a, "currency": currency} for y, c, a in request]


def approval_body(
    proposal: Proposal, agency: str, budget: list[dict[str, Any]], **fields: Any
) -> dict[str, Any]:
    """`POST …/decisions` approving `budget` for `agency` at the proposal's version."""
    return {
        "version": proposal.version,
        "agency": agency,
        "decision": "approve",
        "rationale": "Strong joint plan; fund as ranked.",
        "budget": budget,
        **fields,
    }


def rejection_body(proposal: Proposal, agency: str, **fields: Any) -> dict[str, Any]:
    return {
        "version": proposal.version,
        "agency": agency,
        "decision": "reject",
        "rationale": "Below the funding line of our ranking.",
        **fields,
    }


async def decided(
    db: AsyncSession,
    proposal: Proposal,
    agency: Agency,
    officer: User,
    request: tuple[tuple[int, str, int], ...] = (),
    decision: str = "approve",
) -> uuid.UUID:
    """A persisted decision of `agency` (its key and approved lines), as if recorded."""
    key = await approve(
        db, ("proposal", proposal.id, "funding", 0), agency, officer, decision=decision
    )
    key.rationale = "Arranged."
    await persist(
        db,
        key,
        *(
            ApprovedBudgetLine(
                approval_id=key.id, year=y, category=c, amount=a, currency=agency.currency
            )
            for y, c, a in request
        ),
    )
    return key.id


class GrantFactory(factory.Factory):
    class Meta:
        model = Grant

    state = "active"
    start_date = datetime.date(2027, 4, 1)
    end_date = datetime.date(2030, 4, 1)
    duration_years = 3
    sides = factory.LazyFunction(list)


async def make_grant(db: AsyncSession, panel: Panel, proposal: Proposal, **fields: Any) -> Grant:
    """A persisted grant of `proposal` (awarded), each side approved in full, numbered
    `<agency>-2027-000n` by the proposal's number."""
    proposal.state = "awarded"
    grant = GrantFactory(proposal_id=proposal.id, call_id=panel.call.id, **fields)
    for position, (agency, officer, request) in enumerate(
        (
            (panel.jst, panel.jst_officer, JST_REQUEST),
            (panel.nafosted, panel.nafosted_officer, NAFOSTED_REQUEST),
        )
    ):
        key = await decided(db, proposal, agency, officer, request)
        seq = proposal.number or 1
        grant.sides.append(
            GrantSide(
                agency_id=agency.id,
                part_id=proposal.parts[position].id,
                decision_id=key,
                position=position,
                number=f"{agency.code}-2027-{seq:04d}",
                number_scope=f"{agency.code}-2027-{{seq}}",
                number_seq=seq,
                currency=agency.currency,
                awarded_total=sum(a for _, _, a in request),
                lines=[GrantBudgetLine(year=y, category=c, amount=a) for y, c, a in request],
            )
        )
    await persist(db, proposal, grant)
    return grant


async def audit_actions(db: AsyncSession) -> list[str]:
    """Every audit event's action, in order."""
    return list(await db.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))


async def audit_total(db: AsyncSession) -> int:
    return int(await db.scalar(select(func.count()).select_from(AuditEvent)) or 0)


async def with_tranches(db: AsyncSession, panel: Panel, grant: Grant) -> list[Tranche]:
    """The grant's tranches as the award plans them (`grants.tranches.planning`), persisted."""
    fiscal = {panel.jst.id: 4, panel.nafosted.id: 1}
    planned = [
        t
        for side in grant.sides
        for t in side_tranches(side, grant.start_date, grant.duration_years, fiscal[side.agency_id])
    ]
    await persist(db, *planned)
    return planned


async def with_agreement(
    db: AsyncSession, side: GrantSide, uploader: User, stored: StoredObject | None = None
) -> GrantAgreement:
    """The side's signed agreement, recorded as the next version (the bytes need not be in a
    store unless a test downloads them: then pass what `store.put` stored)."""
    versions = await db.scalar(select(func.count()).where(GrantAgreement.side_id == side.id))
    agreement = GrantAgreement(
        grant_id=side.grant_id,
        side_id=side.id,
        version=int(versions or 0) + 1,
        original_name="agreement.pdf",
        content_type="application/pdf",
        size=stored.size if stored else 0,
        sha256=stored.sha256_hex if stored else hashlib.sha256(b"").hexdigest(),
        storage_key=stored.key if stored else f"arranged/{uuid.uuid4().hex}",
        uploaded_by=uploader.id,
    )
    await persist(db, agreement)
    return agreement


async def with_agreements(db: AsyncSession, panel: Panel, grant: Grant) -> None:
    """Both sides' signed agreements, each uploaded by the side's PI."""
    for side, pi in zip(grant.sides, (panel.jp_pi, panel.vn_pi), strict=True):
        await with_agreement(db, side, pi)


async def with_statement(
    db: AsyncSession, side: GrantSide, year: int, submitter: User, **spent: int
) -> FinancialStatement:
    """Version 1 of the side's statement of `year`: `spent` per category."""
    statement = FinancialStatement(
        grant_id=side.grant_id,
        side_id=side.id,
        year=year,
        version=1,
        currency=side.currency,
        submitted_by=submitter.id,
        lines=[
            FinancialStatementLine(position=i, category=c, spent=a)
            for i, (c, a) in enumerate(spent.items())
        ],
    )
    await persist(db, statement)
    return statement
