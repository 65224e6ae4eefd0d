"""`check_invariants(session, settings)`: every invariant of DESIGN.md, over the whole database.

Run after each race (and after each crash and restart): it collects every violation, then
fails once listing them all. What it checks:

- the audit chain: hashes link from genesis, sequence numbers are 1..head without a gap, the
  head names the last event;
- the Merkle tree: the stored nodes give the root of every event's leaf (RFC 9162), each
  signed checkpoint's root is the root of the first `size` events, a consistency proof from it
  to today's tree verifies, and its published note verifies with the log's key and every
  cosignature on record with its agency's witness key;
- money: per grant side, the tranches' planned amounts add up to the awarded total, and
  disbursed ≤ approved ≤ awarded (per tranche too, disbursed ≤ approved); every amount is in
  the side's currency; per co-funding agency in a call, its grants' awarded totals and (in
  `own_side` mode, where each agency approves its own part's budget) its approved commitments
  stay within its envelope;
- one winner: one answer per agency, subject, purpose and version (the unique key), one
  funding decision per agency per proposal, one grant per proposal;
- states: each entity's state is one of its machine's states; an awarded proposal has a grant,
  and a grant exists only for an awarded proposal that every co-funding agency approved;
  tranche states carry their amounts (approved ⇒ approved amount, disbursed ⇒ paid amount);
  a done export job names its object;
- numbers: per call, the submitted proposals' numbers are 1..last_proposal_number without a
  gap (proposals the test factories numbered directly leave the counter at 0), each reference
  `<code>-NNNN`, every proposal past draft numbered; grant numbers are unique and gap-free
  per scope; a document's versions per proposal and kind are 1..n;
- the deadline: no proposal was recorded as submitted at or after its call's deadline.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import chain, log, log_key, tree
from grants.db.models import (
    Amendment,
    Approval,
    ApprovedBudgetLine,
    AuditChainHead,
    AuditEvent,
    Call,
    CallAgency,
    Cosignature,
    Document,
    ExportJob,
    Grant,
    GrantSide,
    LogCheckpoint,
    ProgressReport,
    Proposal,
    ReviewAssignment,
    Tranche,
    User,
    WitnessKey,
)
from grants.settings import Settings
from transparency import (
    TransparencyError,
    VerifierKey,
    leaf_hash,
    open_checkpoint,
    tree_root,
    verify_consistency,
)
from workflows.machines.account import ACCOUNT
from workflows.machines.amendment import AMENDMENT
from workflows.machines.call import CALL
from workflows.machines.grant import GRANT
from workflows.machines.progress_report import PROGRESS_REPORT
from workflows.machines.proposal import PROPOSAL
from workflows.machines.review_assignment import REVIEW_ASSIGNMENT
from workflows.machines.tranche import TRANCHE

MACHINES: list[tuple[Any, Any]] = [
    (Call, CALL),
    (Proposal, PROPOSAL),
    (Grant, GRANT),
    (Tranche, TRANCHE),
    (Amendment, AMENDMENT),
    (ProgressReport, PROGRESS_REPORT),
    (ReviewAssignment, REVIEW_ASSIGNMENT),
    (User, ACCOUNT),
]
NOT_SUBMITTED = ("draft",)
WITH_APPROVED = ("approved", "disbursed")


class InvariantBroken(AssertionError):
    pass


async def check_invariants(session: AsyncSession, settings: Settings) -> None:
    """Fail with every broken invariant of the database `session` reads (see the module)."""
    broken: list[str] = []
    for check in (_chain, _tree, _money, _winners, _states, _numbers):
        broken += await check(session, settings)
    if broken:
        raise InvariantBroken("\n".join(broken))


async def _chain(session: AsyncSession, _: Settings) -> list[str]:
    verification = await chain.verify(session)
    seqs = list(await session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)))
    head = await session.get(AuditChainHead, 1)
    last = head.last_seq if head is not None else 0
    broken = []
    if not verification.intact:
        broken.append(f"audit chain broken at {verification.broken_seq}: {verification.reason}")
    if seqs != list(range(1, len(seqs) + 1)) or last != len(seqs):
        broken.append(f"audit seqs not 1..{last} without gaps: {len(seqs)} events")
    return broken


async def _tree(session: AsyncSession, settings: Settings) -> list[str]:
    if settings.audit_tree != "on":
        return []
    rows = list(await session.scalars(select(AuditEvent).order_by(AuditEvent.seq)))
    leaves = [leaf_hash(chain.event_bytes(r)) for r in rows]
    size = len(leaves)
    broken = []
    if await tree.stored_size(session) != size:
        return [f"tree holds {await tree.stored_size(session)} leaves, the log {size} events"]
    if size and await tree.root(session, size) != tree_root(leaves):
        broken.append("the stored tree's root is not the root of the events")
    witnesses = {
        w.agency_id: VerifierKey.parse(w.vkey) for w in await session.scalars(select(WitnessKey))
    }
    for checkpoint in await session.scalars(select(LogCheckpoint).order_by(LogCheckpoint.size)):
        broken += await _checkpoint(session, settings, checkpoint, leaves, witnesses)
    return broken


async def _checkpoint(
    session: AsyncSession,
    settings: Settings,
    checkpoint: LogCheckpoint,
    leaves: list[bytes],
    witnesses: dict[Any, VerifierKey],
) -> list[str]:
    size, final = checkpoint.size, len(leaves)
    broken = []
    if checkpoint.root != tree_root(leaves[:size]):
        broken.append(f"checkpoint {size}: its root is not the root of its first {size} events")
    if 0 < size < final:
        proof = await tree.consistency(session, size, final)
        if not verify_consistency(size, final, proof, checkpoint.root, tree_root(leaves)):
            broken.append(f"checkpoint {size}: no consistency with the tree of {final}")
    cosigners = await session.scalars(
        select(Cosignature.agency_id).where(Cosignature.checkpoint_size == size)
    )
    required = [witnesses[a] for a in cosigners if a in witnesses]
    try:
        open_checkpoint(
            await log.published_note(session, checkpoint),
            log_key.verifier(settings),
            required=required,
            origin=settings.audit_log_origin,
        )
    except TransparencyError as error:
        broken.append(f"checkpoint {size}: its note does not verify: {error}")
    return broken


async def _money(session: AsyncSession, _: Settings) -> list[str]:
    broken = []
    tranches: dict[Any, list[Tranche]] = defaultdict(list)
    for tranche in await session.scalars(select(Tranche)):
        tranches[tranche.side_id].append(tranche)
    for side in await session.scalars(select(GrantSide)):
        broken += _side_money(side, tranches.get(side.id, []))
    broken += await _envelopes(session)
    return broken


def _side_money(side: GrantSide, tranches: list[Tranche]) -> list[str]:
    name, broken = f"grant side {side.number}", []
    planned = sum(t.planned_amount for t in tranches)
    approved = sum(t.approved_amount or 0 for t in tranches)
    disbursed = sum(t.disbursed_amount or 0 for t in tranches)
    if tranches and planned != side.awarded_total:
        broken.append(f"{name}: tranches plan {planned}, the award is {side.awarded_total}")
    if not disbursed <= approved <= side.awarded_total:
        broken.append(f"{name}: disbursed {disbursed} ≤ approved {approved} ≤ awarded fails")
    for t in tranches:
        if t.currency != side.currency:
            broken.append(f"{name} {t.label}: in {t.currency}, the side in {side.currency}")
        if (t.disbursed_amount or 0) > (t.approved_amount or 0):
            broken.append(f"{name} {t.label}: paid {t.disbursed_amount} > {t.approved_amount}")
        if t.state in WITH_APPROVED and t.approved_amount is None:
            broken.append(f"{name} {t.label}: {t.state} without an approved amount")
        if t.state == "disbursed" and t.disbursed_amount is None:
            broken.append(f"{name} {t.label}: disbursed without a paid amount")
        if t.state in ("planned", "requested") and t.approved_amount is not None:
            broken.append(f"{name} {t.label}: {t.state} with an approved amount")
    return broken


async def _envelopes(session: AsyncSession) -> list[str]:
    committed = await session.execute(
        select(Proposal.call_id, Approval.agency_id, func.sum(ApprovedBudgetLine.amount))
        .join(Approval, Approval.id == ApprovedBudgetLine.approval_id)
        .join(Proposal, Proposal.id == Approval.subject_id)
        .where(
            Approval.subject_type == "proposal",
            Approval.purpose == "funding",
            Approval.decision == "approve",
            Proposal.state != "rejected",
            Call.cofunding_mode == "own_side",
        )
        .join(Call, Call.id == Proposal.call_id)
        .group_by(Proposal.call_id, Approval.agency_id)
    )
    awarded = await session.execute(
        select(Grant.call_id, GrantSide.agency_id, func.sum(GrantSide.awarded_total))
        .join(Grant, Grant.id == GrantSide.grant_id)
        .group_by(Grant.call_id, GrantSide.agency_id)
    )
    envelopes = {
        (t.call_id, t.agency_id): t.envelope
        for t in await session.scalars(select(CallAgency).where(CallAgency.envelope.is_not(None)))
    }
    broken = []
    for what, rows in (("approved", committed), ("awarded", awarded)):
        for call_id, agency_id, total in rows.tuples():
            envelope = envelopes.get((call_id, agency_id))
            if envelope is not None and int(total or 0) > envelope:
                broken.append(f"call {call_id}: {what} {total} past the envelope {envelope}")
    return broken


async def _winners(session: AsyncSession, _: Settings) -> list[str]:
    answers = Counter(
        (
            await session.execute(
                select(
                    Approval.subject_id,
                    Approval.purpose,
                    Approval.subject_version,
                    Approval.agency_id,
                )
            )
        ).tuples()
    )
    funding = Counter(
        (
            await session.execute(
                select(Approval.subject_id, Approval.agency_id).where(
                    Approval.subject_type == "proposal", Approval.purpose == "funding"
                )
            )
        ).tuples()
    )
    grants = Counter(await session.scalars(select(Grant.proposal_id)))
    return (
        [f"{n} answers by one agency on {key}" for key, n in answers.items() if n > 1]
        + [f"{n} funding decisions by one agency on {key}" for key, n in funding.items() if n > 1]
        + [f"{n} grants for proposal {key}" for key, n in grants.items() if n > 1]
    )


async def _states(session: AsyncSession, _: Settings) -> list[str]:
    broken = []
    for model, machine in MACHINES:
        rows = await session.execute(select(model.id, model.state, model.version))
        for entity_id, state, version in rows.tuples():
            if state not in machine.states:
                broken.append(f"{machine.name} {entity_id}: unknown state {state!r}")
            if version < 1:
                broken.append(f"{machine.name} {entity_id}: version {version}")
    broken += await _awards_consistent(session)
    done_without_object = await session.scalar(
        select(func.count()).where(ExportJob.state == "done", ExportJob.result_key.is_(None))
    )
    if done_without_object:
        broken.append(f"{done_without_object} done export job(s) without their object")
    return broken


async def _awards_consistent(session: AsyncSession) -> list[str]:
    awarded = set(await session.scalars(select(Proposal.id).where(Proposal.state == "awarded")))
    granted = set(await session.scalars(select(Grant.proposal_id)))
    broken = [f"proposal {p} awarded without a grant" for p in awarded - granted]
    broken += [f"grant for proposal {p}, which is not awarded" for p in granted - awarded]
    cofunders: dict[Any, set[Any]] = defaultdict(set)
    for call_id, agency_id in (
        await session.execute(select(CallAgency.call_id, CallAgency.agency_id))
    ).tuples():
        cofunders[call_id].add(agency_id)
    approvals: dict[Any, set[Any]] = defaultdict(set)
    for subject, agency in (
        await session.execute(
            select(Approval.subject_id, Approval.agency_id).where(
                Approval.purpose == "funding", Approval.decision == "approve"
            )
        )
    ).tuples():
        approvals[subject].add(agency)
    for proposal_id, call_id in (
        await session.execute(select(Grant.proposal_id, Grant.call_id))
    ).tuples():
        if not cofunders[call_id] <= approvals[proposal_id]:
            broken.append(f"grant for proposal {proposal_id} without every agency's approval")
    return broken


async def _numbers(session: AsyncSession, _: Settings) -> list[str]:
    broken = []
    calls = {c.id: c for c in await session.scalars(select(Call))}
    numbered: dict[Any, list[int]] = defaultdict(list)
    for p in await session.scalars(select(Proposal)):
        call = calls[p.call_id]
        if p.number is not None:
            numbered[p.call_id].append(p.number)
            if p.reference != f"{call.code}-{p.number:04d}":
                broken.append(f"proposal {p.id}: reference {p.reference} for number {p.number}")
        elif p.state not in NOT_SUBMITTED:
            broken.append(f"proposal {p.id}: {p.state} without a reference number")
        if p.submitted_at is not None and p.submitted_at >= call.closes_at:
            broken.append(
                f"proposal {p.reference}: submitted at {p.submitted_at.isoformat()}, the "
                f"deadline was {call.closes_at.isoformat()}"
            )
    for call_id, call in calls.items():
        found = sorted(numbered.get(call_id, []))
        # A counter of 0 beside numbered proposals: rows the test factories wrote directly.
        counter = call.last_proposal_number or len(found)
        if found != list(range(1, counter + 1)):
            broken.append(f"call {call.code}: numbers {found}, counter at {counter}")
    broken += await _gap_free(
        session, "grant numbers", GrantSide.number_scope, GrantSide.number_seq
    )
    numbers = Counter(await session.scalars(select(GrantSide.number)))
    broken += [f"grant number {n} given {c} times" for n, c in numbers.items() if c > 1]
    versions: dict[Any, list[int]] = defaultdict(list)
    for proposal_id, kind, version in (
        await session.execute(select(Document.proposal_id, Document.kind, Document.version))
    ).tuples():
        versions[(proposal_id, kind)].append(version)
    for key, found in versions.items():
        if sorted(found) != list(range(1, len(found) + 1)):
            broken.append(f"documents {key}: versions {sorted(found)}")
    return broken


async def _gap_free(session: AsyncSession, what: str, scope: Any, seq: Any) -> list[str]:
    found: dict[Any, list[int]] = defaultdict(list)
    for key, n in (await session.execute(select(scope, seq))).tuples():
        found[key].append(n)
    return [
        f"{what} in {key}: {sorted(ns)}"
        for key, ns in found.items()
        if sorted(ns) != list(range(1, len(ns) + 1))
    ]
