"""The audit log's use cases: record an event once, search, verify and export the chain."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any, Final, Protocol

import structlog

from .domain import (
    AuditRecord,
    ChainHead,
    ChainVerifier,
    ObservedEvent,
    RecordQuery,
    UnreadableRecord,
    Verification,
    next_record,
    read_record,
)

MAX_APPEND_ATTEMPTS: Final = 20
log = structlog.get_logger(__name__)


class ChainConflict(RuntimeError):
    """The chain kept moving under this process: another replica appends much faster."""


class AuditLog(Protocol):
    """Where audit records are kept."""

    async def head(self) -> ChainHead:
        """The last record of the chain as stored now (genesis when empty)."""
        ...

    async def has_event(self, event_id: str) -> bool:
        """Whether an event already has its record."""
        ...

    async def append(self, record: AuditRecord) -> bool:
        """Store a record; False when its seq or event id is already taken."""
        ...

    async def find(self, query: RecordQuery, *, limit: int) -> list[AuditRecord]:
        """Records matching `query` in seq order, at most `limit` of them."""
        ...

    async def stored_after(self, seq: int, *, limit: int) -> list[dict[str, Any]]:
        """The stored fields of up to `limit` records after `seq`, in seq order, unchecked."""
        ...


class RecordEvent:
    """Appends one record per event; duplicates are absorbed and the chain never forks."""

    def __init__(self, *, audit_log: AuditLog) -> None:
        self._log = audit_log
        self._lock = asyncio.Lock()  # one append at a time in this process
        self._head: ChainHead | None = None

    async def __call__(self, event: ObservedEvent) -> AuditRecord | None:
        """Record `event`; return the new record, or None when it was already recorded."""
        async with self._lock:
            if await self._log.has_event(event.event_id):
                return None
            head = self._head or await self._log.head()
            for _ in range(MAX_APPEND_ATTEMPTS):
                record = next_record(event, head=head)
                if await self._log.append(record):
                    self._head = record.head
                    return record
                if await self._log.has_event(event.event_id):
                    return None
                # another replica took this seq: link to its record instead
                log.info("chain moved on; re-reading its head", seq=record.seq)
                head = await self._log.head()
            self._head = None
            raise ChainConflict(f"could not append event {event.event_id}")


async def find_records(
    audit_log: AuditLog, query: RecordQuery, *, limit: int
) -> tuple[list[AuditRecord], int | None]:
    """One page of matching records and the `after_seq` of the next page, if there may be one."""
    records = await audit_log.find(query, limit=limit)
    next_after = records[-1].seq if len(records) == limit else None
    return records, next_after


async def whole_chain(audit_log: AuditLog, *, batch_size: int) -> AsyncIterator[AuditRecord]:
    """Every record in seq order, read in batches so the log never sits in memory at once.

    Raises UnreadableRecord at the first stored record that is not a valid record.
    """
    after_seq = 0
    while True:
        batch = await audit_log.stored_after(after_seq, limit=batch_size)
        for fields in batch:
            record = read_record(fields)
            yield record
            after_seq = record.seq
        if len(batch) < batch_size:
            return


async def verify_log(audit_log: AuditLog, *, batch_size: int) -> Verification:
    """Verify the whole stored chain."""
    verifier = ChainVerifier()
    try:
        async for record in whole_chain(audit_log, batch_size=batch_size):
            verifier.add(record)
            if verifier.broken:
                break
    except UnreadableRecord as exc:
        verifier.reject(str(exc))
    return verifier.result()
