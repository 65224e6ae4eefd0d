"""Awarded grants from the database as `opendata` records: a fixed number of queries whatever
the number of grants (grants with their call and proposal, the parts, the tranches)."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from grants.db.models import (
    Agency,
    Call,
    EnterprisePartner,
    Grant,
    GrantSide,
    PartnerContribution,
    Proposal,
    ProposalPart,
    Tranche,
)
from grants.errors import FieldError, Invalid
from grants.opendata.problems import REFUSED, UNKNOWN_AGENCY, UNKNOWN_CALL
from grants.security.policy import OpenDataRequest
from opendata import Org, Partner, Payment, Project, Share, TranchePlan
from workflows.machines.tranche import TrancheState


@dataclass(frozen=True, slots=True)
class Filters:
    """The resolved filters: a call and an agency, each None for every one."""

    call: Call | None = None
    agency: Agency | None = None

    def request(self) -> OpenDataRequest:
        """What the policy decides on: the agency asked for and the call's co-funders."""
        return OpenDataRequest(
            self.agency.id if self.agency else None,
            frozenset(a.agency_id for a in self.call.agencies) if self.call else None,
        )

    def audited(self) -> dict[str, str | None]:
        return {
            "call": self.call.code if self.call else None,
            "agency": self.agency.code if self.agency else None,
        }


async def resolve_filters(
    session: AsyncSession, call_code: str | None, agency_code: str | None
) -> Filters:
    """The call and agency named by their codes; Invalid (422, naming the field) for an
    unknown one."""
    errors = []
    call = agency = None
    if call_code is not None:
        call = await session.scalar(
            select(Call).where(Call.code == call_code).options(selectinload(Call.agencies))
        )
        if call is None:
            errors.append(FieldError("call", UNKNOWN_CALL(code=call_code)))
    if agency_code is not None:
        agency = await session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            errors.append(FieldError("agency", UNKNOWN_AGENCY(code=agency_code)))
    if errors:
        raise Invalid(REFUSED(), errors=errors)
    return Filters(call, agency)


def funder(agency: Agency, org_ids: Mapping[str, str]) -> Org:
    """The agency as an organisation, by its configured org-id (`OPEN_DATA_ORG_IDS`)."""
    return Org(org_ids.get(agency.code, f"ZZ-COFUND-{agency.code}"), agency.name, agency.country)


def recipient(host: Row[Any], side: GrantSide, funder_id: str) -> Org:
    """The part's host institution (`host`: its ROR id, name and country) by its ROR id;
    without one, an identifier in the funder's own list (the side's grant number)."""
    name = host.institution_name or host.institution_ror or side.number
    if host.institution_ror:
        return Org(f"XI-ROR-{host.institution_ror}", name, host.country)
    return Org(f"{funder_id}-RECIPIENT-{side.number}", name, host.country)


def _plan(tranche: Tranche) -> TranchePlan:
    paid = None
    if tranche.state == TrancheState.DISBURSED and tranche.disbursed_amount is not None:
        day = tranche.paid_on or tranche.disbursed_at.date()  # type: ignore[union-attr]
        paid = Payment(day, tranche.disbursed_amount, tranche.payment_reference)
    return TranchePlan(
        tranche.label,
        tranche.first_day,
        tranche.last_day,
        tranche.due_date,
        tranche.planned_amount,
        paid,
    )


def _utc_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(datetime.UTC).date()


