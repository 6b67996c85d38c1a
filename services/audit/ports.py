"""What the audit service's use cases need of the store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from .domain import AuditRecord, ChainHead, RecordQuery

if TYPE_CHECKING:
    from .use_cases.recording import RecordEvent


class AuditLog(Protocol):
    """Where audit records are kept."""

    async def head(self) -> ChainHead:
        """The last record of the chain as stored now (genesis when empty)."""
        ...

    async def has_event(self, event_id: str) -> bool:
        """Whether an event already has its record."""
        ...

    async def append(self, records: Sequence[AuditRecord]) -> int:
        """Store records in order, stopping at the first whose seq or event id is taken.

        Returns how many were stored: those before the refused one.
        """
        ...

    async def find(self, query: RecordQuery, *, limit: int) -> list[AuditRecord]:
        """Records matching `query` in seq order, at most `limit` of them."""
        ...

    async def stored_after(self, seq: int, *, limit: int) -> list[dict[str, Any]]:
        """The stored fields of up to `limit` records after `seq`, in seq order, unchecked."""
        ...


@dataclass(frozen=True)
class Ports:
    """Everything the use cases and the adapters calling them depend on."""

    audit_log: AuditLog
    recorder: RecordEvent
    """The process's one appender to the chain (built over `audit_log`)."""
    scan_batch_size: int = 500
