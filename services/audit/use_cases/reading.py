"""Reading the audit log: search it, read it whole, or verify an export of it offline."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Sequence

from ..domain import (
    AuditRecord,
    Checkpoint,
    LogVerifier,
    RecordQuery,
    UnreadableRecord,
    Verification,
    read_record,
)
from ..domain.export import read_leaf
from ..ports import NODES_FIELD, AuditLog


async def find_records(
    audit_log: AuditLog, query: RecordQuery, *, limit: int
) -> tuple[list[AuditRecord], int | None]:
    """One page of matching records and the `after_seq` of the next page, if there may be one."""
    records = await audit_log.find(query, limit=limit)
    next_after = records[-1].seq if len(records) == limit else None
    return records, next_after


async def whole_log(audit_log: AuditLog, *, batch_size: int) -> AsyncIterator[AuditRecord]:
    """Every record in seq order, read in batches so the log never sits in memory at once.

    Raises UnreadableRecord at the first stored record that is not a valid record.
    """
    after_seq = 0
    while True:
        batch = await audit_log.stored_after(after_seq, limit=batch_size)
        for fields in batch:
            record = read_record({k: v for k, v in fields.items() if k != NODES_FIELD})
            yield record
            after_seq = record.seq
        if len(batch) < batch_size:
            return


def verify_export(lines: Iterable[bytes], checkpoints: Sequence[Checkpoint] = ()) -> Verification:
    """Recompute the tree of a JSON-lines export, given as lines of bytes, against checkpoints.

    Each line without its newline is a leaf; it must be a record in canonical form whose seq is
    its line number. The tree's root is compared with each checkpoint's once it reaches that
    checkpoint's size; an export shorter than a checkpoint fails.
    """
    roots = {c.size: c.root_hash for c in checkpoints}
    verifier = LogVerifier()
    if 0 in roots:
        verifier.check_root(0, roots[0])
    for number, line in enumerate(lines, start=1):
        leaf = line[:-1] if line.endswith(b"\n") else line
        try:
            record = read_leaf(leaf)
        except UnreadableRecord as exc:
            verifier.reject(f"line {number}: {exc}")
            break
        verifier.add(record.seq, leaf)
        if record.seq in roots:
            verifier.check_root(record.seq, roots[record.seq])
        if verifier.broken:
            break
    beyond = [size for size in roots if size > verifier.size]
    if beyond and not verifier.broken:
        verifier.reject(
            f"the export holds {verifier.size} records but a checkpoint covers {max(beyond)}: "
            "records were cut from its end",
        )
    return verifier.result()
