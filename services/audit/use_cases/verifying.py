"""Verifying the stored log incrementally: each call reads only what was appended since."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from ..domain import LogVerifier, UnreadableRecord, Verification, open_checkpoint, read_record
from ..domain.merkle import Frontier
from ..domain.signed_note import Ed25519NoteVerifier, MalformedNote, NoteRejected
from ..ports import NODES_FIELD, AuditLog, CheckpointStore


class VerifyLog:
    """Recomputes the log's tree from its records, against the stored nodes and signed roots.

    The tree of the records already found intact is kept between calls, so a call reads only
    the records appended since; `from_start` reads the whole log again.
    """

    def __init__(
        self,
        *,
        audit_log: AuditLog,
        checkpoints: CheckpointStore,
        log_key: Ed25519NoteVerifier,
        batch_size: int,
    ) -> None:
        self._log = audit_log
        self._checkpoints = checkpoints
        self._key = log_key
        self._batch_size = batch_size
        self._lock = asyncio.Lock()
        self._intact = Frontier()

    async def __call__(self, *, from_start: bool = False) -> Verification:
        """Verify the records appended since the last intact verification (or all of them)."""
        async with self._lock:
            verifier = LogVerifier(None if from_start else self._intact)
            while not verifier.broken:
                after = verifier.size
                batch = await self._log.stored_after(after, limit=self._batch_size)
                if not batch:
                    break
                roots = await self._signed_roots(after, after + len(batch), verifier)
                _add_batch(verifier, batch, roots)
                if len(batch) < self._batch_size:
                    break
            result = verifier.result()
            if result.ok:
                self._intact = verifier.frontier()
            return result

    async def _signed_roots(self, after: int, upto: int, verifier: LogVerifier) -> dict[int, bytes]:
        """The roots of the checkpoints of sizes in (after, upto], each signature checked."""
        roots: dict[int, bytes] = {}
        for note in await self._checkpoints.between(after, upto):
            try:
                checkpoint = open_checkpoint(note, self._key).checkpoint
            except (MalformedNote, NoteRejected, ValueError) as exc:
                verifier.reject(f"a stored checkpoint does not verify: {exc}", first_bad_seq=None)
                break
            roots[checkpoint.size] = checkpoint.root_hash
        return roots


def _add_batch(
    verifier: LogVerifier, batch: Sequence[dict[str, object]], roots: dict[int, bytes]
) -> None:
    """Check one batch of stored records, and each signed root the tree reaches on the way."""
    for stored in batch:
        fields = dict(stored)
        nodes = fields.pop(NODES_FIELD, None)
        try:
            record = read_record(fields)
        except UnreadableRecord as exc:
            verifier.reject(str(exc))
            return
        kept = [bytes(h) for h in nodes] if isinstance(nodes, list) else []
        verifier.add(record.seq, record.leaf(), kept)
        if record.seq in roots:
            verifier.check_root(record.seq, roots[record.seq])
        if verifier.broken:
            return
