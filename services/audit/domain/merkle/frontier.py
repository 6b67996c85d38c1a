"""The tree kept while appending: the roots of its perfect subtrees, O(log n) hashes in all."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from .hashing import EMPTY_ROOT, HASH_SIZE, HashOf, Node, leaf_hash, node_hash, perfect_subtrees

# The append loop runs once per audit record: it builds nodes and hashes without the
# per-call overhead of Node(...) and node_hash(...), to the same effect.
_node = tuple.__new__
_sha256 = hashlib.sha256
_NODE = b"\x01"


class Frontier:
    """A Merkle tree of `size` leaves held as the hashes of its largest perfect subtrees.

    A tree of n leaves is the perfect subtrees given by the binary digits of n, largest first;
    appending a leaf merges equal neighbours like a binary counter, so each append costs one
    leaf hash and on average one node hash, and the root folds the few hashes kept.
    """

    __slots__ = ("_hashes", "_size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if size < 0 or len(hashes) != size.bit_count():
            raise ValueError(f"a tree of {size} leaves has {size.bit_count()} subtree roots")
        if any(len(h) != HASH_SIZE for h in hashes):
            raise ValueError("subtree roots are SHA-256 hashes")
        self._size = size
        self._hashes = list(hashes)

    @classmethod
    def restore(cls, size: int, hash_of: HashOf) -> Frontier:
        """Rebuild the frontier of a stored tree from the hashes of its frontier nodes."""
        return cls(size, [hash_of(node) for node in frontier_nodes(size)])

    @property
    def size(self) -> int:
        """The number of leaves appended so far."""
        return self._size

    @property
    def hashes(self) -> tuple[bytes, ...]:
        """The hashes of the perfect subtrees making up the tree, left to right."""
        return tuple(self._hashes)

    def nodes(self) -> list[Node]:
        """The addresses of `hashes`, in the same order."""
        return frontier_nodes(self._size)

    def append(self, hashed_leaf: bytes) -> list[tuple[Node, bytes]]:
        """Append one leaf by its hash; return the perfect subtrees it completes, leaf first."""
        index = self._size
        level = 0
        completed = [(_node(Node, (0, index)), hashed_leaf)]
        hashed = hashed_leaf
        while index & 1:
            hashed = _sha256(_NODE + self._hashes.pop() + hashed).digest()
            index >>= 1
            level += 1
            completed.append((_node(Node, (level, index)), hashed))
        self._hashes.append(hashed)
        self._size += 1
        return completed

    def extend(self, leaf_hashes: Iterable[bytes]) -> list[tuple[Node, bytes]]:
        """Append leaves by their hashes; return every perfect subtree completed, in order."""
        completed: list[tuple[Node, bytes]] = []
        for hashed in leaf_hashes:
            completed.extend(self.append(hashed))
        return completed

    def root(self) -> bytes:
        """The tree's root hash, MTH of all leaves appended so far."""
        if not self._hashes:
            return EMPTY_ROOT
        root = self._hashes[-1]
        for left in reversed(self._hashes[:-1]):
            root = node_hash(left, root)
        return root

    def copy(self) -> Frontier:
        """An independent frontier at the same size."""
        return Frontier(self._size, self._hashes)


def frontier_nodes(size: int) -> list[Node]:
    """The perfect subtrees that make up a tree of `size` leaves, largest first."""
    return perfect_subtrees(0, size)


def tree_root(leaves: Iterable[bytes]) -> bytes:
    """MTH of a sequence of leaves given as their bytes (RFC 9162 section 2.1.1)."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf_hash(leaf))
    return frontier.root()
