"""The authorization matrix's world: one joint call in review with every persona of
`grants.security.matrix` and every resource a route can name.

JST and NAFOSTED co-fund call JV-2026 (reviewing); FWO co-funds only its own draft call. The
researcher is the JST PI of consortium A (JV-2026-0001); the outsider is the JST PI of consortium
B (JV-2026-0002). The reviewer (JST pool) accepted an assignment on A; the bystander (JST pool)
is invited to serve on the call and has a declared conflict with A. Each agency's officer, an
auditor and an admin complete the cast. A grant stands on A (both agencies' approvals with it)
so the grant routes have one to name, with the JST side's first tranche requested by the
researcher and a no-cost extension requested by them too; A itself stays under review. Built
with the shared factories in the test session.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import (
    Agency,
    Amendment,
    ApiToken,
    ExportJob,
    Grant,
    GrantSide,
    MidtermGate,
    ProgressReport,
    Proposal,
    Tranche,
    User,
)
from grants.security.tokens import digest
from storage.base import DocumentStore
from tests.factories import (
    AgencyFactory,
    ApiTokenFactory,
    CallReviewerFactory,
    ConflictFactory,
    DocumentFactory,
    PartMemberFactory,
    ProposalInvitationFactory,
    RankingFactory,
    ReviewAssignmentFactory,
    make_call,
    make_proposal,
    make_reviewer,
    make_user,
    persist,
)
from tests.factories_awards import GrantFactory, with_agreement, with_statement
from tests.factories_documents import PDF
from tests.factories_guards import approve
from tests.factories_partners import EnterprisePartnerFactory


@dataclass
class MatrixWorld:
    """Ids by the names the request table uses, and bearer headers per persona."""

    ids: dict[str, uuid.UUID] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)


async def _token(db: AsyncSession, user: User) -> tuple[ApiToken, dict[str, str]]:
    secret = f"cft_matrix_{user.id.hex}"
    token = ApiTokenFactory(user_id=user.id, token_hash=digest(secret))
    await persist(db, token)
    return token, {"Authorization": f"Bearer {secret}"}


async def _one_chunk() -> AsyncIterator[bytes]:
    yield PDF


async def _proposal(
    db: AsyncSession, call: Any, pis: dict[uuid.UUID, User], number: int
) -> Proposal:
    return await make_proposal(
        db,
        call,
        pis,
        state="under_review",
        number=number,
        reference=f"JV-2026-{number:04d}",
        submitted_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=3),
    )


async def _grant(db: AsyncSession, proposal: Proposal, *sides: tuple[Agency, User]) -> Grant:
    """A grant of `proposal`, one side per (agency, officer) with that agency's approval."""
    grant = GrantFactory(proposal_id=proposal.id, call_id=proposal.call_id)
    for position, (agency, officer) in enumerate(sides):
        key = await approve(db, ("proposal", proposal.id, "funding", 0), agency, officer)
        grant.sides.append(
            GrantSide(
                agency_id=agency.id,
                part_id=proposal.parts[position].id,
                decision_id=key.id,
                position=position,
                number=f"{agency.code}-2027-0001",
                number_scope=f"{agency.code}-2027-{{seq}}",
                number_seq=1,
                currency=agency.currency,
                awarded_total=0,
                lines=[],
            )
        )
    await persist(db, grant)
    return grant


async def _requested_tranche(db: AsyncSession, grant: Grant, pi: User) -> Tranche:
    """The JST side's first tranche, requested by its PI (the researcher)."""
    tranche = Tranche(
        grant_id=grant.id,
        side_id=grant.sides[0].id,
        position=1,
        fiscal_year=2027,
        label="FY2027",
        due_date=datetime.date(2027, 4, 1),
        first_day=datetime.date(2027, 4, 1),
        last_day=datetime.date(2028, 3, 31),
        currency="JPY",
        planned_amount=0,
        state="requested",
        requested_amount=0,
        requested_by=pi.id,
        requested_at=datetime.datetime.now(datetime.UTC),
    )
    await persist(db, tranche)
    return tranche


