"""`policy.decide` and the list scopes, one test per rule: pure, no database."""

from __future__ import annotations

from grants.security import policy
from grants.security.policy import Action, Decision, ReviewShape, Via
from messages import Message
from tests.unit.grants.people import FWO, JST, NAFOSTED, person

BOTH = frozenset({JST, NAFOSTED})


JST_OFFICER = person("officer", agency=JST)
NAF_OFFICER = person("officer", agency=NAFOSTED)
FWO_OFFICER = person("officer", agency=FWO)
AUDITOR = person("auditor")
ADMIN = person("admin")
RESEARCHER = person("researcher")
REVIEWER = person("reviewer")


def refused(status: int, code: str, text: str, **params: str) -> Decision:
    """A refusal with its message: code, English text and parameters."""
    return Decision(False, status=status, detail=Message(code, text, params))


NO_CALL = refused(404, "security.call.not_found", "No such call.")
NO_PROPOSAL = refused(404, "security.proposal.not_found", "No such proposal.")
NO_ASSIGNMENT = refused(404, "security.assignment.not_found", "No such assignment.")


def call(state: str = "draft", mode: str = "parallel") -> policy.CallFacts:
    return policy.CallFacts(state=state, cofunders=BOTH, review_mode=mode)


def test_call_draft_seen_by_cofunding_officer_with_role() -> None:
    decision = policy.decide(JST_OFFICER, Action.READ, call())
    assert decision == Decision(True, frozenset({"officer", "cofunding_officer"}))


def test_call_draft_hidden_from_other_agency_and_researchers() -> None:
    assert policy.decide(FWO_OFFICER, Action.READ, call()) == NO_CALL
    assert policy.decide(RESEARCHER, Action.READ, call()) == NO_CALL


def test_call_draft_seen_by_auditors_and_admins() -> None:
    assert policy.decide(AUDITOR, Action.READ, call()).allowed
    assert policy.decide(ADMIN, Action.READ, call()).allowed


def test_call_open_seen_by_everyone() -> None:
    assert policy.decide(RESEARCHER, Action.READ, call("open")) == Decision(
        True, frozenset({"researcher"})
    )


def test_call_list_scope_by_role() -> None:
    assert policy.list_scope(AUDITOR, "calls") == policy.CallListScope(True, None)
    assert policy.list_scope(JST_OFFICER, "calls") == policy.CallListScope(False, JST)
    assert policy.list_scope(RESEARCHER, "calls") == policy.CallListScope(False, None)


def proposal(state: str, roles: set[str], *, submitted: bool = True) -> policy.ProposalFacts:
    return policy.ProposalFacts(state, submitted, frozenset(roles))


def test_proposal_draft_private_to_consortium() -> None:
    assert policy.decide(RESEARCHER, Action.WRITE, proposal("draft", {"coapplicant"})).allowed
    officer = proposal("draft", {"officer", "cofunding_officer"}, submitted=False)
    assert policy.decide(JST_OFFICER, Action.READ, officer) == NO_PROPOSAL


def test_proposal_submitted_seen_by_oversight() -> None:
    facts = proposal("submitted", {"officer", "cofunding_officer"})
    assert policy.decide(JST_OFFICER, Action.WRITE, facts).allowed
    assert policy.decide(FWO_OFFICER, Action.READ, proposal("submitted", {"officer"})) == (
        NO_PROPOSAL
    )


def test_proposal_withdrawn_before_submission_stays_private() -> None:
    facts = proposal("withdrawn", {"auditor"}, submitted=False)
    assert policy.decide(AUDITOR, Action.READ, facts) == NO_PROPOSAL
    assert policy.decide(AUDITOR, Action.READ, proposal("withdrawn", {"auditor"})).allowed


def test_proposal_assigned_reviewer_reads_but_never_writes() -> None:
    facts = proposal("under_review", {"reviewer", "assigned_reviewer"})
    assert policy.decide(REVIEWER, Action.READ, facts).allowed
    assert policy.decide(REVIEWER, Action.FIRE, facts).allowed
    assert policy.decide(REVIEWER, Action.WRITE, facts) == NO_PROPOSAL


def test_proposal_edit_by_consortium_in_draft_only() -> None:
    assert policy.edit_decision(proposal("draft", {"pi"})).allowed
    assert policy.edit_decision(proposal("draft", {"cofunding_officer"})) == refused(
        403,
        "security.proposal.consortium_only",
        "Only the proposal's PIs and co-investigators may change it.",
    )
    submitted = policy.edit_decision(proposal("submitted", {"pi"}))
    assert submitted == refused(
        409,
        "security.proposal.draft_only",
        "The proposal is {state}; only a draft can be changed (reopen it first, before the "
        "deadline).",
        state="submitted",
    )
    assert str(submitted.detail) == (
        "The proposal is submitted; only a draft can be changed (reopen it first, before the "
        "deadline)."
    )


