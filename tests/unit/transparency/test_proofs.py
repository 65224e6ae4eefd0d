"""Proofs asked for outside the tree, and proofs that do not verify, name their reason."""

from __future__ import annotations

import pytest

from transparency import (
    MemoryTree,
    ProofError,
    TreeState,
    consistency_proof,
    consistency_ranges,
    inclusion_proof,
    inclusion_ranges,
    leaf_hash,
    perfect_subtrees,
    verify_consistency,
    verify_inclusion,
)

LEAVES = [leaf_hash(b"%d" % i) for i in range(7)]
TREE = MemoryTree(LEAVES)


def root(size: int) -> bytes:
    state = TreeState()
    for leaf in LEAVES[:size]:
        state.append(leaf)
    return state.root()


def refusal(error: pytest.ExceptionInfo[ProofError]) -> tuple[str, dict[str, object]]:
    return error.value.code, dict(error.value.params)


def test_ranges_of_an_inclusion_proof_in_a_tree_of_seven() -> None:
    # Leaf 4 of 7: its sibling 5, then the right edge's lone leaf 6, then the left half.
    assert inclusion_ranges(4, 7) == [(5, 6), (6, 7), (0, 4)]


def test_ranges_of_a_consistency_proof_from_three_to_seven() -> None:
    assert consistency_ranges(3, 7) == [(2, 3), (3, 4), (0, 2), (4, 7)]


def test_a_node_splits_into_perfect_subtrees_largest_first() -> None:
    assert perfect_subtrees(8, 15) == [(8, 12), (12, 14), (14, 15)]


@pytest.mark.parametrize(("index", "size"), [(7, 7), (-1, 7), (0, 0)])
def test_inclusion_proof_outside_the_tree_is_refused(index: int, size: int) -> None:
    with pytest.raises(ProofError) as refused:
        inclusion_proof(index, size, TREE)

    assert refusal(refused) == (
        "merkle.proof.index_out_of_range",
        {"index": index, "size": size},
    )


@pytest.mark.parametrize(
    ("size1", "size2", "code"),
    [(5, 4, "merkle.proof.sizes_reversed"), (0, 4, "merkle.proof.empty_tree")],
)
def test_consistency_proof_between_impossible_sizes_is_refused(
    size1: int, size2: int, code: str
) -> None:
    with pytest.raises(ProofError) as refused:
        consistency_proof(size1, size2, TREE)

    assert refusal(refused) == (code, {"size1": size1, "size2": size2})


def test_consistency_between_equal_sizes_is_the_empty_proof() -> None:
    assert consistency_proof(5, 5, TREE) == []
    assert verify_consistency(5, 5, [], root(5), root(5)) is True


def test_inclusion_proof_one_node_short_is_refused_by_length() -> None:
    proof = inclusion_proof(4, 7, TREE)

    with pytest.raises(ProofError) as refused:
        verify_inclusion(LEAVES[4], 4, 7, proof[:-1], root(7))

    assert refusal(refused) == ("merkle.proof.wrong_length", {"length": 2, "expected": 3})


def test_inclusion_of_another_leaf_is_refused_by_root() -> None:
    proof = inclusion_proof(4, 7, TREE)

    with pytest.raises(ProofError) as refused:
        verify_inclusion(LEAVES[5], 4, 7, proof, root(7))

    assert refusal(refused) == ("merkle.proof.root_mismatch", {"which": "root", "size": 7})


def test_proof_node_of_the_wrong_length_is_refused() -> None:
    proof = inclusion_proof(4, 7, TREE)

    with pytest.raises(ProofError) as refused:
        verify_inclusion(LEAVES[4], 4, 7, [proof[0], proof[1][:31], proof[2]], root(7))

    assert refusal(refused) == (
        "merkle.proof.bad_hash_length",
        {"what": "proof", "position": 1, "length": 31},
    )


def test_consistency_to_another_tree_or_from_a_rewritten_one_is_refused() -> None:
    proof = consistency_proof(3, 7, TREE)
    rewritten = MemoryTree([leaf_hash(b"edited"), *LEAVES[1:]])

    with pytest.raises(ProofError) as refused:
        verify_consistency(3, 7, proof, root(3), root(6))
    with pytest.raises(ProofError) as forked:
        verify_consistency(3, 7, consistency_proof(3, 7, rewritten), root(3), root(7))

    assert refusal(refused) == ("merkle.proof.root_mismatch", {"which": "root2", "size": 7})
    assert refusal(forked) == ("merkle.proof.root_mismatch", {"which": "root1", "size": 3})


def test_equal_sizes_with_a_proof_are_refused() -> None:
    with pytest.raises(ProofError) as refused:
        verify_consistency(4, 4, [root(4)], root(4), root(4))

    assert refusal(refused) == ("merkle.proof.wrong_length", {"length": 1, "expected": 0})


@pytest.mark.parametrize(("start", "end"), [(1, 3), (0, 3), (4, 12), (0, 8)])
def test_memory_tree_serves_only_perfect_subtrees_it_holds(start: int, end: int) -> None:
    with pytest.raises(ProofError) as refused:
        TREE(start, end)

    assert refusal(refused) == ("merkle.subtree.not_perfect", {"start": start, "end": end})
