"""What the officers' review pages (assignment, scores, ranking, joint panel) share: the layout
with the call's tabs and breadcrumbs, the workflow buttons of an entity, firing an event from a
form, and the redirect after a change that says what happened."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Request
from litestar.response import Redirect, Template
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.deps import request_id_of
from grants.db.models import Call
from grants.errors import DomainError
from grants.security.principal import Principal
from grants.settings import Settings
from grants.web.forms import Refusal
from grants.web.i18n import page_locale
from grants.web.layout import Crumb, flash, page
from grants.web.reviewer_pages import Action, actions, said
from grants.workflow.binding import Binding
from grants.workflow.service import EventRequest, fire
from messages import Message, define, render

CALLS_TO_RUN = define("web.officer.crumb.calls", "Calls to run")
TABS = {
    "assignment": define("web.officer.tab.assignment", "Reviewer assignment"),
    "scores": define("web.officer.tab.scores", "Scores"),
    "ranking": define("web.officer.tab.ranking", "Ranking"),
    "joint": define("web.officer.tab.joint", "Joint panel"),
}

__all__ = ["Action", "Refusal", "actions", "done", "fire_form", "officer_page", "refusal"]


def refusal(error: DomainError, locale: str) -> Refusal:
    """A refused check or action in the page's language, field errors keyed by the API's
    field names (the board and ranking forms show them next to their rows)."""
    return Refusal(
        status=error.status,
        message=said(error.detail, locale),
        reasons=tuple(said(r, locale) for r in error.reasons),
        fields={e.field: said(e.reason, locale) for e in error.errors},
    )


class CsrfOnly(BaseModel):
    csrf: str = ""


class EventForm(BaseModel):
    csrf: str = ""
    version: int = 0


def officer_page(
    request: Request[Any, Any, Any],
    principal: Principal,
    settings: Settings,
    template: str,
    call: Call,
    tab: str,
    *,
    status: int = 200,
    **context: Any,
) -> Template:
    """`template` in the shared layout with the call's tabs (`tab` current) and breadcrumbs."""
    locale = page_locale(request)
    crumbs = (
        Crumb(render(CALLS_TO_RUN(), locale), "/officer"),
        Crumb(call.code, f"/officer/calls/{call.id}"),
        Crumb(render(TABS[tab](), locale)),
    )
    return page(
        request,
        template,
        settings=settings,
        principal=principal,
        crumbs=crumbs,
        status=status,
        call=call,
        tab=tab,
        **context,
    )


def done(settings: Settings, path: str, said: Message) -> Redirect:
    """After a change: back to `path`, saying once what happened."""
    return flash(Redirect(path=path, status_code=303), said, settings)


async def fire_form(
    request: Request[Any, Any, Any],
    session: AsyncSession,
    principal: Principal,
    settings: Settings,
    binding: Binding[Any],
    entity_id: uuid.UUID,
    event: str,
    version: int,
) -> None:
    """Apply a workflow event from a page's button, as `POST …/events/{event}` does."""
    await fire(
        session,
        binding,
        entity_id,
        event,
        EventRequest(version, {}),
        principal,
        settings=settings,
        request_id=request_id_of(request),
    )
