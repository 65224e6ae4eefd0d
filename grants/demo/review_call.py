"""The demo call in review, NEXUS-JV-2026: four eligible proposals and six reviewers who
accepted to serve, every step taken through the services and the workflows."""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import CALLS, PROPOSALS, SERVICES
from grants.calls.schemas import CallCreate
from grants.calls.services import Author, create_call
from grants.common.actors import Actor
from grants.db.models import Call, Proposal, User
from grants.demo.acting import act, principal
from grants.demo.open_call import criterion, kind, terms
from grants.proposals import invitations, team
from grants.proposals import schemas as proposal_schemas
from grants.proposals import services as proposals
from grants.proposals.access import roles_on
from grants.reviews.pool import schemas as pool_schemas
from grants.reviews.pool import serving
from grants.reviews.pool.profiles import create_profile
from grants.security.principal import Principal
from workflows.machines.call import CallEvent
from workflows.machines.call_service import ServiceEvent
from workflows.machines.proposal import ProposalEvent

REVIEW_CALL_CODE = "NEXUS-JV-2026"


@dataclass(frozen=True, slots=True)
class DemoProposal:
    title: str
    abstract: str
    keywords: tuple[str, ...]
    topic: str
    jp_pi: str
    jp_host: str
    vn_pi: str
    vn_host: str


REVIEW_PROPOSALS = (
    DemoProposal(
        "Chiplet interconnects for edge-AI accelerators",
        "We co-design chiplet interconnects and advanced packaging for edge accelerators.",
        ("chiplet", "interconnect", "packaging"),
        "advanced packaging",
        "hana.sato",
        "Tohoku University",
        "minh.nguyen",
        "Hanoi University of Science and Technology",
    ),
    DemoProposal(
        "Learned placement and routing for analogue EDA",
        "Machine learning guides placement and routing in analogue EDA flows.",
        ("placement", "routing", "EDA"),
        "EDA",
        "yuki.kobayashi",
        "Kyoto University",
        "lan.tran",
        "VNU University of Engineering and Technology",
    ),
    DemoProposal(
        "Low-power RISC-V cores for sensor nodes",
        "A low-power RISC-V core and its chip design for battery-free sensor nodes.",
        ("RISC-V", "low-power", "chip design"),
        "chip design",
        "takeshi.yamamoto",
        "Osaka University",
        "duc.pham",
        "Ho Chi Minh City University of Technology",
    ),
    DemoProposal(
        "Spiking neural hardware for always-on edge vision",
        "Neuromorphic spiking neural hardware for always-on edge-AI vision sensors.",
        ("neuromorphic", "spiking", "edge AI"),
        "edge-AI hardware",
        "aiko.suzuki",
        "Nagoya University",
        "thu.le",
        "University of Science and Technology, University of Danang",
    ),
)

# Reviewers of the call in review: local part of the email, expertise, keywords, institution.
REVIEWERS = (
    (
        "kenji.tanaka",
        "Advanced packaging and chiplet interconnects; low-power integration of edge-AI "
        "accelerators.",
        ("chiplet", "packaging", "edge AI", "low-power"),
        "The University of Tokyo",
    ),
    (
        "emi.watanabe",
        "EDA placement and routing; low-power RISC-V chip design.",
        ("EDA", "routing", "RISC-V"),
        "Institute of Science Tokyo",
    ),
    (
        "haruto.ito",
        "Neuromorphic spiking hardware; analogue placement; chiplet interconnect links.",
        ("spiking", "neuromorphic", "placement", "interconnect"),
        "Keio University",
    ),
    (
        "mai.hoang",
        "Chiplet packaging and interconnect reliability; spiking edge-AI hardware.",
        ("packaging", "interconnect", "spiking"),
        "Vietnam Academy of Science and Technology",
    ),
    (
        "bao.vu",
        "Analogue EDA, placement and routing; RISC-V chip design.",
        ("EDA", "routing", "RISC-V"),
        "FPT University",
    ),
    (
        "huong.dang",
        "Low-power chip design, neuromorphic edge-AI accelerators, chiplet interconnects and "
        "EDA routing.",
        ("low-power", "neuromorphic", "chiplet", "routing"),
        "Can Tho University",
    ),
)
REVIEW_LOAD_CAP = 4
# The call in review closed this long after it was seeded: proposals are submitted while it is
# open (on the real clock); closing, eligibility and the start of review are then fired on the
# call's timeline, at its closing instant.
CLOSING_MARGIN = datetime.timedelta(minutes=1)


