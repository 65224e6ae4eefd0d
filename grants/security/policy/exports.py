"""Dataset exports: who exports, which rows and columns (the rules are stated in the package
docstring)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from grants.security.policy.core import Decision, allow, forbidden, reads_everything
from grants.security.principal import Principal, Role
from messages import define

EXPORTERS_ONLY = define(
    "policy.exports.exporters_only", "Exports are for auditors, officers and admins."
)
NOT_COFUNDED = define(
    "policy.exports.call_not_cofunded",
    "Your agency does not co-fund the call {call}: you export only the calls it co-funds.",
)
OVERSIGHT_ONLY = define(
    "policy.exports.oversight_only",
    "The dataset {dataset} is exported by auditors and admins only.",
)


@dataclass(frozen=True, slots=True)
class ExportScope:
    """What one reader's exports hold: every agency's calls (`agency_id` None) or one
    agency's; reviewer identities or not; the oversight-only datasets or not."""

    agency_id: uuid.UUID | None
    identities: bool
    oversight: bool


SYSTEM_SCOPE = ExportScope(agency_id=None, identities=True, oversight=True)
"""The operator's `grants export`: an auditor's view."""


def decide_export(principal: Principal) -> Decision:
    """Auditors, admins and officers export; researchers and reviewers get 403."""
    if reads_everything(principal) or principal.has(Role.OFFICER):
        return allow()
    return forbidden(EXPORTERS_ONLY())


def export_scope(principal: Principal) -> ExportScope:
    """Auditors and admins export everything; an officer the calls their agency co-funds,
    without who reviewed (reviewer ids and e-mails are left out) nor the audit log."""
    if reads_everything(principal):
        return SYSTEM_SCOPE
    return ExportScope(agency_id=principal.officer_agency_id, identities=False, oversight=False)


def decide_export_dataset(scope: ExportScope, dataset: str, oversight_only: bool) -> Decision:
    """An oversight-only dataset (the audit log) is exported by auditors and admins only."""
    if oversight_only and not scope.oversight:
        return forbidden(OVERSIGHT_ONLY(dataset=dataset))
    return allow()


def decide_export_call(scope: ExportScope, call: str, cofunders: Collection[uuid.UUID]) -> Decision:
    """A `call` filter names a call the officer's agency co-funds (403 naming it otherwise)."""
    if scope.agency_id is None or scope.agency_id in cofunders:
        return allow()
    return forbidden(NOT_COFUNDED(call=call))
