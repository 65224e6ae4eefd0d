"""Inclusion and consistency proofs: generation over any store of subtree hashes, and their
verification by RFC 9162 §2.1.3.2 and §2.1.4.2.

Generation is split in two so the log can fetch in one query: `inclusion_ranges` and
`consistency_ranges` name the tree nodes a proof is made of (as leaf ranges [start, end)),
`perfect_subtrees` breaks each into aligned perfect subtrees, and `inclusion_proof` /
`consistency_proof` hash them through a `SubtreeHash` the caller provides: a function from an
aligned perfect range to its hash (a stored interior node, a leaf hash, or `MemoryTree`).

Verification returns True or raises ProofError naming the rule broken; it never returns False,
so a forgotten `if` cannot accept a bad proof.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from transparency.errors import ProofError
from transparency.merkle import HASH_SIZE, node_hash, split_point

__all__ = [
    "MemoryTree",
    "SubtreeHash",
    "consistency_proof",
    "consistency_ranges",
    "inclusion_proof",
    "inclusion_ranges",
    "inclusion_steps",
    "perfect_subtrees",
    "verify_consistency",
    "verify_inclusion",
]

# (start, end) -> the hash of leaves [start, end); end - start is a power of two dividing start.
SubtreeHash = Callable[[int, int], bytes]

Range = tuple[int, int]


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The nodes of PATH(index, D[size]), leaf to root: the sibling of each node on the path."""
    if not 0 <= index < size:
        raise ProofError("merkle.proof.index_out_of_range", index=index, size=size)
    path: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        middle = start + split_point(end - start)
        if index < middle:
            path.append((middle, end))
            end = middle
        else:
            path.append((start, middle))
            start = middle
    path.reverse()
    return path


def consistency_ranges(size1: int, size2: int) -> list[Range]:
    """The nodes of PROOF(size1, D[size2]) (RFC 9162 §2.1.4.1), deepest first.

    The empty tree is consistent with every tree and has no proof: size1 = 0 is refused, as
    is size1 > size2. Equal sizes have the empty proof.
    """
    if size1 > size2:
        raise ProofError("merkle.proof.sizes_reversed", size1=size1, size2=size2)
    if size1 <= 0:
        raise ProofError("merkle.proof.empty_tree", size1=size1, size2=size2)
    proof: list[Range] = []
    start, end, m, whole = 0, size2, size1, True
    while m < end - start:
        k = split_point(end - start)
        if m <= k:
            proof.append((start + k, end))
            end = start + k
        else:
            proof.append((start, start + k))
            start, m, whole = start + k, m - k, False
    # The old tree's own node is implied only when it is the whole old tree (the flag b).
    if not whole:
        proof.append((start, end))
    proof.reverse()
    return proof


def perfect_subtrees(start: int, end: int) -> list[Range]:
    """Split the node [start, end) into aligned perfect subtrees, left to right (largest first).

    MTH splits at the largest power of two below the size, so a node's leaves decompose as the
    binary digits of its size, from the most significant.
    """
    pieces: list[Range] = []
    while start < end:
        width = 1 << ((end - start).bit_length() - 1)
        pieces.append((start, start + width))
        start += width
    return pieces


def range_hash(start: int, end: int, subtree: SubtreeHash) -> bytes:
    """MTH of the node [start, end), folded from its perfect subtrees right to left."""
    pieces = perfect_subtrees(start, end)
    current = subtree(*pieces[-1])
    for piece in reversed(pieces[:-1]):
        current = node_hash(subtree(*piece), current)
    return current


def inclusion_proof(index: int, size: int, subtree: SubtreeHash) -> list[bytes]:
    """PATH(index, D[size]): the audit path proving leaf `index` is in the tree of `size`."""
    return [range_hash(start, end, subtree) for start, end in inclusion_ranges(index, size)]


def consistency_proof(size1: int, size2: int, subtree: SubtreeHash) -> list[bytes]:
    """PROOF(size1, D[size2]): the proof that the tree of `size1` is a prefix of `size2`."""
    return [range_hash(start, end, subtree) for start, end in consistency_ranges(size1, size2)]


