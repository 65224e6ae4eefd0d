"""The audit pack's world: a joint call of JST and NAFOSTED with one submitted proposal whose
document is really stored, an agency outside the call, and the people who ask for packs."""

from __future__ import annotations

import datetime
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import factory
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Call, Document, ExportJob, User
from storage.base import DocumentStore
from tests.factories import (
    AgencyFactory,
    DocumentFactory,
    bearer,
    make_call,
    make_proposal,
    persist,
)
from tests.factories_tlog import append_events

DOCUMENT = b"%PDF-1.7\n% the project description\n" + b"0123456789" * 300


class ExportJobFactory(factory.Factory):
    class Meta:
        model = ExportJob

    kind = "audit_pack"
    filters = factory.LazyFunction(lambda: {"call": None, "with_documents": False})
    state = "queued"
    progress_done = 0
    progress_total = 8
    runner = "another-server:1:abcdef01"


@dataclass
class PackWorld:
    call: Call
    document: Document
    people: dict[str, User]
    headers: dict[str, dict[str, str]] = field(default_factory=dict)


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def make_pack_world(db: AsyncSession, store: DocumentStore) -> PackWorld:
    from tests.factories import make_user

    jst = AgencyFactory(code="JST", country="JP", currency="JPY")
    nafosted = AgencyFactory(
        code="NAFOSTED", country="VN", currency="VND", time_zone="Asia/Ho_Chi_Minh"
    )
    fwo = AgencyFactory(code="FWO", country="BE", currency="EUR", time_zone="Europe/Brussels")
    await persist(db, jst, nafosted, fwo)
    people = {
        "auditor": await make_user(db, "auditor", email="auditor@example.org"),
        "admin": await make_user(db, "admin", email="admin@example.org"),
        "jst": await make_user(db, "officer", agency=jst, email="officer@jst.example"),
        "fwo": await make_user(db, "officer", agency=fwo, email="officer@fwo.example"),
        "researcher": await make_user(db, "researcher", country="JP", email="pi@a.example"),
        "vn": await make_user(db, "researcher", country="VN", email="pi@vn.example"),
    }
    call = await make_call(db, people["jst"], jst, nafosted, code="JV-2026", state="reviewing")
    proposal = await make_proposal(
        db,
        call,
        {jst.id: people["researcher"], nafosted.id: people["vn"]},
        state="under_review",
        number=1,
        reference="JV-2026-0001",
        submitted_at=datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC),
    )
    stored = await store.put(_chunks(DOCUMENT))
    document = DocumentFactory(
        proposal_id=proposal.id,
        uploaded_by=people["researcher"].id,
        size=stored.size,
        sha256=stored.sha256_hex,
        storage_key=stored.key,
    )
    await persist(db, document)
    await append_events(db, 5)
    world = PackWorld(call, document, people)
    for name, user in people.items():
        world.headers[name] = await bearer(db, user)
    await db.commit()
    return world
