"""The RFC 6962 test vectors of transparency-dev/merkle (../shared/standards/merkle/): every
root, every happy-path proof verifies and is the proof we generate, every mutation is refused."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.standards import SHARED, VENDORED, standards_dir
from transparency import (
    MemoryTree,
    ProofError,
    TreeState,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

MERKLE = standards_dir("merkle")
ROOTS = json.loads((MERKLE / "roots.json").read_text())
LEAVES = [leaf_hash(bytes.fromhex(data)) for data in ROOTS["leaf_inputs_hex"]]
INCLUSION = sorted((MERKLE / "inclusion").rglob("*.json"))
CONSISTENCY = sorted((MERKLE / "consistency").rglob("*.json"))


def vector_id(path: Path) -> str:
    return str(path.relative_to(MERKLE))


def load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text())


def b64(value: str) -> bytes:
    return base64.b64decode(value)


def proof_of(vector: dict[str, Any]) -> list[bytes]:
    return [b64(node) for node in vector["proof"] or []]


def check_inclusion(vector: dict[str, Any]) -> bool:
    return verify_inclusion(
        b64(vector["leafHash"]),
        vector["leafIdx"],
        vector["treeSize"],
        proof_of(vector),
        b64(vector["root"]),
    )


def check_consistency(vector: dict[str, Any]) -> bool:
    return verify_consistency(
        vector["size1"],
        vector["size2"],
        proof_of(vector),
        b64(vector["root1"]),
        b64(vector["root2"]),
    )


def test_vector_files_are_all_there() -> None:
    # 5 + 5 happy paths, 196 proofs in all at transparency-dev/merkle 417fb0c3: a directory
    # that lost files must not pass by running fewer cases.
    happy = [p for p in INCLUSION + CONSISTENCY if p.name == "happy-path.json"]

    assert (len(happy), len(INCLUSION), len(CONSISTENCY)) == (10, 98, 98)


@pytest.mark.parametrize("size", range(len(ROOTS["root_hashes_hex_by_size"])))
def test_root_of_every_size_matches_both_ways(size: int) -> None:
    state = TreeState()
    for leaf in LEAVES[:size]:
        state.append(leaf)

    want = ROOTS["root_hashes_hex_by_size"][size]
    assert (tree_root(LEAVES[:size]).hex(), state.root().hex()) == (want, want)


@pytest.mark.parametrize("path", INCLUSION, ids=vector_id)
def test_inclusion_vector(path: Path) -> None:
    vector = load(path)

    if vector["wantErr"]:
        with pytest.raises(ProofError):
            check_inclusion(vector)
    else:
        assert check_inclusion(vector) is True


@pytest.mark.parametrize("path", CONSISTENCY, ids=vector_id)
def test_consistency_vector(path: Path) -> None:
    vector = load(path)

    if vector["wantErr"]:
        with pytest.raises(ProofError):
            check_consistency(vector)
    else:
        assert check_consistency(vector) is True


@pytest.mark.parametrize(
    "path", [p for p in INCLUSION if p.name == "happy-path.json"], ids=vector_id
)
def test_generated_inclusion_proof_is_the_vectors(path: Path) -> None:
    vector = load(path)

    proof = inclusion_proof(vector["leafIdx"], vector["treeSize"], MemoryTree(LEAVES))

    assert proof == proof_of(vector)


@pytest.mark.parametrize(
    "path", [p for p in CONSISTENCY if p.name == "happy-path.json"], ids=vector_id
)
def test_generated_consistency_proof_is_the_vectors(path: Path) -> None:
    vector = load(path)

    proof = consistency_proof(vector["size1"], vector["size2"], MemoryTree(LEAVES))

    assert proof == proof_of(vector)


@pytest.mark.skipif(not SHARED.is_dir(), reason="no ../shared/standards beside this clone")
def test_the_vendored_vectors_are_the_shared_ones() -> None:
    def files(root: Path) -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}

    assert files(VENDORED / "merkle") == files(SHARED / "merkle")
