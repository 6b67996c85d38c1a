"""Verifying the log: recompute its tree from the records, against stored nodes and signed roots."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass

from .merkle import Frontier, leaf_hash


@dataclass(frozen=True)
class Verification:
    """The outcome of verifying the log: its size and root when intact, else where and why not."""

    ok: bool
    records: int
    root_hash: bytes | None = None
    first_bad_seq: int | None = None
    reason: str | None = None
    checkpoints: int = 0
    """Signed checkpoints whose root the records were found to match."""


class LogVerifier:
    """Rebuilds the tree one record at a time in seq order, so a log of any length can stream by.

    Each leaf may be checked against the node hashes stored with it, and the tree against the
    root of a signed checkpoint once it reaches that checkpoint's size.
    """

    def __init__(self, frontier: Frontier | None = None) -> None:
        self._frontier = frontier.copy() if frontier else Frontier()
        self._matched = self._frontier.size  # size of the last signed root matched (or start)
        self._checkpoints = 0
        self._broken: Verification | None = None

    @property
    def broken(self) -> bool:
        """Whether a fault has been found (later records are then ignored)."""
        return self._broken is not None

    @property
    def size(self) -> int:
        """How many records have been found intact."""
        return self._frontier.size

    def frontier(self) -> Frontier:
        """The tree of the records found intact so far."""
        return self._frontier.copy()

    def add(self, seq: int, leaf: bytes, stored_nodes: Sequence[bytes] | None = None) -> None:
        """Check the next record by its seq and leaf bytes, and the nodes stored with it if any."""
        if self._broken is not None:
            return
        expected = self._frontier.size + 1
        if seq != expected:
            problem = "missing" if seq > expected else "out of order or repeated"
            self.reject(f"record {expected} is {problem}: found seq {seq} in its place")
            return
        hashed = leaf_hash(leaf)
        if stored_nodes is not None and (not stored_nodes or stored_nodes[0] != hashed):
            self.reject("the record does not match its stored leaf hash (altered record)")
            return
        trial = self._frontier.copy()
        completed = tuple(h for _, h in trial.append(hashed))
        if stored_nodes is not None and completed != tuple(stored_nodes):
            self.reject("the tree nodes stored with the record do not match the records before")
            return
        self._frontier = trial

    def check_root(self, size: int, root: bytes) -> None:
        """Compare the tree with a signed root once it holds exactly `size` records."""
        if self._broken is not None or size != self._frontier.size:
            return
        if self._frontier.root() == root:
            self._matched, self._checkpoints = size, self._checkpoints + 1
            return
        self.reject(
            f"the records do not match the signed checkpoint of size {size} "
            f"(root {base64.b64encode(root).decode()}): "
            f"a record between seq {self._matched + 1} and seq {size} was altered",
            first_bad_seq=self._matched + 1 if size == self._matched + 1 else None,
        )

    def reject(self, reason: str, *, first_bad_seq: int | None = 0) -> None:
        """Mark the log broken, by default at the next expected seq."""
        if self._broken is None:
            at = self._frontier.size + 1 if first_bad_seq == 0 else first_bad_seq
            self._broken = Verification(
                ok=False,
                records=self._frontier.size,
                first_bad_seq=at,
                reason=reason,
                checkpoints=self._checkpoints,
            )

    def result(self) -> Verification:
        """The verification of everything added so far."""
        if self._broken is not None:
            return self._broken
        return Verification(
            ok=True,
            records=self._frontier.size,
            root_hash=self._frontier.root(),
            checkpoints=self._checkpoints,
        )
