"""The demo data `make run` seeds into an empty database: two agencies and one login per role."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.accounts import schemas as account_schemas
from grants.accounts.schemas import Locale, RoleName
from grants.accounts.services import create_user
from grants.agencies.schemas import AgencyCreate
from grants.agencies.services import create_agency
from grants.audit.chain import SYSTEM, Actor
from grants.calls.schemas import CallCreate
from grants.calls.services import Author, create_call
from grants.calls.workflow import call_context
from grants.db.models import User
from grants.workflow.service import EventRequest, fire
from workflows.machines.call import CALL
from workflows.roles import COFUNDING_OFFICER, OFFICER

DEMO_CALL_CODE = "NEXUS-JV-2027"
DEMO_PASSWORD = "cofund-demo-2026"  # noqa: S105 - printed to the user on purpose; demo only

AGENCIES = (
    AgencyCreate(
        code="JST",
        name="Japan Science and Technology Agency",
        country="JP",
        currency="JPY",
        fiscal_year_start_month=4,
        time_zone="Asia/Tokyo",
    ),
    AgencyCreate(
        code="NAFOSTED",
        name="National Foundation for Science and Technology Development",
        country="VN",
        currency="VND",
        fiscal_year_start_month=1,
        time_zone="Asia/Ho_Chi_Minh",
    ),
)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    role: RoleName
    email: str
    name: str
    locale: Locale
    time_zone: str
    agency: str | None = None
    country: str | None = None


LOGINS = (
    DemoLogin(
        "researcher",
        "hana.sato@demo.cofund.example",
        "Sato Hana (researcher, Japan)",
        "ja",
        "Asia/Tokyo",
        country="JP",
    ),
    DemoLogin(
        "researcher",
        "minh.nguyen@demo.cofund.example",
        "Nguyễn Văn Minh (researcher, Vietnam)",
        "vi",
        "Asia/Ho_Chi_Minh",
        country="VN",
    ),
    DemoLogin(
        "reviewer",
        "kenji.tanaka@demo.cofund.example",
        "Tanaka Kenji (reviewer)",
        "en",
        "Asia/Tokyo",
        country="JP",
    ),
    DemoLogin(
        "officer",
        "officer.jst@demo.cofund.example",
        "JST programme officer",
        "ja",
        "Asia/Tokyo",
        "JST",
    ),
    DemoLogin(
        "officer",
        "officer.nafosted@demo.cofund.example",
        "NAFOSTED programme officer",
        "vi",
        "Asia/Ho_Chi_Minh",
        "NAFOSTED",
    ),
    DemoLogin("auditor", "auditor@demo.cofund.example", "Auditor", "en", "UTC"),
    DemoLogin("admin", "admin@demo.cofund.example", "Administrator", "en", "UTC"),
)


async def is_empty(session: AsyncSession) -> bool:
    return not await session.scalar(select(func.count()).select_from(User))


def demo_call(now: datetime.datetime) -> CallCreate:
    """The Japan–Vietnam semiconductor call, open since yesterday and closing in 60 days."""
    closes_at = now + datetime.timedelta(days=60)
    return CallCreate.model_validate(
        {
            "code": DEMO_CALL_CODE,
            "title": {
                "en": "Japan–Vietnam joint research on semiconductors",
                "ja": "日越半導体共同研究",
                "vi": "Hợp tác nghiên cứu chung Nhật Bản–Việt Nam về bán dẫn",
            },
            "description": {
                "en": "Joint projects of a Japanese and a Vietnamese team; each agency funds "
                "its own country's team.",
            },
            "topics": ["advanced packaging", "chip design", "EDA", "edge-AI hardware"],
            "opens_at": now - datetime.timedelta(days=1),
            "closes_at": closes_at,
            "durations": [3, 5, 10],
            "reviewers_per_proposal": 3,
            "min_reviewers_per_country": 1,
            "review_deadline": closes_at + datetime.timedelta(days=90),
            "rubric": [
                _criterion("novelty", "Scientific novelty", 40),
                _criterion("feasibility", "Feasibility and team", 30),
                _criterion("impact", "Bilateral impact", 30),
            ],
            "document_kinds": [
                _kind("project_description", "Project description", True, 10),
                _kind("cv", "CVs of the PIs", False, 5),
            ],
            "agencies": [
                _terms("JST", 15_000_000, 45_000_000, 450_000_000),
                _terms("NAFOSTED", 2_000_000_000, 6_000_000_000, 60_000_000_000),
            ],
        }
    )


def _criterion(key: str, label: str, weight: int) -> dict[str, object]:
    return {"key": key, "label": label, "weight": weight, "scale_min": 1, "scale_max": 5}


def _kind(kind: str, label: str, required: bool, mib: int) -> dict[str, object]:
    return {
        "kind": kind,
        "label": label,
        "required": required,
        "max_bytes": mib * 1024 * 1024,
        "allowed_types": ["application/pdf"],
    }


def _terms(agency: str, per_year: int, total: int, envelope: int) -> dict[str, object]:
    return {"agency": agency, "cap_per_year": per_year, "cap_total": total, "envelope": envelope}


async def seed_call(session: AsyncSession, officer: User) -> None:
    """Create the demo call as `officer` (of JST) and publish it through the call workflow."""
    author = Author(Actor(id=officer.id, label=officer.email), officer.roles[0].agency_id)
    call = await create_call(session, demo_call(datetime.datetime.now(datetime.UTC)), author=author)
    await fire(
        session,
        machine=CALL,
        entity=call,
        entity_type="call",
        request=EventRequest(event="publish", version=call.version, data={}),
        roles=frozenset({OFFICER, COFUNDING_OFFICER}),
        ctx=await call_context(session, call),
        actor=author.actor,
    )


async def seed(session: AsyncSession) -> list[DemoLogin]:
    """Create the demo agencies, users and the open demo call (the agencies and users audited
    as the system, the call as the JST officer); the caller commits."""
    for agency in AGENCIES:
        await create_agency(session, agency, actor=SYSTEM)
    users = {}
    for login in LOGINS:
        data = account_schemas.UserCreate(
            email=login.email,
            display_name=login.name,
            password=DEMO_PASSWORD,
            locale=login.locale,
            time_zone=login.time_zone,
            country=login.country,
            roles=[account_schemas.RoleGrant(role=login.role, agency=login.agency)],
        )
        users[login.email] = await create_user(session, data, actor=SYSTEM)
    await seed_call(session, users["officer.jst@demo.cofund.example"])
    return list(LOGINS)
