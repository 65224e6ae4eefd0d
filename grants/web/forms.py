"""A refused form's errors as its page shows them: each message in the reader's language, keyed
by the form field it belongs to. The services and the API's models name fields by their JSON
path (`title.en`, `lines[2].amount`); a form names them flat (`title_en`, `lines-2-amount`)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from litestar import Request
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.pydantic_messages import pydantic_message
from grants.errors import INVALID_FIELDS, DomainError, StaleVersion
from grants.web.i18n import page_locale
from messages import Message, render

FormErrors = dict[str, str]


async def discard(session: AsyncSession) -> None:
    """Undo a refused form's half-done work before the page is drawn again, and forget every
    loaded row so the page reads them afresh (not the refused edit's, nor expired ones)."""
    await session.rollback()
    session.expunge_all()


def whole(text: str | None) -> int | str | None:
    """A form's number as the API's models take it (they refuse `"3"` for 3): digits become an
    int; anything else stays as typed, so the model refuses it with its own message."""
    stripped = (text or "").strip()
    return int(stripped) if stripped.isdigit() else stripped


def texts(form: dict[str, str], name: str, languages: tuple[str, ...]) -> dict[str, str]:
    """A multilingual text from its fields `name_en`, `name_ja`, …; empty ones left out."""
    typed = {lang: form.get(f"{name}_{lang}", "").strip() for lang in languages}
    return {lang: text for lang, text in typed.items() if text}


def form_name(path: str) -> str:
    """`title.en` → `title_en`; `lines[2].amount` → `lines-2_amount`."""
    return re.sub(r"\[(\d+)\]", r"-\1", path).replace(".", "_")


def validation_errors(exc: ValidationError, request: Request[Any, Any, Any]) -> FormErrors:
    """Pydantic's refusals (the API's own models) per form field, the first one per field."""
    locale = page_locale(request)
    errors: FormErrors = {}
    for error in exc.errors():
        path = ".".join(str(part) for part in error["loc"]) or "form"
        errors.setdefault(form_name(path), render(pydantic_message(dict(error)), locale))
    return errors


def field_errors(exc: DomainError, request: Request[Any, Any, Any]) -> FormErrors:
    """A service's refusal per form field; one without a field goes under `form`."""
    locale = page_locale(request)
    errors: FormErrors = {}
    for item in exc.errors:
        errors.setdefault(form_name(item.field), render(item.reason, locale))
    if not errors or exc.reasons:
        reasons = [render(r, locale) for r in exc.reasons] or [render(exc.detail, locale)]
        errors["form"] = " ".join(reasons)
    return errors


@dataclass(frozen=True, slots=True)
class Refusal:
    """A refused form as its page shows it, in the page's language: the message, each reason,
    each field's error keyed by the API's name (`fields`: `title.en`, `data.reason`) and by
    the form's (`errors`: `title_en`, with the message and reasons under `form` when no field
    carries them), the status to answer with, and whether the form was stale (someone saved
    the same thing since it was loaded)."""

    status: int
    message: str
    reasons: tuple[str, ...] = ()
    fields: dict[str, str] = field(default_factory=dict)
    errors: FormErrors = field(default_factory=dict)
    stale: bool = False


def _said(text: Message | str, locale: str) -> str:
    return render(text, locale) if isinstance(text, Message) else text


async def refused(
    exc: ValidationError | DomainError,
    request: Request[Any, Any, Any],
    session: AsyncSession,
    *,
    shown: tuple[int, ...] | None = (409, 422),
) -> Refusal:
    """The one way a page's handler answers a refused form: undo its half-done work (`discard`)
    and say why, in the page's language. A domain error with a status not in `shown` (a 403,
    a 404: not the form's fault) is raised again for the error page; `shown=None` shows all."""
    if isinstance(exc, DomainError) and shown is not None and exc.status not in shown:
        raise exc
    await discard(session)
    locale = page_locale(request)
    if isinstance(exc, ValidationError):
        dotted = {
            ".".join(str(p) for p in e["loc"]) or "form": render(pydantic_message(dict(e)), locale)
            for e in reversed(exc.errors())  # the first error per field wins
        }
        return Refusal(
            422, render(INVALID_FIELDS(), locale), (), dotted, validation_errors(exc, request)
        )
    return Refusal(
        exc.status,
        _said(exc.detail, locale),
        tuple(_said(r, locale) for r in exc.reasons),
        {e.field: _said(e.reason, locale) for e in reversed(exc.errors)},
        field_errors(exc, request),
        isinstance(exc, StaleVersion),
    )


@dataclass(frozen=True, slots=True)
class Change:
    """A field someone else saved while the reader edited the form: what is stored now
    (`theirs`) and what the reader sent (`yours`); `taken` when the reader had not touched it,
    so their value is now in the form."""

    name: str
    label: str
    theirs: str
    yours: str
    taken: bool


SEEN = "seen"


def seen_field(values: Mapping[str, str]) -> str:
    """The hidden `seen` field's value: the form's fields as loaded, to merge a stale form."""
    return json.dumps(dict(values), ensure_ascii=False, sort_keys=True)


def merge_stale(
    typed: Mapping[str, str], stored: Mapping[str, str], labels: Mapping[str, str]
) -> tuple[dict[str, str], list[Change]]:
    """A stale form merged with what is stored now, field by field, against the values the form
    was loaded with (its hidden `seen` field): a field only the reader changed keeps theirs; one
    only someone else changed takes the stored value; one both changed keeps the reader's and
    is listed beside the stored one. Returns the form to show and the changes to list."""
    try:
        loaded = json.loads(typed.get(SEEN) or "{}")
    except ValueError:
        loaded = {}
    seen: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
    merged = dict(typed)
    changes: list[Change] = []
    for name, theirs in stored.items():
        if name not in typed:  # a field of another form on the page
            continue
        yours = typed.get(name, "").strip()
        base = seen.get(name)
        if theirs.strip() == yours or (base is not None and str(base).strip() == theirs.strip()):
            continue
        taken = base is not None and str(base).strip() == yours
        if taken:
            merged[name] = theirs
        changes.append(Change(name, labels.get(name, name), theirs, yours, taken))
    merged.pop(SEEN, None)
    return merged, changes
