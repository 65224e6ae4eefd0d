"""One policy for every access: who reads, lists, writes and fires what, and each agency
sovereign over its own side. Read this to know who sees what.

Every decision is a pure function of (principal, action, facts): no database session, no
Litestar. The access modules and workflow bindings load the row, build its facts, ask
`decide(principal, action, facts)` and raise what the `Decision` says (`grants.security.enforce`);
list queries ask `list_scope(principal, kind)` and translate the answer into SQL filters. The
declared expectations per route live next door in `grants.security.matrix`.

**Oversight.** Auditors read everything and write nothing; admins read everything and manage
accounts, reviewer profiles and pool memberships. Only admins and auditors reach accounts (403).

**Calls.** A draft call is seen by the officers of its co-funding agencies, auditors and admins;
anyone else gets 404, so its existence is not revealed. A call past its draft is seen by everyone
signed in. An officer of a co-funding agency holds `cofunding_officer` on it. Lists show the
same: every call to auditors and admins, else the calls past their draft plus the drafts one's
own agency co-funds.

**Sovereignty over a call's terms.** An officer changes only their own agency's entry in the
call's `agencies` (currency, caps, envelope, indirect-cost limit, PI-once rule, its
enterprise-partner rules and members abroad); another agency's entry must come back unchanged,
and nobody removes another co-funding agency. What
both share (texts, dates, rubric, document kinds, durations, topics, modes, a `shared` call's
split) any co-funding officer edits while the call is a draft.

**Proposals, their parts and documents.** A draft is private to its consortium (PIs and
co-investigators). Once submitted (and unless it is a draft again, or was withdrawn before any
submission) the call's co-funding officers, auditors and admins see it; a reviewer assigned to
it (accepted or submitted, no active conflict of interest) reads it in full on the read
endpoints (detail, documents, reviews) and reaches its machine holding no role that fires,
never its writes, invitations or exclusions. Anyone else: 404. Only the consortium edits (403
for everyone else who sees it), only a draft (409); a part is edited by its own side's team
only. The duplicate-funding flags are shown to oversight roles only, the eligibility reason to
the consortium and oversight roles. Lists show one's own proposals and those one reviews, plus
every submitted one to auditors and admins, and to an officer the submitted ones of the calls
their agency co-funds.

**Reviewer pools.** An officer sees (lists, counts, filters, reads) only reviewers in their own
agency's pool (404 for another's, 403 for filtering by another's pool), adds or removes only
their own agency's memberships, invites only for their own agency to a call it co-funds, and
changes a profile's fields only when the reviewer is in their pool and in no other (a shared
reviewer's profile is an admin's, or the reviewer's own expertise). A pair's conflict is
dismissed or waived only by an officer of the agency whose pool the reviewer serves on that
call (before serving: whose pool they are in). A call's pool endpoints are for its co-funding
officers (403 to others who see the call); its conflicts are read by auditors and admins too.
A service on a call is reached by the reviewer asked (who alone answers), the pool agency's
officers, auditors and admins; anyone else 404.

**Assignments.** An assignment is reached by its reviewer from the invitation on, and by the
officers overseeing its pool: in parallel review mode the pool's own agency's officers, in joint
mode every co-funder's. Auditors and admins read it too, except the reviewer's draft review.
Anyone else: 404, so reviewer identities never leak. A call's assignments are changed by its
co-funding officers (auditors and admins read them, 403 on a change; others 404); an officer
lists and runs the solver for the pools they oversee (their own in parallel mode).

**Walls.** In parallel review mode each agency's reviews, scores and ranking are read only by
its own officers (and auditors, admins) until the joint ranking is recorded; an officer asking
for the other pool gets 403 naming the wall. Joint mode has no wall. Scores and rankings are
read by co-funding officers, auditors and admins (403 to others who see the call). An agency's
ranking is reached by its officers (`agency_officer`), the joint ranking by every co-funder's
officers (`cofunding_officer`), both read by auditors and admins; an agency's ranking is changed
by its own officers only.

**Funding decisions.** Each co-funding agency records one decision on its own side of a
reviewed proposal while the call is deciding: only that agency's officers record it (an
officer naming another agency gets 403, anyone else who sees the proposal 403 too). An
agency's decision is its own until the proposal is settled: an officer reads their own
agency's decision at once and the other agencies' only once the proposal is awarded or rejected,
so no agency decides anchored on the other's (as the reviews' wall). Auditors and admins read
every decision; the consortium reads them all once settled, without the officers' names (an
empty list before); an assigned reviewer gets 403.

**Grants.** A grant is seen by its consortium (the proposal's PIs and co-investigators), the
officers of its call's co-funding agencies, auditors and admins; anyone else 404. Lists show
one's own grants, every grant to auditors and admins, and to an officer the grants of the calls
their agency co-funds. Officers of the co-funding agencies suspend, resume, complete and
terminate a grant through its machine.

**Tranches.** Whoever sees a grant sees its tranches (anyone else 404); the consortium without
the names of the officers who approved and disbursed. Each tranche is one agency's: the PI of
that agency's side requests it (the other side's PI cannot), only that agency's officers
return, approve, withhold and disburse it (another co-funder's officer 403), and the approver
is never the requester nor a member of the consortium (the machine's guards).

**A grant side's papers.** Whoever sees a grant reads each side's signed agreement and financial
statements. A side's signed agreement is uploaded by that side's PI (who usually holds the copy
both signed) or recorded by that side's agency's officers; a side's financial statement is
submitted by that side's PI only. Anyone else who sees the grant (the other side, co-investigators,
the other agency's officers, auditors, admins) gets 403.

**Amendments.** Whoever sees a grant sees its amendments (anyone else 404), the consortium
without the deciding officers' names. A PI requests one: a budget move only the PI of the side
it moves (403 to anyone else), an extension either PI. A budget move is decided by the officers
of its side's agency alone (another co-funder's officer 403), an extension by every co-funding
agency (two keys); the decider is never a consortium member (the machine's guards). Only the
requester withdraws it.

**Progress reports and the mid-term gate.** Whoever sees a grant sees its reports and gate
(anyone else 404), the consortium without the names of the officers who answered. A PI of
either side submits and resubmits the joint report; each co-funding agency's officers answer
for their own agency only (naming another agency: 403), once per round, never a member of the
consortium (the machines' guards); the same for the gate's continuation. The report's narrative
(a `progress_report` document) is uploaded to the grant's proposal by a PI of either side while
the grant is active (anyone else who sees the proposal 403; no grant or an inactive one 409).

**Money.** Exchange rates are recorded by officers of any agency (a rate is nobody's side; it
is what a source said on a day) and read by everyone signed in, like agencies; auditors and
admins record none (403). A call's money view (every co-funder's envelope, commitments and
payments) is read by its co-funding officers, auditors and admins (403 to others who see the
call): envelopes are terms of the joint call and commitments settled decisions, so both
agencies read both sides. A grant's money view is read by whoever sees the grant: its
consortium its own grant, the oversight roles theirs (anyone else 404).

**Reviews of a proposal.** The consortium reads, once the proposal is decided, each review's
scores, comments to applicants and recommendation (never the reviewer, never the confidential
comments; an empty list before). Oversight roles read the panel shape (names, confidential
comments) of the pools they may read. An assigned reviewer reads the peer shape (no names, no
confidential comments) of the rounds in which they submitted their own (409 before), behind the
wall only their own pool's. Review drafts are never shown to anyone but their reviewer.

**The transparency log.** Its checkpoints and inclusion and consistency proofs (hashes only)
are read by auditors, admins and every agency's officers, who run their agency's witness;
anyone else 403. A cosignature is posted only by an officer of the agency whose registered
witness key made it (another agency's officer, an auditor or an admin 403), so each agency
witnesses for itself. Admins sign checkpoints and register an agency's witness public key;
its private key stays with the agency.

**Exports.** Auditors and admins export every dataset with reviewer identities; an officer
exports the rows of the calls their agency co-funds (a `call` filter naming another call: 403),
behind the same walls as the reads (their own pool's assignments and reviews unless the call
reviews jointly, their own agency's ranking and the joint one, the other agency's decision once
settled), without reviewer identities and without the audit log; FX rates are everyone's.
Researchers and reviewers export nothing (403). The CLI exports as an auditor.

**Open data.** The 360Giving and IATI exports publish awarded grants as their standards
publish them (no person's name, no e-mail address: organisations, amounts, dates, titles and
abstracts). Each agency publishes its own side: an officer exports only their own agency's
grant records (filtering by another agency, or by a call their agency does not co-fund, is
403); auditors and admins export every agency's; researchers and reviewers get 403.
"""

