"""FX rates and the money views: who records rates, who reads a call's or a grant's money (the
rules are stated in the package docstring)."""

from __future__ import annotations

from grants.security.policy.core import (
    OVERSIGHT,
    Decision,
    allow,
    forbidden,
)
from grants.security.principal import Principal, Role
from messages import define

OFFICERS_RECORD_RATES = define(
    "policy.fx_rate.officers_only", "Exchange rates are recorded by agencies' officers."
)
CALL_MONEY_READERS = define(
    "policy.money.call_readers",
    "A call's money is read by its co-funding agencies' officers, auditors and admins.",
)


def fx_rate_write_decision(principal: Principal) -> Decision:
    """An officer of any agency records rates (a rate is nobody's side: it is what the market
    said on a day, with its source); auditors, admins and everyone else 403."""
    if principal.has(Role.OFFICER):
        return allow(principal.roles)
    return forbidden(OFFICERS_RECORD_RATES())


def call_money_decision(roles: frozenset[str]) -> Decision:
    """A call's money (every agency's envelope, commitments and payments) is read by the
    oversight roles: its co-funding officers, auditors and admins. Both agencies' figures are
    shown to both agencies' officers: envelopes are terms of the joint call and commitments are
    settled decisions, not anchors. Anyone else who sees the call 403."""
    if roles & OVERSIGHT:
        return allow(roles)
    return forbidden(CALL_MONEY_READERS())
