"""IATI activity XML 2.03: valid against the pinned XSD offline, and the rules 7.5.3 (no
budget longer than a year), 11.2.1 (no transaction in the future) and 7.8.1 (a currency for
every value) hold on the output."""

from __future__ import annotations

import datetime
from dataclasses import replace

from lxml import etree

from opendata import Org, Partner, Payment, iati_xml
from tests.unit.opendata.schemas import xsd_errors
from tests.unit.opendata.world import jst_share, nafosted_share, project

GENERATED = datetime.datetime(2027, 5, 1, 12, tzinfo=datetime.UTC)
TODAY = datetime.date(2027, 5, 1)
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
D = datetime.date


def document(**changes: object) -> etree._Element:
    return etree.fromstring(iati_xml([project(**changes)], generated=GENERATED, today=TODAY))


def test_the_activities_are_valid_against_the_pinned_xsd_offline() -> None:
    assert xsd_errors(iati_xml([project()], generated=GENERATED, today=TODAY)) == []


def test_the_xsd_check_catches_a_broken_document() -> None:
    broken = (
        iati_xml([project()], generated=GENERATED, today=TODAY)
        .replace(b"<iati-identifier>", b"<iati-id>")
        .replace(b"</iati-identifier>", b"</iati-id>")
    )

    assert len(xsd_errors(broken)) == 2


def test_one_activity_per_share_prefixed_with_its_reporting_org() -> None:
    root = document()

    activities = [
        (
            a.findtext("iati-identifier"),
            a.find("reporting-org").get("ref"),
            a.get("default-currency"),
            [r.get("ref") for r in a.findall("related-activity")],
        )
        for a in root.findall("iati-activity")
    ]
    assert activities == [
        (
            "JP-JCN-1000000000001-JV-2026-0001-JST",
            "JP-JCN-1000000000001",
            "JPY",
            ["VN-COA-0100000001-JV-2026-0001-NAFOSTED"],
        ),
        (
            "VN-COA-0100000001-JV-2026-0001-NAFOSTED",
            "VN-COA-0100000001",
            "VND",
            ["JP-JCN-1000000000001-JV-2026-0001-JST"],
        ),
    ]
    assert all(a.findtext("iati-identifier").startswith(a.find("reporting-org").get("ref") + "-")
               for a in root.findall("iati-activity"))  # fmt: skip


def test_participating_orgs_have_the_funding_extending_and_implementing_roles() -> None:
    jst = document().find("iati-activity")

    assert [
        (p.get("role"), p.get("ref"), p.findtext("narrative"))
        for p in jst.findall("participating-org")
    ] == [
        ("1", "JP-JCN-1000000000001", "Japan Science and Technology Agency"),
        ("3", "JP-JCN-1000000000001", "Japan Science and Technology Agency"),
        ("4", "XI-ROR-057zh3y96", "The University of Tokyo"),
    ]


def test_titles_are_narratives_in_each_language_given() -> None:
    jst = document().find("iati-activity")

    assert [(n.get(XML_LANG), n.text) for n in jst.find("title")] == [
        (None, "Chiplet packaging"),
        ("ja", "チップレット実装"),
        ("vi", "Đóng gói chiplet"),
    ]
    assert jst.get(XML_LANG) == "en"


def test_status_and_dates() -> None:
    jst = document().find("iati-activity")

    assert jst.find("activity-status").get("code") == "2"
    assert [(d.get("type"), d.get("iso-date")) for d in jst.findall("activity-date")] == [
        ("1", "2027-04-01"),
        ("2", "2027-04-01"),
        ("3", "2030-03-31"),
    ]


def _periods(activity: etree._Element, tag: str) -> list[tuple[str, str, str]]:
    return [
        (
            e.find("period-start").get("iso-date"),
            e.find("period-end").get("iso-date"),
            e.findtext("value"),
        )
        for e in activity.findall(tag)
    ]


