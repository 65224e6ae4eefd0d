"""Every guard of every bound machine refuses at least once through `POST …/events/<event>`:
the exact 409 body with its reasons, and nothing changed (state, version, audit log).

`GUARD_TESTS` maps each (machine, guard) to its test; `test_every_guard_has_a_test` rebuilds
the pairs from the machine tables of the bound machines, so a new guard without a test fails.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from grants.bindings import BINDINGS
from grants.db.models import (
    Amendment,
    Call,
    Grant,
    MidtermGate,
    ProgressReport,
    Proposal,
    Ranking,
    ReviewAssignment,
    Tranche,
    User,
)
from tests.factories import (
    ConflictFactory,
    RankingFactory,
    ReviewAssignmentFactory,
    UserRoleFactory,
    bearer,
    make_call,
    make_user,
    persist,
)
from tests.factories_amendments import amendment_answer, with_extension, with_move
from tests.factories_assignment import make_review_world
from tests.factories_awards import (
    JST_REQUEST,
    decided,
    make_deciding,
    make_grant,
    with_agreements,
    with_statement,
    with_tranches,
)
from tests.factories_calls import make_cofunders
from tests.factories_guards import approve, snapshot
from tests.factories_proposals import World, make_world, ready_proposal
from tests.factories_reports import (
    FIGURES,
    gate_answer,
    long_grant,
    report_answer,
    report_document,
    with_reports,
)
from tests.factories_scoring import Panel, make_panel
from tests.support.problems import problem
from tests.support.reasons import (
    FUTURE_CLOSES,
    FUTURE_CLOSES_EN,
    PAST_CLOSES,
    PAST_CLOSES_EN,
    PAST_OPENS,
    reason,
)

Client = httpx.AsyncClient
UTC = datetime.UTC

RESOURCES: dict[type[Any], str] = {
    Amendment: "amendments",
    User: "users",
    Call: "calls",
    Proposal: "proposals",
    ReviewAssignment: "assignments",
    Ranking: "rankings",
    Grant: "grants",
    Tranche: "tranches",
    ProgressReport: "reports",
    MidtermGate: "midterm-gates",
}

REFUSED = {"en": "The event is refused.", "vi": "Sự kiện này bị từ chối."}


def _at(**delta: float) -> datetime.datetime:
    now = datetime.datetime.now(UTC).replace(microsecond=0)
    return now + datetime.timedelta(**delta)


async def assert_refused(
    client: Client,
    db: AsyncSession,
    headers: dict[str, str],
    entity: Any,
    event: str,
    reasons: list[dict[str, Any]],
    data: dict[str, Any] | None = None,
    lang: str = "en",
) -> None:
    """Fire `event` on `entity` at its current version; the answer is the guards' 409 with
    exactly `reasons`, in the caller's language `lang`, and the entity's state, version and the
    audit log are unchanged."""
    model = type(entity)
    before = await snapshot(db, model, entity.id)
    url = f"/api/{RESOURCES[model]}/{entity.id}/events/{event}"
    body: dict[str, Any] = {"version": before[1], **({"data": data} if data else {})}

    response = await client.post(url, headers=headers, json=body)

    body = problem(response)
    if lang != "en":  # the title is the problem's own: its translation is not the workflows'
        body.pop("title")
    assert body == {
        "type": "urn:cofund:problem:conflict",
        **({"title": "Conflict"} if lang == "en" else {}),
        "status": 409,
        "detail": REFUSED[lang],
        "instance": url,
        "code": "workflow.refused",
        "params": {},
        "reasons": reasons,
    }
    assert await snapshot(db, model, entity.id) == before


# Account ---------------------------------------------------------------------------------

SELF = reason("account.guard.oneself", "An admin cannot suspend or deactivate their own account.")
LAST_ADMIN = reason(
    "account.guard.last_admin",
    "This is the last active admin account; appoint another admin first.",
)


async def test_account_not_oneself_refuses_suspending_oneself(
    client: Client, db: AsyncSession
) -> None:
    admin = await make_user(db, "admin")
    await make_user(db, "admin")

    await assert_refused(client, db, await bearer(db, admin), admin, "suspend", [SELF])


async def test_account_not_last_admin_refuses_deactivating_the_last_admin(
    client: Client, db: AsyncSession
) -> None:
    # The acting admin is active, so "the last admin" can only be the actor themself: both
    # guards refuse together.
    admin = await make_user(db, "admin")

    await assert_refused(
        client, db, await bearer(db, admin), admin, "deactivate", [SELF, LAST_ADMIN]
    )


# Call ------------------------------------------------------------------------------------

# The call set-up's own check (grants.calls.problems).
NO_DOCUMENT_KINDS = reason("call.setup.no_document_kinds", "The call requires no document kinds.")
JOINT_MISSING = reason(
    "call.guard.joint_ranking_missing", "The joint ranking has not been recorded."
)


async def test_call_configuration_complete_refuses_approving_a_call_without_documents(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    call = await make_call(
        db, co.jst_officer, co.jst, co.nafosted, state="draft", document_kinds=[]
    )

    await assert_refused(
        client,
        db,
        co.jst_headers,
        call,
        "approve",
        [NO_DOCUMENT_KINDS],
    )


async def test_call_closes_in_future_refuses_approving_a_call_already_closed(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    call = await make_call(
        db,
        co.jst_officer,
        co.jst,
        co.nafosted,
        state="draft",
        opens_at=PAST_OPENS,
        closes_at=PAST_CLOSES,
    )

    await assert_refused(
        client,
        db,
        co.jst_headers,
        call,
        "approve",
        [
            reason(
                "call.guard.closing_time_past",
                f"The closing time {PAST_CLOSES_EN} is not in the future.",
                closes_at="2026-03-31T08:00:00Z",
            )
        ],
    )


async def test_call_caller_not_yet_approved_refuses_a_second_key(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")
    await approve(db, ("call", call.id, "publish_call", 1), co.jst, co.jst_officer)

    await assert_refused(
        client,
        db,
        co.jst_headers,
        call,
        "approve",
        [reason("call.guard.already_approved", "Your agency has approved this set-up already.")],
    )


async def test_call_approved_by_every_agency_refuses_publishing_without_keys(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, state="draft")
    await approve(db, ("call", call.id, "publish_call", 1), co.jst, co.jst_officer)
    # The factory's officers choose no language; this one has chosen Vietnamese.
    co.nafosted_officer.locale = "vi"
    await db.flush()

    await assert_refused(
        client,
        db,
        co.nafosted_headers,
        call,
        "publish",
        [
            reason(
                "call.guard.not_approved_by",
                "Các cơ quan tài trợ chưa phê duyệt việc công bố: NAFOSTED.",
                agencies=["NAFOSTED"],
            )
        ],
        lang="vi",  # NAFOSTED's officer reads Vietnamese
    )


async def test_call_deadline_reached_refuses_closing_an_open_call_early(
    client: Client, db: AsyncSession
) -> None:
    co = await make_cofunders(db)
    call = await make_call(db, co.jst_officer, co.jst, co.nafosted, closes_at=FUTURE_CLOSES)

    await assert_refused(
        client,
        db,
        co.jst_headers,
        call,
        "close",
        [
            reason(
                "call.guard.still_open",
                f"The call is open until {FUTURE_CLOSES_EN}.",
                closes_at="2099-03-31T08:00:00Z",
            )
        ],
    )


async def test_call_eligibility_checked_refuses_review_with_an_unchecked_proposal(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db, state="closed", closes_at=_at(days=-1))
    await ready_proposal(db, world, state="submitted", number=1, reference="JV-2026-0001")

    await assert_refused(
        client,
        db,
        await bearer(db, world.jst_officer),
        world.call,
        "start_review",
        [
            reason(
                "call.guard.eligibility_unchecked",
                "Proposals awaiting an eligibility decision: 1.",
                count=1,
            )
        ],
    )


async def test_call_reviews_complete_refuses_ranking_without_reviews(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db, n_proposals=2)

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        panel.call,
        "start_ranking",
        [
            reason(
                "call.guard.reviews_short",
                "Proposals with fewer submitted reviews than the call requires: 2.",
                count=2,
            )
        ],
    )


async def test_call_rankings_final_refuses_deciding_before_agency_rankings(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db, proposal_state="reviewed", state="ranking")
    await persist(db, RankingFactory(call_id=panel.call.id, agency_id=panel.jst.id, state="final"))

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        panel.call,
        "start_deciding",
        [
            reason(
                "call.guard.rankings_not_final",
                "Agencies whose ranking is not final: NAFOSTED.",
                agencies=["NAFOSTED"],
            ),
            JOINT_MISSING,
        ],
    )


async def test_call_joint_ranking_recorded_refuses_deciding_before_the_joint_ranking(
    client: Client, db: AsyncSession
) -> None:
    # Joint review mode has no agency rankings: only the joint ranking's guard speaks.
    panel = await make_panel(db, proposal_state="reviewed", state="ranking", review_mode="joint")
    joint = RankingFactory(call_id=panel.call.id, agency_id=None)
    await persist(db, joint)
    await approve(db, ("ranking", joint.id, "joint_ranking", 0), panel.jst, panel.jst_officer)

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        panel.call,
        "start_deciding",
        [JOINT_MISSING],
    )


async def test_call_every_proposal_decided_refuses_finishing_with_undecided_proposals(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db, proposal_state="reviewed", state="deciding")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        panel.call,
        "finish",
        [
            reason(
                "call.guard.undecided", "Proposals awaiting a decision of some agency: 1.", count=1
            )
        ],
    )


# Proposal --------------------------------------------------------------------------------

UNDECIDED = reason(
    "proposal.guard.undecided",
    "Agencies without a decision: JST and NAFOSTED.",
    agencies=["JST", "NAFOSTED"],
)
# The proposals' own submission check: its code comes with their conversion of the checks.
NO_ENGLISH_ABSTRACT = reason(
    "proposal.submission.abstract_not_in_english", "The abstract has no English text."
)


async def _submitted(world: World, db: AsyncSession) -> Proposal:
    return await ready_proposal(db, world, state="submitted", number=1, reference="JV-2026-0001")


async def test_proposal_call_open_refuses_submitting_to_a_closed_call(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db, state="closed")
    proposal = await ready_proposal(db, world)

    await assert_refused(
        client,
        db,
        await bearer(db, world.jp_pi),
        proposal,
        "submit",
        [reason("proposal.guard.call_not_open", "The call is closed, not open.", state="closed")],
    )


async def test_proposal_before_deadline_refuses_reopening_after_the_deadline(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db, opens_at=PAST_OPENS, closes_at=PAST_CLOSES)
    proposal = await _submitted(world, db)

    await assert_refused(
        client,
        db,
        await bearer(db, world.jp_pi),
        proposal,
        "reopen",
        [
            reason(
                "proposal.guard.deadline_passed",
                f"The deadline {PAST_CLOSES_EN} has passed.",
                deadline="2026-03-31T08:00:00Z",
            )
        ],
    )


async def test_proposal_complete_refuses_submitting_without_an_english_abstract(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db)
    proposal = await ready_proposal(db, world, abstract={"ja": "概要"})

    await assert_refused(
        client,
        db,
        await bearer(db, world.jp_pi),
        proposal,
        "submit",
        [NO_ENGLISH_ABSTRACT],
    )


async def test_proposal_after_deadline_refuses_eligibility_before_the_deadline(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db, closes_at=FUTURE_CLOSES)
    proposal = await _submitted(world, db)

    await assert_refused(
        client,
        db,
        await bearer(db, world.jst_officer),
        proposal,
        "declare_eligible",
        [
            reason(
                "proposal.guard.before_deadline",
                f"Eligibility is decided after the deadline {FUTURE_CLOSES_EN}.",
                deadline="2099-03-31T08:00:00Z",
            )
        ],
    )


async def test_proposal_caller_not_yet_assessed_refuses_a_second_answer(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db, state="closed", closes_at=_at(days=-1))
    proposal = await _submitted(world, db)
    await approve(db, ("proposal", proposal.id, "eligibility", 0), world.jst, world.jst_officer)

    await assert_refused(
        client,
        db,
        await bearer(db, world.jst_officer),
        proposal,
        "declare_ineligible",
        [
            reason(
                "proposal.guard.already_assessed",
                "Your agency has decided on this proposal's eligibility already.",
            )
        ],
        data={"reason": "The budget breaks our rules after all."},
    )


async def test_proposal_every_part_eligible_refuses_admitting_with_one_key(
    client: Client, db: AsyncSession
) -> None:
    world = await make_world(db, state="closed", closes_at=_at(days=-1))
    proposal = await _submitted(world, db)
    await approve(db, ("proposal", proposal.id, "eligibility", 0), world.jst, world.jst_officer)

    await assert_refused(
        client,
        db,
        await bearer(db, world.jst_officer),
        proposal,
        "admit",
        [
            reason(
                "proposal.guard.parts_not_eligible",
                "Agencies that have not found their part eligible: NAFOSTED.",
                agencies=["NAFOSTED"],
            )
        ],
    )


async def test_proposal_call_reviewing_refuses_review_before_the_call_reviews(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db, proposal_state="eligible", state="closed")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        panel.proposals[0],
        "start_review",
        [
            reason(
                "proposal.guard.call_not_reviewing",
                "The call is closed, not reviewing.",
                state="closed",
            )
        ],
    )


async def test_proposal_reviews_in_refuses_completing_review_without_reviews(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_panel(db)

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        panel.proposals[0],
        "complete_review",
        [reason("proposal.guard.no_review", "No review has been submitted.")],
    )


async def _reviewed(db: AsyncSession, call_state: str) -> Panel:
    return await make_panel(db, proposal_state="reviewed", state=call_state)


async def test_proposal_call_deciding_refuses_an_award_while_ranking(
    client: Client, db: AsyncSession
) -> None:
    panel = await _reviewed(db, "ranking")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        panel.proposals[0],
        "award",
        [
            reason(
                "proposal.guard.call_not_deciding",
                "The call is ranking, not deciding.",
                state="ranking",
            ),
            UNDECIDED,
        ],
    )


async def test_proposal_all_agencies_decided_refuses_an_award_without_decisions(
    client: Client, db: AsyncSession
) -> None:
    panel = await _reviewed(db, "deciding")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        panel.proposals[0],
        "award",
        [UNDECIDED],
    )


async def test_proposal_caller_not_yet_decided_refuses_a_second_decision(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    proposal = panel.proposals[0]
    await decided(db, proposal, panel.jst, panel.jst_officer, JST_REQUEST)

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        proposal,
        "decide",
        [
            {
                "code": "proposal.decision.already_recorded",
                "params": {},
                "message": "Your agency has recorded its decision already.",
            }
        ],
        data={"decision": "reject", "rationale": "Changed our mind."},
    )


async def test_proposal_no_agency_rejected_refuses_an_award_after_a_rejection(
    client: Client, db: AsyncSession
) -> None:
    # Decisions arranged directly: through the API, NAFOSTED's rejection rejects at once.
    panel = await _reviewed(db, "deciding")
    proposal = panel.proposals[0]
    await decided(db, proposal, panel.jst, panel.jst_officer)
    await decided(db, proposal, panel.nafosted, panel.nafosted_officer, decision="reject")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        panel.proposals[0],
        "award",
        [reason("proposal.guard.rejected_by", "Rejected by: NAFOSTED.", agencies=["NAFOSTED"])],
    )


async def test_proposal_some_agency_rejected_refuses_a_rejection_nobody_made(
    client: Client, db: AsyncSession
) -> None:
    panel = await _reviewed(db, "deciding")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        panel.proposals[0],
        "reject",
        [reason("proposal.guard.none_rejected", "No agency rejected the proposal.")],
    )


async def test_proposal_no_decision_yet_refuses_withdrawing_after_a_decision(
    client: Client, db: AsyncSession
) -> None:
    panel = await _reviewed(db, "deciding")
    await decided(db, panel.proposals[0], panel.jst, panel.jst_officer)

    await assert_refused(
        client,
        db,
        await bearer(db, panel.jp_pi),
        panel.proposals[0],
        "withdraw",
        [reason("proposal.guard.already_decided", "An agency has already recorded its decision.")],
    )


# Review assignment -----------------------------------------------------------------------


async def test_review_assignment_no_conflict_refuses_inviting_a_conflicted_reviewer(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    row = ReviewAssignmentFactory(
        proposal_id=rw.proposals[0].id,
        reviewer_id=rw.jp[0].id,
        pool_agency_id=rw.world.jst.id,
        state="proposed",
    )
    conflict = ConflictFactory(
        proposal_id=rw.proposals[0].id, reviewer_id=rw.jp[0].id, reason="Same institute."
    )
    await persist(db, row, conflict)

    await assert_refused(
        client,
        db,
        await bearer(db, rw.world.jst_officer),
        row,
        "invite",
        [
            reason(
                "conflict.declared",
                "Declared by the reviewer: Same institute.",
                reason="Same institute.",
            )
        ],
    )


async def test_review_assignment_fully_scored_refuses_submitting_an_empty_review(
    client: Client, db: AsyncSession
) -> None:
    rw = await make_review_world(db)
    row = ReviewAssignmentFactory(
        proposal_id=rw.proposals[0].id,
        reviewer_id=rw.jp[0].id,
        pool_agency_id=rw.world.jst.id,
        state="accepted",
    )
    await persist(db, row)

    await assert_refused(
        client,
        db,
        await bearer(db, rw.jp[0]),
        row,
        "submit",
        [
            reason(
                "assignment.guard.not_scored",
                "Criteria not scored: novelty, feasibility, and impact.",
                criteria=["novelty", "feasibility", "impact"],
            )
        ],
    )


# Ranking ---------------------------------------------------------------------------------


async def _joint(db: AsyncSession, *final: str) -> tuple[Panel, Ranking]:
    """A call in ranking, the agency rankings of the agencies named in `final` final, and a
    draft joint ranking."""
    panel = await _reviewed(db, "ranking")
    agencies = {"JST": panel.jst, "NAFOSTED": panel.nafosted}
    rows = [
        RankingFactory(call_id=panel.call.id, agency_id=agencies[c].id, state="final")
        for c in final
    ]
    joint = RankingFactory(call_id=panel.call.id, agency_id=None)
    await persist(db, *rows, joint)
    return panel, joint


async def test_ranking_agency_rankings_final_refuses_approving_before_both_are_final(
    client: Client, db: AsyncSession
) -> None:
    panel, joint = await _joint(db, "JST")
    # The factory's officers choose no language; this one has chosen Vietnamese.
    panel.nafosted_officer.locale = "vi"
    await db.flush()

    await assert_refused(
        client,
        db,
        panel.nafosted_headers,
        joint,
        "approve",
        [
            reason(
                "ranking.guard.rankings_not_final",
                "Các cơ quan tài trợ chưa chốt xếp hạng: NAFOSTED.",
                agencies=["NAFOSTED"],
            )
        ],
        lang="vi",  # NAFOSTED's officer reads Vietnamese
    )


async def test_ranking_caller_not_yet_approved_refuses_a_second_key(
    client: Client, db: AsyncSession
) -> None:
    panel, joint = await _joint(db, "JST", "NAFOSTED")
    await approve(db, ("ranking", joint.id, "joint_ranking", 0), panel.jst, panel.jst_officer)

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        joint,
        "approve",
        [
            reason(
                "ranking.guard.already_approved",
                "Your agency has approved the joint ranking already.",
            )
        ],
    )


async def test_ranking_approved_by_all_refuses_recording_with_one_key(
    client: Client, db: AsyncSession
) -> None:
    panel, joint = await _joint(db, "JST", "NAFOSTED")
    await approve(db, ("ranking", joint.id, "joint_ranking", 0), panel.jst, panel.jst_officer)

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        joint,
        "record",
        [
            reason(
                "ranking.guard.not_approved_by",
                "Agencies that have not approved: NAFOSTED.",
                agencies=["NAFOSTED"],
            )
        ],
    )


# Grant -----------------------------------------------------------------------------------


async def test_grant_project_ended_refuses_completing_a_running_project(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    grant = await make_grant(db, panel, panel.proposals[0], end_date=datetime.date(2030, 4, 1))

    # The project has ended once 1 April 2030 has begun in Hanoi, the later of the two zones;
    # that instant is shown in both agencies' zones.
    await assert_refused(
        client,
        db,
        panel.jst_headers,
        grant,
        "complete",
        [
            reason(
                "grant.guard.project_running",
                "The project runs until Apr 1, 2030, 2:00\u202fAM (Japan Time) / "
                "Apr 1, 2030, 12:00\u202fAM (Vietnam Time).",
                ends_at="2030-03-31T17:00:00Z",
            )
        ],
    )


async def test_grant_tranches_settled_refuses_completing_with_open_tranches(
    client: Client, db: AsyncSession
) -> None:
    panel = await make_deciding(db)
    # A 2-year project that ended on 1 April 2026: JST's 2 tranches and NAFOSTED's 3 planned.
    grant = await make_grant(
        db,
        panel,
        panel.proposals[0],
        start_date=datetime.date(2024, 4, 1),
        end_date=datetime.date(2026, 4, 1),
        duration_years=2,
    )
    await with_tranches(db, panel, grant)

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        grant,
        "complete",
        [reason("grant.guard.tranches_open", "Tranches still open: 5.", count=5)],
    )


# Tranche ---------------------------------------------------------------------------------


async def _tranches(
    db: AsyncSession, *, signed: bool = True, **grant: Any
) -> tuple[Panel, list[Tranche]]:
    """A 3-year grant's tranches (JST's first three), both sides' agreements signed unless
    not `signed`."""
    panel = await make_deciding(db)
    made = await make_grant(db, panel, panel.proposals[0], **grant)
    if signed:
        await with_agreements(db, panel, made)
    return panel, await with_tranches(db, panel, made)


async def test_tranche_grant_active_refuses_a_request_on_a_suspended_grant(
    client: Client, db: AsyncSession
) -> None:
    panel, tranches = await _tranches(db, state="suspended")

    await assert_refused(
        client,
        db,
        await bearer(db, panel.jp_pi),
        tranches[0],
        "request",
        [reason("tranche.guard.grant_inactive", "The grant is not active.")],
    )


async def test_tranche_request_complete_refuses_a_request_without_the_agreement(
    client: Client, db: AsyncSession
) -> None:
    panel, tranches = await _tranches(db, signed=False)

    await assert_refused(
        client,
        db,
        await bearer(db, panel.jp_pi),
        tranches[0],
        "request",
        [
            reason(
                "tranche.request.agreement_missing",
                "The signed grant agreement of JST's side has not been uploaded.",
                agency="JST",
            )
        ],
    )


async def test_tranche_previous_report_accepted_refuses_a_second_tranche_without_a_report(
    client: Client, db: AsyncSession
) -> None:
    panel, tranches = await _tranches(db)

    await assert_refused(
        client,
        db,
        await bearer(db, panel.jp_pi),
        tranches[1],
        "request",
        [
            reason(
                "tranche.request.statement_missing",
                "The financial statement of JST's side for project year 1 has not been submitted.",
                agency="JST",
                year=1,
            ),
            reason(
                "tranche.guard.previous_report_pending",
                "The previous year's progress report is not yet accepted by: JST and NAFOSTED.",
                agencies=["JST", "NAFOSTED"],
            ),
        ],
    )


async def test_tranche_midterm_gate_passed_refuses_a_tranche_after_an_undecided_gate(
    client: Client, db: AsyncSession
) -> None:
    # A 5-year project, its gate after year 2 undecided: JST's 4th tranche (after year 3, whose
    # report is accepted and whose statement is submitted) waits for the gate alone.
    panel = await make_deciding(db)
    grant = await make_grant(db, panel, panel.proposals[0], **long_grant())
    tranches = await with_tranches(db, panel, grant)
    await with_reports(db, grant, y1="accepted", y2="accepted", y3="accepted")
    await with_statement(db, grant.sides[0], 3, panel.jp_pi, personnel=3_900_000)
    fourth = next(t for t in tranches if t.side_id == grant.sides[0].id and t.position == 4)

    await assert_refused(
        client,
        db,
        await bearer(db, panel.jp_pi),
        fourth,
        "request",
        [
            reason(
                "tranche.guard.midterm_gate_pending",
                "The mid-term gate has not been passed by every agency.",
            )
        ],
    )


async def test_tranche_independent_approver_refuses_the_requester_in_the_consortium(
    client: Client, db: AsyncSession
) -> None:
    # The JST PI also holds a JST officer role: they requested, so they never approve.
    panel, tranches = await _tranches(db)
    panel.jp_pi.roles.append(UserRoleFactory(role="officer", agency_id=panel.jst.id))
    first = tranches[0]
    first.state, first.requested_amount = "requested", first.planned_amount
    first.requested_by, first.requested_at = panel.jp_pi.id, _at()
    await persist(db, panel.jp_pi, first)

    await assert_refused(
        client,
        db,
        await bearer(db, panel.jp_pi),
        first,
        "approve",
        [
            reason("tranche.guard.own_request", "The requester cannot approve their own request."),
            reason(
                "tranche.guard.consortium_member",
                "A member of the project's consortium cannot approve its tranches.",
            ),
        ],
    )


# Progress report -------------------------------------------------------------------------

REPORT_DATA: dict[str, Any] = {"figures": FIGURES}


async def _report(
    db: AsyncSession, y1: str = "submitted", **grant: Any
) -> tuple[Panel, Grant, ProgressReport]:
    """Year 1's report, in state `y1`, of a 3-year grant of the deciding panel's proposal."""
    panel = await make_deciding(db)
    made = await make_grant(db, panel, panel.proposals[0], **grant)
    reports, _ = await with_reports(db, made, y1=y1)
    return panel, made, reports[0]


async def _officer_pi(db: AsyncSession, panel: Panel) -> dict[str, str]:
    """The JST PI, who also holds a JST officer role: in the consortium, so never a judge."""
    panel.jp_pi.roles.append(UserRoleFactory(role="officer", agency_id=panel.jst.id))
    await persist(db, panel.jp_pi)
    return await bearer(db, panel.jp_pi)


async def test_progress_report_grant_active_refuses_submitting_on_a_suspended_grant(
    client: Client, db: AsyncSession
) -> None:
    panel, _, report = await _report(db, "due", state="suspended")
    data = {**REPORT_DATA, "document_id": await report_document(db, panel)}

    await assert_refused(
        client,
        db,
        await bearer(db, panel.jp_pi),
        report,
        "submit",
        [reason("report.guard.grant_inactive", "The grant is not active.")],
        data,
    )


async def test_progress_report_caller_not_yet_answered_refuses_a_second_answer(
    client: Client, db: AsyncSession
) -> None:
    panel, _, report = await _report(db)
    await report_answer(db, report, panel.jst, panel.jst_officer, "approve")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        report,
        "decide",
        [
            reason(
                "report.guard.answered_already", "Your agency has answered on this round already."
            )
        ],
        {"decision": "accept"},
    )


async def test_progress_report_independent_officer_refuses_an_officer_in_the_consortium(
    client: Client, db: AsyncSession
) -> None:
    panel, _, report = await _report(db)

    await assert_refused(
        client,
        db,
        await _officer_pi(db, panel),
        report,
        "decide",
        [
            reason(
                "report.guard.consortium_member",
                "A member of the project's consortium cannot answer on its progress report.",
            )
        ],
        {"decision": "accept"},
    )


async def test_progress_report_every_agency_accepted_refuses_accepting_with_one_acceptance(
    client: Client, db: AsyncSession
) -> None:
    panel, _, report = await _report(db)
    await report_answer(db, report, panel.jst, panel.jst_officer, "approve")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        report,
        "accept",
        [
            reason(
                "report.guard.not_accepted",
                "The report is not yet accepted by: NAFOSTED.",
                agencies=["NAFOSTED"],
            )
        ],
    )


async def test_progress_report_revision_asked_refuses_returning_a_report_nobody_revised(
    client: Client, db: AsyncSession
) -> None:
    panel, _, report = await _report(db)
    await report_answer(db, report, panel.jst, panel.jst_officer, "approve")

    await assert_refused(
        client,
        db,
        panel.nafosted_headers,
        report,
        "return",
        [reason("report.guard.no_revision", "No agency asked for a revision.")],
    )


async def test_progress_report_stop_decided_refuses_stopping_a_report_nobody_stopped(
    client: Client, db: AsyncSession
) -> None:
    panel, _, report = await _report(db)
    await report_answer(db, report, panel.nafosted, panel.nafosted_officer, "revise")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        report,
        "stop",
        [reason("report.guard.no_stop", "No agency decided to stop the project.")],
    )


# Mid-term gate ---------------------------------------------------------------------------

GATE_DATA: dict[str, Any] = {"decision": "continue", "rationale": "Milestones on track."}


async def _gate(db: AsyncSession, y2: str = "accepted", **grant: Any) -> tuple[Panel, MidtermGate]:
    """The gate after year 2 of a 5-year grant; year 2's report in state `y2`."""
    panel = await make_deciding(db)
    made = await make_grant(db, panel, panel.proposals[0], **{**long_grant(), **grant})
    _, gate = await with_reports(db, made, y1="accepted", y2=y2)
    assert gate is not None
    return panel, gate


