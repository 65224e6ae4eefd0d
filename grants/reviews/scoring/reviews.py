"""A reviewer's review of one assignment: the draft saved as they type, submission (which locks
it) and an officer's reopening. State changes go through `grants.workflow.service.fire`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.common.edits import check_version
from grants.db.models import Review
from grants.errors import Conflict, FieldError, Invalid, NotFound
from grants.reviews.scoring import schemas
from grants.reviews.scoring.access import AssignmentScope, active_conflicts
from grants.security.principal import Principal
from grants.times import utcnow
from messages import define
from workflows.machines.review_assignment import AssignmentState
from workflows.roles import ASSIGNED_REVIEWER

UNKNOWN_CRITERION = define(
    "review.score.unknown_criterion", "not a criterion of the rubric ({criteria})"
)
NOT_WHOLE = define("review.score.not_whole", "must be a whole number")
OFF_SCALE = define("review.score.off_scale", "must be within {min}..{max}")
OFF_SCALES = define("review.scores_invalid", "Some scores are not on the rubric's scales.")
LOCKED = define("review.locked", "The review is submitted and locked; an officer may reopen it.")
NO_SUCH_REVIEW = define("review.not_found", "No such review.")
NOT_ACCEPTED = define(
    "review.not_accepted", "The assignment is {state}; accept the invitation first."
)
CONFLICTED = define("review.conflicted", "You have a conflict of interest with this proposal.")

FIELDS = (
    "scores",
    "comments_to_applicants",
    "confidential_comments",
    "recommendation",
    "confidence",
)


async def review_of(session: AsyncSession, scope: AssignmentScope) -> Review | None:
    """The review of the assignment, or None before the first save."""
    return await session.scalar(select(Review).where(Review.assignment_id == scope.assignment.id))


def form(scope: AssignmentScope, review: Review | None) -> schemas.ReviewForm:
    """The review as its form shows it (an empty form before the first save), under the
    assignment's version."""
    a = scope.assignment
    values: dict[str, Any] = {name: getattr(review, name, None) for name in FIELDS}
    return schemas.ReviewForm(
        assignment_id=a.id,
        assignment_state=AssignmentState(a.state),
        proposal_id=scope.proposal.id,
        proposal_reference=scope.proposal.reference,
        round=a.round,
        rubric=scope.call.rubric,
        **{**values, "scores": values["scores"] or {}},
        submitted_at=review.submitted_at if review else None,
        version=a.version,
    )


async def open_form(session: AsyncSession, scope: AssignmentScope) -> schemas.ReviewForm:
    """The reviewer's draft or empty form (creates nothing). Raises NotFound for anyone but
    the reviewer, Conflict while the assignment is not accepted or a conflict is unresolved."""
    await _require_reviewing(session, scope)
    return form(scope, await review_of(session, scope))


def score_errors(rubric: list[dict[str, Any]], scores: dict[str, Any]) -> list[FieldError]:
    """Every given score that is not an integer on its criterion's scale, or not a criterion."""
    criteria = {c["key"]: c for c in rubric}
    errors = []
    for key, value in scores.items():
        c = criteria.get(key)
        if c is None:
            known = list(criteria)
            errors.append(FieldError(f"scores.{key}", UNKNOWN_CRITERION(criteria=known)))
        elif isinstance(value, bool) or not isinstance(value, int):
            errors.append(FieldError(f"scores.{key}", NOT_WHOLE()))
        elif not c["scale_min"] <= value <= c["scale_max"]:
            scale = OFF_SCALE(min=c["scale_min"], max=c["scale_max"])
            errors.append(FieldError(f"scores.{key}", scale))
    return errors


async def save_draft(
    session: AsyncSession,
    principal: Principal,
    scope: AssignmentScope,
    data: schemas.ReviewUpdate,
) -> schemas.ReviewForm:
    """Replace the draft with what the reviewer typed (partial scores allowed) and audit it;
    the assignment's version moves on, so a `submit` sent with an older one is refused.

    Raises Invalid (naming `scores.<key>`; nothing saved), StaleVersion when the client saw
    another version of the assignment, Conflict once the review is submitted."""
    await _require_reviewing(session, scope)
    if scope.assignment.state == AssignmentState.SUBMITTED:
        raise Conflict(LOCKED())
    check_version(scope.assignment, data.version)
    review = await review_of(session, scope)
    errors = score_errors(scope.call.rubric, data.scores)
    if errors:
        raise Invalid(OFF_SCALES(), errors=errors)
    if review is None:
        review = Review(assignment_id=scope.assignment.id, scores={})
        session.add(review)
    changes = {n: [getattr(review, n, None), getattr(data, n)] for n in FIELDS}
    for name in FIELDS:
        setattr(review, name, getattr(data, name))
    # The draft is part of its assignment (one resource, one version): a dirty row bumps it,
    # and the version check in its UPDATE refuses a concurrent save or submit.
    scope.assignment.updated_at = utcnow()
    await session.flush()
    await _audit(session, principal, review, "review.save", changes)
    return form(scope, review)


async def _require_reviewing(session: AsyncSession, scope: AssignmentScope) -> None:
    """Only the assigned reviewer of an accepted (or submitted) assignment without an
    unresolved conflict works on its review; an officer overseeing the pool gets 404 here."""
    if ASSIGNED_REVIEWER not in scope.roles:
        raise NotFound(NO_SUCH_REVIEW())
    state = scope.assignment.state
    if state not in (AssignmentState.ACCEPTED, AssignmentState.SUBMITTED):
        raise Conflict(NOT_ACCEPTED(state=state))
    reasons = await active_conflicts(session, scope.assignment)
    if reasons:
        raise Conflict(CONFLICTED(), reasons=reasons)


async def _audit(
    session: AsyncSession,
    principal: Principal,
    review: Review,
    action: str,
    changes: dict[str, list[Any]],
) -> None:
    changed = {k: v for k, v in changes.items() if v[0] != v[1]}
    await append(
        session,
        actor=principal.actor,
        action=action,
        entity_type="review",
        entity_id=review.id,
        changes=changed,
    )
