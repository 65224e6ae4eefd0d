"""The transparency log: who reads its checkpoints and proofs, who cosigns for which agency,
who registers an agency's witness key (the rules are stated in the package docstring)."""

from __future__ import annotations

import uuid

from grants.security.policy.core import Decision, allow, forbidden
from grants.security.principal import Principal, Role
from messages import define

LOG_READERS_ONLY = define(
    "policy.audit_log.readers_only",
    "Checkpoints and proofs are for auditors, officers and admins.",
)
OWN_AGENCY_ONLY = define(
    "policy.audit_log.own_agency_only",
    "Only an officer of the agency whose witness key made a cosignature may post it.",
)
SIGNERS_ONLY = define("policy.audit_log.signers_only", "Only admins sign checkpoints of the log.")
ADMINS_ONLY = define(
    "policy.audit_log.admins_only", "Only admins register an agency's witness key."
)


def decide_log_read(principal: Principal) -> Decision:
    """Auditors, admins and every agency's officers (who run their agency's witness) read the
    log's checkpoints and proofs; they reveal hashes only, never an event's content."""
    if principal.has(Role.AUDITOR, Role.ADMIN, Role.OFFICER):
        return allow()
    return forbidden(LOG_READERS_ONLY())


def decide_cosignature(principal: Principal, witness_agency_id: uuid.UUID | None) -> Decision:
    """An agency's cosignature is posted by that agency's officers only (sovereign witnesses):
    another agency's officer, an auditor or an admin gets 403 even with a valid signature.
    With no agency yet (before the key is looked up) only officers get past."""
    if witness_agency_id is None and principal.has(Role.OFFICER):
        return allow()
    if witness_agency_id is not None and principal.officer_of(witness_agency_id):
        return allow()
    return forbidden(OWN_AGENCY_ONLY())


def decide_witness_key(principal: Principal) -> Decision:
    """Admins register (and replace) an agency's witness public key."""
    if principal.has(Role.ADMIN):
        return allow()
    return forbidden(ADMINS_ONLY())


def decide_checkpoint_sign(principal: Principal) -> Decision:
    """Admins (or the operator's `grants audit checkpoint`) sign a checkpoint of the log."""
    if principal.has(Role.ADMIN):
        return allow()
    return forbidden(SIGNERS_ONLY())
