"""RFC 9162 Merkle tree of the audit log: hashing, a frontier kept while appending, proofs."""

from .frontier import Frontier, frontier_nodes, tree_root
from .hashing import (
    EMPTY_ROOT,
    HASH_SIZE,
    HashOf,
    Node,
    leaf_hash,
    node_hash,
    perfect_subtrees,
    range_root,
)
from .proofs import (
    consistency_proof,
    consistency_proof_nodes,
    inclusion_proof,
    inclusion_proof_nodes,
)
from .verification import (
    InvalidProof,
    root_from_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Frontier",
    "HashOf",
    "InvalidProof",
    "Node",
    "consistency_proof",
    "consistency_proof_nodes",
    "frontier_nodes",
    "inclusion_proof",
    "inclusion_proof_nodes",
    "leaf_hash",
    "node_hash",
    "perfect_subtrees",
    "range_root",
    "root_from_inclusion_proof",
    "tree_root",
    "verify_consistency",
    "verify_inclusion",
]
