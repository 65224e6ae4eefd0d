"""A conflict's reason: a message (what detection found, a conflict bid) kept as its code and
parameters beside its English text, or the words a person wrote (a declaration). Shown in the
reader's language; the English text stays for the record and the audit log."""

from __future__ import annotations

from typing import Any

from grants.db.models import Conflict
from messages import REGISTRY, Message, MessageParamsError, define, params_json, render

REASON_MAX = 2000
"""The length of the `reason` column."""

BID_DECLARED = define("conflict.declared_when_bidding", "Declared by the reviewer when bidding.")
DECLARED = define("conflict.declared", "Declared by the reviewer: {reason}")
COAUTHOR = define("conflict.declared_coauthor", "Co-authorship declared by the reviewer: {reason}")
RECORDED = define("conflict.recorded", "{reason}")


def stored(reason: Message | str) -> dict[str, Any]:
    """The conflict columns that keep `reason`: its English text (cut to the column), and a
    message's code and parameters."""
    if isinstance(reason, Message):
        text = render(reason, "en")[:REASON_MAX]
        params = params_json(reason.params)
        return {"reason": text, "reason_code": reason.code, "reason_params": params}
    return {"reason": reason, "reason_code": None, "reason_params": None}


def coded(conflict: Conflict) -> Message | None:
    """The stored message of the conflict's reason; None for a person's words, for a row
    stored before reasons were messages, or a code this version no longer knows."""
    definition = REGISTRY.get(conflict.reason_code or "")
    if definition is None or conflict.reason_params is None:
        return None
    try:
        return definition(**conflict.reason_params)
    except MessageParamsError:
        return None


def reason_of(conflict: Conflict) -> Message:
    """The conflict's reason as a message, for refusals: the stored one, or the person's words
    with who said them."""
    found = coded(conflict)
    if found is not None:
        return found
    if conflict.source == "coauthor":
        return COAUTHOR(reason=conflict.reason)
    if conflict.source == "declared_by_reviewer":
        return DECLARED(reason=conflict.reason)
    return RECORDED(reason=conflict.reason)


def shown(conflict: Conflict, locale: str) -> str:
    """The reason as the conflict views show it: the message in `locale`, else as written."""
    found = coded(conflict)
    return conflict.reason if found is None else render(found, locale)
