"""Request and response bodies of exchange rates. A rate travels as a JSON string so that no
client ever parses it into a float; a JSON number is refused."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated

from pydantic import BeforeValidator, Field

from grants.common.schemas import Input, Output, examples
from messages import MessageError, define

RATE_NOT_TEXT = define(
    "fx.rate.not_text", 'send the rate as a JSON string (e.g. "0.0058"), not a {kind}'
)

_RATE_DOC = (
    "How many `quote` units one `base` unit buys, as a decimal string (at most 6 digits before "
    "the point and 9 after). A JSON number is refused: a float cannot hold most rates exactly."
)


def _text_only(value: object) -> object:
    if not isinstance(value, str):
        raise MessageError(RATE_NOT_TEXT(kind=type(value).__name__))
    return value


RateText = Annotated[str, BeforeValidator(_text_only), Field(max_length=40, description=_RATE_DOC)]


class FxRateCreate(Input):
    """A rate on a day from a named source; the pair is two ISO 4217 codes that differ."""

    model_config = examples(
        {
            "rate_date": "2027-03-31",
            "base": "JPY",
            "quote": "VND",
            "rate": "170.5",
            "source": "SBV",
        },
        {
            "rate_date": "2027-03-31",
            "base": "USD",
            "quote": "JPY",
            "rate": "150.25",
            "source": "BOJ",
        },
    )

    rate_date: datetime.date
    base: str = Field(max_length=3, description="ISO 4217 code, e.g. JPY")
    quote: str = Field(max_length=3, description="ISO 4217 code, e.g. VND")
    rate: RateText
    source: str = Field(max_length=200, description="Who published the rate, e.g. BOJ or SBV")


class FxRate(Output):
    """A recorded rate; `rate` as an exact decimal string."""

    id: uuid.UUID
    rate_date: datetime.date
    base: str
    quote: str
    rate: str = Field(description=_RATE_DOC)
    source: str
    entered_by: uuid.UUID
    created_at: datetime.datetime


class FxImportResult(Output):
    """How many rates the file stored (every row, or the import was refused)."""

    rates_created: int