from __future__ import annotations

import uuid
from typing import Literal, overload

from grants.security.policy.agreements import (
    SideFacts,
    agreement_upload_decision,
    statement_submit_decision,
)
from grants.security.policy.amendments import (
    NO_SUCH_AMENDMENT,
    AmendmentFacts,
    amendment_request_decision,
    decide_amendment,
)
from grants.security.policy.audit_log import (
    decide_checkpoint_sign,
    decide_cosignature,
    decide_log_read,
    decide_witness_key,
)
from grants.security.policy.awards import (
    DecisionsShown,
    GrantFacts,
    GrantListScope,
    decide_grant,
    decision_record_decision,
    decisions_read_decision,
    decisions_shown,
    grant_list_scope,
    grant_roles,
)
from grants.security.policy.calls import (
    CallFacts,
    CallListScope,
    call_list_scope,
    call_roles,
    decide_call,
)
from grants.security.policy.core import (
    CONSORTIUM,
    OVERSIGHT,
    Action,
    Decision,
    may_reach,
    reads_everything,
)
from grants.security.policy.exports import (
    SYSTEM_SCOPE,
    ExportScope,
    decide_export,
    decide_export_call,
    decide_export_dataset,
    export_scope,
)
from grants.security.policy.money import call_money_decision, fx_rate_write_decision
from grants.security.policy.open_data import (
    OpenDataRequest,
    open_data_agency,
    open_data_decision,
)
from grants.security.policy.proposals import (
    ProposalFacts,
    ProposalListScope,
    create_decision,
    decide_proposal,
    edit_decision,
    hidden_fields,
    list_row_roles,
    part_edit_decision,
    partner_contact_shown,
    proposal_list_scope,
    proposal_roles,
)
from grants.security.policy.reports import (
    NO_SUCH_GATE,
    NO_SUCH_REPORT,
    ReportFacts,
    decide_report,
    narrative_upload_decision,
    report_officers_shown,
    report_reviewer_decision,
)
from grants.security.policy.reviews import (
    WALL_DETAIL,
    AssignmentFacts,
    CallAssignmentsFacts,
    RankingFacts,
    ReviewShape,
    ServiceFacts,
    Via,
    assignment_pools_seen,
    decide_assignment,
    decide_call_assignments,
    decide_ranking,
    decide_scores,
    decide_service,
    oversees_pool,
    peer_pools,
    pool_decision,
    pool_run,
    ranking_change_decision,
    readable_pools,
    review_shape,
)
from grants.security.policy.sovereignty import (
    AGENCY_ENTRY_FIELDS,
    AccountFacts,
    ReviewerFacts,
    call_pool_decision,
    can_change_pool_membership,
    can_decide_conflict,
    can_edit_agency_entry,
    can_edit_profile,
    can_edit_shared_call_fields,
    can_invite_for,
    can_remove_cofunder,
    can_see_reviewer,
    decide_account,
    decide_reviewer,
    pool_agencies_visible,
)
from grants.security.policy.tranches import (
    NO_SUCH_TRANCHE,
    TrancheFacts,
    decide_tranche,
    tranche_officers_shown,
)
from grants.security.principal import Principal

