"""The one exception of `schedules`: a message code with parameters, as the rest of CoFund speaks.

The application renders `code` and `params` in the reader's language (a 4xx problem+json with
the field and reason); the English text of the exception is for logs and tracebacks only.
"""

from __future__ import annotations

from collections.abc import Mapping


class ScheduleError(ValueError):
    """Input a schedule cannot be built from; `code` names the rule, `params` its values."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params: Mapping[str, object] = params
        detail = ", ".join(f"{name}={value!r}" for name, value in params.items())
        super().__init__(f"{code} ({detail})" if detail else code)


def check_int(name: str, value: object, *, minimum: int | None = None) -> int:
    """Return `value` when it is an int (never a bool) not below `minimum`; else ScheduleError."""
    # bool is an int subclass; True as "one month" or "1 yen" is always a bug upstream.
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScheduleError("schedule.not_an_integer", field=name, type=type(value).__name__)
    if minimum is not None and value < minimum:
        raise ScheduleError("schedule.too_small", field=name, value=value, minimum=minimum)
    return value
