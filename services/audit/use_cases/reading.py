"""Reading the audit log: search it, read the whole chain, verify it or an export of it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable

from ..domain import (
    AuditRecord,
    ChainVerifier,
    RecordQuery,
    UnreadableRecord,
    Verification,
    read_record,
)
from ..domain.export import read_jsonl_line
from ..ports import AuditLog


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


def verify_export(lines: Iterable[str]) -> Verification:
    """Verify the records of a JSON-lines export given line by line (blank lines are skipped)."""
    verifier = ChainVerifier()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            verifier.add(read_jsonl_line(line))
        except UnreadableRecord as exc:
            verifier.reject(f"line {number}: {exc}")
        if verifier.broken:
            break
    return verifier.result()