def review_call(now: datetime.datetime) -> CallCreate:
    """The 2026 round of the Japan–Vietnam call: two reviewers per proposal in each agency's
    pool (parallel review), no required document."""
    closes_at = now + CLOSING_MARGIN
    return CallCreate.model_validate(
        {
            "code": REVIEW_CALL_CODE,
            "title": {
                "en": "Japan–Vietnam joint research on semiconductors (2026 round)",
                "ja": "日越半導体共同研究（2026年度）",
                "vi": "Hợp tác nghiên cứu chung Nhật Bản–Việt Nam về bán dẫn (đợt 2026)",
            },
            "description": {"en": "The 2026 round, now in review by both agencies' experts."},
            "topics": ["advanced packaging", "chip design", "EDA", "edge-AI hardware"],
            "opens_at": now - datetime.timedelta(days=60),
            "closes_at": closes_at,
            "durations": [3, 5],
            "review_mode": "parallel",
            "reviewers_per_proposal": 2,
            "min_reviewers_per_country": 0,
            "review_deadline": closes_at + datetime.timedelta(days=60),
            "rubric": [
                criterion("novelty", "Scientific novelty", 40),
                criterion("feasibility", "Feasibility and team", 30),
                criterion("impact", "Bilateral impact", 30),
            ],
            "document_kinds": [kind("cv", "CVs of the PIs", False, 5)],
            "agencies": [
                terms("JST", 15_000_000, 45_000_000, 450_000_000),
                terms("NAFOSTED", 2_000_000_000, 6_000_000_000, 60_000_000_000),
            ],
        }
    )


def _principal(user: User) -> Principal:
    return principal(user)


def email(local: str) -> str:
    return f"{local}@demo.cofund.example"


