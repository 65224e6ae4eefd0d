"""The stored tree grown batch by batch (as appends grow it) is the tree recomputed from all
leaves: the same root at every size, and exactly the perfect subtrees a proof reads."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from grants.audit.tree import grow
from transparency import MemoryTree, TreeState, leaf_hash, tree_root

batches = st.lists(
    st.lists(st.binary(max_size=24), min_size=1, max_size=9), min_size=1, max_size=12
)


@settings(max_examples=150, deadline=None)
@given(batches)
def test_incremental_growth_equals_the_recomputed_tree(chunks: list[list[bytes]]) -> None:
    stored: dict[tuple[int, int], bytes] = {}
    leaves: list[bytes] = []
    for chunk in chunks:
        edge = TreeState.restore(len(leaves), _edge_hashes(stored, len(leaves)))
        for node in grow(edge, chunk):
            assert (node.level, node.index) not in stored  # append-only: nothing rewritten
            stored[(node.level, node.index)] = node.hash
        leaves.extend(leaf_hash(data) for data in chunk)
        assert edge.root() == tree_root(leaves)

    reference = MemoryTree(leaves)
    assert stored == {
        (level, index): reference(index << level, (index + 1) << level)
        for level in range(len(leaves).bit_length())
        for index in range(len(leaves) >> level)
    }


def _edge_hashes(stored: dict[tuple[int, int], bytes], size: int) -> list[bytes]:
    hashes, start = [], 0
    for level in reversed(range(size.bit_length())):
        if size >> level & 1:
            hashes.append(stored[(level, start >> level)])
            start += 1 << level
    return hashes
