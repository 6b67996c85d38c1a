"""Properties of the Merkle tree and its proofs over random tree sizes."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.audit.domain.merkle import (
    Frontier,
    InvalidProof,
    Node,
    consistency_proof,
    consistency_proof_nodes,
    inclusion_proof,
    inclusion_proof_nodes,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 700
LEAVES = [f"record {i}".encode() for i in range(MAX_SIZE)]
HASHES = [leaf_hash(leaf) for leaf in LEAVES]


def grow() -> tuple[dict[Node, bytes], list[bytes]]:
    """All node hashes of the tree of MAX_SIZE leaves, and the root at every size."""
    frontier = Frontier()
    nodes: dict[Node, bytes] = {}
    roots = [frontier.root()]
    for hashed in HASHES:
        nodes.update(frontier.append(hashed))
        roots.append(frontier.root())
    return nodes, roots


NODES, ROOTS = grow()
sizes = st.integers(min_value=1, max_value=MAX_SIZE)
# No per-example deadline: the machines running the suite are shared and their speed varies.
relaxed = settings(deadline=None)


def rfc_mth(hashes: list[bytes]) -> bytes:
    """MTH exactly as RFC 9162 section 2.1.1 defines it, by recursion over leaf hashes."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    return node_hash(rfc_mth(hashes[:k]), rfc_mth(hashes[k:]))


def rfc_path(m: int, hashes: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) exactly as RFC 9162 section 2.1.3.1 defines it."""
    if len(hashes) == 1:
        return []
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    if m < k:
        return [*rfc_path(m, hashes[:k]), rfc_mth(hashes[k:])]
    return [*rfc_path(m - k, hashes[k:]), rfc_mth(hashes[:k])]


def rfc_subproof(m: int, hashes: list[bytes], known: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) exactly as RFC 9162 section 2.1.4.1 defines it."""
    if m == len(hashes):
        return [] if known else [rfc_mth(hashes)]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    if m <= k:
        return [*rfc_subproof(m, hashes[:k], known), rfc_mth(hashes[k:])]
    return [*rfc_subproof(m - k, hashes[k:], False), rfc_mth(hashes[:k])]


@st.composite
def leaf_in_tree(draw: st.DrawFn) -> tuple[int, int]:
    """A tree size and the index of one of its leaves."""
    size = draw(sizes)
    return draw(st.integers(min_value=0, max_value=size - 1)), size


@st.composite
def two_sizes(draw: st.DrawFn) -> tuple[int, int]:
    """Two tree sizes, the first no larger than the second."""
    second = draw(sizes)
    return draw(st.integers(min_value=1, max_value=second)), second


