"""Every route handler of the API and the web UI, in one list the app factory mounts.

Feature packages' `__init__` import nothing, so importing a service never drags in the web
layer; this module is the only one that collects controllers.
"""

from __future__ import annotations

from typing import Any

from grants.accounts.controllers import AuthController, MeController, UserController
from grants.agencies.controllers import AgencyController
from grants.agreements.controllers import AgreementController, StatementController
from grants.amendments.controllers import AmendmentController, GrantAmendmentController
from grants.audit.controllers import AuditController
from grants.audit.log_controllers import TransparencyLogController, WitnessKeyController
from grants.auditpack.controllers import AuditPackController
from grants.awards.controllers import DecisionController, GrantController
from grants.bindings import BINDINGS
from grants.calls.controllers import CallController
from grants.documents.controllers import DocumentController
from grants.exports.controllers import ExportController
from grants.fx.controllers import FxRateController
from grants.health import health
from grants.opendata.controllers import OpenDataController
from grants.partners.controllers import PartnerController
from grants.proposals.controllers import InvitationController, ProposalController
from grants.proposals.part_controllers import PartController
from grants.reporting.controllers import MoneyController
from grants.reports.controllers import ReportController
from grants.reviews.assignment.controllers import AssignmentController, MyAssignmentController
from grants.reviews.pool.call_controllers import (
    CallPoolController,
    ConflictController,
    ProposalPoolController,
)
from grants.reviews.pool.controllers import OwnReviewerController, ReviewerController
from grants.reviews.scoring.controllers import ProposalReviewsController, ReviewController
from grants.reviews.scoring.ranking_controllers import RankingController
from grants.web.audit_exports import AuditExportPages
from grants.web.auditor_pages import AuditorPages
from grants.web.grant_pages import GrantPages
from grants.web.grant_queue import GrantQueuePages
from grants.web.money_pages import MoneyPages
from grants.web.officer_assignment import OfficerAssignmentPages
from grants.web.officer_calls import OfficerCallPages
from grants.web.officer_decisions import DecisionPages
from grants.web.officer_eligibility import OfficerEligibilityPages
from grants.web.officer_rankings import OfficerRankingPages
from grants.web.officer_review_joint import OfficerJointPages
from grants.web.part_pages import PartPages
from grants.web.researcher import ResearcherPages
from grants.web.reviewer_views import ReviewerPageController
from grants.web.views import WebController
from grants.workflow.routes import router_for

ROUTES: list[Any] = [
    health,
    AuthController,
    MeController,
    UserController,
    AgencyController,
    AuditController,
    TransparencyLogController,
    WitnessKeyController,
    AuditPackController,
    WebController,
    ReviewerPageController,
    ResearcherPages,
    PartPages,
    GrantPages,
    GrantQueuePages,
    DecisionPages,
    MoneyPages,
    AuditorPages,
    AuditExportPages,
    OfficerAssignmentPages,
    OfficerRankingPages,
    OfficerJointPages,
    OfficerCallPages,
    OfficerEligibilityPages,
    CallController,
    ProposalController,
    PartController,
    PartnerController,
    InvitationController,
    DocumentController,
    ReviewerController,
    OwnReviewerController,
    CallPoolController,
    ConflictController,
    ProposalPoolController,
    AssignmentController,
    MyAssignmentController,
    ReviewController,
    ProposalReviewsController,
    RankingController,
    DecisionController,
    GrantController,
    AgreementController,
    StatementController,
    GrantAmendmentController,
    AmendmentController,
    ReportController,
    FxRateController,
    MoneyController,
    ExportController,
    OpenDataController,
    *(router_for(binding) for binding in BINDINGS),
]