Facts = (
    CallFacts
    | ProposalFacts
    | AssignmentFacts
    | CallAssignmentsFacts
    | ServiceFacts
    | RankingFacts
    | ReviewerFacts
    | AccountFacts
    | GrantFacts
    | TrancheFacts
    | AmendmentFacts
    | ReportFacts
)

__all__ = [
    "AGENCY_ENTRY_FIELDS",
    "CONSORTIUM",
    "NO_SUCH_AMENDMENT",
    "NO_SUCH_GATE",
    "NO_SUCH_REPORT",
    "NO_SUCH_TRANCHE",
    "OVERSIGHT",
    "SYSTEM_SCOPE",
    "WALL_DETAIL",
    "AccountFacts",
    "Action",
    "AmendmentFacts",
    "AssignmentFacts",
    "CallAssignmentsFacts",
    "CallFacts",
    "CallListScope",
    "Decision",
    "DecisionsShown",
    "ExportScope",
    "Facts",
    "GrantFacts",
    "GrantListScope",
    "OpenDataRequest",
    "ProposalFacts",
    "ProposalListScope",
    "RankingFacts",
    "ReportFacts",
    "ReviewShape",
    "ReviewerFacts",
    "ServiceFacts",
    "SideFacts",
    "TrancheFacts",
    "Via",
    "agreement_upload_decision",
    "amendment_request_decision",
    "assignment_pools_seen",
    "call_money_decision",
    "call_pool_decision",
    "call_roles",
    "can_change_pool_membership",
    "can_decide_conflict",
    "can_edit_agency_entry",
    "can_edit_profile",
    "can_edit_shared_call_fields",
    "can_invite_for",
    "can_remove_cofunder",
    "can_see_reviewer",
    "create_decision",
    "decide",
    "decide_checkpoint_sign",
    "decide_cosignature",
    "decide_export",
    "decide_export_call",
    "decide_export_dataset",
    "decide_log_read",
    "decide_scores",
    "decide_witness_key",
    "decision_record_decision",
    "decisions_read_decision",
    "decisions_shown",
    "edit_decision",
    "export_scope",
    "fx_rate_write_decision",
    "grant_roles",
    "hidden_fields",
    "list_row_roles",
    "list_scope",
    "may_reach",
    "narrative_upload_decision",
    "open_data_agency",
    "open_data_decision",
    "oversees_pool",
    "part_edit_decision",
    "partner_contact_shown",
    "peer_pools",
    "pool_agencies_visible",
    "pool_decision",
    "pool_run",
    "proposal_roles",
    "ranking_change_decision",
    "readable_pools",
    "reads_everything",
    "report_officers_shown",
    "report_reviewer_decision",
    "review_shape",
    "statement_submit_decision",
    "tranche_officers_shown",
]


