"""MoneyFigures converted to a reporting currency with the rates recorded on or before a day
(`grants.fx.services.recorded_rates`, one query), through the pure `schedules.fx`."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from grants.awards.schemas import Amount
from grants.fx.checks import rate_text
from grants.money import minor_exponent
from grants.reporting import schemas
from messages import Message, define, params_json, render
from schedules.fx import Quote, RecordedRate, convert_minor, pick_rate

NO_RATE = define(
    "money.fx.no_rate",
    "No {base}/{quote} rate (nor {quote}/{base}) is recorded on or before {day}: {agency}'s "
    "figures are not converted.",
)


def reason(message: Message, locale: str) -> schemas.Reason:
    return schemas.Reason(
        code=message.code, params=params_json(message.params), message=render(message, locale)
    )


def _amount(value: Amount, quote: Quote | None, target: str) -> Amount:
    if quote is None:
        return Amount(amount=value.amount, currency=target)
    converted = convert_minor(
        value.amount,
        quote.recorded.rate,
        from_exponent=minor_exponent(value.currency),
        to_exponent=minor_exponent(target),
        inverse=quote.inverse,
    )
    return Amount(amount=converted, currency=target)


def _rate_used(quote: Quote) -> schemas.RateUsed:
    r = quote.recorded
    return schemas.RateUsed(
        rate=rate_text(r.rate),
        rate_date=r.day,
        base=r.base,
        quote=r.quote,
        source=r.source,
        inverse=quote.inverse,
    )


def convert(
    figures: schemas.MoneyFigures,
    *,
    agency: str,
    currency: str,
    target: str,
    rates: Sequence[RecordedRate],
    as_of: datetime.date,
    locale: str,
) -> schemas.Converted:
    """The agency's figures in `target`, each converted once from its stored amount with the
    latest rate on or before `as_of`; without a rate, no figures and the reason."""
    quote = None
    if currency != target:
        quote = pick_rate(rates, currency, target, as_of)
        if quote is None:
            why = NO_RATE(base=currency, quote=target, day=as_of, agency=agency)
            return schemas.Converted(figures=None, rate=None, reason=reason(why, locale))
    f = figures
    envelope = None if f.envelope is None else _amount(f.envelope, quote, target)
    committed = _amount(f.committed, quote, target)
    converted = schemas.MoneyFigures(
        envelope=envelope,
        committed=committed,
        requested=_amount(f.requested, quote, target),
        approved_not_disbursed=_amount(f.approved_not_disbursed, quote, target),
        disbursed=_amount(f.disbursed, quote, target),
        # The difference of the converted figures, not a conversion of the difference, so
        # the converted figures add up as the stored ones do.
        remaining=figures_remaining(envelope, committed),
    )
    return schemas.Converted(
        figures=converted, rate=None if quote is None else _rate_used(quote), reason=None
    )


def figures_remaining(envelope: Amount | None, committed: Amount) -> Amount | None:
    """The envelope less the commitments (null without an envelope)."""
    if envelope is None:
        return None
    return Amount(amount=envelope.amount - committed.amount, currency=envelope.currency)
