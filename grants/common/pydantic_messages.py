"""Pydantic's validation errors as our messages: a validator's `MessageError` keeps its own
message; every other error type has a message of its own with the parameters Pydantic gives."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from messages import Message, MessageError, define

MISSING = define("validation.missing", "This field is required.")
EXTRA = define("validation.extra_forbidden", "This field is not accepted here.")
INVALID = define("validation.invalid", "This value is not valid ({kind}).")

_BY_TYPE = {
    "missing": MISSING,
    "extra_forbidden": EXTRA,
    "int_type": define("validation.int_type", "Give a whole number."),
    "int_parsing": define("validation.int_parsing", "Give a whole number."),
    "int_from_float": define("validation.int_from_float", "Give a whole number, not a fraction."),
    "float_type": define("validation.float_type", "Give a number."),
    "float_parsing": define("validation.float_parsing", "Give a number."),
    "bool_type": define("validation.bool_type", "Give true or false."),
    "bool_parsing": define("validation.bool_parsing", "Give true or false."),
    "string_type": define("validation.string_type", "Give a text."),
    "string_too_short": define(
        "validation.string_too_short", "Give at least {min_length} characters."
    ),
    "string_too_long": define(
        "validation.string_too_long", "Give at most {max_length} characters."
    ),
    "string_pattern_mismatch": define(
        "validation.string_pattern_mismatch", "The text does not have the expected form."
    ),
    "too_short": define("validation.too_short", "Give at least {min_length} items."),
    "too_long": define("validation.too_long", "Give at most {max_length} items."),
    "greater_than": define("validation.greater_than", "Give a value greater than {gt}."),
    "greater_than_equal": define("validation.greater_than_equal", "Give at least {ge}."),
    "less_than": define("validation.less_than", "Give a value less than {lt}."),
    "less_than_equal": define("validation.less_than_equal", "Give at most {le}."),
    "literal_error": define("validation.literal_error", "Give one of: {expected}."),
    "enum": define("validation.enum", "Give one of: {expected}."),
    "uuid_type": define("validation.uuid_type", "Give an identifier (a UUID)."),
    "uuid_parsing": define("validation.uuid_parsing", "Give an identifier (a UUID)."),
    "datetime_type": define("validation.datetime_type", "Give a date and time (ISO 8601)."),
    "datetime_parsing": define(
        "validation.datetime_parsing",
        "Give a date and time (ISO 8601), e.g. 2027-03-31T17:00+09:00.",
    ),
    "datetime_from_date_parsing": define(
        "validation.datetime_from_date_parsing",
        "Give a date and time (ISO 8601), e.g. 2027-03-31T17:00+09:00.",
    ),
    "timezone_aware": define(
        "validation.timezone_aware", "Give the time with its offset or Z, e.g. 2027-03-31T08:00Z."
    ),
    "date_type": define("validation.date_type", "Give a date (YYYY-MM-DD)."),
    "date_parsing": define("validation.date_parsing", "Give a date (YYYY-MM-DD)."),
    "date_from_datetime_parsing": define(
        "validation.date_from_datetime_parsing", "Give a date (YYYY-MM-DD)."
    ),
    "dict_type": define("validation.dict_type", "Give an object."),
    "model_type": define("validation.model_type", "Give an object."),
    "model_attributes_type": define("validation.model_attributes_type", "Give an object."),
    "list_type": define("validation.list_type", "Give a list."),
    "set_type": define("validation.set_type", "Give a list."),
    "json_invalid": define("validation.json_invalid", "The body is not valid JSON."),
    "json_type": define("validation.json_type", "The body is not valid JSON."),
    "url_parsing": define("validation.url_parsing", "Give a web address (URL)."),
    "url_type": define("validation.url_type", "Give a web address (URL)."),
    "url_scheme": define("validation.url_scheme", "Give an http or https address."),
    "value_error": define("validation.value_error", "This value is not valid."),
    "assertion_error": define("validation.assertion_error", "This value is not valid."),
    "union_tag_invalid": define("validation.union_tag_invalid", "Give one of: {expected_tags}."),
    "union_tag_not_found": define(
        "validation.union_tag_not_found", "Give the field {discriminator}."
    ),
    "multiple_of": define("validation.multiple_of", "Give a multiple of {multiple_of}."),
    "decimal_type": define("validation.decimal_type", "Give a number."),
    "decimal_parsing": define("validation.decimal_parsing", "Give a number."),
    "finite_number": define("validation.finite_number", "Give a finite number."),
    "email": define("validation.email", "Give a valid e-mail address."),
    "value_too_large": define("validation.value_too_large", "The value is too large."),
}


def pydantic_message(error: Mapping[str, Any]) -> Message:
    """The message of one Pydantic error dict (`type`, `ctx`, `msg`)."""
    ctx = error.get("ctx") or {}
    cause = ctx.get("error")
    if isinstance(cause, MessageError):
        return cause.message
    kind = str(error.get("type", ""))
    definition = _BY_TYPE.get(kind)
    if definition is None:
        return INVALID(kind=kind)
    params = {name: _plain(ctx.get(name, "")) for name in definition.names}
    return definition(**params)


def _plain(value: Any) -> Any:
    # Pydantic quotes literal choices as one string ("'fund', 'do_not_fund'"): keep it readable.
    return value if isinstance(value, int | float | str | list | tuple) else str(value)


_MSGSPEC_TYPES = {
    "int": "int_type",
    "str": "string_type",
    "bool": "bool_type",
    "float": "float_type",
    "array": "list_type",
    "object": "dict_type",
    "uuid": "uuid_type",
    "datetime": "datetime_type",
    "date": "date_type",
}
_BOUND = re.compile(r"Expected `\w+` (?P<op>>=|<=|>|<) (?P<value>-?\d+)")
_OPS = {
    ">=": ("greater_than_equal", "ge"),
    "<=": ("less_than_equal", "le"),
    ">": ("greater_than", "gt"),
    "<": ("less_than", "lt"),
}


def msgspec_message(text: str) -> Message:
    """Litestar's own checks of query, path and header parameters (msgspec's English words,
    e.g. "Expected `int` >= 0, got `str`") as our messages."""
    if text in ("Field required", "Missing required field") or text.startswith(
        ("Object missing required field", "Missing required")
    ):
        return MISSING()
    if bound := _BOUND.search(text):
        kind, name = _OPS[bound["op"]]
        return _BY_TYPE[kind](**{name: int(bound["value"])})
    if text.startswith("Invalid enum value"):
        return INVALID(kind="enum")
    if found := re.search(r"Expected `(\w+)`", text):
        expected = _MSGSPEC_TYPES.get(found[1])
        if expected:
            return _BY_TYPE[expected]()
    return INVALID(kind="parameter")
