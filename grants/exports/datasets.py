"""Every dataset auditors export, declared: name, columns (name, kind, expression), the natural
date, and what the `call`/`agency` filters and an officer's scope compare.

Public interface (the audit pack and the CLI use it too):

    from grants.exports.datasets import DATASETS          # name -> Dataset, in export order
    from grants.exports.stream import export_csv, Filters

    async for chunk in export_csv(session, "proposals", Filters(call="JV-2026"), principal):
        ...  # UTF-8 CSV bytes, header first

`export_csv` checks the reader (a `Principal`, or `SYSTEM_SCOPE` for the operator's CLI)
with `grants.security.policy.exports` and raises `Forbidden`/`Invalid` before the first byte.
A dataset lists the filters it takes in `Dataset.filters`; `Filters.for_dataset` drops the
others, for a caller that applies one set of filters to every dataset.

Proposals and what hangs on them (parts, members, budget lines, documents) are exported once
submitted, as the lists show them; reviews once submitted (never a reviewer's draft).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from grants.db.models import (
    Agency,
    Amendment,
    Approval,
    ApprovedBudgetLine,
    AuditEvent,
    BudgetLine,
    Call,
    CallAgency,
    Conflict,
    Document,
    EnterprisePartner,
    FxRate,
    Grant,
    GrantSide,
    MidtermGate,
    PartMember,
    PartnerContribution,
    ProgressReport,
    Proposal,
    ProposalPart,
    Ranking,
    Review,
    ReviewAssignment,
    Tranche,
    User,
)
from grants.exports.columns import Column, Kind
from grants.exports.dataset import Dataset
from workflows.machines.proposal import ProposalState

T, I, U, D, DT, B, DEC, F, J = (  # noqa: E741 - the kinds' one-letter aliases keep rows short
    Kind.TEXT,
    Kind.INT,
    Kind.UUID,
    Kind.DATE,
    Kind.DATETIME,
    Kind.BOOL,
    Kind.DECIMAL,
    Kind.FLOAT,
    Kind.JSON,
)
LANGUAGES = ("en", "ja", "vi")


def _scalar(column: Any, key: Any, value: Any) -> ColumnElement[Any]:
    """`column` of the row whose `key` is `value`; nested ones correlate to the outermost
    table (SQLAlchemy's automatic correlation reaches only the enclosing select)."""
    return select(column).where(key == value).correlate_except(key.table).scalar_subquery()


def _agency_code(agency_id: Any) -> ColumnElement[Any]:
    return _scalar(Agency.code, Agency.id, agency_id)


def _call_code(call_id: Any) -> ColumnElement[Any]:
    return _scalar(Call.code, Call.id, call_id)


def _reference(proposal_id: Any) -> ColumnElement[Any]:
    return _scalar(Proposal.reference, Proposal.id, proposal_id)


def _call_of_proposal(proposal_id: Any) -> ColumnElement[Any]:
    return _scalar(Proposal.call_id, Proposal.id, proposal_id)


def _email(user_id: Any) -> ColumnElement[Any]:
    return _scalar(User.email, User.id, user_id)


def _texts(prefix: str, column: Any) -> list[Column]:
    return [Column(f"{prefix}_{lang}", T, column[lang].as_string()) for lang in LANGUAGES]


def _c(name: str, kind: Kind, expr: Any, *, identity: bool = False) -> Column:
    return Column(name, kind, expr, identity)


SUBMITTED = (Proposal.state != ProposalState.DRAFT) & ~(
    (Proposal.state == ProposalState.WITHDRAWN) & Proposal.submitted_at.is_(None)
)
"""A proposal the lists show to oversight: submitted, not a draft again."""
SUBMITTED_IDS = select(Proposal.id).where(SUBMITTED)
PART_SUBMITTED_AT = _scalar(Proposal.submitted_at, Proposal.id, ProposalPart.proposal_id)
PART_CALL = _call_of_proposal(ProposalPart.proposal_id)
JOINT_CALLS = select(Call.id).where(Call.review_mode == "joint")


def _part(column: Any, part_id: Any) -> ColumnElement[Any]:
    return _scalar(column, ProposalPart.id, part_id)


def _part_proposal(part_id: Any) -> ColumnElement[Any]:
    return _part(ProposalPart.proposal_id, part_id)


def _behind_wall(pool_agency: Any, call_id: Any) -> Any:
    """An officer reads their own pool's reviewing, and every pool's in a joint-mode call."""
    return lambda agency_id: or_(pool_agency == agency_id, call_id.in_(JOINT_CALLS))


CALLS = Dataset(
    name="calls",
    description="Calls for proposals: code, titles, state, modes, dates.",
    table=Call,
    columns=(
        _c("id", U, Call.id),
        _c("code", T, Call.code),
        *_texts("title", Call.title),
        _c("state", T, Call.state),
        _c("cofunding_mode", T, Call.cofunding_mode),
        _c("review_mode", T, Call.review_mode),
        _c("opens_at", DT, Call.opens_at),
        _c("closes_at", DT, Call.closes_at),
        _c("review_deadline", DT, Call.review_deadline),
        _c("reviewers_per_proposal", I, Call.reviewers_per_proposal),
        _c("topics", J, Call.topics),
        _c("durations", J, Call.durations),
        _c("rubric", J, Call.rubric),
        _c("created_at", DT, Call.created_at),
    ),
    order=(Call.opens_at, Call.id),
    date=Call.opens_at,
    date_kind=DT,
    call_id=Call.id,
)
CALL_AGENCIES = Dataset(
    name="call_agencies",
    description="Each co-funding agency's terms in a call: currency, caps, envelope.",
    table=CallAgency,
    columns=(
        _c("call_code", T, _call_code(CallAgency.call_id)),
        _c("agency_code", T, _agency_code(CallAgency.agency_id)),
        _c("currency", T, CallAgency.currency),
        _c("cap_per_year", I, CallAgency.cap_per_year),
        _c("cap_total", I, CallAgency.cap_total),
        _c("envelope", I, CallAgency.envelope),
        _c("max_indirect_percent", I, CallAgency.max_indirect_percent),
        _c("share_percent", I, CallAgency.share_percent),
    ),
    order=(CallAgency.call_id, CallAgency.position),
    date=_scalar(Call.opens_at, Call.id, CallAgency.call_id),
    date_kind=DT,
    call_id=CallAgency.call_id,
    agency_id=CallAgency.agency_id,
)
PROPOSALS = Dataset(
    name="proposals",
    description="Submitted proposals: reference, titles, topic, duration, state.",
    table=Proposal,
    columns=(
        _c("id", U, Proposal.id),
        _c("call_code", T, _call_code(Proposal.call_id)),
        _c("reference", T, Proposal.reference),
        *_texts("title", Proposal.title),
        _c("topic", T, Proposal.topic),
        _c("duration_years", I, Proposal.duration_years),
        _c("planned_start", D, Proposal.planned_start),
        _c("state", T, Proposal.state),
        _c("submitted_at", DT, Proposal.submitted_at),
    ),
    order=(Proposal.call_id, Proposal.number, Proposal.id),
    date=Proposal.submitted_at,
    date_kind=DT,
    call_id=Proposal.call_id,
    where=(SUBMITTED,),
)
PARTS = Dataset(
    name="parts",
    description="Each agency's part of a proposal: its PI and host institution.",
    table=ProposalPart,
    columns=(
        _c("id", U, ProposalPart.id),
        _c("proposal_reference", T, _reference(ProposalPart.proposal_id)),
        _c("agency_code", T, _agency_code(ProposalPart.agency_id)),
        _c("pi_user_id", U, ProposalPart.pi_user_id),
        _c("institution_ror", T, ProposalPart.institution_ror),
        _c("institution_name", T, ProposalPart.institution_name),
    ),
    order=(ProposalPart.proposal_id, ProposalPart.position),
    date=PART_SUBMITTED_AT,
    date_kind=DT,
    call_id=PART_CALL,
    agency_id=ProposalPart.agency_id,
    where=(ProposalPart.proposal_id.in_(SUBMITTED_IDS),),
)
MEMBERS = Dataset(
    name="members",
    description="Team members of each part: role, name, e-mail, ORCID iD, e-Rad number.",
    table=PartMember,
    columns=(
        _c("part_id", U, PartMember.part_id),
        _c("proposal_reference", T, _reference(_part_proposal(PartMember.part_id))),
        _c("agency_code", T, _agency_code(_part(ProposalPart.agency_id, PartMember.part_id))),
        _c("role", T, PartMember.role),
        _c("name", T, PartMember.name),
        _c("email", T, PartMember.email),
        _c("orcid", T, PartMember.orcid),
        _c("erad_number", T, PartMember.erad_number),
    ),
    order=(PartMember.part_id, PartMember.created_at, PartMember.id),
    date=_scalar(Proposal.submitted_at, Proposal.id, _part_proposal(PartMember.part_id)),
    date_kind=DT,
    call_id=_call_of_proposal(_part_proposal(PartMember.part_id)),
    agency_id=_part(ProposalPart.agency_id, PartMember.part_id),
    where=(_part_proposal(PartMember.part_id).in_(SUBMITTED_IDS),),
)
BUDGET_LINES = Dataset(
    name="budget_lines",
    description="Requested budget lines: year, category, amount in minor units, currency.",
    table=BudgetLine,
    columns=(
        _c("part_id", U, BudgetLine.part_id),
        _c("proposal_reference", T, _reference(_part_proposal(BudgetLine.part_id))),
        _c("agency_code", T, _agency_code(_part(ProposalPart.agency_id, BudgetLine.part_id))),
        _c("year", I, BudgetLine.year),
        _c("category", T, BudgetLine.category),
        _c("amount", I, BudgetLine.amount),
        _c("currency", T, BudgetLine.currency),
    ),
    order=(BudgetLine.part_id, BudgetLine.year, BudgetLine.category),
    date=_scalar(Proposal.submitted_at, Proposal.id, _part_proposal(BudgetLine.part_id)),
    date_kind=DT,
    call_id=_call_of_proposal(_part_proposal(BudgetLine.part_id)),
    agency_id=_part(ProposalPart.agency_id, BudgetLine.part_id),
    where=(_part_proposal(BudgetLine.part_id).in_(SUBMITTED_IDS),),
)
_PARTNER_PART = _scalar(
    EnterprisePartner.part_id, EnterprisePartner.id, PartnerContribution.partner_id
)
PARTNERS = Dataset(
    name="partners",
    description="Enterprise partners of each part: legal names, country, national identifier "
    "(corporate number or enterprise/tax code), size class, contact, role, currency, letter.",
    table=EnterprisePartner,
    columns=(
        _c("id", U, EnterprisePartner.id),
        _c("part_id", U, EnterprisePartner.part_id),
        _c("proposal_reference", T, _reference(_part_proposal(EnterprisePartner.part_id))),
        _c(
            "agency_code", T, _agency_code(_part(ProposalPart.agency_id, EnterprisePartner.part_id))
        ),
        _c("legal_name", T, EnterprisePartner.legal_name),
        _c("legal_name_en", T, EnterprisePartner.legal_name_en),
        _c("country", T, EnterprisePartner.country),
        _c("identifier", T, EnterprisePartner.identifier),
        _c("size_class", T, EnterprisePartner.size_class),
        _c("contact_name", T, EnterprisePartner.contact_name),
        _c("contact_email", T, EnterprisePartner.contact_email),
        _c("role", T, EnterprisePartner.role),
        _c("currency", T, EnterprisePartner.currency),
        _c("letter_document_id", U, EnterprisePartner.letter_document_id),
    ),
    order=(EnterprisePartner.part_id, EnterprisePartner.created_at, EnterprisePartner.id),
    date=_scalar(Proposal.submitted_at, Proposal.id, _part_proposal(EnterprisePartner.part_id)),
    date_kind=DT,
    call_id=_call_of_proposal(_part_proposal(EnterprisePartner.part_id)),
    agency_id=_part(ProposalPart.agency_id, EnterprisePartner.part_id),
    where=(_part_proposal(EnterprisePartner.part_id).in_(SUBMITTED_IDS),),
)
PARTNER_CONTRIBUTIONS = Dataset(
    name="partner_contributions",
    description="What each enterprise partner commits per project year, in cash or in kind, "
    "in minor units of its own currency (never agency money).",
    table=PartnerContribution,
    columns=(
        _c("partner_id", U, PartnerContribution.partner_id),
        _c("proposal_reference", T, _reference(_part_proposal(_PARTNER_PART))),
        _c("agency_code", T, _agency_code(_part(ProposalPart.agency_id, _PARTNER_PART))),
        _c("year", I, PartnerContribution.year),
        _c("kind", T, PartnerContribution.kind),
        _c("amount", I, PartnerContribution.amount),
        _c("currency", T, PartnerContribution.currency),
    ),
    order=(PartnerContribution.partner_id, PartnerContribution.year, PartnerContribution.kind),
    date=_scalar(Proposal.submitted_at, Proposal.id, _part_proposal(_PARTNER_PART)),
    date_kind=DT,
    call_id=_call_of_proposal(_part_proposal(_PARTNER_PART)),
    agency_id=_part(ProposalPart.agency_id, _PARTNER_PART),
    where=(_part_proposal(_PARTNER_PART).in_(SUBMITTED_IDS),),
)
DOCUMENTS = Dataset(
    name="documents",
    description="The document manifest: storage key, size, SHA-256, type, kind, version.",
    table=Document,
    columns=(
        _c("id", U, Document.id),
        _c("proposal_reference", T, _reference(Document.proposal_id)),
        _c("kind", T, Document.kind),
        _c("version", I, Document.version),
        _c("original_name", T, Document.original_name),
        _c("content_type", T, Document.content_type),
        _c("size", I, Document.size),
        _c("sha256", T, Document.sha256),
        _c("storage_key", T, Document.storage_key),
        _c("uploaded_by", U, Document.uploaded_by),
        _c("created_at", DT, Document.created_at),
    ),
    order=(Document.proposal_id, Document.kind, Document.version, Document.id),
    date=Document.created_at,
    date_kind=DT,
    call_id=_call_of_proposal(Document.proposal_id),
    where=(Document.proposal_id.in_(SUBMITTED_IDS),),
)
CONFLICTS = Dataset(
    name="conflicts",
    description="Conflicts of interest, with their dismissals and waivers (who, why, when).",
    table=Conflict,
    columns=(
        _c("id", U, Conflict.id),
        _c("proposal_reference", T, _reference(Conflict.proposal_id)),
        _c("reviewer_id", U, Conflict.reviewer_id, identity=True),
        _c("reviewer_email", T, _email(Conflict.reviewer_id), identity=True),
        _c("source", T, Conflict.source),
        _c("reason", T, Conflict.reason),
        _c("status", T, Conflict.status),
        _c("decided_by", U, Conflict.decided_by),
        _c("decision_reason", T, Conflict.decision_reason),
        _c("decided_at", DT, Conflict.decided_at),
        _c("created_at", DT, Conflict.created_at),
    ),
    order=(Conflict.created_at, Conflict.id),
    date=Conflict.created_at,
    date_kind=DT,
    call_id=_call_of_proposal(Conflict.proposal_id),
)
ASSIGNMENTS = Dataset(
    name="assignments",
    description="Review assignments: proposal, pool agency, round, state, affinity.",
    table=ReviewAssignment,
    columns=(
        _c("id", U, ReviewAssignment.id),
        _c("proposal_reference", T, _reference(ReviewAssignment.proposal_id)),
        _c("pool_agency_code", T, _agency_code(ReviewAssignment.pool_agency_id)),
        _c("reviewer_id", U, ReviewAssignment.reviewer_id, identity=True),
        _c("reviewer_email", T, _email(ReviewAssignment.reviewer_id), identity=True),
        _c("round", I, ReviewAssignment.round),
        _c("state", T, ReviewAssignment.state),
        _c("source", T, ReviewAssignment.source),
        _c("affinity", F, ReviewAssignment.affinity),
        _c("created_at", DT, ReviewAssignment.created_at),
    ),
    order=(ReviewAssignment.created_at, ReviewAssignment.id),
    date=ReviewAssignment.created_at,
    date_kind=DT,
    call_id=_call_of_proposal(ReviewAssignment.proposal_id),
    agency_id=ReviewAssignment.pool_agency_id,
    officer_rows=_behind_wall(
        ReviewAssignment.pool_agency_id, _call_of_proposal(ReviewAssignment.proposal_id)
    ),
)
_REVIEW_PROPOSAL = _scalar(ReviewAssignment.proposal_id, ReviewAssignment.id, Review.assignment_id)
_REVIEW_POOL = _scalar(ReviewAssignment.pool_agency_id, ReviewAssignment.id, Review.assignment_id)
_REVIEWER = _scalar(ReviewAssignment.reviewer_id, ReviewAssignment.id, Review.assignment_id)
REVIEWS = Dataset(
    name="reviews",
    description="Submitted reviews: scores per criterion, recommendation, confidence.",
    table=Review,
    columns=(
        _c("id", U, Review.id),
        _c("assignment_id", U, Review.assignment_id),
        _c("proposal_reference", T, _reference(_REVIEW_PROPOSAL)),
        _c("pool_agency_code", T, _agency_code(_REVIEW_POOL)),
        _c("round", I, _scalar(ReviewAssignment.round, ReviewAssignment.id, Review.assignment_id)),
        _c("reviewer_id", U, _REVIEWER, identity=True),
        _c("reviewer_email", T, _email(_REVIEWER), identity=True),
        _c("scores", J, Review.scores),
        _c("recommendation", T, Review.recommendation),
        _c("confidence", I, Review.confidence),
        _c("comments_to_applicants", T, Review.comments_to_applicants),
        _c("confidential_comments", T, Review.confidential_comments),
        _c("submitted_at", DT, Review.submitted_at),
    ),
    order=(Review.submitted_at, Review.id),
    date=Review.submitted_at,
    date_kind=DT,
    call_id=_call_of_proposal(_REVIEW_PROPOSAL),
    agency_id=_REVIEW_POOL,
    where=(Review.submitted_at.is_not(None),),
    officer_rows=_behind_wall(_REVIEW_POOL, _call_of_proposal(_REVIEW_PROPOSAL)),
)
RANKINGS = Dataset(
    name="rankings",
    description="Each agency's ranking and the joint ranking (no agency): entries, minutes.",
    table=Ranking,
    columns=(
        _c("id", U, Ranking.id),
        _c("call_code", T, _call_code(Ranking.call_id)),
        _c("agency_code", T, _agency_code(Ranking.agency_id)),
        _c("round", I, Ranking.round),
        _c("state", T, Ranking.state),
        _c("entries", J, Ranking.entries),
        _c("minutes", T, Ranking.minutes),
        _c("finalised_by", U, Ranking.finalised_by),
        _c("finalised_at", DT, Ranking.finalised_at),
    ),
    order=(Ranking.call_id, Ranking.round, Ranking.created_at, Ranking.id),
    date=Ranking.finalised_at,
    date_kind=DT,
    call_id=Ranking.call_id,
    agency_id=Ranking.agency_id,
    officer_rows=lambda agency_id: or_(Ranking.agency_id == agency_id, Ranking.agency_id.is_(None)),
)


def _grant_call(model: Any) -> ColumnElement[Any]:
    grant_id = _scalar(model.grant_id, model.id, Approval.subject_id)
    return _scalar(Grant.call_id, Grant.id, grant_id)


def _subject_call() -> ColumnElement[Any]:
    """The call an approval's subject belongs to, whatever the subject's kind."""
    subject = Approval.subject_id
    whens = (
        ("call", subject),
        ("proposal", _call_of_proposal(subject)),
        ("ranking", _scalar(Ranking.call_id, Ranking.id, subject)),
        ("amendment", _grant_call(Amendment)),
        ("progress_report", _grant_call(ProgressReport)),
        ("midterm_gate", _grant_call(MidtermGate)),
    )
    return case(*((Approval.subject_type == kind, value) for kind, value in whens))


_APPROVAL_CALL = _subject_call()
_FUNDING = "funding"
_APPROVED_LINES = select(ApprovedBudgetLine).where(ApprovedBudgetLine.approval_id == Approval.id)
_SETTLED = select(Proposal.id).where(
    Proposal.state.in_((ProposalState.AWARDED, ProposalState.REJECTED))
)
_APPROVAL_COLUMNS = (
    _c("id", U, Approval.id),
    _c("subject_type", T, Approval.subject_type),
    _c("subject_id", U, Approval.subject_id),
    _c("purpose", T, Approval.purpose),
    _c("subject_version", I, Approval.subject_version),
    _c("agency_code", T, _agency_code(Approval.agency_id)),
    _c("officer_id", U, Approval.officer_id),
    _c("decision", T, Approval.decision),
    _c("rationale", T, Approval.rationale),
    _c("created_at", DT, Approval.created_at),
)
APPROVALS = Dataset(
    name="approvals",
    description="Every agency's answer on a shared subject (publishing, eligibility, joint "
    "ranking, amendments, reports, mid-term gates); funding decisions are `decisions`.",
    table=Approval,
    columns=_APPROVAL_COLUMNS,
    order=(Approval.created_at, Approval.id),
    date=Approval.created_at,
    date_kind=DT,
    call_id=_APPROVAL_CALL,
    agency_id=Approval.agency_id,
    where=(Approval.purpose != _FUNDING,),
)
DECISIONS = Dataset(
    name="decisions",
    description="Funding decisions, one per agency per proposal, with the approved total.",
    table=Approval,
    columns=(
        _c("id", U, Approval.id),
        _c("proposal_reference", T, _reference(Approval.subject_id)),
        _c("agency_code", T, _agency_code(Approval.agency_id)),
        _c("officer_id", U, Approval.officer_id),
        _c("decision", T, Approval.decision),
        _c("rationale", T, Approval.rationale),
        _c(
            "approved_total",
            I,
            _APPROVED_LINES.with_only_columns(
                func.sum(ApprovedBudgetLine.amount)
            ).scalar_subquery(),
        ),
        _c(
            "currency",
            T,
            _APPROVED_LINES.with_only_columns(
                func.min(ApprovedBudgetLine.currency)
            ).scalar_subquery(),
        ),
        _c("created_at", DT, Approval.created_at),
    ),
    order=(Approval.created_at, Approval.id),
    date=Approval.created_at,
    date_kind=DT,
    call_id=_APPROVAL_CALL,
    agency_id=Approval.agency_id,
    where=(Approval.purpose == _FUNDING,),
    # An agency decides unanchored: the other's decision only once the proposal is settled.
    officer_rows=lambda agency_id: or_(
        Approval.agency_id == agency_id, Approval.subject_id.in_(_SETTLED)
    ),
)
_SIDE_GRANT = _scalar(Grant.call_id, Grant.id, GrantSide.grant_id)
GRANTS = Dataset(
    name="grants",
    description="Grants, one row per agency's side: number, dates, awarded total, currency.",
    table=GrantSide,
    columns=(
        _c("grant_id", U, GrantSide.grant_id),
        _c("number", T, GrantSide.number),
        _c(
            "proposal_reference",
            T,
            _reference(_scalar(Grant.proposal_id, Grant.id, GrantSide.grant_id)),
        ),
        _c("call_code", T, _call_code(_SIDE_GRANT)),
        _c("agency_code", T, _agency_code(GrantSide.agency_id)),
        _c("state", T, _scalar(Grant.state, Grant.id, GrantSide.grant_id)),
        _c("start_date", D, _scalar(Grant.start_date, Grant.id, GrantSide.grant_id)),
        _c("end_date", D, _scalar(Grant.end_date, Grant.id, GrantSide.grant_id)),
        _c("duration_years", I, _scalar(Grant.duration_years, Grant.id, GrantSide.grant_id)),
        _c("awarded_total", I, GrantSide.awarded_total),
        _c("currency", T, GrantSide.currency),
    ),
    order=(GrantSide.grant_id, GrantSide.position),
    date=_scalar(Grant.start_date, Grant.id, GrantSide.grant_id),
    date_kind=D,
    call_id=_SIDE_GRANT,
    agency_id=GrantSide.agency_id,
)
_TRANCHE_AGENCY = _scalar(GrantSide.agency_id, GrantSide.id, Tranche.side_id)
TRANCHES = Dataset(
    name="tranches",
    description="Tranches per agency and fiscal year: planned, requested, approved and "
    "disbursed amounts with their times, payment reference.",
    table=Tranche,
    columns=(
        _c("id", U, Tranche.id),
        _c("grant_number", T, _scalar(GrantSide.number, GrantSide.id, Tranche.side_id)),
        _c("agency_code", T, _agency_code(_TRANCHE_AGENCY)),
        _c("position", I, Tranche.position),
        _c("fiscal_year", I, Tranche.fiscal_year),
        _c("label", T, Tranche.label),
        _c("due_date", D, Tranche.due_date),
        _c("state", T, Tranche.state),
        _c("currency", T, Tranche.currency),
        _c("planned_amount", I, Tranche.planned_amount),
        _c("requested_amount", I, Tranche.requested_amount),
        _c("requested_at", DT, Tranche.requested_at),
        _c("approved_amount", I, Tranche.approved_amount),
        _c("approved_by", U, Tranche.approved_by),
        _c("approved_at", DT, Tranche.approved_at),
        _c("disbursed_amount", I, Tranche.disbursed_amount),
        _c("disbursed_at", DT, Tranche.disbursed_at),
        _c("paid_on", D, Tranche.paid_on),
        _c("payment_reference", T, Tranche.payment_reference),
    ),
    order=(Tranche.grant_id, Tranche.side_id, Tranche.position),
    date=Tranche.due_date,
    date_kind=D,
    call_id=_scalar(Grant.call_id, Grant.id, Tranche.grant_id),
    agency_id=_TRANCHE_AGENCY,
)
PROGRESS_REPORTS = Dataset(
    name="progress_reports",
    description="Annual progress reports: year, due date, state, round, figures.",
    table=ProgressReport,
    columns=(
        _c("id", U, ProgressReport.id),
        _c("grant_id", U, ProgressReport.grant_id),
        _c("year", I, ProgressReport.year),
        _c("due_date", D, ProgressReport.due_date),
        _c("state", T, ProgressReport.state),
        _c("round", I, ProgressReport.round),
        _c("document_id", U, ProgressReport.document_id),
        _c("figures", J, ProgressReport.figures),
        _c("submitted_by", U, ProgressReport.submitted_by),
        _c("submitted_at", DT, ProgressReport.submitted_at),
    ),
    order=(ProgressReport.grant_id, ProgressReport.year, ProgressReport.id),
    date=ProgressReport.due_date,
    date_kind=D,
    call_id=_scalar(Grant.call_id, Grant.id, ProgressReport.grant_id),
)
AMENDMENTS = Dataset(
    name="amendments",
    description="Amendments to grants (budget moves, no-cost extensions): state, reason, dates.",
    table=Amendment,
    columns=(
        _c("id", U, Amendment.id),
        _c("grant_id", U, Amendment.grant_id),
        _c("kind", T, Amendment.kind),
        _c(
            "agency_code",
            T,
            _agency_code(_scalar(GrantSide.agency_id, GrantSide.id, Amendment.side_id)),
        ),
        _c("state", T, Amendment.state),
        _c("requested_by", U, Amendment.requested_by),
        _c("requested_at", DT, Amendment.requested_at),
        _c("reason", T, Amendment.reason),
        _c("previous_end_date", D, Amendment.previous_end_date),
        _c("proposed_end_date", D, Amendment.proposed_end_date),
        _c("approved_end_date", D, Amendment.approved_end_date),
    ),
    order=(Amendment.requested_at, Amendment.id),
    date=Amendment.requested_at,
    date_kind=DT,
    call_id=_scalar(Grant.call_id, Grant.id, Amendment.grant_id),
)
FX_RATES = Dataset(
    name="fx_rates",
    description="Exchange rates entered for reports (stored amounts never change).",
    table=FxRate,
    columns=(
        _c("rate_date", D, FxRate.rate_date),
        _c("base", T, FxRate.base),
        _c("quote", T, FxRate.quote),
        _c("rate", DEC, FxRate.rate),
        _c("source", T, FxRate.source),
        _c("entered_by", U, FxRate.entered_by),
        _c("created_at", DT, FxRate.created_at),
    ),
    order=(FxRate.rate_date, FxRate.base, FxRate.quote, FxRate.id),
    date=FxRate.rate_date,
    date_kind=D,
)
AUDIT_EVENTS = Dataset(
    name="audit_events",
    description="The hash-chained audit log in sequence order (auditors and admins only).",
    table=AuditEvent,
    columns=(
        _c("seq", I, AuditEvent.seq),
        _c("occurred_at", DT, AuditEvent.occurred_at),
        _c("actor_id", U, AuditEvent.actor_id),
        _c("actor_label", T, AuditEvent.actor_label),
        _c("action", T, AuditEvent.action),
        _c("entity_type", T, AuditEvent.entity_type),
        _c("entity_id", T, AuditEvent.entity_id),
        _c("changes", J, AuditEvent.changes),
        _c("request_id", T, AuditEvent.request_id),
        _c("prev_hash", T, AuditEvent.prev_hash),
        _c("hash", T, AuditEvent.hash),
    ),
    order=(AuditEvent.seq,),
    date=AuditEvent.occurred_at,
    date_kind=DT,
    oversight_only=True,
)

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        CALLS,
        CALL_AGENCIES,
        PROPOSALS,
        PARTS,
        MEMBERS,
        BUDGET_LINES,
        PARTNERS,
        PARTNER_CONTRIBUTIONS,
        DOCUMENTS,
        CONFLICTS,
        ASSIGNMENTS,
        REVIEWS,
        RANKINGS,
        APPROVALS,
        DECISIONS,
        GRANTS,
        TRANCHES,
        PROGRESS_REPORTS,
        AMENDMENTS,
        FX_RATES,
        AUDIT_EVENTS,
    )
}
"""Every dataset by name, in export order."""
