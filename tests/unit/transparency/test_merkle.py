"""The tree state: appends report the subtrees they complete, a stored state restores exactly,
and a state that cannot be a tree's right edge is refused with its reason."""

from __future__ import annotations

import pytest

from transparency import EMPTY_ROOT, Node, TreeState, TreeStateError, leaf_hash, node_hash

A, B, C, D, E = (leaf_hash(bytes([i])) for i in range(5))


def grown(*leaves: bytes) -> TreeState:
    state = TreeState()
    for leaf in leaves:
        state.append(leaf)
    return state


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    assert TreeState().root().hex() == (
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    )
    assert TreeState().root() == EMPTY_ROOT


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    assert leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    assert node_hash(A, B) != leaf_hash(A + B)


def test_append_reports_each_subtree_it_completes() -> None:
    state = grown(A, B, C)

    completed = state.append(D)

    ab, cd = node_hash(A, B), node_hash(C, D)
    assert completed == [Node(1, 1, cd), Node(2, 0, node_hash(ab, cd))]
    assert [(node.start, node.end) for node in completed] == [(2, 4), (0, 4)]
    assert state.hashes == (node_hash(ab, cd),)


def test_state_keeps_one_hash_per_set_bit_of_the_size() -> None:
    state = grown(A, B, C, D, E)

    ab, cd = node_hash(A, B), node_hash(C, D)
    assert (state.size, state.hashes) == (5, (node_hash(ab, cd), E))
    assert state.root() == node_hash(node_hash(ab, cd), E)


def test_state_round_trips_through_bytes_and_parts() -> None:
    state = grown(A, B, C, D, E)

    assert TreeState.from_bytes(state.to_bytes()) == state
    assert TreeState.restore(state.size, state.hashes) == state
    assert len(state.to_bytes()) == 8 + 2 * 32


def test_copy_is_independent() -> None:
    state = grown(A, B, C)
    copy = state.copy()

    copy.append(D)

    assert (state.size, copy.size) == (3, 4)


@pytest.mark.parametrize(
    ("size", "hashes", "code", "params"),
    [
        (5, [A], "merkle.state.wrong_hash_count", {"size": 5, "count": 1, "expected": 2}),
        (-1, [], "merkle.state.bad_size", {"size": -1}),
        (1, [b"short"], "merkle.state.bad_hash", {"position": 0}),
    ],
)
def test_restore_refuses_a_state_no_tree_has(
    size: int, hashes: list[bytes], code: str, params: dict[str, object]
) -> None:
    with pytest.raises(TreeStateError) as refused:
        TreeState.restore(size, hashes)

    assert (refused.value.code, dict(refused.value.params)) == (code, params)


def test_from_bytes_refuses_a_truncated_encoding() -> None:
    data = grown(A, B, C).to_bytes()

    with pytest.raises(TreeStateError) as refused:
        TreeState.from_bytes(data[:-1])

    assert (refused.value.code, dict(refused.value.params)) == (
        "merkle.state.bad_encoding",
        {"length": len(data) - 1},
    )


def test_append_refuses_a_leaf_that_is_not_a_hash() -> None:
    with pytest.raises(TreeStateError) as refused:
        TreeState().append(b"event bytes, not their hash")

    assert refused.value.code == "merkle.state.bad_hash"
