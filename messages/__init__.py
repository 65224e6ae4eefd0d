"""Messages as codes: every sentence a user may read is a code with parameters, rendered at the
edge in the reader's language from Babel gettext catalogs (`messages/locale/<lang>/LC_MESSAGES`).

Pure: no `grants`, no Litestar. Domain code defines a message once, next to where it is used:

    CLOSED = define("call.closed", "The call closed at {closed_at}.")
    ...
    yield CLOSED(closed_at=Instant(call.closes_at, zones))

`define`'s code is the catalog entry's context (`msgctxt`) and its English text the `msgid`, so
pybabel extracts both (`-k define:1c,2`) and two messages never share a translation by accident.
"""

from messages.core import (
    REGISTRY,
    Definition,
    Message,
    MessageError,
    MessageParamsError,
    define,
)
from messages.params import Instant, MoneyLike, Term, params_json
from messages.render import LOCALES, format_value, negotiate, render

__all__ = [
    "LOCALES",
    "REGISTRY",
    "Definition",
    "Instant",
    "Message",
    "MessageError",
    "MessageParamsError",
    "MoneyLike",
    "Term",
    "define",
    "format_value",
    "negotiate",
    "params_json",
    "render",
]