def flip_bit(hashed: bytes, bit: int) -> bytes:
    """The hash with one bit changed."""
    changed = bytearray(hashed)
    changed[bit // 8 % len(changed)] ^= 1 << (bit % 8)
    return bytes(changed)


@relaxed
@given(st.integers(min_value=0, max_value=MAX_SIZE))
def test_the_frontier_root_is_the_rfc_mth_at_every_size(size: int) -> None:
    expected = rfc_mth(HASHES[:size]) if size else hashlib.sha256().digest()
    assert ROOTS[size] == expected


@relaxed
@given(leaf_in_tree())
def test_inclusion_proofs_are_the_rfc_path_and_verify(leaf: tuple[int, int]) -> None:
    index, size = leaf
    proof = inclusion_proof(index, size, NODES.__getitem__)
    assert proof == rfc_path(index, HASHES[:size])
    verify_inclusion(index, size, HASHES[index], proof, ROOTS[size])


@relaxed
@given(two_sizes())
def test_consistency_proofs_are_the_rfc_proof_and_verify(pair: tuple[int, int]) -> None:
    first, second = pair
    proof = consistency_proof(first, second, NODES.__getitem__)
    assert proof == rfc_subproof(first, HASHES[:second], True)
    verify_consistency(first, second, ROOTS[first], ROOTS[second], proof)


@relaxed
@given(leaf_in_tree())
def test_a_proof_reads_at_most_two_nodes_per_level(leaf: tuple[int, int]) -> None:
    index, size = leaf
    levels = max(1, (size - 1).bit_length())
    assert len(inclusion_proof_nodes(index, size)) <= 2 * levels
    assert len(consistency_proof_nodes(max(1, index), size)) <= 2 * levels + 1


@relaxed
@given(leaf_in_tree(), st.integers(min_value=0, max_value=MAX_SIZE - 1))
def test_an_inclusion_proof_fails_for_any_other_leaf(leaf: tuple[int, int], other: int) -> None:
    index, size = leaf
    proof = inclusion_proof(index, size, NODES.__getitem__)
    if other != index:
        with pytest.raises(InvalidProof):
            verify_inclusion(index, size, HASHES[other], proof, ROOTS[size])
        if other < size:
            with pytest.raises(InvalidProof):
                verify_inclusion(other, size, HASHES[index], proof, ROOTS[size])


@relaxed
@given(leaf_in_tree(), st.integers(min_value=0, max_value=255 * 8))
def test_an_inclusion_proof_with_a_changed_hash_fails(leaf: tuple[int, int], bit: int) -> None:
    index, size = leaf
    proof = inclusion_proof(index, size, NODES.__getitem__)
    if proof:
        position = bit % len(proof)
        proof[position] = flip_bit(proof[position], bit)
        with pytest.raises(InvalidProof):
            verify_inclusion(index, size, HASHES[index], proof, ROOTS[size])


@relaxed
@given(leaf_in_tree(), sizes)
def test_an_inclusion_proof_fails_against_the_head_of_another_size(
    leaf: tuple[int, int], other: int
) -> None:
    index, size = leaf
    proof = inclusion_proof(index, size, NODES.__getitem__)
    if other != size and index < other:
        with pytest.raises(InvalidProof):
            verify_inclusion(index, other, HASHES[index], proof, ROOTS[other])


@relaxed
@given(leaf_in_tree())
def test_an_inclusion_proof_with_a_hash_removed_or_added_fails(leaf: tuple[int, int]) -> None:
    index, size = leaf
    proof = inclusion_proof(index, size, NODES.__getitem__)
    with pytest.raises(InvalidProof):
        verify_inclusion(index, size, HASHES[index], [*proof, ROOTS[size]], ROOTS[size])
    if proof:
        with pytest.raises(InvalidProof):
            verify_inclusion(index, size, HASHES[index], proof[:-1], ROOTS[size])


@relaxed
@given(two_sizes(), st.integers(min_value=0, max_value=255 * 8))
def test_a_consistency_proof_with_a_changed_hash_fails(pair: tuple[int, int], bit: int) -> None:
    first, second = pair
    proof = consistency_proof(first, second, NODES.__getitem__)
    if proof:
        position = bit % len(proof)
        proof[position] = flip_bit(proof[position], bit)
        with pytest.raises(InvalidProof):
            verify_consistency(first, second, ROOTS[first], ROOTS[second], proof)


@relaxed
@given(two_sizes(), sizes)
def test_a_consistency_proof_fails_against_heads_of_other_sizes(
    pair: tuple[int, int], other: int
) -> None:
    first, second = pair
    proof = consistency_proof(first, second, NODES.__getitem__)
    if other != first and other <= second:
        with pytest.raises(InvalidProof):
            verify_consistency(other, second, ROOTS[other], ROOTS[second], proof)
    if other != second and other >= first:
        with pytest.raises(InvalidProof):
            verify_consistency(first, other, ROOTS[first], ROOTS[other], proof)


@settings(max_examples=50, deadline=None)
@given(two_sizes(), st.integers(min_value=0, max_value=MAX_SIZE - 1))
def test_a_rewritten_record_breaks_consistency_with_the_earlier_head(
    pair: tuple[int, int], rewritten: int
) -> None:
    first, second = pair
    if rewritten >= second:
        return
    forged = Frontier()
    forged_nodes = dict(
        forged.extend(
            leaf_hash(b"forged") if i == rewritten else h for i, h in enumerate(HASHES[:second])
        )
    )
    proof = consistency_proof(first, second, forged_nodes.__getitem__)
    if rewritten < first:
        with pytest.raises(InvalidProof):
            verify_consistency(first, second, ROOTS[first], forged.root(), proof)
    else:
        verify_consistency(first, second, ROOTS[first], forged.root(), proof)
