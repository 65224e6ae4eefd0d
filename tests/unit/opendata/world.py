"""A small awarded project built by hand: JST (yen) and NAFOSTED (đồng) each fund their own
side of JV-2026-0001, three years from 1 April 2027; each agency's first tranche is paid."""

from __future__ import annotations

import datetime
from dataclasses import replace

from opendata import Org, Payment, Project, Share, TranchePlan

JST = Org("JP-JCN-1000000000001", "Japan Science and Technology Agency", "JP")
NAFOSTED = Org("VN-COA-0100000001", "National Foundation for Science and Technology Development")
TOKYO = Org("XI-ROR-057zh3y96", "The University of Tokyo", "JP")
HANOI = Org("XI-ROR-02jmfj006", "Vietnam National University, Hanoi", "VN")
D = datetime.date


def jst_share(paid: bool = True) -> Share:
    return Share(
        agency="JST",
        funder=JST,
        number="JST-2027-0001",
        currency="JPY",
        awarded=10_500_000,
        recipient=TOKYO,
        tranches=(
            TranchePlan(
                "FY2027", D(2027, 4, 1), D(2028, 3, 31), D(2027, 4, 1), 6_500_000,
                Payment(D(2027, 4, 5), 6_500_000, "JST-2027-0001-T1") if paid else None,
            ),
            TranchePlan("FY2028", D(2028, 4, 1), D(2029, 3, 31), D(2028, 4, 1), 4_000_000),
        ),
    )  # fmt: skip


def nafosted_share() -> Share:
    return Share(
        agency="NAFOSTED",
        funder=NAFOSTED,
        number="NAFOSTED-2027-0001",
        currency="VND",
        awarded=1_500_000_000,
        recipient=HANOI,
        tranches=(
            TranchePlan(
                "FY2027", D(2027, 4, 1), D(2027, 12, 31), D(2027, 4, 1), 600_000_000,
                Payment(D(2027, 4, 10), 600_000_000),
            ),
            TranchePlan("FY2028", D(2028, 1, 1), D(2028, 12, 31), D(2028, 1, 1), 900_000_000),
        ),
    )  # fmt: skip


def project(**changes: object) -> Project:
    made = Project(
        reference="JV-2026-0001",
        call_code="JV-2026",
        call_title="Japan–Vietnam joint call on semiconductors 2026",
        titles={"en": "Chiplet packaging", "ja": "チップレット実装", "vi": "Đóng gói chiplet"},
        abstracts={"en": "Advanced packaging of chiplets."},
        start=D(2027, 4, 1),
        end=D(2030, 4, 1),
        duration_years=3,
        awarded_on=D(2027, 3, 1),
        state="active",
        modified=datetime.datetime(2027, 4, 10, 9, 30, tzinfo=datetime.UTC),
        shares=(jst_share(), nafosted_share()),
    )
    return replace(made, **changes)  # type: ignore[arg-type]
