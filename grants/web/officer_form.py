"""The call set-up form: what an officer typed, read back into the API's own bodies
(`CallCreate`, `CallUpdate`), and a stored call written into the same fields.

The form names its fields as `grants.web.forms.form_name` names the API's paths
(`rubric-2_weight` for `rubric[2].weight`), so every refusal lands next to its field. Dates are
typed as local times in a chosen zone (one of the co-funders'), amounts in the agency's major
unit (JPY and VND have no minor unit); anything unreadable goes to the model as typed, so the
model refuses it with its own message.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision

from grants.calls.schemas import MIME_TYPES
from grants.db.models import Call, CallAgency
from grants.web.forms import FormErrors, whole

LANGS = ("en", "ja", "vi")
INSTANTS = ("opens_at", "closes_at", "review_deadline")
CRITERION_FIELDS = ("key", "label", "weight", "scale_min", "scale_max")
KIND_FIELDS = ("kind", "label", "max_bytes")  # max_bytes typed in MiB
TERMS_AMOUNTS = ("cap_per_year", "cap_total", "envelope")
MIB = 1024 * 1024
TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "text/csv": "CSV",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
}
assert set(TYPE_NAMES) == MIME_TYPES  # a new type needs its short name here


class MultiForm:
    """The submitted form's fields, some repeated (checkboxes): `get` the first, `all` every."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        self.pairs = [(k, str(v)) for k, v in pairs]

    def get(self, name: str, default: str = "") -> str:
        return next((v for k, v in self.pairs if k == name), default)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.pairs if k == name]

    def indices(self, prefix: str) -> list[int]:
        """The row numbers of `prefix-<n>_…` fields, in order (rows removed leave gaps)."""
        found = set()
        for name, _ in self.pairs:
            number = name.removeprefix(f"{prefix}-").split("_")[0]
            if name.startswith(f"{prefix}-") and number.isdigit():
                found.add(int(number))
        return sorted(found)


@dataclass
class SetupForm:
    """The set-up form's values as its template shows them (every value a string)."""

    values: dict[str, str] = field(default_factory=dict)
    rubric: list[dict[str, str]] = field(default_factory=list)
    kinds: list[dict[str, Any]] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)


def read_form(form: MultiForm, own: str) -> SetupForm:
    """What was typed, rows renumbered from 0 in their order on the page."""
    values = {k: v for k, v in form.pairs if not k.startswith(("rubric-", "document_kinds-"))}
    rubric = [
        {name: form.get(f"rubric-{i}_{name}").strip() for name in CRITERION_FIELDS}
        for i in form.indices("rubric")
    ]
    kinds = [
        {
            **{name: form.get(f"document_kinds-{i}_{name}").strip() for name in KIND_FIELDS},
            "required": bool(form.get(f"document_kinds-{i}_required")),
            "types": form.all(f"document_kinds-{i}_allowed_types"),
        }
        for i in form.indices("document_kinds")
    ]
    partners = [code for code in form.all("partners") if code != own]
    # A row left empty is no row: the API's paths (`rubric[1]`) then count the rows shown.
    rubric = [row for row in rubric if any(row.values())]
    kinds = [row for row in kinds if _kind_typed(row)]
    return SetupForm(values, rubric, kinds, partners)


def blank_form(zone: str) -> SetupForm:
    """A new call's form: one empty criterion and one document kind to fill in."""
    values = {f"{name}_zone": zone for name in INSTANTS}
    values |= {"reviewers_per_proposal": "3", "min_reviewers_per_country": "0"}
    values |= {"cofunding_mode": "own_side", "review_mode": "parallel", "durations": "3, 5"}
    values |= {"agencies-0_max_indirect_percent": "30", "agencies-0_pi_once_per_call": "on"}
    empty_kind = {"kind": "", "label": "", "max_bytes": "10", "required": True, "types": []}
    return SetupForm(values, [dict.fromkeys(CRITERION_FIELDS, "")], [empty_kind])


