"""The words of states, roles and budget categories as pages show them, in the reader's
language: an API value is a code, its label a message (`web.state.proposal.draft`), so the
catalogs carry them like every other sentence."""

from __future__ import annotations

from messages import Definition, define

STATES: dict[str, Definition] = {
    "proposal.draft": define("web.state.proposal.draft", "draft"),
    "proposal.submitted": define("web.state.proposal.submitted", "submitted"),
    "proposal.eligible": define("web.state.proposal.eligible", "eligible"),
    "proposal.ineligible": define("web.state.proposal.ineligible", "ineligible"),
    "proposal.under_review": define("web.state.proposal.under_review", "under review"),
    "proposal.reviewed": define("web.state.proposal.reviewed", "reviewed"),
    "proposal.awarded": define("web.state.proposal.awarded", "awarded"),
    "proposal.rejected": define("web.state.proposal.rejected", "rejected"),
    "proposal.withdrawn": define("web.state.proposal.withdrawn", "withdrawn"),
    "call.draft": define("web.state.call.draft", "draft"),
    "call.open": define("web.state.call.open", "open"),
    "call.closed": define("web.state.call.closed", "closed"),
    "call.reviewing": define("web.state.call.reviewing", "reviewing"),
    "call.ranking": define("web.state.call.ranking", "ranking"),
    "call.deciding": define("web.state.call.deciding", "deciding"),
    "call.finished": define("web.state.call.finished", "finished"),
    "call.cancelled": define("web.state.call.cancelled", "cancelled"),
    "invitation.pi": define("web.invitation.role.pi", "principal investigator"),
    "invitation.co_investigator": define("web.invitation.role.co_investigator", "co-investigator"),
    "member.pi": define("web.member.role.pi", "PI"),
    "member.co_investigator": define("web.member.role.co_investigator", "co-investigator"),
    "member.member": define("web.member.role.member", "member"),
    "category.personnel": define("web.budget.category.personnel", "personnel"),
    "category.equipment": define("web.budget.category.equipment", "equipment"),
    "category.consumables": define("web.budget.category.consumables", "consumables"),
    "category.travel": define("web.budget.category.travel", "travel"),
    "category.other": define("web.budget.category.other", "other"),
    "category.indirect": define("web.budget.category.indirect", "indirect costs"),
}

# The workflow's events as a button says them.
EVENTS: dict[str, Definition] = {
    "submit": define("web.proposal.event.submit", "Submit the proposal"),
    "reopen": define("web.proposal.event.reopen", "Reopen as a draft"),
    "withdraw": define("web.proposal.event.withdraw", "Withdraw the proposal"),
}
LABELS: dict[str, Definition] = {**STATES, **{f"event.{k}": v for k, v in EVENTS.items()}}