async def test_midterm_gate_grant_active_refuses_deciding_on_a_suspended_grant(
    client: Client, db: AsyncSession
) -> None:
    panel, gate = await _gate(db, state="suspended")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        gate,
        "decide",
        [reason("midterm.guard.grant_inactive", "The grant is not active.")],
        GATE_DATA,
    )


async def test_midterm_gate_report_accepted_refuses_deciding_before_the_years_report(
    client: Client, db: AsyncSession
) -> None:
    panel, gate = await _gate(db, y2="submitted")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        gate,
        "decide",
        [
            reason(
                "midterm.guard.report_pending",
                "The gate is decided once the year 2 progress report is accepted.",
                year=2,
            )
        ],
        GATE_DATA,
    )


async def test_midterm_gate_caller_not_yet_answered_refuses_a_second_decision(
    client: Client, db: AsyncSession
) -> None:
    panel, gate = await _gate(db)
    await gate_answer(db, gate, panel.nafosted, panel.nafosted_officer, "approve")

    await assert_refused(
        client,
        db,
        panel.nafosted_headers,
        gate,
        "decide",
        [reason("midterm.guard.answered_already", "Your agency has decided on the gate already.")],
        GATE_DATA,
    )


async def test_midterm_gate_independent_officer_refuses_an_officer_in_the_consortium(
    client: Client, db: AsyncSession
) -> None:
    panel, gate = await _gate(db)

    await assert_refused(
        client,
        db,
        await _officer_pi(db, panel),
        gate,
        "decide",
        [
            reason(
                "midterm.guard.consortium_member",
                "A member of the project's consortium cannot decide on its continuation.",
            )
        ],
        GATE_DATA,
    )


