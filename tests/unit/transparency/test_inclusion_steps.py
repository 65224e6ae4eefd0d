"""The steps of an inclusion proof, as the auditors' page shows them, end in the tree's root."""

from __future__ import annotations

import pytest

from transparency import (
    MemoryTree,
    ProofError,
    TreeState,
    inclusion_proof,
    inclusion_steps,
    leaf_hash,
    node_hash,
)

LEAVES = [leaf_hash(b"%d" % i) for i in range(7)]
TREE = MemoryTree(LEAVES)


def root(size: int) -> bytes:
    state = TreeState()
    for leaf in LEAVES[:size]:
        state.append(leaf)
    return state.root()


def test_steps_of_leaf_four_of_seven_fold_right_then_left_to_the_root() -> None:
    proof = inclusion_proof(4, 7, TREE)

    steps = inclusion_steps(LEAVES[4], 4, 7, proof)

    first = node_hash(LEAVES[4], LEAVES[5])
    second = node_hash(first, LEAVES[6])
    assert steps == [
        ("right", LEAVES[5], first),
        ("right", LEAVES[6], second),
        ("left", proof[2], root(7)),
    ]


@pytest.mark.parametrize("size", range(1, 8))
def test_steps_of_every_leaf_end_in_the_root_of_a_tree_of(size: int) -> None:
    for index in range(size):
        steps = inclusion_steps(LEAVES[index], index, size, inclusion_proof(index, size, TREE))
        assert (steps[-1][2] if steps else LEAVES[index]) == root(size)


def test_steps_of_a_proof_of_the_wrong_length_are_refused() -> None:
    with pytest.raises(ProofError) as error:
        inclusion_steps(LEAVES[0], 0, 7, [])

    assert (error.value.code, dict(error.value.params)) == (
        "merkle.proof.wrong_length",
        {"length": 0, "expected": 3},
    )
