"""The demo's finished call, NEXUS-JV-2024, replayed on its own timeline: two proposals
reviewed, ranked and decided (one awarded a 5-year grant, one rejected), and the grant in its
second fiscal year — the first tranches of both agencies requested, approved and paid.

Every step is taken through the services and the workflows as the person who takes it, at the
instant it happens (`clock_at`), so the record reads as if the call had run: the grant starts on
the first of the month fourteen months before the seeding day.
"""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.agreements.schemas import StatementData
from grants.agreements.statements import submit_statement
from grants.agreements.uploads import TERMS as AGREEMENT_TERMS
from grants.agreements.uploads import record_agreement
from grants.awards import schemas as award_schemas
from grants.awards.recording import record_decision
from grants.bindings import (
    ASSIGNMENTS,
    CALLS,
    PROPOSALS,
    RANKINGS,
    REPORTS,
    SERVICES,
    TRANCHES,
)
from grants.calls.schemas import CallCreate
from grants.calls.services import Author, create_call
from grants.common.actors import Actor
from grants.db.models import (
    Agency,
    BudgetLine,
    Call,
    Grant,
    GrantBudgetLine,
    ProgressReport,
    Proposal,
    ReviewAssignment,
    Tranche,
    User,
)
from grants.demo.acting import act, principal
from grants.demo.open_call import criterion, kind, terms
from grants.demo.partners import actual_contributions, add_demo_partners
from grants.demo.review_call import DemoProposal, declare_eligible, email, submitted_proposal
from grants.documents.narratives import NARRATIVE_KIND
from grants.documents.services import (
    NARRATIVE_TERMS,
    UploadRequest,
    record_document,
    store_upload,
)
from grants.reviews.assignment import engine
from grants.reviews.assignment.events import invite_all
from grants.reviews.pool import schemas as pool_schemas
from grants.reviews.pool import serving
from grants.reviews.scoring import rankings
from grants.reviews.scoring import schemas as scoring_schemas
from grants.reviews.scoring.access import assignment_scope
from grants.reviews.scoring.reviews import save_draft
from grants.reviews.scoring.scores import ScoreOptions
from grants.settings import get_settings
from grants.times import clock_at
from schedules import add_months
from storage.base import DocumentStore
from workflows.machines.call import CallEvent
from workflows.machines.call_service import ServiceEvent
from workflows.machines.progress_report import ReportEvent
from workflows.machines.proposal import ProposalEvent
from workflows.machines.ranking import RankingEvent
from workflows.machines.review_assignment import AssignmentEvent
from workflows.machines.tranche import TrancheEvent

FINISHED_CALL_CODE = "NEXUS-JV-2024"
GRANT_YEARS = 5
# Per project year: personnel of the JST and NAFOSTED sides (10 % indirect comes on top).
GRANT_PER_YEAR = (8_000_000, 1_000_000_000)
# JST approves its side with year 1's personnel cut by this much (a cut is shown against the
# request); NAFOSTED approves its side as requested.
JST_YEAR_1_CUT = 500_000

FUNDED = DemoProposal(
    "Heterogeneous 3D integration for edge-AI inference modules",
    "Hybrid bonding and thermal co-design of stacked dies for low-power edge-AI inference.",
    ("3D integration", "hybrid bonding", "edge AI"),
    "advanced packaging",
    "kaito.mori",
    "Hokkaido University",
    "quang.vo",
    "Vietnam National University Ho Chi Minh City",
)
NOT_FUNDED = DemoProposal(
    "Open EDA flows for mixed-signal sensor chips",
    "An open-source EDA flow for the mixed-signal front ends of sensor chips.",
    ("EDA", "mixed-signal", "open source"),
    "EDA",
    "rina.abe",
    "Kyushu University",
    "hai.bui",
    "Hue University",
)
# The reviewer serving for each agency's pool: one review per proposal per pool.
REVIEWERS = {"JST": "kenji.tanaka", "NAFOSTED": "mai.hoang"}
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Timeline:
    """The finished call's instants, all UTC, from the grant's start `start`."""

    start: datetime.date

    @classmethod
    def before(cls, today: datetime.date) -> Timeline:
        """A grant that started on the first of the month fourteen months before `today`: its
        second project year has begun and the year-1 report was due some weeks ago."""
        return cls(add_months(today.replace(day=1), -14))

    def at(self, day: datetime.date, hour: int = 1) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour), datetime.UTC)

    @property
    def opens(self) -> datetime.datetime:
        return self.at(self.start) - 300 * DAY

    @property
    def closes(self) -> datetime.datetime:
        return self.at(self.start) - 240 * DAY