def stored_form(call: Call, zone: str) -> SetupForm:
    """A stored call's fields as the form shows them, its instants in `zone`."""
    values = {
        f"{name}_{lang}": text
        for name in ("title", "description")
        for lang, text in _texts(call, name)
    }
    for name in INSTANTS:
        at = getattr(call, name)
        values[f"{name}_zone"] = zone
        values[name] = at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M") if at else ""
    values |= {
        "topics": "\n".join(call.topics),
        "durations": ", ".join(str(d) for d in call.durations),
        "cofunding_mode": call.cofunding_mode,
        "review_mode": call.review_mode,
        "reviewers_per_proposal": str(call.reviewers_per_proposal),
        "min_reviewers_per_country": str(call.min_reviewers_per_country),
    }
    for index, row in enumerate(call.agencies):
        values |= _terms_values(index, row)
    rubric = [{name: str(c[name]) for name in CRITERION_FIELDS} for c in call.rubric]
    kinds = [
        {
            "kind": k["kind"],
            "label": k["label"],
            "max_bytes": _mib(k["max_bytes"]),
            "required": bool(k.get("required")),
            "types": list(k["allowed_types"]),
        }
        for k in call.document_kinds
    ]
    return SetupForm(values, rubric, kinds)


def _texts(call: Call, name: str) -> list[tuple[str, str]]:
    stored: dict[str, str] = getattr(call, name) or {}
    return [(lang, stored[lang]) for lang in LANGS if lang in stored]


