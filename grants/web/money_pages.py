"""A call's money tab (`/officer/calls/{id}/money`): each co-funding agency's envelope,
committed, disbursed and remaining money in its currency and converted to one reporting
currency with the recorded rates — the figures of `GET /api/calls/{id}/money`
(`grants.reporting.call_money`, under the same policy), drawn as a chart beside their table."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from litestar import Controller, Request, get
from litestar.params import Parameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from grants.calls.access import visible_call
from grants.db.models import Call
from grants.reporting.call_money import call_money
from grants.reporting.controllers import _target
from grants.reporting.schemas import CallMoney
from grants.security import policy
from grants.security.enforce import require
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from grants.web.i18n import page_locale
from grants.web.layout import Crumb, page
from messages.render import catalog

FIGURES = ("envelope", "committed", "disbursed", "remaining")


class MoneyPages(Controller):
    include_in_schema = False
    guards = [authenticated]  # noqa: RUF012

    @get("/officer/calls/{call_id:uuid}/money", name="web:officer-money")
    async def money(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        db_session: AsyncSession,
        settings: Settings,
        call_id: uuid.UUID,
        currency: str | None = Parameter(query="currency", default=None, max_length=3),
    ) -> Template:
        call, roles = await visible_call(db_session, principal, call_id)
        require(policy.call_money_decision(roles))
        target = _target(currency) or _default_currency(principal, call)
        locale = page_locale(request)
        today = datetime.datetime.now(datetime.UTC).date()
        money = await call_money(db_session, call, target=target, as_of=today, locale=locale)
        words = catalog(locale)
        return page(
            request,
            "officer/money.html",
            settings=settings,
            principal=principal,
            crumbs=[
                Crumb(words.gettext("Calls to run"), "/officer"),
                Crumb(call.code, f"/officer/calls/{call.id}"),
                Crumb(words.gettext("Money")),
            ],
            call=call,
            tab="money",
            money=money,
            target=target,
            currencies=sorted({t.currency for t in call.agencies} | {target}),
            chart_config=chart_config(money, words.gettext),
        )


def _default_currency(principal: Principal, call: Call) -> str:
    """The reader's own agency's currency; for auditors and admins the lead agency's."""
    own = next((t for t in call.agencies if t.agency_id == principal.officer_agency_id), None)
    return (own or call.agencies[0]).currency


def chart_config(money: CallMoney, gettext: Any) -> dict[str, Any]:
    """A grouped bar chart of the converted figures per agency (numbers only; the words are
    the page's language). Agencies whose figures could not be converted have no bars."""
    labels = {
        "envelope": gettext("Envelope"),
        "committed": gettext("Committed"),
        "disbursed": gettext("Disbursed"),
        "remaining": gettext("Remaining"),
    }
    colours = {
        "envelope": "#5b6770",
        "committed": "#1f5fa8",
        "disbursed": "#2e7d32",
        "remaining": "#b26a00",
    }
    agencies = [a for a in money.agencies if a.converted and a.converted.figures]
    datasets = []
    for name in FIGURES:
        values = []
        for a in agencies:
            figures = a.converted.figures if a.converted else None
            amount = getattr(figures, name) if figures else None
            values.append(amount.amount if amount else 0)
        datasets.append({"label": labels[name], "data": values, "backgroundColor": colours[name]})
    return {
        "type": "bar",
        "data": {"labels": [a.agency for a in agencies], "datasets": datasets},
        "options": {"scales": {"y": {"beginAtZero": True}}},
    }
