"""Request and response bodies of progress reports and the mid-term gate."""

from __future__ import annotations

import datetime
import uuid
from enum import StrEnum

from pydantic import Field

from grants.awards.schemas import Officer
from grants.common.schemas import Input, Integer, Output, examples
from workflows.machines.midterm_gate import GateState
from workflows.machines.progress_report import ReportState

MAX_COUNT = 1_000_000
FIGURES_EXAMPLE = {
    "publications": 4,
    "patents": 1,
    "students_trained": 6,
    "milestones_met": 3,
    "milestones_planned": 4,
    "summary": "Chiplet interposer prototype taped out; the thermal model is late.",
}


class ReportFigures(Input):
    """The year's structured figures: counts (non-negative whole numbers) and a short summary."""

    model_config = examples(FIGURES_EXAMPLE)

    publications: Integer = Field(ge=0, le=MAX_COUNT)
    patents: Integer = Field(ge=0, le=MAX_COUNT)
    students_trained: Integer = Field(ge=0, le=MAX_COUNT)
    milestones_met: Integer = Field(ge=0, le=MAX_COUNT)
    milestones_planned: Integer = Field(ge=0, le=MAX_COUNT)
    summary: str = Field(min_length=1, max_length=2000)


class SubmitData(Input):
    """A submission round: the narrative `document_id` (a document of kind `progress_report`
    uploaded to the grant's proposal) and the year's figures."""

    model_config = examples(
        {"document_id": "0193f2a4-7c1e-7a8b-9c0d-1e2f3a4b5c6d", "figures": FIGURES_EXAMPLE}
    )

    document_id: uuid.UUID
    figures: ReportFigures


class ReportAnswer(StrEnum):
    """An agency's answer on a report's round."""

    ACCEPT = "accept"
    REVISE = "revise"
    STOP = "stop"


class ReportDecisionData(Input):
    """Your agency's answer on the current round; `comment` is required to revise or stop (the
    PIs read it)."""

    model_config = examples(
        {"decision": "accept"},
        {"decision": "revise", "comment": "Report the thermal model's delay and its plan."},
    )

    decision: ReportAnswer
    comment: str | None = Field(default=None, min_length=1, max_length=4000)


class ReportDecisionCreate(ReportDecisionData):
    """`agency` is your own agency's code; `version` the report's version you saw."""

    model_config = examples({"version": 2, "agency": "JST", "decision": "accept"})

    version: Integer = Field(ge=1)
    agency: str = Field(min_length=1, max_length=32)


class GateAnswer(StrEnum):
    """An agency's decision at the mid-term gate."""

    CONTINUE = "continue"
    STOP = "stop"


class GateDecisionData(Input):
    """Your agency's decision on the project's continuation, with its rationale."""

    model_config = examples(
        {"decision": "continue", "rationale": "Milestones on track; continue as planned."}
    )

    decision: GateAnswer
    rationale: str = Field(min_length=1, max_length=4000)


class GateDecisionCreate(GateDecisionData):
    """`agency` is your own agency's code; `version` the gate's version you saw."""

    model_config = examples(
        {"version": 1, "agency": "NAFOSTED", "decision": "stop", "rationale": "No results."}
    )

    version: Integer = Field(ge=1)
    agency: str = Field(min_length=1, max_length=32)


class Answer(Output):
    """One agency's answer on one round. `by` is null for the consortium, which reads the
    answer, never which officer gave it."""

    round: int
    agency: str
    decision: str
    comment: str | None
    by: Officer | None
    at: datetime.datetime


class ProgressReport(Output):
    """Project year `year`'s joint report: due on `due_date`, on submission round `round`
    (0 before the first), with every agency's answers on every round so far."""

    id: uuid.UUID
    version: int
    grant_id: uuid.UUID
    year: int
    due_date: datetime.date
    state: ReportState
    round: int
    document_id: uuid.UUID | None
    figures: ReportFigures | None
    submitted_by: uuid.UUID | None
    submitted_at: datetime.datetime | None
    answers: list[Answer]


class MidtermGate(Output):
    """The continuation decision after project year `after_year`, with the agencies' answers
    (`round` is always 1)."""

    id: uuid.UUID
    version: int
    grant_id: uuid.UUID
    after_year: int
    state: GateState
    answers: list[Answer]


class ReportReviewerCreate(Input):
    """The reviewer (a user id) of your agency's pool to invite to review the report."""

    model_config = examples({"reviewer": "0190a8e4-7b1c-7c3e-9d2a-5e6f7a8b9c0d"})

    reviewer: uuid.UUID
