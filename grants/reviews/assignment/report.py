"""The solver report: who reviews what and why (affinity, top shared terms), loads, and the
slots that stay empty with their reason; plus its plain-text form for the CLI."""

from __future__ import annotations

import uuid
from typing import cast

import numpy as np

from grants.calls.schemas import ReviewMode
from grants.db.models import ReviewAssignment
from grants.reviews.assignment import schemas
from grants.reviews.assignment.solving import Plan
from messages import params_json, render
from reviewers.shortfall import explain
from workflows.machines.review_assignment import AssignmentState


def build_report(
    plan: Plan,
    rows: dict[tuple[uuid.UUID, uuid.UUID], ReviewAssignment],
    added: int,
    removed: int,
    locale: str = "en",
) -> schemas.AssignmentReport:
    """The report of `plan`; `rows` are the stored assignments of its pairs. A pool's plan
    has only that pool's pairs and slots; its loads list only that pool's reviewers. Shortfalls
    are explained in `locale`."""
    inputs, result = plan.inputs, plan.assignment
    codes = {a.id: a.code for a in inputs.agencies}
    p_idx = result.proposal_idx.tolist() if result else []
    r_idx = result.reviewer_idx.tolist() if result else []
    terms = plan.model.shared_terms(p_idx, r_idx) if plan.model and p_idx else [()] * len(p_idx)
    coverage: dict[int, list[schemas.AssignedReviewer]] = {
        i: [] for i in range(len(inputs.proposals))
    }
    for n, (p, r) in enumerate(zip(p_idx, r_idx, strict=True)):
        reviewer = inputs.reviewers[r]
        row = rows.get((inputs.proposals[p].id, reviewer.user_id))
        coverage[p].append(
            schemas.AssignedReviewer(
                assignment_id=row.id if row else None,
                reviewer_id=reviewer.user_id,
                reviewer_name=reviewer.name,
                pool=codes[reviewer.pool_agency_id],
                state=AssignmentState(row.state) if row else AssignmentState.PROPOSED,
                affinity=round(float(result.affinity[n]), 6) if result else 0.0,
                shared_terms=list(terms[n]),
            )
        )
    short_proposals = {s.proposal for s in result.shortfalls} if result else set()
    loads = result.loads if result else np.zeros(len(inputs.reviewers), dtype=np.int64)
    return schemas.AssignmentReport(
        call_id=inputs.call.id,
        call_code=inputs.call.code,
        review_mode=cast("ReviewMode", inputs.call.review_mode),
        pool=codes.get(plan.pool) if plan.pool else None,
        feasible=result.feasible if result else True,
        slots_required=result.required if result else 0,
        slots_filled=result.size if result else 0,
        proposals_covered=len(inputs.proposals) - len(short_proposals),
        proposals_total=len(inputs.proposals),
        total_affinity=round(result.total_affinity, 6) if result else 0.0,
        added=added,
        removed=removed,
        proposals=[
            schemas.ProposalCoverage(
                proposal_id=p.id,
                reference=p.reference,
                title=p.title.get("en", ""),
                reviewers=coverage[i],
            )
            for i, p in enumerate(inputs.proposals)
        ],
        loads=[
            schemas.ReviewerLoad(
                reviewer_id=r.user_id,
                reviewer_name=r.name,
                pool=codes[r.pool_agency_id],
                load=int(loads[j]),
                cap=r.load_cap,
            )
            for j, r in enumerate(inputs.reviewers)
            if plan.covers(r.pool_agency_id)
        ],
        shortfalls=_shortfalls(plan, locale),
    )


def _shortfalls(plan: Plan, locale: str) -> list[schemas.Shortfall]:
    inputs, result = plan.inputs, plan.assignment
    if result is None:
        return []
    parallel = inputs.call.review_mode == "parallel"
    out = []
    for s in result.shortfalls:
        proposal = inputs.proposals[s.proposal]
        if s.pool_or_country is None:
            pool = "any"
        elif parallel:
            pool = inputs.agencies[s.pool_or_country].code
        else:
            pool = plan.countries[s.pool_or_country]
        why = explain(s, proposal.reference or str(proposal.id), None if pool == "any" else pool)
        out.append(
            schemas.Shortfall(
                proposal_id=proposal.id,
                reference=proposal.reference,
                pool=pool,
                needed=s.needed,
                assigned=s.assigned,
                available=s.available_candidates,
                reason=s.reason,
                explanation=render(why, locale),
                explanation_code=why.code,
                explanation_params=params_json(why.params),
            )
        )
    return out


def format_report(report: schemas.AssignmentReport) -> str:
    """The report as the `grants assign` command prints it."""
    lines = [
        f"call {report.call_code} ({report.review_mode} review): "
        f"{report.proposals_covered} of {report.proposals_total} proposals covered, "
        f"{report.slots_filled} of {report.slots_required} slots filled, "
        f"total affinity {report.total_affinity:.4f}",
        f"proposed now: {report.added} added, {report.removed} withdrawn",
    ]
    for p in report.proposals:
        names = ", ".join(
            f"{r.reviewer_name} [{r.pool}] {r.affinity:.3f} ({'/'.join(r.shared_terms) or '-'})"
            for r in p.reviewers
        )
        lines.append(f"  {p.reference or p.proposal_id}: {names or 'nobody'}")
    lines.append("shortfalls: none" if report.feasible else "shortfalls:")
    lines.extend(
        f"  {s.reference or s.proposal_id} pool {s.pool}: needs {s.needed}, assigned "
        f"{s.assigned}, {s.available} candidates ({s.reason})"
        for s in report.shortfalls
    )
    return "\n".join(lines)
