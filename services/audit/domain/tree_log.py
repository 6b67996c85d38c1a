"""The log as a Merkle tree: each record is a leaf, kept with the node hashes its leaf completes.

A perfect subtree `Node(level, index)` is complete once its last leaf, `node.end - 1`, is
appended; the record at that leaf (seq `node.end`) keeps its hash at position `level` of its
node list. The store thus holds every node a proof needs beside the records, written with them
in the same insert, and finds any node by the seq of the record that completed it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from .merkle import Frontier, Node, leaf_hash
from .record import AuditRecord, ObservedEvent, recorded


@dataclass(frozen=True)
class Entry:
    """A record and the hashes of the perfect subtrees its leaf completes, level 0 first."""

    record: AuditRecord
    nodes: tuple[bytes, ...]


def appended(events: Iterable[ObservedEvent], frontier: Frontier) -> list[Entry]:
    """The entries that append `events` in order to the tree; `frontier` advances with them."""
    entries = []
    for event in events:
        record, leaf = recorded(event, seq=frontier.size + 1)
        completed = frontier.append(leaf_hash(leaf))
        entries.append(Entry(record, tuple(hashed for _, hashed in completed)))
    return entries


def keeper_seq(node: Node) -> int:
    """The seq of the record that keeps this node's hash (the one whose leaf completed it)."""
    return node.end


def node_hashes(nodes: Iterable[Node], kept: Mapping[int, Sequence[bytes]]) -> dict[Node, bytes]:
    """The hashes of `nodes` from the node lists kept by seq; missing ones are left out."""
    found: dict[Node, bytes] = {}
    for node in nodes:
        hashes = kept.get(keeper_seq(node))
        if hashes is not None and node.level < len(hashes):
            found[node] = hashes[node.level]
    return found
