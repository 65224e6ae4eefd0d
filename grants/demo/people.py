"""The demo's agencies and people: one login per role, plus the researchers and reviewers
of the call in review. Every demo user has the same, printed password."""

from __future__ import annotations

from dataclasses import dataclass

from grants.accounts import schemas as account_schemas
from grants.accounts.schemas import Locale, RoleName
from grants.agencies.schemas import AgencyCreate

DEMO_PASSWORD = "cofund-demo-2026"  # noqa: S105 - printed to the user on purpose; demo only

AGENCIES = (
    AgencyCreate(
        code="JST",
        name="Japan Science and Technology Agency",
        country="JP",
        currency="JPY",
        fiscal_year_start_month=4,
        time_zone="Asia/Tokyo",
        grant_number_pattern="JPMJNX{yy}{seq:C2}",
    ),
    AgencyCreate(
        code="NAFOSTED",
        name="National Foundation for Science and Technology Development",
        country="VN",
        currency="VND",
        fiscal_year_start_month=1,
        time_zone="Asia/Ho_Chi_Minh",
        grant_number_pattern="NDT.JP.{yyyy}.{seq:D2}",
    ),
)


@dataclass(frozen=True, slots=True)
class DemoLogin:
    role: RoleName
    email: str
    name: str
    # None: demo accounts read in the language their browser or client asks for.
    locale: Locale | None
    time_zone: str
    agency: str | None = None
    country: str | None = None


LOGINS = (
    DemoLogin(
        "researcher",
        "hana.sato@demo.cofund.example",
        "Sato Hana (researcher, Japan)",
        None,
        "Asia/Tokyo",
        country="JP",
    ),
    DemoLogin(
        "researcher",
        "minh.nguyen@demo.cofund.example",
        "Nguyễn Văn Minh (researcher, Vietnam)",
        None,
        "Asia/Ho_Chi_Minh",
        country="VN",
    ),
    DemoLogin(
        "reviewer",
        "kenji.tanaka@demo.cofund.example",
        "Tanaka Kenji (reviewer)",
        None,
        "Asia/Tokyo",
        country="JP",
    ),
    DemoLogin(
        "officer",
        "officer.jst@demo.cofund.example",
        "JST programme officer",
        None,
        "Asia/Tokyo",
        "JST",
    ),
    DemoLogin(
        "officer",
        "officer.nafosted@demo.cofund.example",
        "NAFOSTED programme officer",
        None,
        "Asia/Ho_Chi_Minh",
        "NAFOSTED",
    ),
    DemoLogin("auditor", "auditor@demo.cofund.example", "Auditor", None, "UTC"),
    DemoLogin("admin", "admin@demo.cofund.example", "Administrator", None, "UTC"),
)


def user_create(login: DemoLogin) -> account_schemas.UserCreate:
    return account_schemas.UserCreate(
        email=login.email,
        display_name=login.name,
        password=DEMO_PASSWORD,
        locale=login.locale,
        time_zone=login.time_zone,
        country=login.country,
        roles=[account_schemas.RoleGrant(role=login.role, agency=login.agency)],
    )


def _login(local: str, name: str, role: RoleName, country: str) -> DemoLogin:
    zone = "Asia/Tokyo" if country == "JP" else "Asia/Ho_Chi_Minh"
    return DemoLogin(role, f"{local}@demo.cofund.example", name, None, zone, country=country)


# More researchers (PIs of the call in review) and reviewers, all with the demo password.
REVIEW_LOGINS = (
    _login("yuki.kobayashi", "Kobayashi Yuki (researcher, Japan)", "researcher", "JP"),
    _login("takeshi.yamamoto", "Yamamoto Takeshi (researcher, Japan)", "researcher", "JP"),
    _login("aiko.suzuki", "Suzuki Aiko (researcher, Japan)", "researcher", "JP"),
    _login("lan.tran", "Trần Thị Lan (researcher, Vietnam)", "researcher", "VN"),
    _login("duc.pham", "Phạm Minh Đức (researcher, Vietnam)", "researcher", "VN"),
    _login("thu.le", "Lê Anh Thư (researcher, Vietnam)", "researcher", "VN"),
    _login("emi.watanabe", "Watanabe Emi (reviewer)", "reviewer", "JP"),
    _login("haruto.ito", "Ito Haruto (reviewer)", "reviewer", "JP"),
    _login("mai.hoang", "Hoàng Thị Mai (reviewer)", "reviewer", "VN"),
    _login("bao.vu", "Vũ Quốc Bảo (reviewer)", "reviewer", "VN"),
    _login("huong.dang", "Đặng Thanh Hương (reviewer)", "reviewer", "VN"),
)

# The PIs of the finished call: its grant (Mori and Võ) and its rejected proposal.
GRANT_LOGINS = (
    _login("kaito.mori", "Mori Kaito (researcher, Japan)", "researcher", "JP"),
    _login("quang.vo", "Võ Đăng Quang (researcher, Vietnam)", "researcher", "VN"),
    _login("rina.abe", "Abe Rina (researcher, Japan)", "researcher", "JP"),
    _login("hai.bui", "Bùi Văn Hải (researcher, Vietnam)", "researcher", "VN"),
)