def test_proposal_part_edited_by_its_side_only() -> None:
    assert policy.part_edit_decision("draft", True, "JST").allowed
    assert policy.part_edit_decision("draft", False, "JST") == refused(
        403,
        "security.part.team_only",
        "Only the {agency} side's PI and co-investigators edit that part.",
        agency="JST",
    )
    assert policy.part_edit_decision("submitted", True, "JST") == refused(
        409,
        "security.part.draft_only",
        "The proposal is {state}; only a draft can be changed.",
        state="submitted",
    )


def test_proposal_hidden_fields_by_role() -> None:
    assert policy.hidden_fields(frozenset({"cofunding_officer"})) == frozenset()
    assert policy.hidden_fields(frozenset({"pi"})) == {"duplicate_funding"}
    assert policy.hidden_fields(frozenset({"assigned_reviewer"})) == {
        "duplicate_funding",
        "eligibility_reason",
    }


def test_proposal_roles_add_cofunding_and_assigned() -> None:
    roles = policy.proposal_roles(REVIEWER, frozenset(), BOTH, assigned=True)
    assert roles == {"reviewer", "assigned_reviewer"}
    assert policy.proposal_roles(JST_OFFICER, frozenset({"pi"}), BOTH) == {
        "officer",
        "pi",
        "cofunding_officer",
    }


def test_proposal_create_by_researchers_only() -> None:
    assert policy.create_decision(RESEARCHER).allowed
    assert policy.create_decision(JST_OFFICER) == refused(
        403, "security.proposal.researchers_only", "Only researchers draft proposals."
    )


def test_proposal_list_scope_by_role() -> None:
    assert policy.list_scope(ADMIN, "proposals") == policy.ProposalListScope(True, None)
    assert policy.list_scope(JST_OFFICER, "proposals") == policy.ProposalListScope(False, JST)
    assert policy.list_scope(REVIEWER, "proposals") == policy.ProposalListScope(False, None)


def test_reviewer_profile_seen_in_own_pool_only() -> None:
    assert policy.decide(JST_OFFICER, Action.READ, policy.ReviewerFacts(BOTH)).allowed
    assert policy.decide(FWO_OFFICER, Action.READ, policy.ReviewerFacts(BOTH)) == refused(
        404, "security.reviewer.not_found", "No such reviewer profile."
    )


def test_reviewer_list_scope_by_role() -> None:
    assert policy.list_scope(AUDITOR, "reviewers") is None
    assert policy.list_scope(JST_OFFICER, "reviewers") == {JST}
    assert policy.list_scope(REVIEWER, "reviewers") == frozenset()


def test_call_pool_endpoints_for_cofunding_officers() -> None:
    assert policy.call_pool_decision(frozenset({"cofunding_officer"}), reading=False).allowed
    assert policy.call_pool_decision(frozenset({"auditor"}), reading=True).allowed
    assert policy.call_pool_decision(frozenset({"auditor"}), reading=False) == refused(
        403,
        "security.pool.cofunding_officers_only",
        "Only officers of the call's co-funding agencies may do this.",
    )
    assert policy.call_pool_decision(frozenset({"researcher"}), reading=True) == refused(
        403,
        "security.conflicts.cofunding_officers_only",
        "Only officers of the call's co-funding agencies see its conflicts.",
    )


def test_service_reached_by_reviewer_pool_officers_and_oversight() -> None:
    facts = policy.ServiceFacts(REVIEWER.user_id, JST)
    assert policy.decide(REVIEWER, Action.FIRE, facts) == Decision(
        True, frozenset({"invited_reviewer"})
    )
    assert policy.decide(JST_OFFICER, Action.FIRE, facts) == Decision(True)
    assert policy.decide(NAF_OFFICER, Action.FIRE, facts) == refused(
        404, "security.service.not_found", "No such service."
    )


def test_account_reached_by_admins_and_auditors() -> None:
    assert policy.decide(AUDITOR, Action.FIRE, policy.AccountFacts()).allowed
    assert policy.decide(JST_OFFICER, Action.FIRE, policy.AccountFacts()) == refused(
        403, "security.account.admins_only", "Only admins manage accounts."
    )


def assignment(via: Via, state: str = "invited", mode: str = "parallel") -> policy.AssignmentFacts:
    return policy.AssignmentFacts(call("reviewing", mode), JST, REVIEWER.user_id, state, via)


def test_assignment_reviewer_from_invitation_on() -> None:
    assert policy.decide(REVIEWER, Action.READ, assignment(Via.REVIEW)) == Decision(
        True, frozenset({"assigned_reviewer"})
    )
    assert policy.decide(REVIEWER, Action.READ, assignment(Via.REVIEW, "proposed")) == (
        NO_ASSIGNMENT
    )


