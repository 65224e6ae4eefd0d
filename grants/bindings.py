"""Every stateful resource's binding, the one list the app routes and the demo fires through."""

from __future__ import annotations

from typing import Any

from grants.accounts.binding import AccountBinding
from grants.amendments.services import AMENDMENTS
from grants.awards.binding import GrantBinding
from grants.calls.binding import CallBinding
from grants.proposals.workflow import ProposalBinding
from grants.reports.binding import ReportBinding
from grants.reports.gate_binding import GateBinding
from grants.reviews.assignment.events import AssignmentBinding
from grants.reviews.pool.service_binding import ServiceBinding
from grants.reviews.scoring.ranking_binding import RankingBinding
from grants.tranches.binding import TrancheBinding
from grants.workflow.binding import Binding

ACCOUNTS = AccountBinding()
CALLS = CallBinding()
PROPOSALS = ProposalBinding()
ASSIGNMENTS = AssignmentBinding()
SERVICES = ServiceBinding()
RANKINGS = RankingBinding()
GRANTS = GrantBinding()
TRANCHES = TrancheBinding()
REPORTS = ReportBinding()
GATES = GateBinding()

BINDINGS: tuple[Binding[Any], ...] = (
    ACCOUNTS,
    CALLS,
    PROPOSALS,
    ASSIGNMENTS,
    SERVICES,
    RANKINGS,
    GRANTS,
    TRANCHES,
    AMENDMENTS,
    REPORTS,
    GATES,
)
