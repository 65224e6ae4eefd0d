"""A verifiable log: RFC 9162 Merkle trees, proofs, C2SP signed checkpoints and witnesses.

Pure: the standard library and `cryptography` (Ed25519) only; `grants` imports this package,
never the reverse. The log keeps a `TreeState` (the right edge of its Merkle tree) and appends
leaf hashes to it; it answers `inclusion_proof` and `consistency_proof` from stored subtree
hashes; it publishes its tree head as a `Checkpoint` signed as a C2SP note
(`sign_checkpoint`). Each witness runs `witness_checkpoint`, which cosigns (cosignature/v1)
only a checkpoint consistent with the last one it cosigned. Auditors check everything with
`verify_inclusion`, `verify_consistency` and `open_checkpoint`.
"""

from __future__ import annotations

from transparency.checkpoint import (
    Checkpoint,
    cosign,
    cosignature_time,
    open_checkpoint,
    sign_checkpoint,
)
from transparency.errors import (
    NoteError,
    ProofError,
    TransparencyError,
    TreeStateError,
    WitnessRefusal,
)
from transparency.keys import COSIGNATURE_V1, ED25519, SignerKey, VerifierKey, key_id
from transparency.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    Node,
    TreeState,
    leaf_hash,
    node_hash,
    tree_root,
)
from transparency.note import Note, NoteSignature, parse_note, sign_note, verify_note
from transparency.proofs import (
    MemoryTree,
    SubtreeHash,
    consistency_proof,
    consistency_ranges,
    inclusion_proof,
    inclusion_ranges,
    inclusion_steps,
    perfect_subtrees,
    verify_consistency,
    verify_inclusion,
)
from transparency.witness import Cosigned, WitnessState, witness_checkpoint

__all__ = [
    "COSIGNATURE_V1",
    "ED25519",
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Checkpoint",
    "Cosigned",
    "MemoryTree",
    "Node",
    "Note",
    "NoteError",
    "NoteSignature",
    "ProofError",
    "SignerKey",
    "SubtreeHash",
    "TransparencyError",
    "TreeState",
    "TreeStateError",
    "VerifierKey",
    "WitnessRefusal",
    "WitnessState",
    "consistency_proof",
    "consistency_ranges",
    "cosign",
    "cosignature_time",
    "inclusion_proof",
    "inclusion_ranges",
    "inclusion_steps",
    "key_id",
    "leaf_hash",
    "node_hash",
    "open_checkpoint",
    "parse_note",
    "perfect_subtrees",
    "sign_checkpoint",
    "sign_note",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
    "verify_note",
    "witness_checkpoint",
]
