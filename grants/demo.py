"""The demo data `make run` seeds into an empty database: two agencies and one login per role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.accounts import schemas as account_schemas
from grants.accounts.schemas import Locale, RoleName
from grants.accounts.services import create_user
from grants.agencies.schemas import AgencyCreate
from grants.agencies.services import create_agency
from grants.audit.chain import SYSTEM
from grants.db.models import User

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


async def seed(session: AsyncSession) -> list[DemoLogin]:
    """Create the demo agencies and users (audited as the system); the caller commits."""
    for agency in AGENCIES:
        await create_agency(session, agency, actor=SYSTEM)
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
        await create_user(session, data, actor=SYSTEM)
    return list(LOGINS)
