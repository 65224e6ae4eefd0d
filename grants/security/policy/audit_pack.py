"""Audit packs and export jobs: who builds a pack of what, and who reaches a job.

Auditors and admins build packs of everything, with the audit events in full. An officer builds
packs only of a call their agency co-funds (the call filter is required) and gets the audit
events as hashes only, so the pack still verifies but reveals no reviewer or other agency's
action; the pack's datasets are what the same officer would export (no reviewer identities).
Researchers and reviewers cannot export (403). A job is reached by whoever requested it and by
auditors and admins; anyone else gets 404, so a job's existence is not revealed.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from grants.security.policy.core import Decision, allow, forbidden, not_found
from grants.security.policy.exports import SYSTEM_SCOPE, ExportScope, export_scope
from grants.security.principal import Principal, Role
from messages import define

EXPORTERS_ONLY = define(
    "policy.audit_pack.exporters_only", "Only auditors, admins and officers export audit packs."
)
CALL_REQUIRED = define(
    "policy.audit_pack.call_required", "An officer's audit pack is of one call: name the call."
)
NOT_COFUNDED = define(
    "policy.audit_pack.not_cofunded",
    "Your agency does not co-fund this call; you export only your own agency's calls.",
)
NO_SUCH_JOB = define("policy.audit_pack.no_such_job", "No such export job.")


@dataclass(frozen=True, slots=True)
class PackScope:
    """What a permitted pack holds: full event content or hashes only, and its datasets as
    the same reader would export them (`grants.security.policy.exports`: an officer's without
    reviewer identities, behind their agency's walls)."""

    full_events: bool
    datasets: ExportScope = SYSTEM_SCOPE


def decide_exporter(principal: Principal) -> Decision:
    """Auditors, admins and officers export; researchers and reviewers get 403."""
    if principal.has(Role.AUDITOR, Role.ADMIN, Role.OFFICER):
        return allow()
    return forbidden(EXPORTERS_ONLY())


def decide_pack(
    principal: Principal, call_agency_ids: Collection[uuid.UUID] | None
) -> tuple[Decision, PackScope]:
    """Whether `principal` may build a pack of the call co-funded by `call_agency_ids` (None:
    no call filter, everything)."""
    if principal.has(Role.AUDITOR, Role.ADMIN):
        return allow(), PackScope(full_events=True)
    if not principal.has(Role.OFFICER):
        return forbidden(EXPORTERS_ONLY()), PackScope(full_events=False)
    if call_agency_ids is None:
        return forbidden(CALL_REQUIRED()), PackScope(full_events=False)
    if principal.officer_agency_id not in call_agency_ids:
        return forbidden(NOT_COFUNDED()), PackScope(full_events=False)
    return allow(), PackScope(full_events=False, datasets=export_scope(principal))


def decide_job_read(principal: Principal, requested_by: uuid.UUID) -> Decision:
    """The requester, auditors and admins reach a job; anyone else 404."""
    if principal.user_id == requested_by or principal.has(Role.AUDITOR, Role.ADMIN):
        return allow()
    return not_found(NO_SUCH_JOB())