def test_one_budget_per_agency_fiscal_year_none_longer_than_a_year_rule_7_5_3() -> None:
    jst, nafosted = document().findall("iati-activity")

    assert _periods(jst, "budget") == [
        ("2027-04-01", "2028-03-31", "6500000"),
        ("2028-04-01", "2029-03-31", "4000000"),
    ]
    assert _periods(nafosted, "budget") == [
        ("2027-04-01", "2027-12-31", "600000000"),
        ("2028-01-01", "2028-12-31", "900000000"),
    ]
    for budget in document().iter("budget"):
        start = D.fromisoformat(budget.find("period-start").get("iso-date"))
        end = D.fromisoformat(budget.find("period-end").get("iso-date"))
        assert start <= end < start.replace(year=start.year + 1)


def test_a_planned_disbursement_per_tranche() -> None:
    jst = document().find("iati-activity")

    assert _periods(jst, "planned-disbursement") == [
        ("2027-04-01", "2028-03-31", "6500000"),
        ("2028-04-01", "2029-03-31", "4000000"),
    ]


def _transactions(activity: etree._Element) -> list[tuple[str, str, str, str]]:
    return [
        (
            t.find("transaction-type").get("code"),
            t.find("transaction-date").get("iso-date"),
            t.findtext("value"),
            t.get("ref"),
        )
        for t in activity.findall("transaction")
    ]


def test_a_commitment_at_the_award_and_a_disbursement_per_paid_tranche() -> None:
    jst, nafosted = document().findall("iati-activity")

    assert _transactions(jst) == [
        ("2", "2027-03-01", "10500000", "JST-2027-0001"),
        ("3", "2027-04-05", "6500000", "JST-2027-0001-T1"),
    ]
    assert _transactions(nafosted) == [
        ("2", "2027-03-01", "1500000000", "NAFOSTED-2027-0001"),
        ("3", "2027-04-10", "600000000", "NAFOSTED-2027-0001-FY2027"),
    ]


def test_no_transaction_is_dated_in_the_future_rule_11_2_1() -> None:
    late = jst_share()
    tranche = replace(late.tranches[1], paid=Payment(D(2027, 5, 2), 4_000_000))
    late = replace(late, tranches=(late.tranches[0], tranche))

    root = document(shares=(late, nafosted_share()), awarded_on=D(2027, 3, 1))

    dates = [D.fromisoformat(d.get("iso-date")) for d in root.iter("transaction-date")]
    assert max(dates) <= TODAY
    assert len(dates) == 4


def test_every_value_has_a_currency_and_a_value_date_rule_7_8_1() -> None:
    for activity in document().findall("iati-activity"):
        values = list(activity.iter("value"))
        assert {v.get("currency") for v in values} == {activity.get("default-currency")}
        assert all(v.get("value-date") for v in values)
        assert len(values) == 2 + 2 + 2


def test_an_unpublished_share_has_no_activity_but_is_related() -> None:
    root = document(shares=(jst_share(), replace(nafosted_share(), published=False)))

    (only,) = root.findall("iati-activity")
    assert only.findtext("iati-identifier") == "JP-JCN-1000000000001-JV-2026-0001-JST"
    assert [r.get("ref") for r in only.findall("related-activity")] == [
        "VN-COA-0100000001-JV-2026-0001-NAFOSTED"
    ]


def test_enterprise_partners_are_private_sector_participating_orgs() -> None:
    sakura = Partner(Org("JP-JCN-5835678256246", "Sakura Semiconductor Co., Ltd.", "JP"), True)
    song_hong = Partner(Org("", "Song Hong Microchip JSC", "VN"), False)
    shares = (
        replace(jst_share(), partners=(sakura,)),
        replace(nafosted_share(), partners=(song_hong,)),
    )
    xml = iati_xml([project(shares=shares)], generated=GENERATED, today=TODAY)

    orgs = [
        [
            (o.get("ref"), o.get("type"), o.get("role"), o.findtext("narrative"))
            for o in a.findall("participating-org")
            if o.get("type") == "70"
        ]
        for a in etree.fromstring(xml).findall("iati-activity")
    ]
    assert orgs == [
        [("JP-JCN-5835678256246", "70", "1", "Sakura Semiconductor Co., Ltd.")],
        [(None, "70", "4", "Song Hong Microchip JSC")],
    ]
    assert xsd_errors(xml) == []