def test_assignment_parallel_pool_own_agency_only() -> None:
    assert policy.decide(JST_OFFICER, Action.READ, assignment(Via.MACHINE)).allowed
    assert policy.decide(NAF_OFFICER, Action.READ, assignment(Via.MACHINE)) == NO_ASSIGNMENT
    joint = assignment(Via.MACHINE, mode="joint")
    assert policy.decide(NAF_OFFICER, Action.READ, joint) == Decision(
        True, frozenset({"cofunding_officer"})
    )


def test_assignment_oversight_reads_except_review_draft() -> None:
    assert policy.decide(AUDITOR, Action.READ, assignment(Via.MACHINE)) == Decision(True)
    assert policy.decide(AUDITOR, Action.READ, assignment(Via.CALL)) == Decision(
        True, frozenset({"auditor"})
    )
    assert policy.decide(AUDITOR, Action.READ, assignment(Via.REVIEW)) == NO_ASSIGNMENT


def test_call_assignments_changed_by_cofunding_officers() -> None:
    facts = policy.CallAssignmentsFacts(call("reviewing"))
    assert policy.decide(JST_OFFICER, Action.WRITE, facts).allowed
    assert policy.decide(AUDITOR, Action.READ, facts).allowed
    assert policy.decide(AUDITOR, Action.WRITE, facts) == refused(
        403,
        "security.assignment.cofunding_officers_only",
        "Only officers of the call's co-funding agencies assign reviewers.",
    )
    assert policy.decide(FWO_OFFICER, Action.READ, facts) == refused(
        404, "security.not_found", "Not found."
    )


def test_assignment_pools_seen_and_run_per_mode() -> None:
    assert policy.assignment_pools_seen(AUDITOR, call("reviewing")) is None
    assert policy.assignment_pools_seen(JST_OFFICER, call("reviewing")) == {JST}
    assert policy.assignment_pools_seen(JST_OFFICER, call("reviewing", "joint")) == BOTH
    assert policy.pool_run(JST_OFFICER, call("reviewing")) == JST
    assert policy.pool_run(JST_OFFICER, call("reviewing", "joint")) is None


def test_ranking_agency_and_joint_roles() -> None:
    own = policy.RankingFacts(JST, BOTH)
    joint = policy.RankingFacts(None, BOTH)
    assert policy.decide(JST_OFFICER, Action.FIRE, own) == Decision(
        True, frozenset({"agency_officer"})
    )
    assert policy.decide(NAF_OFFICER, Action.FIRE, own) == refused(
        404, "security.ranking.not_found", "No such ranking."
    )
    assert policy.decide(NAF_OFFICER, Action.FIRE, joint) == Decision(
        True, frozenset({"cofunding_officer"})
    )
    assert policy.decide(ADMIN, Action.FIRE, own) == Decision(True)


def test_scores_read_by_oversight_only() -> None:
    assert policy.decide_scores(frozenset({"auditor"})).allowed
    assert policy.decide_scores(frozenset({"researcher"})) == refused(
        403,
        "security.scores.cofunding_officers_only",
        "Only the co-funding agencies' officers see scores and rankings.",
    )


def test_wall_limits_officer_to_own_pool_until_joint_ranking() -> None:
    roles = frozenset({"officer", "cofunding_officer"})
    assert policy.readable_pools(JST_OFFICER, roles, wall_stands=True) == {JST}
    assert policy.readable_pools(JST_OFFICER, roles, wall_stands=False) is None
    assert policy.readable_pools(AUDITOR, frozenset({"auditor"}), wall_stands=True) is None
    walled = policy.pool_decision(frozenset({JST}), NAFOSTED, "NAFOSTED")
    assert walled == refused(
        403,
        "security.pool.behind_wall",
        "{agency}'s reviews, scores and ranking stay behind its wall until the joint ranking "
        "is recorded.",
        agency="NAFOSTED",
    )
    assert str(walled.detail) == (
        "NAFOSTED's reviews, scores and ranking stay behind its wall until the joint ranking "
        "is recorded."
    )


def test_ranking_changed_by_own_agency_only() -> None:
    assert policy.ranking_change_decision(JST_OFFICER, JST, "JST").allowed
    refusal = policy.ranking_change_decision(NAF_OFFICER, JST, "JST")
    assert refusal == refused(
        403,
        "security.ranking.own_agency_only",
        "Only {agency}'s officers change {agency}'s ranking.",
        agency="JST",
    )
    assert str(refusal.detail) == "Only JST's officers change JST's ranking."


def test_review_shape_by_role_and_decision() -> None:
    assert policy.review_shape(frozenset({"pi"}), decided=False) == ReviewShape.NONE
    assert policy.review_shape(frozenset({"pi"}), decided=True) == ReviewShape.APPLICANT
    assert policy.review_shape(frozenset({"auditor"}), decided=False) == ReviewShape.PANEL
    assert policy.review_shape(frozenset({"assigned_reviewer"}), False) == ReviewShape.PEER


def test_peer_pools_behind_wall_only_own() -> None:
    assert policy.peer_pools(True, frozenset({JST})) == {JST}
    assert policy.peer_pools(False, frozenset({JST})) is None
