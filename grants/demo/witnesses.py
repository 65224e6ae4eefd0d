"""The demo's two agency witnesses: each agency's cosignature/v1 key and state file under
`VAR_DIR/witness/` (outside the database, as a real agency keeps them on its own machine),
registered as the agency's witness key, and both cosigning the demo's checkpoint.

In production each agency runs `grants witness` itself; the demo does the same steps in
process so a fresh demo's checkpoint is already cosigned by both agencies."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import log, log_key
from grants.audit.witness import save_state
from grants.common.actors import SYSTEM, Actor
from grants.db.models import Agency
from grants.settings import Settings
from transparency import COSIGNATURE_V1, SignerKey, WitnessState, witness_checkpoint

DEMO_WITNESSES = {"JST": "witness.jst.demo", "NAFOSTED": "witness.nafosted.demo"}


def key_path(settings: Settings, code: str) -> Path:
    return settings.var_dir / "witness" / f"{code.lower()}.key"


def _key(settings: Settings, code: str) -> SignerKey:
    path = key_path(settings, code)
    if path.exists():
        return SignerKey.parse(path.read_text())
    path.parent.mkdir(parents=True, exist_ok=True)
    key = SignerKey.generate(DEMO_WITNESSES[code], COSIGNATURE_V1)
    path.touch(mode=0o600)
    path.write_text(key.export() + "\n")
    return key


async def cosign_demo_checkpoint(
    session: AsyncSession, settings: Settings, officers: dict[str, Actor]
) -> int:
    """Register both agencies' demo witness keys, sign the log and cosign it as each agency;
    returns the cosigned size. The caller commits."""
    keys = {code: _key(settings, code) for code in DEMO_WITNESSES}
    for code, key in keys.items():
        agency_id = await session.scalar(select(Agency.id).where(Agency.code == code))
        assert agency_id is not None
        await log.register_witness_key(session, SYSTEM, agency_id, str(key.verifier()))
    checkpoint, _ = await log.sign_current(session, settings)
    verifier = log_key.verifier(settings)
    for code, key in keys.items():
        state_path = key_path(settings, code).with_suffix(".state")
        # A freshly seeded demo is a new log: its witnesses start from the empty tree (a state
        # kept from an earlier demo database would rightly refuse this one as a fork).
        cosigned = witness_checkpoint(
            WitnessState.fresh(settings.audit_log_origin),
            checkpoint.note,
            [],
            log_key=verifier,
            witness_key=key,
            timestamp=int(time.time()),
        )
        save_state(state_path, cosigned.state)
        signature, registered = await log.witness_of(session, cosigned.line)
        await log.add_cosignature(session, officers[code], checkpoint.size, signature, registered)
    return checkpoint.size