async def test_midterm_gate_every_agency_continues_refuses_passing_with_one_decision(
    client: Client, db: AsyncSession
) -> None:
    panel, gate = await _gate(db)
    await gate_answer(db, gate, panel.jst, panel.jst_officer, "approve")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        gate,
        "pass",
        [
            reason(
                "midterm.guard.undecided",
                "Agencies that have not decided to continue: NAFOSTED.",
                agencies=["NAFOSTED"],
            )
        ],
    )


async def test_midterm_gate_stop_decided_refuses_failing_a_gate_nobody_stopped(
    client: Client, db: AsyncSession
) -> None:
    panel, gate = await _gate(db)
    await gate_answer(db, gate, panel.jst, panel.jst_officer, "approve")

    await assert_refused(
        client,
        db,
        panel.nafosted_headers,
        gate,
        "fail",
        [reason("midterm.guard.no_stop", "No agency decided to stop the project.")],
    )


# Amendment -------------------------------------------------------------------------------

DECIDE_DATA: dict[str, Any] = {
    "decision": "approve",
    "rationale": "Justified by the year 1 report.",
}


async def _extension(db: AsyncSession, **grant: Any) -> tuple[Panel, Grant, Amendment]:
    """A 3-year grant and a three-month no-cost extension of it requested by the Vietnamese
    PI, answered by nobody yet."""
    panel = await make_deciding(db)
    made = await make_grant(db, panel, panel.proposals[0], **grant)
    return panel, made, await with_extension(db, made, panel.vn_pi)


