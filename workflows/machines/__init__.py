"""One state machine per stateful entity, as DESIGN.md's "Workflows" section lays them out."""

from __future__ import annotations

from typing import Any

from workflows.engine import Machine
from workflows.machines.account import ACCOUNT, AccountContext, AccountEvent, AccountState
from workflows.machines.amendment import (
    AMENDMENT,
    AmendmentContext,
    AmendmentEvent,
    AmendmentState,
)
from workflows.machines.call import CALL, CallContext, CallEvent, CallState
from workflows.machines.call_service import (
    CALL_SERVICE,
    ServiceContext,
    ServiceEvent,
    ServiceState,
)
from workflows.machines.grant import GRANT, GrantContext, GrantEvent, GrantState
from workflows.machines.midterm_gate import MIDTERM_GATE, GateContext, GateEvent, GateState
from workflows.machines.progress_report import (
    PROGRESS_REPORT,
    ReportContext,
    ReportEvent,
    ReportState,
)
from workflows.machines.proposal import PROPOSAL, ProposalContext, ProposalEvent, ProposalState
from workflows.machines.ranking import RANKING, RankingContext, RankingEvent, RankingState
from workflows.machines.review_assignment import (
    REVIEW_ASSIGNMENT,
    AssignmentContext,
    AssignmentEvent,
    AssignmentState,
)
from workflows.machines.tranche import TRANCHE, TrancheContext, TrancheEvent, TrancheState

ALL_MACHINES: tuple[Machine[Any], ...] = (
    ACCOUNT,
    CALL,
    PROPOSAL,
    CALL_SERVICE,
    REVIEW_ASSIGNMENT,
    RANKING,
    GRANT,
    TRANCHE,
    AMENDMENT,
    PROGRESS_REPORT,
    MIDTERM_GATE,
)
"""Every machine, in the order the generated document lists them."""

__all__ = [
    "ACCOUNT",
    "ALL_MACHINES",
    "AMENDMENT",
    "CALL",
    "CALL_SERVICE",
    "GRANT",
    "MIDTERM_GATE",
    "PROGRESS_REPORT",
    "PROPOSAL",
    "RANKING",
    "REVIEW_ASSIGNMENT",
    "TRANCHE",
    "AccountContext",
    "AccountEvent",
    "AccountState",
    "AmendmentContext",
    "AmendmentEvent",
    "AmendmentState",
    "AssignmentContext",
    "AssignmentEvent",
    "AssignmentState",
    "CallContext",
    "CallEvent",
    "CallState",
    "GateContext",
    "GateEvent",
    "GateState",
    "GrantContext",
    "GrantEvent",
    "GrantState",
    "ProposalContext",
    "ProposalEvent",
    "ProposalState",
    "RankingContext",
    "RankingEvent",
    "RankingState",
    "ReportContext",
    "ReportEvent",
    "ReportState",
    "ServiceContext",
    "ServiceEvent",
    "ServiceState",
    "TrancheContext",
    "TrancheEvent",
    "TrancheState",
]
