"""Rules 7.5.3, 11.2.1 and 7.8.1 and the XSD hold for any schedule the agencies' fiscal
calendars give (`schedules.plan_tranches`): any start, 1–10 years, April or January years."""

from __future__ import annotations

import datetime
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from opendata import Payment, Share, TranchePlan, iati_xml
from schedules.months import ProjectPeriod, add_months
from schedules.tranches import plan_tranches
from tests.unit.opendata.schemas import xsd_errors
from tests.unit.opendata.world import jst_share, project

GENERATED = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)


def share_on(start: datetime.date, years: int, fiscal: int, paid: int) -> Share:
    period = ProjectPeriod.of_years(start, years)
    plans = plan_tranches(period, fiscal, [1_000_000] * years)
    tranches = tuple(
        TranchePlan(
            t.fiscal_year.label, t.first_day, t.last_day, t.due, t.amount,
            Payment(t.due, t.amount) if n < paid else None,
        )
        for n, t in enumerate(plans)
    )  # fmt: skip
    return replace(jst_share(), awarded=1_000_000 * years, tranches=tranches)


@settings(max_examples=40, deadline=None)
@given(
    start=st.dates(datetime.date(2020, 1, 1), datetime.date(2035, 12, 31)),
    years=st.integers(1, 10),
    fiscal=st.sampled_from([1, 4]),
    paid=st.integers(0, 11),
    today=st.dates(datetime.date(2020, 1, 1), datetime.date(2040, 12, 31)),
)
def test_any_schedule_gives_valid_activities_that_keep_the_rules(
    start: datetime.date, years: int, fiscal: int, paid: int, today: datetime.date
) -> None:
    share = share_on(start, years, fiscal, paid)
    end = add_months(start, 12 * years)
    made = project(start=start, end=end, duration_years=years, shares=(share,),
                   awarded_on=start - datetime.timedelta(days=30))  # fmt: skip

    document = iati_xml([made], generated=GENERATED, today=today)

    assert xsd_errors(document) == []
    activity = etree.fromstring(document).find("iati-activity")
    for budget in activity.iter("budget"):
        first = datetime.date.fromisoformat(budget.find("period-start").get("iso-date"))
        last = datetime.date.fromisoformat(budget.find("period-end").get("iso-date"))
        assert first <= last < add_months(first, 12)
    assert sum(int(b.findtext("value")) for b in activity.iter("budget")) == share.awarded
    dates = [
        datetime.date.fromisoformat(d.get("iso-date")) for d in activity.iter("transaction-date")
    ]
    assert all(day <= today for day in dates)
    assert {v.get("currency") for v in activity.iter("value")} == {"JPY"}