async def test_amendment_grant_active_refuses_deciding_on_a_suspended_grant(
    client: Client, db: AsyncSession
) -> None:
    panel, _, amendment = await _extension(db, state="suspended")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        amendment,
        "decide",
        [reason("amendment.guard.grant_inactive", "The grant is not active.")],
        DECIDE_DATA,
    )


async def test_amendment_independent_decider_refuses_an_officer_in_the_consortium_answering_twice(
    client: Client, db: AsyncSession
) -> None:
    # The JST PI also holds a JST officer role, and JST has answered already: both reasons.
    panel, _, amendment = await _extension(db)
    await amendment_answer(db, amendment, panel.jst, panel.jst_officer, "approve")

    await assert_refused(
        client,
        db,
        await _officer_pi(db, panel),
        amendment,
        "decide",
        [
            reason(
                "amendment.guard.consortium_member",
                "A member of the project's consortium cannot decide on its amendments.",
            ),
            reason(
                "amendment.guard.caller_answered",
                "Your agency has answered this amendment already.",
            ),
        ],
        DECIDE_DATA,
    )


async def test_amendment_every_agency_approved_refuses_approving_an_extension_with_one_key(
    client: Client, db: AsyncSession
) -> None:
    panel, _, amendment = await _extension(db)
    await amendment_answer(db, amendment, panel.jst, panel.jst_officer, "approve")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        amendment,
        "approve",
        [
            reason(
                "amendment.guard.unanswered",
                "Agencies without an approval: NAFOSTED.",
                agencies=["NAFOSTED"],
            )
        ],
    )