def finished_call(timeline: Timeline) -> CallCreate:
    return CallCreate.model_validate(
        {
            "code": FINISHED_CALL_CODE,
            "title": {
                "en": "Japan–Vietnam joint research on semiconductors (2024 round)",
                "ja": "日越半導体共同研究（2024年度）",
                "vi": "Hợp tác nghiên cứu chung Nhật Bản–Việt Nam về bán dẫn (đợt 2024)",
            },
            "description": {"en": "The 2024 round: decided, its grant under way."},
            "topics": ["advanced packaging", "chip design", "EDA", "edge-AI hardware"],
            "opens_at": timeline.opens,
            "closes_at": timeline.closes,
            "durations": [3, 5],
            "review_mode": "parallel",
            "reviewers_per_proposal": 1,
            "min_reviewers_per_country": 0,
            "review_deadline": timeline.closes + 60 * DAY,
            "rubric": [
                criterion("novelty", "Scientific novelty", 40),
                criterion("feasibility", "Feasibility and team", 30),
                criterion("impact", "Bilateral impact", 30),
            ],
            "document_kinds": [kind("cv", "CVs of the PIs", False, 5)],
            "agencies": [
                terms("JST", 15_000_000, 60_000_000, 300_000_000),
                {
                    **terms("NAFOSTED", 2_000_000_000, 8_000_000_000, 40_000_000_000),
                    "members_abroad_allowed": True,
                },
            ],
        }
    )


async def seed_finished_call(
    session: AsyncSession, users: dict[str, User], store: DocumentStore
) -> Grant:
    """NEXUS-JV-2024 from publication to the grant's second fiscal year (the signed agreements
    kept in `store`); returns the grant."""
    officers = {
        "JST": users["officer.jst@demo.cofund.example"],
        "NAFOSTED": users["officer.nafosted@demo.cofund.example"],
    }
    timeline = Timeline.before(datetime.datetime.now(datetime.UTC).date())
    with clock_at(timeline.opens - DAY):
        jst = officers["JST"]
        author = Author(Actor(id=jst.id, label=jst.email), jst.roles[0].agency_id)
        call = await create_call(session, finished_call(timeline), author=author)
        for officer in officers.values():
            await act(session, CALLS, call, CallEvent.APPROVE, officer)
    with clock_at(timeline.opens + 20 * DAY):
        pis = {"JST": users[email(FUNDED.jp_pi)], "NAFOSTED": users[email(FUNDED.vn_pi)]}

        async def partners(proposal: Proposal, call: Call) -> object:
            return await add_demo_partners(session, store, call, proposal, pis, GRANT_YEARS)

        funded, not_funded = [
            await submitted_proposal(
                session,
                call,
                spec,
                users,
                years=GRANT_YEARS,
                start=timeline.start,
                per_year=GRANT_PER_YEAR,
                before_submit=hook,
            )
            for spec, hook in ((FUNDED, partners), (NOT_FUNDED, None))
        ]
    await act(session, CALLS, call, CallEvent.CLOSE, officers["JST"], at=call.closes_at)
    await declare_eligible(session, call, officers)
    await act(session, CALLS, call, CallEvent.START_REVIEW, officers["NAFOSTED"], at=call.closes_at)
    with clock_at(timeline.closes + DAY):
        for proposal in (funded, not_funded):
            await act(session, PROPOSALS, proposal, ProposalEvent.START_REVIEW, officers["JST"])
        await _review(session, call, users, officers)
    with clock_at(timeline.closes + 45 * DAY):
        for proposal in (funded, not_funded):
            event = ProposalEvent.COMPLETE_REVIEW
            await act(session, PROPOSALS, proposal, event, officers["NAFOSTED"])
    with clock_at(timeline.closes + 50 * DAY):
        await act(session, CALLS, call, CallEvent.START_RANKING, officers["JST"])
        await _rank(session, call, officers, [funded, not_funded])
        await act(session, CALLS, call, CallEvent.START_DECIDING, officers["JST"])
    with clock_at(timeline.closes + 80 * DAY):
        await _decide(session, call, officers, funded, not_funded)
        await act(session, CALLS, call, CallEvent.FINISH, officers["NAFOSTED"])
    grant = await session.scalar(select(Grant).where(Grant.proposal_id == funded.id))
    assert grant is not None  # both agencies approved it just above
    await _first_tranches(session, store, grant, timeline, users, officers)
    with clock_at(timeline.at(add_months(timeline.start, 12) + 20 * DAY)):
        await _year_one_papers(session, store, call, grant, users)
    return grant


