"""What the exports are made of: one awarded project and each agency's share of it, as plain
data (the application loads them; tests build them by hand)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Org:
    """An organisation by its org-id identifier (`JP-JCN-…`, `XI-ROR-…`)."""

    id: str
    name: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Payment:
    """A paid tranche: the day it was paid and the amount (minor units of the share's
    currency)."""

    paid_on: datetime.date
    amount: int
    reference: str | None = None


@dataclass(frozen=True, slots=True)
class TranchePlan:
    """One fiscal year of a share's schedule: the project days it pays (`first_day` to
    `last_day`, within one fiscal year of the agency), when it is due, what is planned and,
    once paid, the payment."""

    label: str
    first_day: datetime.date
    last_day: datetime.date
    due_date: datetime.date
    planned: int
    paid: Payment | None = None


@dataclass(frozen=True, slots=True)
class Partner:
    """An enterprise partner of a share's side: the organisation and whether it commits cash
    (a funder of the project beside the agency) or only contributions in kind. Partners never
    receive the agency's money."""

    org: Org
    cash: bool


@dataclass(frozen=True, slots=True)
class Share:
    """One agency's side of a project: its own grant number, currency and awarded total, the
    host institution it funds, and its tranches in order. An unpublished share (another
    agency's, in one agency's export) is only named by the published ones as related."""

    agency: str
    funder: Org
    number: str
    currency: str
    awarded: int
    recipient: Org
    tranches: tuple[TranchePlan, ...] = ()
    published: bool = True
    partners: tuple[Partner, ...] = ()


@dataclass(frozen=True, slots=True)
class Project:
    """An awarded joint project: `reference` is the proposal's (`<call code>-0042`), `titles`
    and `abstracts` map a language (`en`, `ja`, `vi`) to the text given in it; the project runs
    from `start` up to, not including, `end`."""

    reference: str
    call_code: str
    call_title: str
    titles: dict[str, str]
    abstracts: dict[str, str]
    start: datetime.date
    end: datetime.date
    duration_years: int
    awarded_on: datetime.date
    state: str
    modified: datetime.datetime
    shares: tuple[Share, ...]

    @property
    def last_day(self) -> datetime.date:
        return self.end - datetime.timedelta(days=1)


def identifier(share: Share, project: Project) -> str:
    """A share's grant identifier, prefixed with its funder's org-id as 360Giving and IATI both
    require: `<org-id>-<project reference>-<agency>`."""
    return f"{share.funder.id}-{project.reference}-{share.agency}"