def decide(principal: Principal, action: Action, facts: Facts) -> Decision:
    """Allowed (with the caller's roles on the resource) or the refusal to raise, for any
    resource kind; the rules are in the module docstring."""
    match facts:
        case CallFacts():
            return decide_call(principal, facts)
        case ProposalFacts():
            return decide_proposal(principal, action, facts)
        case AssignmentFacts():
            return decide_assignment(principal, facts)
        case CallAssignmentsFacts():
            return decide_call_assignments(principal, action, facts)
        case ServiceFacts():
            return decide_service(principal, facts)
        case RankingFacts():
            return decide_ranking(principal, facts)
        case ReviewerFacts():
            return decide_reviewer(principal, facts)
        case AccountFacts():
            return decide_account(principal)
        case GrantFacts():
            return decide_grant(facts)
        case TrancheFacts():
            return decide_tranche(principal, facts)
        case AmendmentFacts():
            return decide_amendment(principal, facts)
        case ReportFacts():
            return decide_report(facts)


@overload
def list_scope(principal: Principal, kind: Literal["calls"]) -> CallListScope: ...
@overload
def list_scope(principal: Principal, kind: Literal["proposals"]) -> ProposalListScope: ...
@overload
def list_scope(principal: Principal, kind: Literal["reviewers"]) -> frozenset[uuid.UUID] | None: ...
@overload
def list_scope(principal: Principal, kind: Literal["grants"]) -> GrantListScope: ...
def list_scope(
    principal: Principal, kind: str
) -> CallListScope | ProposalListScope | GrantListScope | frozenset[uuid.UUID] | None:
    """Which rows a list of `kind` shows the caller: calls, proposals and grants as their
    scope dataclasses; reviewers as the agencies whose pools the caller sees (None: every
    pool)."""
    if kind == "calls":
        return call_list_scope(principal)
    if kind == "proposals":
        return proposal_list_scope(principal)
    if kind == "reviewers":
        return pool_agencies_visible(principal)
    if kind == "grants":
        return grant_list_scope(principal)
    raise ValueError(f"no list scope for {kind}")