async def _review(
    session: AsyncSession, call: Call, users: dict[str, User], officers: dict[str, User]
) -> None:
    """Each pool's reviewer serves, the officers assign and invite, the reviewers accept,
    score both proposals and submit."""
    actors = {code: Actor(id=o.id, label=o.email) for code, o in officers.items()}
    for agency, local in REVIEWERS.items():
        reviewer = users[email(local)]
        invite = pool_schemas.ServeInvite(reviewer=reviewer.id, agency=agency)
        service = await serving.invite(session, call, invite, actor=actors[agency])
        await act(session, SERVICES, service, ServiceEvent.ACCEPT, reviewer)
    settings = get_settings()
    for code, officer in officers.items():
        pool = await session.scalar(select(Agency.id).where(Agency.code == code))
        await engine.run(session, call, actor=actors[code], pool=pool)
        await invite_all(session, principal(officer), settings, call, None)
    rows = await session.scalars(
        select(ReviewAssignment)
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .where(Proposal.call_id == call.id)
        .order_by(Proposal.number, ReviewAssignment.id)
    )
    for row in list(rows):
        found = await session.get(User, row.reviewer_id)
        assert found is not None  # a foreign key guarantees it
        reviewer = found
        await act(session, ASSIGNMENTS, row, AssignmentEvent.ACCEPT, reviewer)
        scope = await assignment_scope(session, principal(reviewer), row.id)
        funded = scope.proposal.number == 1
        mark = 5 if funded else 3
        review = scoring_schemas.ReviewUpdate.model_validate(
            {
                "version": row.version,
                "scores": {"novelty": mark, "feasibility": mark, "impact": mark - 1},
                "comments_to_applicants": "A strong bilateral team with a credible plan."
                if funded
                else "Sound, but the plan overlaps existing open-source flows.",
                "recommendation": "fund" if funded else "do_not_fund",
                "confidence": 4,
            }
        )
        await save_draft(session, principal(reviewer), scope, review)
        await act(session, ASSIGNMENTS, row, AssignmentEvent.SUBMIT, reviewer)


async def _rank(
    session: AsyncSession, call: Call, officers: dict[str, User], order: list[Proposal]
) -> None:
    """Each agency finalises its own ranking; the joint panel records the same order and both
    agencies approve it."""
    for code, officer in officers.items():
        agency = await session.scalar(select(Agency).where(Agency.code == code))
        assert agency is not None
        options = ScoreOptions(agency=code)
        ranking = await rankings.build_draft(session, principal(officer), call, agency, options)
        await act(session, RANKINGS, ranking, RankingEvent.FINALISE, officer)
    joint = scoring_schemas.JointRankingCreate.model_validate(
        {
            "entries": [
                {
                    "proposal_id": p.id,
                    "position": n,
                    "recommendation": "fund" if n == 1 else "do_not_fund",
                }
                for n, p in enumerate(order, start=1)
            ],
            "minutes": "Joint panel, Tokyo: the 3D-integration project is funded.",
        }
    )
    ranking = await rankings.record_joint(session, principal(officers["JST"]), call, joint)
    for officer in officers.values():
        await act(session, RANKINGS, ranking, RankingEvent.APPROVE, officer)


async def _decide(
    session: AsyncSession,
    call: Call,
    officers: dict[str, User],
    funded: Proposal,
    not_funded: Proposal,
) -> None:
    """Both agencies approve the first proposal (JST with a cut in year 1); JST rejects the
    second, which rejects it for both."""
    settings = get_settings()
    for code, officer in officers.items():
        part = next(p for p in funded.parts if p.agency.code == code)
        requested = await session.scalars(select(BudgetLine).where(BudgetLine.part_id == part.id))
        lines = [
            {
                "year": line.year,
                "category": line.category,
                "amount": line.amount - _cut(code, line.year, line.category),
                "currency": line.currency,
            }
            for line in requested
        ]
        await session.refresh(funded, ["version"])
        body = award_schemas.DecisionCreate.model_validate(
            {
                "version": funded.version,
                "agency": code,
                "decision": "approve",
                "rationale": "First in the joint ranking; both reviews recommend funding.",
                "budget": lines,
            }
        )
        await record_decision(
            session, principal(officer), funded.id, body, settings=settings, request_id=None
        )
    await session.refresh(not_funded, ["version"])
    rejection = award_schemas.DecisionCreate.model_validate(
        {
            "version": not_funded.version,
            "agency": "JST",
            "decision": "reject",
            "rationale": "Below the funding line of the joint ranking.",
        }
    )
    await record_decision(
        session,
        principal(officers["JST"]),
        not_funded.id,
        rejection,
        settings=settings,
        request_id=None,
    )


