"""A refused form's errors as its page shows them: each message in the reader's language, keyed
by the form field it belongs to. The services and the API's models name fields by their JSON
path (`title.en`, `lines[2].amount`); a form names them flat (`title_en`, `lines-2-amount`)."""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from pydantic import ValidationError

from grants.common.pydantic_messages import pydantic_message
from grants.errors import DomainError
from grants.web.i18n import page_locale
from messages import render

FormErrors = dict[str, str]


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