async def test_amendment_no_agency_rejected_refuses_approving_a_rejected_extension(
    client: Client, db: AsyncSession
) -> None:
    # A rejection is no approval either: both of `approve`'s answer guards speak.
    panel, _, amendment = await _extension(db)
    await amendment_answer(db, amendment, panel.jst, panel.jst_officer, "approve")
    await amendment_answer(db, amendment, panel.nafosted, panel.nafosted_officer, "reject")

    await assert_refused(
        client,
        db,
        panel.nafosted_headers,
        amendment,
        "approve",
        [
            reason(
                "amendment.guard.unanswered",
                "Agencies without an approval: NAFOSTED.",
                agencies=["NAFOSTED"],
            ),
            reason("amendment.guard.rejected_by", "Rejected by: NAFOSTED.", agencies=["NAFOSTED"]),
        ],
    )


async def test_amendment_some_agency_rejected_refuses_rejecting_an_extension_nobody_rejected(
    client: Client, db: AsyncSession
) -> None:
    panel, _, amendment = await _extension(db)
    await amendment_answer(db, amendment, panel.jst, panel.jst_officer, "approve")

    await assert_refused(
        client,
        db,
        panel.jst_headers,
        amendment,
        "reject",
        [reason("amendment.guard.none_rejected", "No agency rejected the amendment.")],
    )


