"""The Merkle tree against the published RFC 6962 vectors of transparency-dev/merkle.

The vectors (tests/unit/audit/data/rfc6962_vectors.json) name their source and commit.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from services.audit.domain.merkle import (
    EMPTY_ROOT,
    Frontier,
    InvalidProof,
    Node,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from tests import spec_verifier as spec

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "rfc6962_vectors.json").read_text()
)
LEAVES = [bytes.fromhex(leaf) for leaf in VECTORS["leaf_inputs"]]
ROOTS = [bytes.fromhex(root) for root in VECTORS["root_hashes"]]


def stored_nodes(leaves: list[bytes]) -> dict[Node, bytes]:
    """Every perfect subtree hash of a tree grown leaf by leaf, as a store would keep them."""
    frontier = Frontier()
    return dict(frontier.extend(leaf_hash(leaf) for leaf in leaves))


def test_the_empty_tree_has_the_hash_of_nothing_as_its_root() -> None:
    assert tree_root([]) == EMPTY_ROOT == ROOTS[0]


@pytest.mark.parametrize("size", range(len(ROOTS)))
def test_the_root_of_each_prefix_matches_the_published_root(size: int) -> None:
    assert tree_root(LEAVES[:size]) == ROOTS[size]


def test_every_stored_node_matches_the_published_node_hashes() -> None:
    nodes = stored_nodes(LEAVES)
    expected = {
        Node(level, index): bytes.fromhex(hashed)
        for level, row in enumerate(VECTORS["node_hashes"])
        for index, hashed in enumerate(row)
    }
    assert nodes == expected


def test_a_frontier_restored_from_stored_nodes_continues_the_same_tree() -> None:
    nodes = stored_nodes(LEAVES)
    restored = Frontier.restore(5, nodes.__getitem__)
    assert restored.root() == ROOTS[5]
    restored.extend(leaf_hash(leaf) for leaf in LEAVES[5:])
    assert restored.root() == ROOTS[8]


@pytest.mark.parametrize(
    "case", VECTORS["inclusion_proofs"], ids=lambda c: f"{c['index']}:{c['size']}"
)
def test_inclusion_proofs_match_the_published_proofs(case: dict[str, Any]) -> None:
    nodes = stored_nodes(LEAVES[: case["size"]])
    proof = inclusion_proof(case["index"], case["size"], nodes.__getitem__)
    assert [p.hex() for p in proof] == case["proof"]


@pytest.mark.parametrize(
    "case", VECTORS["consistency_proofs"], ids=lambda c: f"{c['size1']}:{c['size2']}"
)
def test_consistency_proofs_match_the_published_proofs(case: dict[str, Any]) -> None:
    nodes = stored_nodes(LEAVES[: case["size2"]])
    proof = consistency_proof(case["size1"], case["size2"], nodes.__getitem__)
    assert [p.hex() for p in proof] == case["proof"]


# Each probe is held to the service's verifier and to one written from the RFC alone.
VERIFIERS = {
    "service": (verify_inclusion, verify_consistency, InvalidProof),
    "from-the-rfc": (spec.verify_inclusion, spec.verify_consistency, spec.Rejected),
}


@pytest.mark.parametrize("verifier", VERIFIERS)
@pytest.mark.parametrize("probe", VECTORS["inclusion_probes"], ids=lambda p: p["file"])
def test_inclusion_verification_agrees_with_every_published_probe(
    probe: dict[str, Any], verifier: str
) -> None:
    inclusion, _, refusal = VERIFIERS[verifier]

    def verify() -> None:
        inclusion(
            probe["index"],
            probe["size"],
            bytes.fromhex(probe["leaf_hash"]),
            [bytes.fromhex(p) for p in probe["proof"]],
            bytes.fromhex(probe["root"]),
        )

    if probe["valid"]:
        verify()
    else:
        with pytest.raises(refusal):
            verify()


@pytest.mark.parametrize("verifier", VERIFIERS)
@pytest.mark.parametrize("probe", VECTORS["consistency_probes"], ids=lambda p: p["file"])
def test_consistency_verification_agrees_with_every_published_probe(
    probe: dict[str, Any], verifier: str
) -> None:
    _, consistency, refusal = VERIFIERS[verifier]

    def verify() -> None:
        consistency(
            probe["first"],
            probe["second"],
            bytes.fromhex(probe["first_root"]),
            bytes.fromhex(probe["second_root"]),
            [bytes.fromhex(p) for p in probe["proof"]],
        )

    if probe["valid"]:
        verify()
    else:
        with pytest.raises(refusal):
            verify()


def test_the_published_probes_include_both_valid_and_invalid_proofs() -> None:
    probes = VECTORS["inclusion_probes"] + VECTORS["consistency_probes"]
    assert sum(p["valid"] for p in probes) >= 10
    assert sum(not p["valid"] for p in probes) >= 150


def test_a_frontier_refuses_hashes_that_do_not_fit_its_size() -> None:
    with pytest.raises(ValueError, match="subtree roots"):
        Frontier(5, [ROOTS[4]])
    with pytest.raises(ValueError, match="SHA-256"):
        Frontier(1, [b"short"])


def test_a_copied_frontier_grows_independently() -> None:
    frontier = Frontier()
    frontier.extend(leaf_hash(leaf) for leaf in LEAVES[:4])
    copy = frontier.copy()
    copy.append(leaf_hash(LEAVES[4]))
    assert (frontier.size, frontier.root()) == (4, ROOTS[4])
    assert (copy.size, copy.root()) == (5, ROOTS[5])
    assert frontier.nodes() == [Node(2, 0)]
    assert copy.nodes() == [Node(2, 0), Node(0, 4)]
