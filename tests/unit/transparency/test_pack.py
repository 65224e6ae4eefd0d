"""The audit pack written by `transparency.pack` and checked by `transparency.pack_verify`:
a pack verifies; each kind of tampering is named; any changed byte fails it."""

from __future__ import annotations

import base64
import hashlib
import io
import itertools
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transparency import COSIGNATURE_V1, Checkpoint, SignerKey, cosign, sign_checkpoint
from transparency.events import GENESIS_HASH, event_bytes, event_hash
from transparency.merkle import leaf_hash, tree_root
from transparency.pack import CHECKPOINT, CONSISTENCY, EVENTS, PackWriter
from transparency.pack_verify import Report, read_trusted_keys, verify_pack
from transparency.proofs import MemoryTree, consistency_proof

ORIGIN = "cofund.test/audit"
LOG = SignerKey.generate(ORIGIN)
JST = SignerKey.generate("witness.jst.test", COSIGNATURE_V1)
NAF = SignerKey.generate("witness.nafosted.test", COSIGNATURE_V1)
DOCUMENT = b"%PDF-1.7 the signed agreement\n" * 50


def chain(count: int) -> list[dict[str, Any]]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, count + 1):
        event = {
            "seq": seq,
            "occurred_at": f"2026-12-01T10:00:{seq % 60:02d}.000000Z",
            "actor_id": None,
            "actor_label": "system",
            "action": "call.create",
            "entity_type": "call",
            "entity_id": str(seq),
            "changes": {"title": [None, f'Call {seq}, "quoted"\nline']},
            "request_id": None,
            "prev_hash": prev,
        }
        event["hash"] = prev = event_hash(event)
        events.append(event)
    return events


def note_for(events: list[dict[str, Any]], *witnesses: SignerKey) -> str:
    root = tree_root([leaf_hash(event_bytes(e)) for e in events])
    note = sign_checkpoint(Checkpoint(ORIGIN, len(events), root), LOG)
    for key in witnesses:
        note = note.with_signatures(cosign(note, key, 1_800_000_000))
    return str(note)


@dataclass
class Parts:
    events: list[dict[str, Any]]
    checkpoint: str
    consistency: dict[str, Any] | None = None
    document: bytes = DOCUMENT
    recorded: str = hashlib.sha256(DOCUMENT).hexdigest()
    lines: list[bytes] | None = None


def write(path: Path, parts: Parts) -> Path:
    with path.open("wb") as sink:
        writer = PackWriter(sink)
        with writer.member("datasets/calls.csv", "dataset", header_rows=1) as member:
            member.write(b'code,title\nJV-1,"Two\nlines"\n')
            member.write(b"JV-2,plain\n")
        with writer.member(EVENTS, "events", header_rows=0) as member:
            lines = parts.lines or [json.dumps(e).encode() + b"\n" for e in parts.events]
            for line in lines:
                member.write(line)
        with writer.member(CHECKPOINT, "checkpoint") as member:
            member.write(parts.checkpoint.encode())
        if parts.consistency is not None:
            with writer.member(CONSISTENCY, "consistency") as member:
                member.write(json.dumps(parts.consistency).encode())
        with writer.member("documents/doc-1", "document", recorded_sha256=parts.recorded) as member:
            member.write(parts.document)
        writer.finish({"exporter": {"label": "auditor@test"}, "filters": {}}, LOG)
    return path


TRUST = read_trusted_keys(
    f"# the log and both witnesses\n{LOG.verifier()}\n\n{JST.verifier()}\n{NAF.verifier()}\n"
)


def good(tmp_path: Path, count: int = 5) -> Path:
    events = chain(count)
    return write(tmp_path / "pack.zip", Parts(events, note_for(events, JST, NAF)))


def problems(report: Report) -> list[str]:
    return [str(p) for p in report.problems]


def test_a_written_pack_verifies_with_its_counts(tmp_path: Path) -> None:
    report = verify_pack(good(tmp_path), TRUST)

    assert problems(report) == []
    assert report.summary() == (
        "audit pack verified: 5 events (tree size 5), 4 files, 1 documents, 3 signatures "
        "(cofund.test/audit, witness.jst.test, witness.nafosted.test)"
    )