async def test_amendment_small_move_refuses_recording_a_move_over_the_threshold(
    client: Client, db: AsyncSession
) -> None:
    # Half of JST's year 2 personnel money moved to equipment: far over the threshold.
    panel = await make_deciding(db)
    made = await make_grant(db, panel, panel.proposals[0])
    amendment = await with_move(
        db, made.sides[0], made, panel.jp_pi, (2, "personnel"), (2, "equipment"), 2_000_000
    )

    await assert_refused(
        client,
        db,
        await bearer(db, panel.jp_pi),
        amendment,
        "record",
        [
            reason(
                "amendment.guard.needs_approval",
                "This amendment needs its agencies' approval: only a budget move under the "
                "agency's threshold is recorded without one.",
            )
        ],
    )


# The mapping and its check ---------------------------------------------------------------

GuardTest = Callable[[Client, AsyncSession], Any]

GUARD_TESTS: dict[tuple[str, str], GuardTest] = {
    ("account", "not_oneself"): test_account_not_oneself_refuses_suspending_oneself,
    ("account", "not_last_admin"): test_account_not_last_admin_refuses_deactivating_the_last_admin,
    ("call", "configuration_complete"): (
        test_call_configuration_complete_refuses_approving_a_call_without_documents
    ),
    (
        "call",
        "closes_in_future",
    ): test_call_closes_in_future_refuses_approving_a_call_already_closed,
    ("call", "caller_not_yet_approved"): test_call_caller_not_yet_approved_refuses_a_second_key,
    ("call", "approved_by_every_agency"): (
        test_call_approved_by_every_agency_refuses_publishing_without_keys
    ),
    ("call", "deadline_reached"): test_call_deadline_reached_refuses_closing_an_open_call_early,
    ("call", "eligibility_checked"): (
        test_call_eligibility_checked_refuses_review_with_an_unchecked_proposal
    ),
    ("call", "reviews_complete"): test_call_reviews_complete_refuses_ranking_without_reviews,
    ("call", "rankings_final"): test_call_rankings_final_refuses_deciding_before_agency_rankings,
    ("call", "joint_ranking_recorded"): (
        test_call_joint_ranking_recorded_refuses_deciding_before_the_joint_ranking
    ),
    ("call", "every_proposal_decided"): (
        test_call_every_proposal_decided_refuses_finishing_with_undecided_proposals
    ),
    ("proposal", "call_open"): test_proposal_call_open_refuses_submitting_to_a_closed_call,
    ("proposal", "before_deadline"): (
        test_proposal_before_deadline_refuses_reopening_after_the_deadline
    ),
    ("proposal", "complete"): test_proposal_complete_refuses_submitting_without_an_english_abstract,
    ("proposal", "after_deadline"): (
        test_proposal_after_deadline_refuses_eligibility_before_the_deadline
    ),
    ("proposal", "caller_not_yet_assessed"): (
        test_proposal_caller_not_yet_assessed_refuses_a_second_answer
    ),
    ("proposal", "every_part_eligible"): (
        test_proposal_every_part_eligible_refuses_admitting_with_one_key
    ),
    ("proposal", "call_reviewing"): (
        test_proposal_call_reviewing_refuses_review_before_the_call_reviews
    ),
    ("proposal", "reviews_in"): test_proposal_reviews_in_refuses_completing_review_without_reviews,
    ("proposal", "call_deciding"): test_proposal_call_deciding_refuses_an_award_while_ranking,
    ("proposal", "caller_not_yet_decided"): (
        test_proposal_caller_not_yet_decided_refuses_a_second_decision
    ),
    ("proposal", "all_agencies_decided"): (
        test_proposal_all_agencies_decided_refuses_an_award_without_decisions
    ),
    ("proposal", "no_agency_rejected"): (
        test_proposal_no_agency_rejected_refuses_an_award_after_a_rejection
    ),
    ("proposal", "some_agency_rejected"): (
        test_proposal_some_agency_rejected_refuses_a_rejection_nobody_made
    ),
    ("proposal", "no_decision_yet"): (
        test_proposal_no_decision_yet_refuses_withdrawing_after_a_decision
    ),
    ("review_assignment", "no_conflict"): (
        test_review_assignment_no_conflict_refuses_inviting_a_conflicted_reviewer
    ),
    ("review_assignment", "fully_scored"): (
        test_review_assignment_fully_scored_refuses_submitting_an_empty_review
    ),
    ("ranking", "agency_rankings_final"): (
        test_ranking_agency_rankings_final_refuses_approving_before_both_are_final
    ),
    (
        "ranking",
        "caller_not_yet_approved",
    ): test_ranking_caller_not_yet_approved_refuses_a_second_key,
    ("ranking", "approved_by_all"): test_ranking_approved_by_all_refuses_recording_with_one_key,
    ("grant", "project_ended"): test_grant_project_ended_refuses_completing_a_running_project,
    ("grant", "tranches_settled"): (
        test_grant_tranches_settled_refuses_completing_with_open_tranches
    ),
    ("tranche", "grant_active"): test_tranche_grant_active_refuses_a_request_on_a_suspended_grant,
    ("tranche", "request_complete"): (
        test_tranche_request_complete_refuses_a_request_without_the_agreement
    ),
    ("tranche", "previous_report_accepted"): (
        test_tranche_previous_report_accepted_refuses_a_second_tranche_without_a_report
    ),
    ("tranche", "midterm_gate_passed"): (
        test_tranche_midterm_gate_passed_refuses_a_tranche_after_an_undecided_gate
    ),
    ("tranche", "independent_approver"): (
        test_tranche_independent_approver_refuses_the_requester_in_the_consortium
    ),
    ("progress_report", "grant_active"): (
        test_progress_report_grant_active_refuses_submitting_on_a_suspended_grant
    ),
    ("progress_report", "caller_not_yet_answered"): (
        test_progress_report_caller_not_yet_answered_refuses_a_second_answer
    ),
    ("progress_report", "independent_officer"): (
        test_progress_report_independent_officer_refuses_an_officer_in_the_consortium
    ),
    ("progress_report", "every_agency_accepted"): (
        test_progress_report_every_agency_accepted_refuses_accepting_with_one_acceptance
    ),
    ("progress_report", "revision_asked"): (
        test_progress_report_revision_asked_refuses_returning_a_report_nobody_revised
    ),
    ("progress_report", "stop_decided"): (
        test_progress_report_stop_decided_refuses_stopping_a_report_nobody_stopped
    ),
    ("midterm_gate", "grant_active"): (
        test_midterm_gate_grant_active_refuses_deciding_on_a_suspended_grant
    ),
    ("midterm_gate", "report_accepted"): (
        test_midterm_gate_report_accepted_refuses_deciding_before_the_years_report
    ),
    ("midterm_gate", "caller_not_yet_answered"): (
        test_midterm_gate_caller_not_yet_answered_refuses_a_second_decision
    ),
    ("midterm_gate", "independent_officer"): (
        test_midterm_gate_independent_officer_refuses_an_officer_in_the_consortium
    ),
    ("midterm_gate", "every_agency_continues"): (
        test_midterm_gate_every_agency_continues_refuses_passing_with_one_decision
    ),
    ("midterm_gate", "stop_decided"): (
        test_midterm_gate_stop_decided_refuses_failing_a_gate_nobody_stopped
    ),
    ("amendment", "grant_active"): (
        test_amendment_grant_active_refuses_deciding_on_a_suspended_grant
    ),
    ("amendment", "independent_decider"): (
        test_amendment_independent_decider_refuses_an_officer_in_the_consortium_answering_twice
    ),
    ("amendment", "every_agency_approved"): (
        test_amendment_every_agency_approved_refuses_approving_an_extension_with_one_key
    ),
    ("amendment", "no_agency_rejected"): (
        test_amendment_no_agency_rejected_refuses_approving_a_rejected_extension
    ),
    ("amendment", "some_agency_rejected"): (
        test_amendment_some_agency_rejected_refuses_rejecting_an_extension_nobody_rejected
    ),
    ("amendment", "small_move"): (
        test_amendment_small_move_refuses_recording_a_move_over_the_threshold
    ),
}


def test_every_guard_has_a_test() -> None:
    guards = {
        (binding.machine.name, getattr(guard, "__name__", repr(guard)))
        for binding in BINDINGS
        for transition in binding.machine.transitions
        for guard in transition.guards
    }

    assert set(GUARD_TESTS) == guards


def test_guard_tests_are_this_modules_tests() -> None:
    names = {test.__name__ for test in GUARD_TESTS.values()}

    assert [n for n in names if globals().get(n) is None or not n.startswith("test_")] == []
    assert len(names) == len(GUARD_TESTS)
