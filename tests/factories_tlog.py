"""The transparency log's world: audit events appended, both agencies with witness keys and
an officer each who runs their agency's witness."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import chain
from grants.common.actors import SYSTEM
from grants.db.models import Agency
from tests.factories import AgencyFactory, bearer, make_user, persist
from transparency import COSIGNATURE_V1, SignerKey


async def append_events(db: AsyncSession, count: int, *, action: str = "test.event") -> None:
    """`count` audit events through the one append path (so the tree grows with them)."""
    entries = [chain.Entry(SYSTEM, action, "thing", i, {"n": [i, i + 1]}) for i in range(count)]
    await chain.append_many(db, entries)


@dataclass
class Witness:
    agency: Agency
    key: SignerKey
    headers: dict[str, str]


async def make_witness(db: AsyncSession, code: str) -> Witness:
    """An agency, its witness key (not yet registered) and an officer's bearer headers."""
    agency = AgencyFactory(code=code)
    await persist(db, agency)
    officer = await make_user(db, "officer", agency=agency)
    key = SignerKey.generate(f"witness.{code.lower()}.example", COSIGNATURE_V1)
    return Witness(agency, key, await bearer(db, officer))