def test_the_manifest_lists_sizes_hashes_and_rows(tmp_path: Path) -> None:
    path = good(tmp_path)
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = archive.namelist()

    assert names == [
        "datasets/calls.csv",
        EVENTS,
        CHECKPOINT,
        "documents/doc-1",
        "manifest.json",
        "manifest.sig",
    ]
    assert manifest["format"] == "cofund-audit-pack/1"
    assert manifest["files"][0] == {
        "path": "datasets/calls.csv",
        "kind": "dataset",
        "size": 39,
        "sha256": hashlib.sha256(b'code,title\nJV-1,"Two\nlines"\nJV-2,plain\n').hexdigest(),
        "rows": 2,
    }
    assert manifest["files"][1]["rows"] == 5
    assert manifest["files"][3]["recorded_sha256"] == hashlib.sha256(DOCUMENT).hexdigest()


def rewrite(path: Path, name: str, data: bytes | None) -> None:
    """Replace (or drop, with None) one member, keeping the zip well formed."""
    with zipfile.ZipFile(path) as archive:
        members = [(i.filename, archive.read(i)) for i in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for filename, content in members:
            if filename != name:
                archive.writestr(filename, content)
            elif data is not None:
                archive.writestr(filename, data)


def test_a_truncated_pack_is_reported(tmp_path: Path) -> None:
    path = good(tmp_path)
    path.write_bytes(path.read_bytes()[:-100])

    assert problems(verify_pack(path, TRUST)) == [
        "pack.zip: not a readable zip archive (File is not a zip file)"
    ]


def test_a_changed_file_is_named(tmp_path: Path) -> None:
    path = good(tmp_path)
    rewrite(path, "datasets/calls.csv", b'code,title\nJV-1,"Two\nlines"\nJV-2,plaiN\n')

    found = problems(verify_pack(path, TRUST))

    assert "datasets/calls.csv: SHA-256 differs from the manifest's (the file was changed)" in (
        found
    )


def test_a_missing_file_and_an_added_file_are_named(tmp_path: Path) -> None:
    path = good(tmp_path)
    rewrite(path, "datasets/calls.csv", None)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("datasets/extra.csv", b"x\n")

    found = problems(verify_pack(path, TRUST))

    assert "datasets/calls.csv: is listed in the manifest but missing from the pack" in found
    assert "datasets/extra.csv: is not listed in the manifest (an added file)" in found


def test_reordered_events_are_named(tmp_path: Path) -> None:
    events = chain(4)
    lines = [json.dumps(e).encode() + b"\n" for e in events]
    lines[1], lines[2] = lines[2], lines[1]
    path = write(tmp_path / "pack.zip", Parts(events, note_for(events), lines=lines))

    assert problems(verify_pack(path, TRUST)) == [
        f"{EVENTS} line 2: event seq 3 where 2 was expected"
    ]


def test_an_edited_event_is_named(tmp_path: Path) -> None:
    events = chain(4)
    note = note_for(events)
    events[2]["actor_label"] = "someone else"
    path = write(tmp_path / "pack.zip", Parts(events, note))

    assert problems(verify_pack(path, TRUST)) == [
        "event 3: content does not match its hash (edited)"
    ]


def test_an_edited_event_with_the_chain_rehashed_fails_the_signed_root(tmp_path: Path) -> None:
    events = chain(4)
    note = note_for(events)
    events[2]["actor_label"] = "someone else"
    for before, event in itertools.pairwise(events[1:]):
        event["prev_hash"] = before["hash"]
        event["hash"] = event_hash(event)
    path = write(tmp_path / "pack.zip", Parts(events, note))

    assert problems(verify_pack(path, TRUST)) == [
        f"{EVENTS}: the Merkle root of the events differs from the signed checkpoint's "
        "(events were rewritten, even if the chain was re-hashed)"
    ]


def test_a_forged_cosignature_is_named(tmp_path: Path) -> None:
    events = chain(3)
    forger = SignerKey("witness.jst.test", COSIGNATURE_V1, b"\x07" * 32)
    note = note_for(events, JST)
    lines = note.rstrip("\n").split("\n")
    forged = note_for(events, forger).rstrip("\n").split("\n")[-1]
    # The forger's line claims JST's key id: keep JST's id, put the forger's signature.
    genuine = base64.b64decode(lines[-1].split(" ")[-1])
    fake = base64.b64decode(forged.split(" ")[-1])
    lines[-1] = "— witness.jst.test " + base64.b64encode(genuine[:4] + fake[4:]).decode()
    path = write(tmp_path / "pack.zip", Parts(events, "\n".join(lines) + "\n"))

    assert problems(verify_pack(path, TRUST)) == [
        f"{CHECKPOINT} signature witness.jst.test: does not verify (forged or altered)"
    ]


def test_a_log_key_not_trusted_is_named(tmp_path: Path) -> None:
    path = good(tmp_path)
    others = read_trusted_keys(f"{SignerKey.generate(ORIGIN).verifier()}\n{JST.verifier()}\n")

    found = problems(verify_pack(path, others))

    assert f"{CHECKPOINT}: not signed by a trusted key of the log {ORIGIN}" in found
    assert "manifest.sig: no signature by a trusted log key" in found
    assert any(p.startswith(f"{CHECKPOINT} signature witness.nafosted.test: key id") for p in found)


def test_a_changed_document_is_named(tmp_path: Path) -> None:
    events = chain(2)
    changed = DOCUMENT.replace(b"signed", b"SIGNED")
    path = write(tmp_path / "pack.zip", Parts(events, note_for(events), document=changed))

    assert problems(verify_pack(path, TRUST)) == [
        "documents/doc-1: bytes differ from the SHA-256 recorded when it was uploaded"
    ]


def test_a_consistency_proof_from_an_earlier_checkpoint_verifies(tmp_path: Path) -> None:
    events = chain(7)
    leaves = [leaf_hash(event_bytes(e)) for e in events]
    proof = consistency_proof(3, 7, MemoryTree(leaves))
    body = {
        "old_checkpoint": note_for(events[:3]),
        "hashes": [base64.b64encode(h).decode() for h in proof],
    }
    path = write(tmp_path / "pack.zip", Parts(events, note_for(events), consistency=body))

    assert problems(verify_pack(path, TRUST)) == []


def test_a_checkpoint_from_a_forked_log_fails_the_consistency_proof(tmp_path: Path) -> None:
    events = chain(7)
    other = chain(3)
    other[0]["actor_label"] = "fork"
    leaves = [leaf_hash(event_bytes(e)) for e in events]
    body = {
        "old_checkpoint": note_for(other),
        "hashes": [
            base64.b64encode(h).decode() for h in consistency_proof(3, 7, MemoryTree(leaves))
        ],
    }
    path = write(tmp_path / "pack.zip", Parts(events, note_for(events), consistency=body))

    found = problems(verify_pack(path, TRUST))

    assert len(found) == 1
    assert found[0].startswith(f"{CONSISTENCY}: the log did not only grow from size 3 to 7")


def test_an_unreadable_trust_line_says_which() -> None:
    with pytest.raises(ValueError, match="line 2 is not a verifier key"):
        read_trusted_keys(f"{LOG.verifier()}\nnot-a-key\n")


@pytest.fixture(scope="module")
def pack_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return good(tmp_path_factory.mktemp("pack"), count=3).read_bytes()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_any_changed_byte_fails_the_pack(
    pack_bytes: bytes, tmp_path: Path, position: int, flip: int
) -> None:
    data = bytearray(pack_bytes)
    data[position % len(data)] ^= flip
    path = tmp_path / "tampered.zip"
    path.write_bytes(bytes(data))

    assert not verify_pack(path, TRUST).ok


def test_every_byte_position_is_covered(pack_bytes: bytes, tmp_path: Path) -> None:
    path = tmp_path / "tampered.zip"
    missed = []
    for position in range(len(pack_bytes)):
        data = bytearray(pack_bytes)
        data[position] ^= 0x01
        path.write_bytes(bytes(data))
        if verify_pack(path, TRUST).ok:
            missed.append(position)

    assert missed == []


def test_the_pack_is_a_function_of_its_members(tmp_path: Path) -> None:
    events = chain(3)
    parts = Parts(events, note_for(events))
    first = write(tmp_path / "a.zip", parts).read_bytes()
    second = write(tmp_path / "b.zip", parts).read_bytes()

    # Ed25519 signatures are deterministic, so even the manifest's signature repeats.
    assert io.BytesIO(first).getvalue() == second
