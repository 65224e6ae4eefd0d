"""What each tranche event records on the row: amounts (checked against the step before),
who and when, the payment and the officer's comment. Called by the binding's `effects`, after
the machine accepted the event and in its transaction."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from grants.db.models import Tranche
from grants.errors import FieldError, Invalid
from grants.money import Money
from grants.security.principal import Principal
from grants.times import utcnow
from grants.tranches.schemas import ApproveData, CommentData, DisburseData, RequestData
from grants.workflow.service import INVALID_DATA
from messages import Definition, define

OVER_PLANNED = define(
    "tranche.request.over_planned",
    "At most the planned {planned} can be requested; {amount} is more.",
)
OVER_REQUESTED = define(
    "tranche.approve.over_requested",
    "At most the requested {requested} can be approved; {amount} is more.",
)
OVER_APPROVED = define(
    "tranche.disburse.over_approved",
    "At most the approved {approved} can be disbursed; {amount} is more.",
)


def record_step(tranche: Tranche, event: str, data: BaseModel, who: Principal) -> dict[str, Any]:
    """Write `event`'s step on `tranche` and return it for the audit event; raises Invalid
    (the field `data.amount` named) when the amount exceeds what the step before allows."""
    now = utcnow()
    if isinstance(data, RequestData):  # request and resubmit
        amount = _within(event, tranche, data.amount, tranche.planned_amount, OVER_PLANNED)
        tranche.requested_amount, tranche.requested_by, tranche.requested_at = (
            amount,
            who.user_id,
            now,
        )
        return {"requested": _money(tranche, amount)}
    if isinstance(data, ApproveData):
        amount = _within(event, tranche, data.amount, tranche.requested_amount, OVER_REQUESTED)
        tranche.approved_amount, tranche.approved_at = amount, now
        tranche.approved_by = who.user_id
        return {"approved": _money(tranche, amount)}
    if isinstance(data, DisburseData):
        amount = _within(event, tranche, data.amount, tranche.approved_amount, OVER_APPROVED)
        tranche.disbursed_amount, tranche.disbursed_by, tranche.disbursed_at = (
            amount,
            who.user_id,
            now,
        )
        tranche.payment_reference, tranche.paid_on = data.payment_reference, data.paid_on
        return {"disbursed": _money(tranche, amount)}
    if isinstance(data, CommentData):  # return and withhold
        tranche.comment = data.comment
        return {}
    raise AssertionError(f"no step for {event}")  # every tranche event has its data schema


def _within(
    event: str, tranche: Tranche, asked: int | None, limit: int | None, over: Definition
) -> int:
    """`asked` (the limit when None) when it is at most `limit`; else Invalid naming it."""
    # The machine only lets an event follow the step that set its limit.
    assert limit is not None
    if asked is None:
        return limit
    if asked > limit:
        (limit_name,) = over.names - {"amount"}
        money = {"amount": asked, limit_name: limit}
        message = over(**{name: Money(value, tranche.currency) for name, value in money.items()})
        raise Invalid(INVALID_DATA(event=event), errors=[FieldError("data.amount", message)])
    return asked


def _money(tranche: Tranche, amount: int) -> dict[str, Any]:
    return {"amount": amount, "currency": tranche.currency}
