"""Hashes of RFC 9162 section 2.1 and the addresses of the perfect subtrees they are kept under.

A perfect subtree is named by (level, index): the 2**level leaves starting at index * 2**level.
Every subtree hash a proof needs is the hash of such a node or a fold of a few of them, so a
store that keeps node hashes by that address answers any proof with O(log n) reads.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from itertools import pairwise
from typing import Final, NamedTuple

HASH_SIZE: Final = 32
EMPTY_ROOT: Final = hashlib.sha256(b"").digest()
_LEAF: Final = b"\x00"
_NODE: Final = b"\x01"


def leaf_hash(leaf: bytes) -> bytes:
    """The hash of one leaf: SHA-256(0x00 || leaf)."""
    return hashlib.sha256(_LEAF + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE + left + right).digest()


class Node(NamedTuple):
    """A perfect subtree: the 2**level leaves that start at leaf index * 2**level."""

    level: int
    index: int  # type: ignore[assignment]  # the address's name; shadows tuple.index on purpose

    @property
    def start(self) -> int:
        """Index of the first leaf under this node."""
        return self.index << self.level

    @property
    def end(self) -> int:
        """Index one past the last leaf under this node."""
        return (self.index + 1) << self.level

    @property
    def parent(self) -> Node:
        """The node one level up that covers this one."""
        return Node(self.level + 1, self.index >> 1)

    def children(self) -> tuple[Node, Node]:
        """The left and right halves of this node (not defined for a leaf)."""
        if self.level == 0:
            raise ValueError("a leaf has no children")
        return Node(self.level - 1, 2 * self.index), Node(self.level - 1, 2 * self.index + 1)


def split_point(size: int) -> int:
    """The largest power of two strictly smaller than `size` (size >= 2): RFC 9162's k."""
    return 1 << ((size - 1).bit_length() - 1)


def perfect_subtrees(start: int, end: int) -> list[Node]:
    """The fewest perfect subtrees that cover leaves [start, end), left to right."""
    if not 0 <= start <= end:
        raise ValueError(f"not a range of leaves: [{start}, {end})")
    nodes: list[Node] = []
    while start < end:
        # The largest aligned block that starts here and still fits.
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
        while start + (1 << level) > end:
            level -= 1
        nodes.append(Node(level, start >> level))
        start += 1 << level
    return nodes


HashOf = Callable[[Node], bytes]


def range_root(start: int, end: int, hash_of: HashOf) -> bytes:
    """MTH of the leaves [start, end), a subtree of the RFC 9162 recursion, from node hashes.

    Such a range starts at a multiple of a power of two at least its length, so it splits into
    perfect subtrees of decreasing size; folding them right to left gives its MTH.
    """
    nodes = perfect_subtrees(start, end)
    if not nodes:
        raise ValueError("an empty range has no subtree hash")
    if any(a.level <= b.level for a, b in pairwise(nodes)):
        raise ValueError(f"[{start}, {end}) is not a subtree of the Merkle tree")
    root = hash_of(nodes[-1])
    for node in reversed(nodes[:-1]):
        root = node_hash(hash_of(node), root)
    return root
