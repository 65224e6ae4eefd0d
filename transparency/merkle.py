"""RFC 9162 Merkle tree hashing and the log's incremental tree state.

Leaves hash as SHA-256(0x00 || data) and interior nodes as SHA-256(0x01 || left || right), so
a leaf can never be passed off as a node (RFC 9162 §2.1.1). `tree_root` is the Merkle Tree Hash
MTH(D[n]) by its recursive definition, kept as the reference the incremental state is tested
against. `TreeState` is what the log keeps between appends: the hashes of the perfect subtrees
along the tree's right edge (one per set bit of the size, largest first), so an append costs
O(log n) hashes and the root is a fold of at most log2(n) hashes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from transparency.errors import TreeStateError

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Node",
    "TreeState",
    "leaf_hash",
    "node_hash",
    "split_point",
    "tree_root",
]

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
_SIZE_BYTES = 8


def leaf_hash(data: bytes) -> bytes:
    """The hash of one log entry: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two smaller than `n` (n >= 2): where MTH splits D[n]."""
    return 1 << ((n - 1).bit_length() - 1)


def tree_root(leaf_hashes: Sequence[bytes]) -> bytes:
    """MTH over already hashed leaves, by the RFC's recursion; O(n), the reference."""
    n = len(leaf_hashes)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaf_hashes[0]
    k = split_point(n)
    return node_hash(tree_root(leaf_hashes[:k]), tree_root(leaf_hashes[k:]))


@dataclass(frozen=True, slots=True)
class Node:
    """A perfect subtree completed by an append: leaves [index * 2**level, (index+1) * 2**level).

    The log may store these (about one per append) to serve any proof from O(log n) lookups.
    """

    level: int
    index: int
    hash: bytes

    @property
    def start(self) -> int:
        return self.index << self.level

    @property
    def end(self) -> int:
        return (self.index + 1) << self.level


class TreeState:
    """The right edge of a Merkle tree: its size and the hashes of its maximal perfect subtrees.

    `hashes[i]` covers the i-th set bit of `size` counted from the most significant, i.e. the
    subtrees from left to right. The state is all an append needs; store `size` and `hashes`
    (or `to_bytes()`) in a row and `restore` it to carry on.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self) -> None:
        self._size = 0
        self._hashes: list[bytes] = []

    @classmethod
    def restore(cls, size: int, hashes: Iterable[bytes]) -> TreeState:
        """Rebuild a stored state; raises TreeStateError when the hashes cannot fit the size."""
        hashes = list(hashes)
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise TreeStateError("merkle.state.bad_size", size=size)
        if len(hashes) != size.bit_count():
            raise TreeStateError(
                "merkle.state.wrong_hash_count",
                size=size,
                count=len(hashes),
                expected=size.bit_count(),
            )
        for position, value in enumerate(hashes):
            if not isinstance(value, bytes) or len(value) != HASH_SIZE:
                raise TreeStateError("merkle.state.bad_hash", position=position)
        state = cls()
        state._size, state._hashes = size, hashes
        return state

    @classmethod
    def from_bytes(cls, data: bytes) -> TreeState:
        """Decode `to_bytes()`: the size as 8 bytes big-endian, then the hashes."""
        if len(data) < _SIZE_BYTES or (len(data) - _SIZE_BYTES) % HASH_SIZE:
            raise TreeStateError("merkle.state.bad_encoding", length=len(data))
        size = int.from_bytes(data[:_SIZE_BYTES], "big")
        body = data[_SIZE_BYTES:]
        return cls.restore(size, [body[i : i + HASH_SIZE] for i in range(0, len(body), HASH_SIZE)])

    def to_bytes(self) -> bytes:
        """A compact encoding for one binary column: at most 8 + 64 * 32 bytes."""
        return self._size.to_bytes(_SIZE_BYTES, "big") + b"".join(self._hashes)

    @property
    def size(self) -> int:
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        return tuple(self._hashes)

    def copy(self) -> TreeState:
        return TreeState.restore(self._size, self._hashes)

    def append(self, leaf: bytes) -> list[Node]:
        """Add the leaf hash `leaf` as leaf number `size`; return the perfect subtrees it completed.

        Each trailing one bit of the old size is a subtree of equal height waiting for a right
        sibling: the new leaf merges with them, smallest first, into one subtree. The nodes
        returned are those merges (level >= 1), for a log that keeps interior hashes.
        """
        if len(leaf) != HASH_SIZE:
            raise TreeStateError("merkle.state.bad_hash", position=self._size)
        completed: list[Node] = []
        current, level, index = leaf, 0, self._size
        while index & 1:
            current = node_hash(self._hashes.pop(), current)
            level, index = level + 1, index >> 1
            completed.append(Node(level, index, current))
        self._hashes.append(current)
        self._size += 1
        return completed

    def root(self) -> bytes:
        """MTH of the tree at `size`: the right-edge subtrees folded from the right."""
        if not self._hashes:
            return EMPTY_ROOT
        current = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            current = node_hash(left, current)
        return current

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TreeState):
            return NotImplemented
        return (self._size, self._hashes) == (other._size, other._hashes)

    __hash__ = None  # type: ignore[assignment]  # mutable: appends change it

    def __repr__(self) -> str:
        return f"TreeState(size={self._size}, root={self.root().hex()})"
