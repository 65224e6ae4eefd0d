"""IATI activity XML 2.03: one `iati-activity` per agency share.

Per share, not per project, because IATI wants one reporting organisation per activity and its
identifier prefixed with that organisation's org-id; each agency reports its own side in its
own currency (the `default-currency`, and on every value too, rule 7.8.1) and on its own fiscal
calendar. The two shares name each other as `related-activity` type 4 (co-funded). Each
enterprise partner of a share's side is a participating organisation of type 70 (private
sector): funding (role 1) when it commits cash, implementing (role 4) for contributions in kind
only; its money never appears in the agency's budgets or transactions.

Budgets are the share's tranches: one per fiscal year of the agency that the project overlaps,
so none is longer than a year (rule 7.5.3). Each tranche is also a planned disbursement. The
transactions are the commitment at the award and a disbursement per paid tranche; none dated
after `today` is written (rule 11.2.1).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from opendata.amounts import major, number_text
from opendata.records import Org, Project, Share, identifier

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ORG_TYPE_GOVERNMENT, ORG_TYPE_PRIVATE, ORG_TYPE_ACADEMIC = "10", "70", "80"
ROLE_FUNDING, ROLE_EXTENDING, ROLE_IMPLEMENTING = "1", "3", "4"
TRANSACTION_COMMITMENT, TRANSACTION_DISBURSEMENT = "2", "3"
RELATED_COFUNDED = "4"
# IATI ActivityStatus: 2 implementation, 4 closed, 5 cancelled, 6 suspended.
STATUS = {"active": "2", "completed": "4", "terminated": "5", "suspended": "6"}
LANGUAGES = ("en", "ja", "vi")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attrs.items()})
    element.text = text
    return element


def _narratives(parent: ET.Element, texts: dict[str, str]) -> None:
    """English first (the activity's default language), then ja and vi where given."""
    for lang in LANGUAGES:
        if texts.get(lang):
            narrative = _sub(parent, "narrative", texts[lang])
            if lang != "en":
                narrative.set(XML_LANG, lang)


def _org(parent: ET.Element, tag: str, org: Org, kind: str, role: str | None = None) -> None:
    # An enterprise without an org-id list (Vietnam's tax codes) goes unreferenced.
    element = _sub(parent, tag, **({"ref": org.id} if org.id else {}), type=kind)
    if role is not None:
        element.set("role", role)
    _narratives(element, {"en": org.name})


def _value(parent: ET.Element, amount: int, currency: str, on: datetime.date) -> None:
    _sub(
        parent,
        "value",
        number_text(major(amount, currency)),
        currency=currency,
        value_date=on.isoformat(),
    )


def _dates(activity: ET.Element, project: Project, today: datetime.date) -> None:
    started = project.start <= today
    _sub(activity, "activity-date", iso_date=project.start.isoformat(), type="1")
    if started:
        _sub(activity, "activity-date", iso_date=project.start.isoformat(), type="2")
    _sub(activity, "activity-date", iso_date=project.last_day.isoformat(), type="3")


def _schedule(activity: ET.Element, share: Share) -> None:
    for tranche in share.tranches:
        budget = _sub(activity, "budget", type="1", status="2")
        _sub(budget, "period-start", iso_date=tranche.first_day.isoformat())
        _sub(budget, "period-end", iso_date=tranche.last_day.isoformat())
        _value(budget, tranche.planned, share.currency, tranche.first_day)
    for tranche in share.tranches:
        planned = _sub(activity, "planned-disbursement", type="1")
        _sub(planned, "period-start", iso_date=tranche.due_date.isoformat())
        _sub(planned, "period-end", iso_date=tranche.last_day.isoformat())
        _value(planned, tranche.planned, share.currency, tranche.due_date)


def _transaction(
    activity: ET.Element, share: Share, code: str, on: datetime.date, amount: int, ref: str
) -> None:
    transaction = _sub(activity, "transaction", ref=ref)
    _sub(transaction, "transaction-type", code=code)
    _sub(transaction, "transaction-date", iso_date=on.isoformat())
    _value(transaction, amount, share.currency, on)
    provider = _sub(transaction, "provider-org", ref=share.funder.id)
    _narratives(provider, {"en": share.funder.name})
    receiver = _sub(transaction, "receiver-org", ref=share.recipient.id)
    _narratives(receiver, {"en": share.recipient.name})


def _transactions(
    activity: ET.Element, project: Project, share: Share, today: datetime.date
) -> None:
    if project.awarded_on <= today:
        _transaction(
            activity, share, TRANSACTION_COMMITMENT, project.awarded_on, share.awarded, share.number
        )
    for tranche in share.tranches:
        if tranche.paid is not None and tranche.paid.paid_on <= today:
            ref = tranche.paid.reference or f"{share.number}-{tranche.label}"
            paid = tranche.paid
            _transaction(activity, share, TRANSACTION_DISBURSEMENT, paid.paid_on, paid.amount, ref)


def activity(root: ET.Element, project: Project, share: Share, today: datetime.date) -> ET.Element:
    """One share as an `iati-activity` appended to `root`."""
    element = _sub(
        root,
        "iati-activity",
        last_updated_datetime=project.modified.astimezone(datetime.UTC).isoformat(),
        default_currency=share.currency,
    )
    element.set(XML_LANG, "en")
    _sub(element, "iati-identifier", identifier(share, project))
    _org(element, "reporting-org", share.funder, ORG_TYPE_GOVERNMENT)
    _narratives(_sub(element, "title"), project.titles)
    _narratives(_sub(element, "description", type="1"), project.abstracts)
    _org(element, "participating-org", share.funder, ORG_TYPE_GOVERNMENT, ROLE_FUNDING)
    _org(element, "participating-org", share.funder, ORG_TYPE_GOVERNMENT, ROLE_EXTENDING)
    _org(element, "participating-org", share.recipient, ORG_TYPE_ACADEMIC, ROLE_IMPLEMENTING)
    for partner in share.partners:  # private sector: funding with cash, else implementing
        role = ROLE_FUNDING if partner.cash else ROLE_IMPLEMENTING
        _org(element, "participating-org", partner.org, ORG_TYPE_PRIVATE, role)
    _sub(element, "activity-status", code=STATUS.get(project.state, "2"))
    _dates(element, project, today)
    _schedule(element, share)
    _transactions(element, project, share, today)
    for other in project.shares:
        if other is not share:
            _sub(element, "related-activity", ref=identifier(other, project), type=RELATED_COFUNDED)
    return element


def iati_xml(
    projects: Sequence[Project], *, generated: datetime.datetime, today: datetime.date
) -> bytes:
    """Every published share of every project as one `iati-activities` document (UTF-8
    bytes)."""
    root = ET.Element(
        "iati-activities",
        {"version": VERSION, "generated-datetime": generated.astimezone(datetime.UTC).isoformat()},
    )
    for project in projects:
        for share in project.shares:
            if share.published:
                activity(root, project, share, today)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
