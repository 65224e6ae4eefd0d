"""Trees of random sizes up to 2,000 leaves: the incremental root is MTH, every inclusion and
consistency proof verifies, proofs served from the nodes appends report are the same, and
any changed byte of a proof, leaf hash or root is refused."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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

MAX_SIZE = 2000
sizes = st.integers(min_value=1, max_value=MAX_SIZE)


# Leaf i is the same in every tree, so one list, one memoised tree and the incremental root at
# every size serve all examples (a tree of size n only ever asks for subtrees below n).
LEAVES = tuple(leaf_hash(b"event %d" % i) for i in range(MAX_SIZE))
TREE = MemoryTree(LEAVES)


def incremental_roots() -> tuple[bytes, ...]:
    state, found = TreeState(), [TreeState().root()]
    for leaf in LEAVES:
        state.append(leaf)
        found.append(state.root())
    return tuple(found)


ROOTS = incremental_roots()


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=MAX_SIZE))
def test_incremental_root_is_mth(size: int) -> None:
    assert ROOTS[size] == tree_root(LEAVES[:size])


@settings(max_examples=15, deadline=None)
@given(sizes)
def test_every_inclusion_proof_verifies(size: int) -> None:
    for index in range(size):
        proof = inclusion_proof(index, size, TREE)
        assert verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size]) is True


@settings(max_examples=15, deadline=None)
@given(sizes)
def test_every_consistency_proof_verifies(size2: int) -> None:
    for size1 in range(1, size2 + 1):
        proof = consistency_proof(size1, size2, TREE)
        assert verify_consistency(size1, size2, proof, ROOTS[size1], ROOTS[size2]) is True


@settings(max_examples=30, deadline=None)
@given(sizes, st.data())
def test_proofs_from_the_nodes_appends_report_equal_the_memory_trees(
    size: int, data: st.DataObject
) -> None:
    # What a database-backed log stores: each leaf hash, and every node an append completes.
    state, stored = TreeState(), {}
    for index, leaf in enumerate(LEAVES[:size]):
        stored[(index, index + 1)] = leaf
        stored.update({(node.start, node.end): node.hash for node in state.append(leaf)})
    index = data.draw(st.integers(0, size - 1))
    size1 = data.draw(st.integers(1, size))

    def lookup(start: int, end: int) -> bytes:
        return stored[(start, end)]

    assert inclusion_proof(index, size, lookup) == inclusion_proof(index, size, TREE)
    assert consistency_proof(size1, size, lookup) == consistency_proof(size1, size, TREE)
    assert len(stored) == 2 * size - size.bit_count()


@settings(max_examples=200, deadline=None)
@given(sizes, st.data())
def test_any_changed_byte_of_an_inclusion_proof_is_refused(size: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, size - 1), label="index")
    proof = inclusion_proof(index, size, TREE)
    leaf, root = LEAVES[index], ROOTS[size]
    parts = [leaf, root, *proof]
    target = data.draw(st.integers(0, len(parts) - 1), label="part")
    position = data.draw(st.integers(0, 31), label="byte")
    mask = data.draw(st.integers(1, 255), label="mask")
    changed = bytearray(parts[target])
    changed[position] ^= mask
    parts[target] = bytes(changed)

    with pytest.raises(ProofError) as refused:
        verify_inclusion(parts[0], index, size, parts[2:], parts[1])

    assert refused.value.code == "merkle.proof.root_mismatch"


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=2, max_value=MAX_SIZE), st.data())
def test_any_changed_byte_of_a_consistency_proof_is_refused(
    size2: int, data: st.DataObject
) -> None:
    size1 = data.draw(st.integers(1, size2 - 1), label="size1")
    proof = consistency_proof(size1, size2, TREE)
    parts = [ROOTS[size1], ROOTS[size2], *proof]
    target = data.draw(st.integers(0, len(parts) - 1), label="part")
    position = data.draw(st.integers(0, 31), label="byte")
    mask = data.draw(st.integers(1, 255), label="mask")
    changed = bytearray(parts[target])
    changed[position] ^= mask
    parts[target] = bytes(changed)

    with pytest.raises(ProofError) as refused:
        verify_consistency(size1, size2, parts[2:], parts[0], parts[1])

    assert refused.value.code == "merkle.proof.root_mismatch"


@settings(max_examples=50, deadline=None)
@given(sizes, st.data())
def test_a_stored_state_carries_on_as_if_never_stored(size: int, data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, size))
    state = TreeState()
    for leaf in LEAVES[:cut]:
        state.append(leaf)

    restored = TreeState.from_bytes(state.to_bytes())
    for leaf in LEAVES[cut:size]:
        restored.append(leaf)

    assert (restored.size, restored.root()) == (size, ROOTS[size])