async def _requested_extension(db: AsyncSession, grant: Grant, pi: User) -> Amendment:
    """A no-cost extension of the grant by three months, requested by the researcher."""
    amendment = Amendment(
        grant_id=grant.id,
        kind="no_cost_extension",
        requested_by=pi.id,
        requested_at=datetime.datetime.now(datetime.UTC),
        reason="The cleanroom closed.",
        previous_end_date=grant.end_date,
        proposed_end_date=datetime.date(2030, 7, 1),
    )
    await persist(db, amendment)
    return amendment


async def _submitted_report(
    db: AsyncSession, grant: Grant, pi: User, narrative: uuid.UUID
) -> ProgressReport:
    """Year 1's report, submitted by the researcher on round 1 and not yet answered."""
    report = ProgressReport(
        grant_id=grant.id,
        year=1,
        due_date=datetime.date(2028, 5, 31),
        state="submitted",
        round=1,
        document_id=narrative,
        figures={
            "publications": 1,
            "patents": 0,
            "students_trained": 2,
            "milestones_met": 1,
            "milestones_planned": 2,
            "summary": "On track.",
        },
        submitted_by=pi.id,
        submitted_at=datetime.datetime.now(datetime.UTC),
    )
    await persist(db, report)
    return report


async def make_matrix_world(db: AsyncSession, store: DocumentStore) -> MatrixWorld:
    """Every persona and resource of the matrix, persisted and committed (to a savepoint)."""
    world = MatrixWorld()
    jst = AgencyFactory(code="JST", country="JP", currency="JPY")
    nafosted = AgencyFactory(
        code="NAFOSTED", country="VN", currency="VND", time_zone="Asia/Ho_Chi_Minh"
    )
    fwo = AgencyFactory(code="FWO", country="BE", currency="EUR", time_zone="Europe/Brussels")
    spare = AgencyFactory(code="NRF", country="KR", currency="KRW", time_zone="Asia/Seoul")
    await persist(db, jst, nafosted, fwo, spare)
    people = {
        "jst": await make_user(db, "officer", agency=jst, email="officer@jst.example"),
        "nafosted": await make_user(db, "officer", agency=nafosted, email="officer@naf.example"),
        "fwo": await make_user(db, "officer", agency=fwo, email="officer@fwo.example"),
        "auditor": await make_user(db, "auditor", email="auditor@example.org"),
        "admin": await make_user(db, "admin", email="admin@example.org"),
        "researcher": await make_user(db, "researcher", country="JP", email="pi@a.example"),
        "outsider": await make_user(db, "researcher", country="JP", email="pi@b.example"),
        "reviewer": await make_reviewer(db, jst),
        "bystander": await make_reviewer(db, jst),
    }
    spare_reviewer = await make_reviewer(db, jst)
    vn_a = await make_user(db, "researcher", country="VN", email="vn@a.example")
    vn_b = await make_user(db, "researcher", country="VN", email="vn@b.example")
    closed = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=2)
    call = await make_call(
        db, people["jst"], jst, nafosted, code="JV-2026", state="reviewing", closes_at=closed
    )
    fwo_call = await make_call(db, people["fwo"], fwo, code="FWO-2026", state="draft")
    a = await _proposal(db, call, {jst.id: people["researcher"], nafosted.id: vn_a}, 1)
    b = await _proposal(db, call, {jst.id: people["outsider"], nafosted.id: vn_b}, 2)
    draft = await make_proposal(db, call, {jst.id: people["researcher"], nafosted.id: vn_a})
    part = a.parts[0]
    member = PartMemberFactory(part_id=part.id, name="Kenji Ito", email="kenji@a.example")
    partner = EnterprisePartnerFactory(part_id=part.id)
    stored = await store.put(_one_chunk())
    document = DocumentFactory(
        proposal_id=a.id,
        uploaded_by=people["researcher"].id,
        size=stored.size,
        sha256=stored.sha256_hex,
        storage_key=stored.key,
    )
    # The outsider is invited as a co-investigator of consortium A's draft: only they accept.
    co_investigator = PartMemberFactory(
        part_id=draft.parts[0].id, role="co_investigator", name="Outsider", email="pi@b.example"
    )
    await persist(db, co_investigator)
    invitation = ProposalInvitationFactory(
        proposal_id=draft.id,
        part_id=draft.parts[0].id,
        member_id=co_investigator.id,
        email="pi@b.example",
        invited_by=people["researcher"].id,
    )
    assignment = ReviewAssignmentFactory(
        proposal_id=a.id, reviewer_id=people["reviewer"].id, pool_agency_id=jst.id
    )
    serving = CallReviewerFactory(
        call_id=call.id, reviewer_id=people["reviewer"].id, agency_id=jst.id
    )
    invited = CallReviewerFactory(
        call_id=call.id, reviewer_id=people["bystander"].id, agency_id=jst.id, state="invited"
    )
    conflict = ConflictFactory(proposal_id=a.id, reviewer_id=people["bystander"].id)
    ranking = RankingFactory(call_id=call.id, agency_id=jst.id, entries=[])
    await persist(
        db, member, partner, document, invitation, assignment, serving, invited, conflict, ranking
    )
    grant = await _grant(db, a, (jst, people["jst"]), (nafosted, people["nafosted"]))
    tranche = await _requested_tranche(db, grant, people["researcher"])
    signed = await store.put(_one_chunk())
    agreement = await with_agreement(db, grant.sides[0], people["researcher"], signed)
    statement = await with_statement(db, grant.sides[0], 1, people["researcher"], personnel=1)
    amendment = await _requested_extension(db, grant, people["researcher"])
    # The narrative of year 1's report and the gate after it (pending: the report is not
    # accepted yet), so the report and gate routes have one to name.
    narrated = await store.put(_one_chunk())
    narrative = DocumentFactory(
        proposal_id=a.id,
        kind="progress_report",
        original_name="report-2027.pdf",
        uploaded_by=people["researcher"].id,
        size=narrated.size,
        sha256=narrated.sha256_hex,
        storage_key=narrated.key,
    )
    await persist(db, narrative)
    report = await _submitted_report(db, grant, people["researcher"], narrative.id)
    gate = MidtermGate(grant_id=grant.id, after_year=1)
    export_job = ExportJob(
        kind="audit_pack",
        requested_by=people["jst"].id,
        filters={"call": "JV-2026"},
        state="queued",
        progress_done=0,
        progress_total=8,
        runner="matrix",
    )
    await persist(db, gate, export_job)
    for name, user in people.items():
        token, world.headers[name] = await _token(db, user)
        world.ids[f"user:{name}"] = user.id
        world.ids[f"token:{name}"] = token.id
        world.emails[name] = user.email
    world.headers["anonymous"] = {}
    world.ids["user:spare_reviewer"] = spare_reviewer.id
    named: dict[str, Any] = {
        "agency:jst": jst, "agency:nafosted": nafosted, "agency:fwo": fwo, "agency:spare": spare,
        "call": call, "call:fwo": fwo_call, "proposal": a, "proposal:b": b, "part": part,
        "member": member, "partner": partner, "document": document, "invitation": invitation,
        "assignment": assignment, "service": invited, "service:reviewer": serving,
        "conflict": conflict, "ranking": ranking, "grant": grant, "tranche": tranche,
        "agreement": agreement, "statement": statement,
        "amendment": amendment,
        "report": report, "gate": gate, "narrative": narrative, "export_job": export_job,
    }  # fmt: skip
    for name, row in named.items():
        world.ids[name] = row.id
        world.versions[name] = getattr(row, "version", 1)
    world.versions["user:outsider"] = people["outsider"].version
    world.versions["profile:bystander"] = 1
    await db.commit()
    return world
