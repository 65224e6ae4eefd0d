"""ORM models, central because relationships cross features (STYLE.md)."""

from advanced_alchemy.base import orm_registry

from grants.db.models.accounts import ApiToken, LoginAttempt, User, UserRole, UserSession
from grants.db.models.agencies import Agency
from grants.db.models.agreements import (
    FinancialStatement,
    FinancialStatementLine,
    GrantAgreement,
)
from grants.db.models.amendments import Amendment, AmendmentMove, ApprovedEndDate
from grants.db.models.approvals import Approval
from grants.db.models.audit import AuditChainHead, AuditEvent
from grants.db.models.awards import ApprovedBudgetLine, Grant, GrantBudgetLine, GrantSide
from grants.db.models.calls import Call, CallAgency
from grants.db.models.export_jobs import ExportJob
from grants.db.models.fx import FxRate, GrantSideShare
from grants.db.models.partners import EnterprisePartner, PartnerActual, PartnerContribution
from grants.db.models.proposals import (
    BudgetLine,
    Document,
    PartMember,
    Proposal,
    ProposalInvitation,
    ProposalPart,
)
from grants.db.models.reports import MidtermGate, ProgressReport, ReportReminder
from grants.db.models.reviews import (
    Bid,
    CallReviewer,
    Conflict,
    OutboxMessage,
    ProposalExclusion,
    Ranking,
    Review,
    ReviewAssignment,
    ReviewerPool,
    ReviewerProfile,
)
from grants.db.models.tranches import Tranche
from grants.db.models.transparency import Cosignature, LogCheckpoint, MerkleNode, WitnessKey

metadata = orm_registry.metadata

__all__ = [
    "Agency",
    "Amendment",
    "AmendmentMove",
    "ApiToken",
    "Approval",
    "ApprovedBudgetLine",
    "ApprovedEndDate",
    "AuditChainHead",
    "AuditEvent",
    "Bid",
    "BudgetLine",
    "Call",
    "CallAgency",
    "CallReviewer",
    "Conflict",
    "Cosignature",
    "Document",
    "EnterprisePartner",
    "ExportJob",
    "FinancialStatement",
    "FinancialStatementLine",
    "FxRate",
    "Grant",
    "GrantAgreement",
    "GrantBudgetLine",
    "GrantSide",
    "GrantSideShare",
    "LogCheckpoint",
    "LoginAttempt",
    "MerkleNode",
    "MidtermGate",
    "OutboxMessage",
    "PartMember",
    "PartnerActual",
    "PartnerContribution",
    "ProgressReport",
    "Proposal",
    "ProposalExclusion",
    "ProposalInvitation",
    "ProposalPart",
    "Ranking",
    "ReportReminder",
    "Review",
    "ReviewAssignment",
    "ReviewerPool",
    "ReviewerProfile",
    "Tranche",
    "User",
    "UserRole",
    "UserSession",
    "WitnessKey",
    "metadata",
]