async def load_projects(
    session: AsyncSession, filters: Filters, org_ids: Mapping[str, str], agency_id: uuid.UUID | None
) -> list[Project]:
    """Every awarded project (of the call filtered on); with `agency_id`, only that agency's
    shares are published (the others stay, to be named as related) and projects without
    such a share are left out. Ordered by call and reference."""
    # Columns, not the proposal and call rows: those would load their eager relationships
    # (parts, members, co-funders), which nothing published needs.
    query = (
        select(
            Grant,
            Proposal.reference,
            Proposal.title,
            Proposal.abstract,
            Call.code,
            Call.title.label("call_title"),
        )
        .join(Proposal, Proposal.id == Grant.proposal_id)
        .join(Call, Call.id == Grant.call_id)
        .order_by(Call.code, Proposal.reference)
    )
    if filters.call is not None:
        query = query.where(Grant.call_id == filters.call.id)
    rows = (await session.execute(query)).all()
    part_ids = [side.part_id for row in rows for side in row.Grant.sides]
    hosts = {
        host.id: host
        for host in await session.execute(
            select(
                ProposalPart.id,
                ProposalPart.institution_ror,
                ProposalPart.institution_name,
                Agency.country,
            )
            .join(Agency, Agency.id == ProposalPart.agency_id)
            .where(ProposalPart.id.in_(part_ids))
        )
    }
    partners = await _partners(session, part_ids)
    tranches: dict[uuid.UUID, list[Tranche]] = defaultdict(list)
    grant_ids = [row.Grant.id for row in rows]
    for tranche in await session.scalars(
        select(Tranche).where(Tranche.grant_id.in_(grant_ids)).order_by(Tranche.position)
    ):
        tranches[tranche.side_id].append(tranche)
    projects = []
    for row in rows:
        shares = [
            replace(
                _share(side, hosts[side.part_id], tranches[side.id], org_ids, agency_id),
                partners=partners.get(side.part_id, ()),
            )
            for side in row.Grant.sides
        ]
        if any(share.published for share in shares):
            projects.append(_project(row, shares, tranches))
    return projects


ORG_ID_LISTS = {"JP": "JP-JCN"}
"""The org-id.guide list of each country's enterprise identifiers (Japan's corporate numbers);
a partner of another country is named without a reference."""


async def _partners(
    session: AsyncSession, part_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[Partner, ...]]:
    """Each part's enterprise partners as organisations, cash contributors marked (one
    query)."""
    cash = (
        select(PartnerContribution.id)
        .where(
            PartnerContribution.partner_id == EnterprisePartner.id,
            PartnerContribution.kind == "cash",
            PartnerContribution.amount > 0,
        )
        .exists()
    )
    rows = await session.execute(
        select(EnterprisePartner, cash.label("cash"))
        .where(EnterprisePartner.part_id.in_(part_ids))
        .order_by(EnterprisePartner.created_at, EnterprisePartner.id)
    )
    found: dict[uuid.UUID, list[Partner]] = defaultdict(list)
    for partner, gives_cash in rows.tuples():
        prefix = ORG_ID_LISTS.get(partner.country)
        ref = f"{prefix}-{partner.identifier}" if prefix else ""
        org = Org(ref, partner.legal_name_en, partner.country)
        found[partner.part_id].append(Partner(org, bool(gives_cash)))
    return {part: tuple(orgs) for part, orgs in found.items()}


def _share(
    side: GrantSide,
    host: Row[Any],
    tranches: list[Tranche],
    org_ids: Mapping[str, str],
    agency_id: uuid.UUID | None,
) -> Share:
    org = funder(side.agency, org_ids)
    return Share(
        agency=side.agency.code,
        funder=org,
        number=side.number,
        currency=side.currency,
        awarded=side.awarded_total,
        recipient=recipient(host, side, org.id),
        tranches=tuple(_plan(t) for t in tranches),
        published=agency_id is None or side.agency_id == agency_id,
    )


def _project(
    row: Row[Any], shares: list[Share], tranches: Mapping[uuid.UUID, list[Tranche]]
) -> Project:
    grant: Grant = row.Grant
    own = [t for side in grant.sides for t in tranches[side.id]]
    changed = [grant.updated_at, *(t.updated_at for t in own)]
    # A grant is awarded before any of it is paid: when its row is younger than its first
    # payment (history imported or replayed, as the demo's), the first payment day bounds it.
    paid = [t.paid_on for t in own if t.state == TrancheState.DISBURSED and t.paid_on is not None]
    return Project(
        reference=row.reference or str(grant.id),
        call_code=row.code,
        call_title=row.call_title.get("en") or row.code,
        titles={k: v for k, v in row.title.items() if v},
        abstracts={k: v for k, v in row.abstract.items() if v},
        start=grant.start_date,
        end=grant.end_date,
        duration_years=grant.duration_years,
        awarded_on=min([_utc_day(grant.created_at), *paid]),
        state=grant.state,
        modified=max(changed),
        shares=tuple(shares),
    )
