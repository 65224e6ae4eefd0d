"""Helpers for the guard tests: agencies' keys (approvals rows) written directly, and each
entity's state, version and the audit log's length read fresh for "nothing changed" asserts."""

from __future__ import annotations

import uuid
from typing import Any

import factory
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Approval, AuditEvent, User
from tests.factories import persist


class ApprovalFactory(factory.Factory):
    class Meta:
        model = Approval

    subject_type = "call"
    purpose = "publish_call"
    subject_version = 1
    decision = "approve"
    rationale = None


async def approve(
    session: AsyncSession,
    subject: tuple[str, uuid.UUID, str, int],
    agency: Agency,
    officer: User,
    decision: str = "approve",
) -> Approval:
    """A persisted key of `agency` on `subject` (type, id, purpose, version)."""
    subject_type, subject_id, purpose, version = subject
    row = ApprovalFactory(
        subject_type=subject_type,
        subject_id=subject_id,
        purpose=purpose,
        subject_version=version,
        agency_id=agency.id,
        officer_id=officer.id,
        decision=decision,
    )
    await persist(session, row)
    return row


async def snapshot(session: AsyncSession, model: Any, entity_id: uuid.UUID) -> tuple[str, int, int]:
    """The entity's state and version as stored now, and the number of audit events."""
    row = (
        await session.execute(select(model.state, model.version).where(model.id == entity_id))
    ).one()
    events = await session.scalar(select(func.count()).select_from(AuditEvent))
    return str(row.state), int(row.version), int(events or 0)
