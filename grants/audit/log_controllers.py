"""HTTP API of the transparency log: the latest checkpoint, proofs, the agencies' cosignatures
and witness keys. Hashes travel as standard base64, as in C2SP checkpoints."""

from __future__ import annotations

import base64
import uuid

from litestar import Controller, Response, get, post, put
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from grants.agencies import services as agencies
from grants.audit import log, log_key, schemas
from grants.db.models import Cosignature, LogCheckpoint, WitnessKey
from grants.errors import NotFound
from grants.security import policy
from grants.security.enforce import require
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


def _cosignature(row: Cosignature) -> schemas.CosignatureOut:
    return schemas.CosignatureOut.model_validate(row)


async def _checkpoint(
    session: AsyncSession, settings: Settings, row: LogCheckpoint
) -> schemas.CheckpointOut:
    return schemas.CheckpointOut(
        origin=settings.audit_log_origin,
        size=row.size,
        root=_b64(row.root),
        note=await log.published_note(session, row),
        log_key=str(log_key.verifier(settings)),
        signed_at=row.signed_at,
        cosignatures=[_cosignature(c) for c in await log.cosignatures(session, row.size)],
    )


class TransparencyLogController(Controller):
    path = "/api/audit"
    tags = ["audit"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012

    @get("/checkpoint", name="audit:checkpoint", media_type="text/plain")
    async def checkpoint(self, principal: Principal, db_session: AsyncSession) -> str:
        """The latest signed checkpoint, as a C2SP signed note (text/plain).

        Auditors, officers and admins (403 for everyone else); 404 before the log signed its
        first checkpoint. The note's text is the log's origin, the tree size and the base64
        root hash; its signature lines are the log's (Ed25519) and each agency witness's
        cosignature/v1. Changes nothing.
        """
        require(policy.decide_log_read(principal))
        return await log.published_note(db_session, await log.latest(db_session))

    @get("/checkpoint/details", name="audit:checkpoint-details")
    async def checkpoint_details(
        self, principal: Principal, settings: Settings, db_session: AsyncSession
    ) -> schemas.CheckpointOut:
        """The latest signed checkpoint with its cosignatures, as JSON.

        Auditors, officers and admins (403 for everyone else); 404 before the first
        checkpoint. Includes the log's verifier key. Changes nothing.
        """
        require(policy.decide_log_read(principal))
        row = await log.latest(db_session)
        return await _checkpoint(db_session, settings, row)

    @post(
        "/checkpoints",
        name="audit:sign",
        responses={
            200: ResponseSpec(
                schemas.CheckpointOut,
                description="The log signed this size already: the stored checkpoint.",
                generate_examples=False,
            )
        },
    )
    async def sign(
        self, principal: Principal, settings: Settings, db_session: AsyncSession
    ) -> Response[schemas.CheckpointOut]:
        """Sign a checkpoint of the log at its current size.

        Admins only (403 for everyone else): 201 with the new checkpoint, 200 with the stored
        one when the log signed this size already. `grants audit checkpoint` does the same.
        """
        require(policy.decide_checkpoint_sign(principal))
        row, created = await log.sign_current(db_session, settings)
        body = await _checkpoint(db_session, settings, row)
        return Response(body, status_code=201 if created else 200)

    @get("/proofs/inclusion", name="audit:inclusion")
    async def inclusion(
        self,
        principal: Principal,
        db_session: AsyncSession,
        seq: int = Parameter(query="seq", ge=1, le=2**62),
        size: int = Parameter(query="size", ge=1, le=2**62),
    ) -> schemas.InclusionProof:
        """Proof that audit event `seq` is in the tree of `size` events (RFC 9162 §2.1.3).

        Auditors, officers and admins (403 for everyone else). 422 naming the field when `seq`
        is beyond `size` or `size` beyond the log. Verify it against a checkpoint of that size:
        SHA-256(0x00 ‖ leaf) is `leaf_hash`, and the audit path folds it into the root.
        Changes nothing.
        """
        require(policy.decide_log_read(principal))
        proof = await log.inclusion(db_session, seq, size)
        return schemas.InclusionProof(
            seq=proof.seq,
            leaf_index=proof.seq - 1,
            tree_size=proof.size,
            leaf=proof.leaf.decode(),
            leaf_hash=_b64(proof.leaf_hash),
            hashes=[_b64(h) for h in proof.hashes],
        )

    @get("/proofs/consistency", name="audit:consistency")
    async def consistency(
        self,
        principal: Principal,
        db_session: AsyncSession,
        from_size: int = Parameter(query="from", ge=1, le=2**62),
        to_size: int = Parameter(query="to", ge=1, le=2**62),
    ) -> schemas.ConsistencyProof:
        """Proof that the tree of `from` events is a prefix of the tree of `to` (RFC 9162 §2.1.4).

        Auditors, officers and admins (403 for everyone else). 422 naming the field when
        `from` > `to` or `to` is beyond the log. Empty when the sizes are equal. A witness
        checks it between the checkpoint it cosigned last and the latest. Changes nothing.
        """
        require(policy.decide_log_read(principal))
        hashes = await log.consistency(db_session, from_size, to_size)
        return schemas.ConsistencyProof(
            from_size=from_size, to_size=to_size, hashes=[_b64(h) for h in hashes]
        )

    @post(
        "/checkpoint/cosignatures",
        name="audit:cosign",
        responses={
            200: ResponseSpec(
                schemas.CosignatureOut,
                description="The agency cosigned this checkpoint already: the stored one.",
                generate_examples=False,
            )
        },
    )
    async def cosign(
        self, principal: Principal, data: schemas.CosignatureIn, db_session: AsyncSession
    ) -> Response[schemas.CosignatureOut]:
        """Add an agency witness's cosignature/v1 to the checkpoint of `size` events.

        An officer of the agency whose registered witness key made the signature (403 for
        anyone else). 422 when the line is malformed, the key is not registered, the signature
        does not verify, or the log signed no checkpoint of that size. 201 when stored, 200
        when the agency had cosigned it already. Audited as `audit.checkpoint.cosign`.
        """
        require(policy.decide_cosignature(principal, None))
        signature, key = await log.witness_of(db_session, data.cosignature)
        require(policy.decide_cosignature(principal, key.agency_id))
        row, created = await log.add_cosignature(
            db_session, principal.actor, data.size, signature, key
        )
        return Response(_cosignature(row), status_code=201 if created else 200)


class WitnessKeyController(Controller):
    path = "/api/agencies/{agency_id:uuid}/witness-key"
    tags = ["audit"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012

    @put("/", name="agencies:witness-key")
    async def register(
        self,
        principal: Principal,
        agency_id: uuid.UUID,
        data: schemas.WitnessKeyIn,
        db_session: AsyncSession,
    ) -> schemas.WitnessKeyOut:
        """Register (or replace) the agency's witness public key.

        Admins only (403 for everyone else); 404 for an unknown agency; 422 for a key that is
        not a cosignature/v1 verifier key; 409 when another agency registered the same key.
        The agency keeps the private key. Audited as `agency.witness_key.set`.
        """
        require(policy.decide_witness_key(principal))
        await agencies.get_agency(db_session, agency_id)
        row = await log.register_witness_key(db_session, principal.actor, agency_id, data.vkey)
        return schemas.WitnessKeyOut.model_validate(row)

    @get("/", name="agencies:witness-key-show")
    async def show(self, agency_id: uuid.UUID, db_session: AsyncSession) -> schemas.WitnessKeyOut:
        """The agency's registered witness public key.

        Any signed-in user (it is public, like the log's key); 404 for an unknown agency or
        one without a witness key. Changes nothing.
        """
        await agencies.get_agency(db_session, agency_id)
        row = await db_session.get(WitnessKey, agency_id)
        if row is None:
            raise NotFound(log.NO_WITNESS_KEY())
        return schemas.WitnessKeyOut.model_validate(row)
