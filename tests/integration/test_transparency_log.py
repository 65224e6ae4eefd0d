"""The transparency log through HTTP: checkpoints grow with the audit events, inclusion and
consistency proofs verify against them with the pure library, bad requests are 4xx problems."""

from __future__ import annotations

import base64
import random

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import chain, log_key, tree
from grants.db.models import AuditEvent, LogCheckpoint, MerkleNode
from grants.settings import Settings
from tests.factories import bearer, make_user
from tests.factories_tlog import append_events, make_witness
from tests.support.problems import problem
from transparency import (
    Checkpoint,
    leaf_hash,
    open_checkpoint,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

Client = httpx.AsyncClient


def _b64(value: str) -> bytes:
    return base64.b64decode(value, validate=True)


async def _leaves(db: AsyncSession) -> list[bytes]:
    rows = await db.scalars(select(AuditEvent).order_by(AuditEvent.seq))
    return [leaf_hash(chain.event_bytes(r)) for r in rows]


async def _sign(client: Client, admin: dict[str, str]) -> httpx.Response:
    return await client.post("/api/audit/checkpoints", headers=admin)


async def _checkpoint(client: Client, headers: dict[str, str], settings: Settings) -> Checkpoint:
    response = await client.get("/api/audit/checkpoint", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    checkpoint, _, _ = open_checkpoint(response.text, log_key.verifier(settings))
    return checkpoint


async def test_checkpoint_grows_as_events_are_appended(
    client: Client, db: AsyncSession, settings: Settings
) -> None:
    admin = await bearer(db, await make_user(db, "admin"))
    auditor = await bearer(db, await make_user(db, "auditor"))
    await append_events(db, 3)
    first = await _sign(client, admin)
    await append_events(db, 5)
    second = await _sign(client, admin)
    again = await _sign(client, admin)

    leaves = await _leaves(db)
    latest = await _checkpoint(client, auditor, settings)
    assert (first.status_code, second.status_code, again.status_code) == (201, 201, 200)
    assert second.json()["size"] - first.json()["size"] == 5
    assert again.json() == second.json()
    assert (latest.origin, latest.size, latest.root) == (
        "cofund.example/audit",
        len(leaves),
        tree_root(leaves),
    )
    assert second.json() | {"signed_at": None} == {
        "origin": "cofund.example/audit",
        "size": len(leaves),
        "root": base64.b64encode(tree_root(leaves)).decode(),
        "note": (await client.get("/api/audit/checkpoint", headers=auditor)).text,
        "log_key": str(log_key.verifier(settings)),
        "signed_at": None,
        "cosignatures": [],
    }


async def test_inclusion_proofs_of_random_events_verify_against_the_checkpoint(
    client: Client, db: AsyncSession, settings: Settings
) -> None:
    admin = await bearer(db, await make_user(db, "admin"))
    witness = await make_witness(db, "JST")
    officer = witness.headers
    await append_events(db, 37)
    await _sign(client, admin)
    checkpoint = await _checkpoint(client, officer, settings)
    size = checkpoint.size

    for seq in [*random.Random(9162).sample(range(1, size + 1), 12), 1, size]:
        response = await client.get(
            f"/api/audit/proofs/inclusion?seq={seq}&size={size}", headers=officer
        )
        body = response.json()
        event = await db.get_one(AuditEvent, seq)
        assert (response.status_code, sorted(body)) == (
            200,
            ["hashes", "leaf", "leaf_hash", "leaf_index", "seq", "tree_size"],
        )
        assert (body["seq"], body["leaf_index"], body["tree_size"]) == (seq, seq - 1, size)
        assert body["leaf"] == chain.event_bytes(event).decode()
        assert _b64(body["leaf_hash"]) == leaf_hash(body["leaf"].encode())
        hashes = [_b64(h) for h in body["hashes"]]
        assert verify_inclusion(_b64(body["leaf_hash"]), seq - 1, size, hashes, checkpoint.root)


async def test_consistency_between_two_checkpoints_verifies(
    client: Client, db: AsyncSession, settings: Settings
) -> None:
    admin = await bearer(db, await make_user(db, "admin"))
    auditor = await bearer(db, await make_user(db, "auditor"))
    await append_events(db, 6)
    await _sign(client, admin)
    old = await _checkpoint(client, auditor, settings)
    for batch in (1, 4, 9):
        await append_events(db, batch)
    await _sign(client, admin)
    new = await _checkpoint(client, auditor, settings)

    response = await client.get(
        f"/api/audit/proofs/consistency?from={old.size}&to={new.size}", headers=auditor
    )
    same = await client.get(
        f"/api/audit/proofs/consistency?from={new.size}&to={new.size}", headers=auditor
    )

    body = response.json()
    assert (response.status_code, body["from_size"], body["to_size"]) == (200, old.size, new.size)
    hashes = [_b64(h) for h in body["hashes"]]
    assert verify_consistency(old.size, new.size, hashes, old.root, new.root)
    assert same.json() == {"from_size": new.size, "to_size": new.size, "hashes": []}


async def test_the_stored_tree_equals_the_tree_recomputed_after_random_batches(
    db: AsyncSession,
) -> None:
    generator = random.Random(6962)
    for _ in range(12):
        await append_events(db, generator.randint(1, 9))

    leaves = await _leaves(db)
    stored = await db.scalar(select(func.count()).select_from(MerkleNode))

    for size in range(len(leaves) + 1):
        assert await tree.root(db, size) == tree_root(leaves[:size])
    # Each leaf, and each perfect subtree completed: 2n - popcount(n) nodes.
    assert stored == 2 * len(leaves) - len(leaves).bit_count()


async def _refused(
    client: Client, headers: dict[str, str], url: str, code: str, field: str, reason: str
) -> dict[str, object]:
    response = await client.get(url, headers=headers)
    assert response.status_code == 422
    body = problem(response)
    assert [(e["field"], e["code"], e["reason"]) for e in body["errors"]] == [(field, code, reason)]
    return body


async def test_proofs_beyond_the_tree_or_reversed_are_422_naming_the_field(
    client: Client, db: AsyncSession
) -> None:
    auditor = await bearer(db, await make_user(db, "auditor"))
    await append_events(db, 4)
    size = (await db.scalar(select(func.max(AuditEvent.seq)))) or 0
    count_before = await db.scalar(select(func.count()).select_from(AuditEvent))

    beyond = await client.get(f"/api/audit/proofs/inclusion?seq=2&size={size + 1}", headers=auditor)
    seq_beyond = await client.get(
        f"/api/audit/proofs/inclusion?seq={size}&size={size - 1}", headers=auditor
    )
    reversed_ = await client.get(
        f"/api/audit/proofs/consistency?from={size}&to={size - 1}", headers=auditor
    )
    to_beyond = await client.get(
        f"/api/audit/proofs/consistency?from=1&to={size + 3}", headers=auditor
    )

    def invalid(
        instance: str, detail_code: str, errors: list[dict[str, object]]
    ) -> dict[str, object]:
        return {
            "type": "urn:cofund:problem:invalid",
            "title": "Invalid input",
            "status": 422,
            "detail": "This proof cannot be made; see the fields.",
            "instance": instance,
            "code": detail_code,
            "params": {},
            "errors": errors,
        }

    assert problem(beyond) == invalid(
        "/api/audit/proofs/inclusion",
        "audit.proof.invalid",
        [
            {
                "field": "size",
                "reason": f"The log holds {size} events; it has no tree of {size + 1} events yet.",
                "code": "audit.proof.size_beyond_tree",
                "params": {"size": size + 1, "current": size},
            }
        ],
    )
    assert problem(seq_beyond) == invalid(
        "/api/audit/proofs/inclusion",
        "audit.proof.invalid",
        [
            {
                "field": "seq",
                "reason": f"Event {size} is not in a tree of {size - 1} events.",
                "code": "audit.proof.seq_beyond_size",
                "params": {"seq": size, "size": size - 1},
            }
        ],
    )
    assert problem(reversed_) == invalid(
        "/api/audit/proofs/consistency",
        "audit.proof.invalid",
        [
            {
                "field": "from",
                "reason": (
                    f"The old tree ({size} events) cannot be larger than the new one "
                    f"({size - 1} events)."
                ),
                "code": "audit.proof.from_after_to",
                "params": {"size1": size, "size2": size - 1},
            }
        ],
    )
    assert problem(to_beyond)["errors"] == [
        {
            "field": "to",
            "reason": f"The log holds {size} events; it has no tree of {size + 3} events yet.",
            "code": "audit.proof.size_beyond_tree",
            "params": {"size": size + 3, "current": size},
        }
    ]
    assert await db.scalar(select(func.count()).select_from(AuditEvent)) == count_before


async def test_proof_parameters_below_one_are_refused(client: Client, db: AsyncSession) -> None:
    auditor = await bearer(db, await make_user(db, "auditor"))

    response = await client.get("/api/audit/proofs/inclusion?seq=0&size=1", headers=auditor)
    missing = await client.get("/api/audit/proofs/consistency?from=1", headers=auditor)

    assert problem(response) == {
        "type": "urn:cofund:problem:invalid",
        "title": "Invalid input",
        "status": 422,
        "detail": "The request has invalid fields.",
        "instance": "/api/audit/proofs/inclusion",
        "code": "problem.invalid_fields",
        "params": {},
        "errors": [
            {
                "field": "seq",
                "reason": "Give at least 1.",
                "code": "validation.greater_than_equal",
                "params": {"ge": 1},
            }
        ],
    }
    assert (missing.status_code, [e["field"] for e in missing.json()["errors"]]) == (400, ["to"])


async def test_checkpoint_before_the_first_is_404_and_researchers_are_refused(
    client: Client, db: AsyncSession
) -> None:
    auditor = await bearer(db, await make_user(db, "auditor"))
    researcher = await bearer(db, await make_user(db, "researcher"))

    none = await client.get("/api/audit/checkpoint", headers=auditor)
    refused = await client.get("/api/audit/proofs/consistency?from=1&to=1", headers=researcher)
    not_signed = await client.post("/api/audit/checkpoints", headers=auditor)

    assert problem(none) == {
        "type": "urn:cofund:problem:not_found",
        "title": "Not found",
        "status": 404,
        "detail": "The log has signed no checkpoint yet.",
        "instance": "/api/audit/checkpoint",
        "code": "audit.checkpoint.none",
        "params": {},
    }
    assert problem(refused) == {
        "type": "urn:cofund:problem:forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": "Checkpoints and proofs are for auditors, officers and admins.",
        "instance": "/api/audit/proofs/consistency",
        "code": "policy.audit_log.readers_only",
        "params": {},
    }
    assert problem(not_signed)["code"] == "policy.audit_log.signers_only"
    assert await db.scalar(select(func.count()).select_from(LogCheckpoint)) == 0
