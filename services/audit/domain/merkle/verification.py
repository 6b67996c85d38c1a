"""Checking inclusion and consistency proofs (RFC 9162 sections 2.1.3.2 and 2.1.4.2)."""

from __future__ import annotations

from collections.abc import Sequence

from .hashing import HASH_SIZE, node_hash


class InvalidProof(ValueError):
    """A proof that does not show what it claims; the message says why."""


def root_from_inclusion_proof(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes]
) -> bytes:
    """The root that an audit path leads to from a leaf hash, or InvalidProof if ill-formed."""
    if not 0 <= index < size:
        raise InvalidProof(f"leaf {index} is not in a tree of {size} leaves")
    _check_hashes([leaf_hash, *proof])
    fn, sn = index, size - 1
    root = leaf_hash
    for sibling in proof:
        if sn == 0:
            raise InvalidProof("the proof has more hashes than the path to the root")
        if fn & 1 or fn == sn:
            root = node_hash(sibling, root)
            # On the right edge of the tree, climb past the levels where this node has no sibling.
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            root = node_hash(root, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise InvalidProof("the proof has fewer hashes than the path to the root")
    return root


def verify_inclusion(
    index: int, size: int, leaf_hash: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Check that `leaf_hash` is leaf `index` of the tree of `size` leaves with this root."""
    if root_from_inclusion_proof(index, size, leaf_hash, proof) != root:
        raise InvalidProof(f"the proof does not lead to the root of the tree of {size} leaves")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of `second` leaves extends the tree of `first` leaves.

    A tree of 0 leaves has nothing to prove consistency with: the first signed tree head a
    verifier sees is taken as it is, so size 0 is refused here as in the published vectors.
    """
    if not 0 < first <= second:
        raise InvalidProof(f"no consistency proof exists from size {first} to size {second}")
    if first == second:
        if proof:
            raise InvalidProof("equal sizes need an empty proof")
        if first_root != second_root:
            raise InvalidProof("two different roots for the same tree size")
        return
    if not proof:
        raise InvalidProof("the proof is empty")
    _check_hashes(proof)
    path = list(proof)
    if first & (first - 1) == 0:
        # The old tree is one perfect subtree of the new one: its root starts the path.
        path.insert(0, first_root)
    old_root, new_root = _fold_consistency(first, second, path)
    if old_root != first_root:
        raise InvalidProof(f"the proof does not lead to the root of the tree of {first} leaves")
    if new_root != second_root:
        raise InvalidProof(f"the proof does not lead to the root of the tree of {second} leaves")


def _fold_consistency(first: int, second: int, path: list[bytes]) -> tuple[bytes, bytes]:
    """Both roots a consistency path leads to (RFC 9162 section 2.1.4.2, steps 3 to 7)."""
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    old_root = new_root = path[0]
    for hashed in path[1:]:
        if sn == 0:
            raise InvalidProof("the proof has more hashes than the two trees need")
        if fn & 1 or fn == sn:
            old_root = node_hash(hashed, old_root)
            new_root = node_hash(hashed, new_root)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            new_root = node_hash(new_root, hashed)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise InvalidProof("the proof has fewer hashes than the two trees need")
    return old_root, new_root


def _check_hashes(hashes: Sequence[bytes]) -> None:
    """Refuse anything that is not a SHA-256 hash."""
    for hashed in hashes:
        if len(hashed) != HASH_SIZE:
            raise InvalidProof(f"a hash of {len(hashed)} bytes where SHA-256 gives {HASH_SIZE}")