def _cut(agency: str, year: int, category: str) -> int:
    return JST_YEAR_1_CUT if (agency, year, category) == ("JST", 1, "personnel") else 0


async def _signed_agreements(
    session: AsyncSession, store: DocumentStore, grant: Grant, pis: dict[str, User]
) -> None:
    """Each side's PI uploads the grant agreement both parties signed (a one-page PDF)."""
    for side in grant.sides:
        pdf = _agreement_pdf(side.number)
        stored = await store_upload(store, _chunks(pdf), AGREEMENT_TERMS)
        name = f"{side.number}-agreement-signed.pdf"
        pi = principal(pis[side.agency.code])
        await record_agreement(session, pi, side.id, name, stored, None)


def _agreement_pdf(number: str) -> bytes:
    return _pdf(f"Grant agreement {number}, signed by the agency and the host institution.")


def _pdf(body: str) -> bytes:
    """A one-page PDF whose comment says what it stands for."""
    return (
        b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        + f"% {body}\n".encode()
        + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _year_one_papers(
    session: AsyncSession, store: DocumentStore, call: Call, grant: Grant, users: dict[str, User]
) -> None:
    """Twenty days after the first project year: each side's PI states what it spent, and the
    JST side's PI uploads the joint narrative and submits the year-1 report, which waits for
    both agencies' answers."""
    pis = {"JST": users[email(FUNDED.jp_pi)], "NAFOSTED": users[email(FUNDED.vn_pi)]}
    for side in grant.sides:
        budget = await session.scalars(
            select(GrantBudgetLine).where(
                GrantBudgetLine.side_id == side.id, GrantBudgetLine.year == 1
            )
        )
        # Personnel came in 4 % under budget; indirect costs as approved.
        lines = [
            {
                "category": line.category,
                "spent": line.amount * (96 if line.category == "personnel" else 100) // 100,
            }
            for line in budget
        ]
        contributed = await actual_contributions(session, side.part_id, year=1)
        await submit_statement(
            session,
            principal(pis[side.agency.code]),
            grant.id,
            side.agency.code,
            1,
            StatementData.model_validate({"lines": lines, "contributions": contributed}),
        )
    pi = pis["JST"]
    stored = await store_upload(store, _chunks(_pdf("Year 1 progress report")), NARRATIVE_TERMS)
    upload = UploadRequest(grant.proposal_id, NARRATIVE_KIND, None, None, stored.size)
    name = "progress-report-year-1.pdf"
    narrative = await record_document(session, principal(pi), call, upload, name, stored)
    report = await session.scalar(
        select(ProgressReport).where(ProgressReport.grant_id == grant.id, ProgressReport.year == 1)
    )
    assert report is not None  # planned at the award
    figures = {
        "publications": 3,
        "patents": 1,
        "students_trained": 4,
        "milestones_met": 2,
        "milestones_planned": 3,
        "summary": "Hybrid-bonded test stacks built in Sapporo and measured in Ho Chi Minh City; "
        "the thermal model is one quarter late.",
    }
    data = {"document_id": str(narrative.id), "figures": figures}
    await act(session, REPORTS, report, ReportEvent.SUBMIT, pi, data=data)


async def _first_tranches(
    session: AsyncSession,
    store: DocumentStore,
    grant: Grant,
    timeline: Timeline,
    users: dict[str, User],
    officers: dict[str, User],
) -> None:
    """Each side's PI uploads the signed agreement and requests its first tranche in the
    project's first week; the agency's officer approves it and pays it within the month."""
    pis = {"JST": users[email(FUNDED.jp_pi)], "NAFOSTED": users[email(FUNDED.vn_pi)]}
    with clock_at(timeline.at(timeline.start + DAY)):
        await _signed_agreements(session, store, grant, pis)
    for side in grant.sides:
        code = side.agency.code
        tranche = await session.scalar(
            select(Tranche).where(Tranche.side_id == side.id, Tranche.position == 1)
        )
        assert tranche is not None  # planned at the award
        steps: tuple[tuple[TrancheEvent, User, int, dict[str, object]], ...] = (
            (TrancheEvent.REQUEST, pis[code], 3, {}),
            (TrancheEvent.APPROVE, officers[code], 10, {}),
            (
                TrancheEvent.DISBURSE,
                officers[code],
                20,
                {
                    "amount": tranche.planned_amount,
                    "payment_reference": f"{side.number}-T1",
                    "paid_on": (timeline.start + 20 * DAY).isoformat(),
                },
            ),
        )
        for event, who, days, data in steps:
            at = timeline.at(timeline.start + days * DAY)
            await act(session, TRANCHES, tranche, event, who, data=data, at=at)