def _mib(size: int) -> str:
    return str(size // MIB) if size % MIB == 0 else str(Decimal(size) / MIB)


def _terms_values(index: int, row: CallAgency) -> dict[str, str]:
    prefix = f"agencies-{index}_"
    values = {
        prefix + name: major(getattr(row, name), row.currency)
        for name in TERMS_AMOUNTS
        if getattr(row, name) is not None
    }
    values[prefix + "max_indirect_percent"] = str(row.max_indirect_percent)
    if row.pi_once_per_call:
        values[prefix + "pi_once_per_call"] = "on"
    if row.share_percent is not None:
        values[prefix + "share_percent"] = str(row.share_percent)
    return values


def major(amount: int, currency: str) -> str:
    """Minor units as the form shows them: in the currency's major unit."""
    exponent = get_currency_precision(currency)
    return str(amount) if exponent == 0 else str(Decimal(amount).scaleb(-exponent))


def minor(text: str, currency: str) -> int | float | str | None:
    """A typed amount in minor units; empty is None; anything else stays as typed (refused by
    the model, which names the field)."""
    stripped = text.strip().replace(",", "").replace(" ", "")
    if not stripped:
        return None
    try:
        value = Decimal(stripped).scaleb(get_currency_precision(currency))
    except InvalidOperation:
        return text
    # Not whole: the model refuses it, saying the number it got.
    return int(value) if value == value.to_integral_value() else float(value)


def instant(form: SetupForm, name: str) -> str | None:
    """A local date and time typed in its chosen zone, as the ISO instant the API takes; empty
    is None; unreadable stays as typed (the model refuses it at this field)."""
    typed = form.values.get(name, "").strip()
    if not typed:
        return None
    try:
        local = datetime.datetime.fromisoformat(typed)
        zone = ZoneInfo(form.values.get(f"{name}_zone") or "UTC")
    except (ValueError, KeyError):
        return typed
    if local.tzinfo is not None:
        return typed
    return local.replace(tzinfo=zone).astimezone(datetime.UTC).isoformat()


def _numbers(text: str) -> list[int | str]:
    return [whole(part) for part in text.replace("\n", ",").split(",") if part.strip()]  # type: ignore[misc]


def shared_body(form: SetupForm) -> dict[str, Any]:
    """The call's shared fields (everything but its code, texts and agencies) as the API's
    body has them."""
    values = form.values
    body: dict[str, Any] = {
        "topics": [t.strip() for t in values.get("topics", "").splitlines() if t.strip()],
        "durations": _numbers(values.get("durations", "")),
        "cofunding_mode": values.get("cofunding_mode", ""),
        "review_mode": values.get("review_mode", ""),
        "reviewers_per_proposal": whole(values.get("reviewers_per_proposal")),
        "min_reviewers_per_country": whole(values.get("min_reviewers_per_country")),
        "rubric": [_criterion(row) for row in form.rubric],
        "document_kinds": [_kind(row) for row in form.kinds],
    }
    for name in INSTANTS:
        body[name] = instant(form, name)
    return body


def _criterion(row: dict[str, str]) -> dict[str, Any]:
    numbers = {name: whole(row[name]) for name in ("weight", "scale_min", "scale_max")}
    return {"key": row["key"], "label": row["label"], **numbers}


def _kind_typed(row: dict[str, Any]) -> bool:
    return bool(row["kind"] or row["label"] or row["types"])


def _kind(row: dict[str, Any]) -> dict[str, Any]:
    typed = row["max_bytes"].strip()
    try:
        size = Decimal(typed) * MIB
        max_bytes: Any = int(size) if size == size.to_integral_value() else typed
    except InvalidOperation:
        max_bytes = typed or None
    return {
        "kind": row["kind"],
        "label": row["label"],
        "required": row["required"],
        "max_bytes": max_bytes,
        "allowed_types": row["types"],
    }


def own_terms(form: SetupForm, index: int, agency: str, currency: str) -> dict[str, Any]:
    """The officer's own agency's entry in `agencies`, from its fields `agencies-<index>_…`."""
    prefix = f"agencies-{index}_"
    values = form.values
    entry: dict[str, Any] = {"agency": agency}
    for name in TERMS_AMOUNTS:
        entry[name] = minor(values.get(prefix + name, ""), currency)
    entry["max_indirect_percent"] = whole(values.get(prefix + "max_indirect_percent") or "30")
    entry["pi_once_per_call"] = bool(values.get(prefix + "pi_once_per_call"))
    share = values.get(prefix + "share_percent", "").strip()
    entry["share_percent"] = whole(share) if share else None
    return entry


def stored_terms(row: CallAgency) -> dict[str, Any]:
    """Another agency's entry exactly as stored: the officer sends it back unchanged."""
    names = (*TERMS_AMOUNTS, "max_indirect_percent", "pi_once_per_call", "share_percent")
    return {"agency": row.agency.code, **{name: getattr(row, name) for name in names}}


def texts_patch(form: SetupForm, name: str, stored: dict[str, str]) -> dict[str, str | None]:
    """A multilingual text's merge patch: an emptied language is cleared, a typed one set."""
    typed = {lang: form.values.get(f"{name}_{lang}", "").strip() for lang in LANGS}
    return {lang: text or None for lang, text in typed.items() if text or lang in stored}


def texts(form: SetupForm, name: str) -> dict[str, str]:
    typed = {lang: form.values.get(f"{name}_{lang}", "").strip() for lang in LANGS}
    return {lang: text for lang, text in typed.items() if text}


def listed(errors: FormErrors) -> FormErrors:
    """Pydantic's refusals name a row by a bare number (`rubric_0_weight`); the form's fields
    name it `rubric-0_weight`, as the services' paths (`rubric[0].weight`) come out."""
    return {re.sub(r"_(\d+)(?=_|$)", r"-\1", name): text for name, text in errors.items()}


def shown_fields(form: SetupForm, agencies: int) -> set[str]:
    """The names of the fields (and groups) the set-up page shows a message at."""
    names = {"form", "code", "topics", "durations", "rubric", "document_kinds", "agencies"}
    names |= {f"{n}_{lang}" for n in ("title", "description") for lang in LANGS}
    names |= set(INSTANTS) | {"cofunding_mode", "review_mode"}
    names |= {"reviewers_per_proposal", "min_reviewers_per_country"}
    for i in range(len(form.rubric)):
        names |= {f"rubric-{i}"} | {f"rubric-{i}_{n}" for n in CRITERION_FIELDS}
    for i in range(len(form.kinds)):
        fields = (*KIND_FIELDS, "allowed_types")
        names |= {f"document_kinds-{i}"} | {f"document_kinds-{i}_{n}" for n in fields}
    terms = (*TERMS_AMOUNTS, "max_indirect_percent", "share_percent", "currency", "agency")
    for i in range(agencies):
        names |= {f"agencies-{i}"} | {f"agencies-{i}_{n}" for n in terms}
    return names


def placed(errors: FormErrors, shown: set[str]) -> FormErrors:
    """Every message at a field the page shows: one about a part of a field (`topics-2`,
    `rubric-1`) goes to the nearest enclosing one, anything else to the form's head."""
    placed_errors: FormErrors = {}
    for name, text in errors.items():
        target = name
        while target not in shown and target:
            cut = max(target.rfind("_"), target.rfind("-"))
            target = target[:cut] if cut > 0 else ""
        key = target or "form"
        placed_errors[key] = f"{placed_errors[key]} {text}" if key in placed_errors else text
    return placed_errors
