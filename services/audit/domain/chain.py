"""Verifying the audit chain: every record in place, linked to the one before, hash intact."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .record import GENESIS, AuditRecord, ChainHead


@dataclass(frozen=True)
class Verification:
    """The outcome of verifying a chain: its head when intact, else where and why it breaks."""

    ok: bool
    records: int
    head: ChainHead | None = None
    first_bad_seq: int | None = None
    reason: str | None = None


class ChainVerifier:
    """Checks records one at a time in seq order, so that a chain of any length can stream by."""

    def __init__(self) -> None:
        self._head = GENESIS
        self._count = 0
        self._broken: Verification | None = None

    @property
    def broken(self) -> bool:
        """Whether a fault has been found (later records are then ignored)."""
        return self._broken is not None

    def add(self, record: AuditRecord) -> None:
        """Check the next record of the chain."""
        if self._broken is not None:
            return
        expected = self._head.seq + 1
        if record.seq != expected:
            problem = "missing" if record.seq > expected else "out of order or repeated"
            self.reject(f"record {expected} is {problem}: found seq {record.seq} in its place")
        elif record.prev_hash != self._head.hash:
            self.reject(f"prev_hash does not match the hash of record {self._head.seq}")
        elif record.hash != record.expected_hash():
            self.reject("hash does not match the record's contents (altered record)")
        else:
            self._head = record.head
            self._count += 1

    def reject(self, reason: str) -> None:
        """Mark the chain broken at the next expected seq, e.g. for an unreadable record."""
        if self._broken is None:
            self._broken = Verification(
                ok=False, records=self._count, first_bad_seq=self._head.seq + 1, reason=reason
            )

    def result(self) -> Verification:
        """The verification of everything added so far."""
        if self._broken is not None:
            return self._broken
        return Verification(ok=True, records=self._count, head=self._head)


def verify_chain(records: Iterable[AuditRecord]) -> Verification:
    """Verify a whole chain given in seq order."""
    verifier = ChainVerifier()
    for record in records:
        verifier.add(record)
        if verifier.broken:
            break
    return verifier.result()