class MemoryTree:
    """A `SubtreeHash` over a list of leaf hashes, each interior hash computed once.

    For tests, tools and small logs; a database-backed log serves the same function from the
    interior nodes `TreeState.append` reports.
    """

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        self._leaves = leaf_hashes
        self._interior: dict[Range, bytes] = {}

    def __call__(self, start: int, end: int) -> bytes:
        width = end - start
        if width <= 0 or width & (width - 1) or start % width or end > len(self._leaves):
            raise ProofError("merkle.subtree.not_perfect", start=start, end=end)
        if width == 1:
            return self._leaves[start]
        cached = self._interior.get((start, end))
        if cached is None:
            middle = start + width // 2
            cached = node_hash(self(start, middle), self(middle, end))
            self._interior[(start, end)] = cached
        return cached


def _check_hashes(what: str, hashes: Sequence[bytes]) -> None:
    for position, value in enumerate(hashes):
        if len(value) != HASH_SIZE:
            raise ProofError(
                "merkle.proof.bad_hash_length", what=what, position=position, length=len(value)
            )


def _check_length(proof: Sequence[bytes], expected: int) -> None:
    if len(proof) != expected:
        raise ProofError("merkle.proof.wrong_length", length=len(proof), expected=expected)


def verify_inclusion(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """True when `proof` shows leaf `index` with hash `leaf_hash` in the tree (`size`, `root`).

    Raises ProofError: merkle.proof.index_out_of_range, .bad_hash_length, .wrong_length,
    .root_mismatch.
    """
    expected = len(inclusion_ranges(index, size))
    _check_hashes("leaf", [leaf_hash])
    _check_hashes("proof", proof)
    _check_length(proof, expected)
    fn, sn, current = index, size - 1, leaf_hash
    for sibling in proof:
        if sn == 0:
            raise ProofError("merkle.proof.wrong_length", length=len(proof), expected=expected)
        if fn & 1 or fn == sn:
            current = node_hash(sibling, current)
            # On the right edge a left child may have no sibling: climb until it is a right one.
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            current = node_hash(current, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("merkle.proof.wrong_length", length=len(proof), expected=expected)
    if current != root:
        raise ProofError("merkle.proof.root_mismatch", which="root", size=size)
    return True


def inclusion_steps(
    leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes]
) -> list[tuple[str, bytes, bytes]]:
    """The fold of `verify_inclusion`, one step per proof hash, for a person to follow: which
    side the sibling sits on (`left` or `right`), the sibling, and the hash it makes. The last
    step's hash is the root. Check the proof with `verify_inclusion`; this only explains it.

    Raises ProofError: merkle.proof.wrong_length when the proof does not fit `index`/`size`.
    """
    _check_length(proof, len(inclusion_ranges(index, size)))
    fn, sn, current = index, size - 1, leaf_hash
    steps: list[tuple[str, bytes, bytes]] = []
    for sibling in proof:
        if fn & 1 or fn == sn:
            current, side = node_hash(sibling, current), "left"
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            current, side = node_hash(current, sibling), "right"
        fn, sn = fn >> 1, sn >> 1
        steps.append((side, sibling, current))
    return steps


def verify_consistency(
    size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes
) -> bool:
    """True when `proof` shows the tree (`size1`, `root1`) is a prefix of (`size2`, `root2`).

    Equal sizes need an empty proof and equal roots. A proof from the empty tree proves nothing
    and is refused (merkle.proof.empty_tree), as the RFC's algorithm requires 0 < size1.
    Raises ProofError: merkle.proof.sizes_reversed, .empty_tree, .wrong_length,
    .bad_hash_length, .root_mismatch (with `which`: root1 or root2).
    """
    expected = len(consistency_ranges(size1, size2))
    _check_length(proof, expected)
    if size1 == size2:
        if root1 != root2:
            raise ProofError("merkle.proof.root_mismatch", which="root2", size=size2)
        return True
    _check_hashes("proof", proof)
    path = list(proof)
    if size1 & (size1 - 1) == 0:
        # The old tree is a perfect subtree, the first node of the path: the proof omits it.
        path.insert(0, root1)
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    first = second = path[0]
    for node in path[1:]:
        if sn == 0:
            raise ProofError("merkle.proof.wrong_length", length=len(proof), expected=expected)
        if fn & 1 or fn == sn:
            first, second = node_hash(node, first), node_hash(node, second)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            second = node_hash(second, node)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("merkle.proof.wrong_length", length=len(proof), expected=expected)
    if first != root1:
        raise ProofError("merkle.proof.root_mismatch", which="root1", size=size1)
    if second != root2:
        raise ProofError("merkle.proof.root_mismatch", which="root2", size=size2)
    return True