def _budget(
    currency: str, per_year: int, version: int, years: int = 3
) -> proposal_schemas.BudgetReplace:
    """`years` years of personnel plus 10 % indirect costs."""
    return proposal_schemas.BudgetReplace.model_validate(
        {
            "version": version,
            "lines": [
                {"year": y, "category": c, "amount": a, "currency": currency}
                for y in range(1, years + 1)
                for c, a in (("personnel", per_year), ("indirect", per_year // 10))
            ],
        }
    )


async def _call_event(
    session: AsyncSession, call: Call, event: str, officer: User, *, at_close: bool = True
) -> None:
    """Fire `event` on the call as `officer`, on the call's timeline (at its closing instant
    once it is past publication)."""
    await act(session, CALLS, call, event, officer, at=call.closes_at if at_close else None)


async def submitted_proposal(
    session: AsyncSession,
    call: Call,
    spec: DemoProposal,
    users: dict[str, User],
    *,
    years: int = 3,
    start: datetime.date = datetime.date(2027, 4, 1),
    per_year: tuple[int, int] = (9_000_000, 1_200_000_000),
    before_submit: Callable[[Proposal, Call], Awaitable[object]] | None = None,
) -> Proposal:
    """Draft (JP PI), invite and join (VN PI), hosts and budgets (`per_year` personnel of the
    JST and NAFOSTED sides, plus 10 % indirect, each project year), `before_submit` (say,
    enterprise partners), then submit (VN PI)."""
    jp, vn = _principal(users[email(spec.jp_pi)]), _principal(users[email(spec.vn_pi)])
    data = proposal_schemas.ProposalCreate.model_validate(
        {
            "call_id": call.id,
            "title": {"en": spec.title},
            "abstract": {"en": spec.abstract},
            "keywords": list(spec.keywords),
            "topic": spec.topic,
            "duration_years": years,
            "planned_start": start,
        }
    )
    proposal, call = await proposals.create(session, jp, data)
    invited = await invitations.invite(
        session,
        jp,
        proposal,
        call,
        roles_on(jp, proposal, call),
        proposal_schemas.InvitationCreate(agency="NAFOSTED", email=email(spec.vn_pi)),
    )
    await invitations.accept(session, vn, invited.id)
    jp_part, vn_part = proposal.parts
    for who, part, host, currency, amount in (
        (jp, jp_part, spec.jp_host, "JPY", per_year[0]),
        (vn, vn_part, spec.vn_host, "VND", per_year[1]),
    ):
        host_data = proposal_schemas.PartUpdate(version=part.version, institution_name=host)
        await team.update_part(session, who, proposal, part, host_data)
        await team.replace_budget(
            session, who, proposal, call, part, _budget(currency, amount, part.version, years)
        )
    if before_submit is not None:
        await before_submit(proposal, call)
    await act(session, PROPOSALS, proposal, ProposalEvent.SUBMIT, users[email(spec.vn_pi)])
    return proposal


async def declare_eligible(session: AsyncSession, call: Call, officers: dict[str, User]) -> None:
    """Each agency's officer finds its part of every submitted proposal eligible, at the
    closing instant; the second key admits each proposal."""
    for proposal in await _proposals_of(session, call):
        for officer in officers.values():
            event = ProposalEvent.DECLARE_ELIGIBLE
            await act(session, PROPOSALS, proposal, event, officer, at=call.closes_at)


async def _proposals_of(session: AsyncSession, call: Call) -> list[Proposal]:
    rows = await session.scalars(
        select(Proposal).where(Proposal.call_id == call.id).order_by(Proposal.number)
    )
    return list(rows)


async def _serving_reviewers(
    session: AsyncSession, call: Call, users: dict[str, User], officers: dict[str, User]
) -> None:
    """Profiles in the pool of the reviewer's country's agency; that agency's officer asks
    them to serve on the call and each accepts."""
    for local, expertise, keywords, institution in REVIEWERS:
        user = users[email(local)]
        agency = "JST" if user.country == "JP" else "NAFOSTED"
        officer = officers[agency]
        profile = pool_schemas.ReviewerProfileCreate(
            email=user.email,
            expertise=expertise,
            keywords=list(keywords),
            institution_name=institution,
            country=user.country or "",
            load_cap=REVIEW_LOAD_CAP,
            pools=[agency],
        )
        await create_profile(session, profile, actor=Actor(id=officer.id, label=officer.email))
        service = await serving.invite(
            session,
            call,
            pool_schemas.ServeInvite(reviewer=user.id, agency=agency),
            actor=Actor(id=officer.id, label=officer.email),
        )
        await act(session, SERVICES, service, ServiceEvent.ACCEPT, user)


async def seed_review_call(session: AsyncSession, users: dict[str, User]) -> Call:
    """NEXUS-JV-2026: published, four proposals submitted by their JP and VN PIs, closed,
    every proposal declared eligible, review started, six reviewers serving."""
    officers = {
        "JST": users["officer.jst@demo.cofund.example"],
        "NAFOSTED": users["officer.nafosted@demo.cofund.example"],
    }
    jst, nafosted = officers["JST"], officers["NAFOSTED"]
    author = Author(Actor(id=jst.id, label=jst.email), jst.roles[0].agency_id)
    call = await create_call(
        session, review_call(datetime.datetime.now(datetime.UTC)), author=author
    )
    for officer in officers.values():
        await _call_event(session, call, CallEvent.APPROVE, officer, at_close=False)
    for spec in REVIEW_PROPOSALS:
        await submitted_proposal(session, call, spec, users)
    await _call_event(session, call, CallEvent.CLOSE, jst)
    await declare_eligible(session, call, officers)
    await _call_event(session, call, CallEvent.START_REVIEW, nafosted)
    await _serving_reviewers(session, call, users, officers)
    return call
