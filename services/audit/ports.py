"""What the audit service's use cases need of the store, and what they are built with."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .domain import AuditRecord, Entry, RecordQuery
from .domain.signed_note import CosignatureVerifier, Ed25519NoteSigner

if TYPE_CHECKING:
    from .use_cases.recording import RecordEvent
    from .use_cases.verifying import VerifyLog

NODES_FIELD = "nodes"
"""The field of a stored record holding the hashes of the tree nodes its leaf completed."""


class AuditLog(Protocol):
    """Where audit records are kept, each with the tree nodes its leaf completed."""

    async def tree_size(self) -> int:
        """How many records the log holds: the seq of the last one (0 when empty)."""
        ...

    async def kept_nodes(self, seqs: Iterable[int]) -> dict[int, Sequence[bytes]]:
        """The node hashes kept by the records of these seqs, by seq (absent ones left out)."""
        ...

    async def has_event(self, event_id: str) -> bool:
        """Whether an event already has its record."""
        ...

    async def append(self, entries: Sequence[Entry]) -> int:
        """Store entries in order, stopping at the first whose seq or event id is taken.

        Returns how many were stored: those before the refused one.
        """
        ...

    async def find(self, query: RecordQuery, *, limit: int) -> list[AuditRecord]:
        """Records matching `query` in seq order, at most `limit` of them."""
        ...

    async def stored_after(self, seq: int, *, limit: int) -> list[dict[str, Any]]:
        """The stored fields of up to `limit` records after `seq`, in seq order, unchecked.

        Each holds the record's fields and, under `NODES_FIELD`, its node hashes.
        """
        ...


class CheckpointStore(Protocol):
    """Where the signed checkpoints are kept, one per tree size, with witnesses' cosignatures."""

    async def latest(self) -> str | None:
        """The signed note of the checkpoint of the largest size, if any."""
        ...

    async def at(self, size: int) -> str | None:
        """The signed note of the checkpoint of this size, if one was issued."""
        ...

    async def between(self, after: int, upto: int) -> list[str]:
        """The signed notes of the checkpoints of sizes in (after, upto], by size."""
        ...

    async def add(self, size: int, note: str) -> bool:
        """Keep a checkpoint; False when one of that size is already kept (it stays)."""
        ...

    async def add_cosignature(self, size: int, witness: str, line: str) -> None:
        """Keep a witness's cosignature line of the checkpoint of this size (its first one)."""
        ...

    async def cosignatures(self, size: int) -> list[str]:
        """The cosignature lines kept for the checkpoint of this size."""
        ...


@dataclass(frozen=True)
class Ports:
    """Everything the use cases and the adapters calling them depend on."""

    audit_log: AuditLog
    checkpoints: CheckpointStore
    log_key: Ed25519NoteSigner
    """The log's signing key; its name is the checkpoints' origin."""
    recorder: RecordEvent
    """The process's one appender to the log (built over `audit_log`)."""
    verifier: VerifyLog
    """The process's incremental verifier of the stored log."""
    witnesses: Sequence[CosignatureVerifier] = field(default_factory=tuple)
    scan_batch_size: int = 500
