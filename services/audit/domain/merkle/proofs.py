"""Inclusion and consistency proofs (RFC 9162 sections 2.1.3.1 and 2.1.4.1) from stored nodes.

Each proof hash is the MTH of one range of leaves from the RFC's recursion; the range splits
into a few perfect subtrees. The `*_nodes` functions name those subtrees, so that a store can
read them all at once (O(log n) of them); the proof functions then fold them through `hash_of`.
"""

from __future__ import annotations

from .hashing import HashOf, Node, perfect_subtrees, range_root, split_point

Range = tuple[int, int]


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The leaf ranges whose MTHs make up PATH(index, D[size]), from the leaf up."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")
    ranges: list[Range] = []
    start, end = 0, size
    while end - start > 1:
        middle = start + split_point(end - start)
        if index < middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((start, middle))
            start = middle
    ranges.reverse()
    return ranges


def consistency_ranges(first: int, second: int) -> list[Range]:
    """The leaf ranges whose MTHs make up PROOF(first, D[second]), from the bottom up."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    ranges: list[Range] = []
    start, end = 0, second
    known = True  # whether the verifier already holds MTH(D[start:end]) as the first root
    while first != end:
        middle = start + split_point(end - start)
        if first <= middle:
            ranges.append((middle, end))
            end = middle
        else:
            ranges.append((start, middle))
            start = middle
            known = False
    if not known:
        ranges.append((start, end))
    ranges.reverse()
    return ranges


def inclusion_proof_nodes(index: int, size: int) -> list[Node]:
    """Every stored node `inclusion_proof` reads for this leaf and tree size."""
    return _nodes_of(inclusion_ranges(index, size))


def consistency_proof_nodes(first: int, second: int) -> list[Node]:
    """Every stored node `consistency_proof` reads for these two tree sizes."""
    return _nodes_of(consistency_ranges(first, second))


def inclusion_proof(index: int, size: int, hash_of: HashOf) -> list[bytes]:
    """The audit path of leaf `index` in the tree of the first `size` leaves."""
    return [range_root(start, end, hash_of) for start, end in inclusion_ranges(index, size)]


def consistency_proof(first: int, second: int, hash_of: HashOf) -> list[bytes]:
    """The proof that the tree of `second` leaves extends the tree of its first `first` leaves."""
    return [range_root(start, end, hash_of) for start, end in consistency_ranges(first, second)]


def _nodes_of(ranges: list[Range]) -> list[Node]:
    """The perfect subtrees covering each range, in proof order."""
    return [node for start, end in ranges for node in perfect_subtrees(start, end)]
