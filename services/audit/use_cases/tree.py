"""Reading the log's tree from the store: its frontier, proofs, and a leaf's bytes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..domain import AuditRecord, keeper_seq, node_hashes, read_record
from ..domain.merkle import (
    Frontier,
    HashOf,
    Node,
    consistency_proof,
    consistency_proof_nodes,
    frontier_nodes,
    inclusion_proof,
    inclusion_proof_nodes,
)
from ..ports import NODES_FIELD, AuditLog


class TreeUnavailable(LookupError):
    """A proof or tree size the log cannot give: beyond its size, or a node missing."""


class NoSuchLeaf(TreeUnavailable):
    """A leaf index the log does not hold."""


class MissingNode(RuntimeError):
    """A node the tree needs is not stored: a record was removed from the store."""


@dataclass(frozen=True)
class InclusionProof:
    """An RFC 9162 audit path of one leaf in the tree of `tree_size` leaves, and its root."""

    index: int
    tree_size: int
    root_hash: bytes
    hashes: list[bytes]


@dataclass(frozen=True)
class ConsistencyProof:
    """An RFC 9162 proof that the tree of `second` leaves extends that of `first` leaves."""

    first: int
    second: int
    hashes: list[bytes]


async def stored_hashes(audit_log: AuditLog, nodes: Iterable[Node]) -> HashOf:
    """A lookup of the hashes of `nodes`, read from the store in one query."""
    wanted = list(nodes)
    kept = await audit_log.kept_nodes({keeper_seq(node) for node in wanted})
    found = node_hashes(wanted, kept)

    def hash_of(node: Node) -> bytes:
        if node not in found:
            raise MissingNode(f"tree node {tuple(node)} is not stored (record {keeper_seq(node)})")
        return found[node]

    return hash_of


async def frontier_at(audit_log: AuditLog, size: int) -> Frontier:
    """The frontier of the stored tree at `size` leaves, from its O(log n) stored nodes."""
    nodes = frontier_nodes(size)
    return Frontier.restore(size, await stored_hashes(audit_log, nodes))


async def stored_frontier(audit_log: AuditLog) -> Frontier:
    """The frontier of the whole stored tree, without reading the records."""
    return await frontier_at(audit_log, await audit_log.tree_size())


async def prove_inclusion(audit_log: AuditLog, index: int, tree_size: int) -> InclusionProof:
    """The audit path of leaf `index` in the tree of `tree_size` leaves, with that tree's root."""
    await _check_size(audit_log, tree_size)
    if not 0 <= index < tree_size:
        raise TreeUnavailable(f"leaf {index} is not in a tree of {tree_size} leaves")
    nodes = [*inclusion_proof_nodes(index, tree_size), *frontier_nodes(tree_size)]
    hash_of = await stored_hashes(audit_log, nodes)
    root = Frontier.restore(tree_size, hash_of).root()
    return InclusionProof(index, tree_size, root, inclusion_proof(index, tree_size, hash_of))


async def prove_consistency(audit_log: AuditLog, first: int, second: int) -> ConsistencyProof:
    """The proof that the tree of `second` leaves extends the tree of its first `first` leaves."""
    await _check_size(audit_log, second)
    if not 0 < first <= second:
        raise TreeUnavailable(f"no consistency proof from size {first} to size {second}")
    hash_of = await stored_hashes(audit_log, consistency_proof_nodes(first, second))
    return ConsistencyProof(first, second, consistency_proof(first, second, hash_of))


async def leaf_record(audit_log: AuditLog, index: int) -> AuditRecord:
    """The record at leaf `index` (seq index + 1); its `leaf()` is the leaf's bytes."""
    found = await audit_log.stored_after(index, limit=1) if index >= 0 else []
    if not found or found[0].get("seq") != index + 1:
        raise NoSuchLeaf(f"there is no leaf {index}")
    fields = dict(found[0])
    fields.pop(NODES_FIELD, None)
    return read_record(fields)


async def _check_size(audit_log: AuditLog, tree_size: int) -> None:
    """Refuse a tree size the log has not reached."""
    size = await audit_log.tree_size()
    if tree_size > size:
        raise TreeUnavailable(f"the log holds {size} records, not {tree_size}")
