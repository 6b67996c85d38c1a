"""The audit use cases against an in-memory log that refuses a taken seq or event id."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from services.audit.domain import AuditRecord, Entry, ObservedEvent, RecordQuery, open_checkpoint
from services.audit.domain.merkle import (
    Frontier,
    leaf_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from services.audit.domain.signed_note import Cosigner, Ed25519NoteSigner, NoteRejected, parse_note
from services.audit.ports import NODES_FIELD
from services.audit.use_cases import (
    IssueCheckpoint,
    NoWitnessCosignature,
    RecordEvent,
    TreeForked,
    TreeUnavailable,
    UnknownCheckpoint,
    VerifyLog,
    add_cosignatures,
    find_records,
    latest_checkpoint,
    prove_consistency,
    prove_inclusion,
)
from tsunagu_schemas.topics import REFERRAL_EVENTS

START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
LOG_KEY = Ed25519NoteSigner("tsunagu.test/audit", Ed25519PrivateKey.generate())


class InMemoryAuditLog:
    """Entries in seq order, unique by seq and by event id, as the store keeps them."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []

    @property
    def records(self) -> list[AuditRecord]:
        return [e.record for e in self.entries]

    async def tree_size(self) -> int:
        return len(self.entries)

    async def kept_nodes(self, seqs: Iterable[int]) -> dict[int, Sequence[bytes]]:
        return {s: self.entries[s - 1].nodes for s in seqs if 0 < s <= len(self.entries)}

    async def has_event(self, event_id: str) -> bool:
        return any(r.event_id == event_id for r in self.records)

    async def append(self, entries: Sequence[Entry]) -> int:
        for stored, entry in enumerate(entries):
            taken = await self.has_event(entry.record.event_id)
            if taken or entry.record.seq != len(self.entries) + 1:
                return stored
            self.entries.append(entry)
        return len(entries)

    async def find(self, query: RecordQuery, *, limit: int) -> list[AuditRecord]:
        found = [r for r in self.records if r.seq > query.after_seq]
        found = [r for r in found if query.referral_id in (None, r.referral_id)]
        return found[:limit]

    async def stored_after(self, seq: int, *, limit: int) -> list[dict[str, Any]]:
        return [
            {**e.record.model_dump(), NODES_FIELD: list(e.nodes)}
            for e in self.entries
            if e.record.seq > seq
        ][:limit]


class InMemoryCheckpoints:
    """Checkpoints by size and cosignature lines by size and witness."""

    def __init__(self) -> None:
        self.notes: dict[int, str] = {}
        self.lines: dict[tuple[int, str], str] = {}

    async def latest(self) -> str | None:
        return self.notes[max(self.notes)] if self.notes else None

    async def at(self, size: int) -> str | None:
        return self.notes.get(size)

    async def between(self, after: int, upto: int) -> list[str]:
        return [self.notes[s] for s in sorted(self.notes) if after < s <= upto]

    async def add(self, size: int, note: str) -> bool:
        return self.notes.setdefault(size, note) == note

    async def add_cosignature(self, size: int, witness: str, line: str) -> None:
        self.lines.setdefault((size, witness), line)

    async def cosignatures(self, size: int) -> list[str]:
        return [line for (s, _), line in sorted(self.lines.items()) if s == size]


def observed(number: int) -> ObservedEvent:
    return ObservedEvent(
        event_id=f"event-{number}",
        type="tsunagu.referral.accepted",
        source="urn:tsunagu:referrals",
        subject=f"referral-{number % 2}",
        time=START + timedelta(minutes=number),
        topic=REFERRAL_EVENTS,
        data={"referral_id": f"referral-{number % 2}", "actor_agency_id": "agency-b"},
    )


def verify_log(audit_log: InMemoryAuditLog, checkpoints: InMemoryCheckpoints) -> VerifyLog:
    return VerifyLog(
        audit_log=audit_log, checkpoints=checkpoints, log_key=LOG_KEY.verifier(), batch_size=2
    )


def rewritten(audit_log: InMemoryAuditLog, seq: int) -> None:
    """What an attacker with the store does: alter a record, recompute every node after it."""
    frontier = Frontier()
    for position, entry in enumerate(audit_log.entries):
        record = entry.record
        if record.seq == seq:
            record = record.model_copy(update={"actor": "someone-else"})
        nodes = tuple(h for _, h in frontier.append(leaf_hash(record.leaf())))
        audit_log.entries[position] = Entry(record, nodes)


async def test_each_event_is_recorded_once_in_a_gap_free_verified_log() -> None:
    audit_log, checkpoints = InMemoryAuditLog(), InMemoryCheckpoints()
    record_event = RecordEvent(audit_log=audit_log)
    assert await record_event(observed(1)) is not None
    assert await record_event(observed(1)) is None
    recorded = await record_event.many([observed(2), observed(1), observed(3), observed(2)])
    assert [r.seq for r in recorded.records] == [2, 3]
    assert recorded.duplicates == 2
    result = await verify_log(audit_log, checkpoints)()
    assert result.ok
    assert result.records == 3
    assert result.root_hash == tree_root(r.leaf() for r in audit_log.records)


async def test_two_replicas_appending_to_one_log_never_fork_the_tree() -> None:
    audit_log = InMemoryAuditLog()
    first, second = RecordEvent(audit_log=audit_log), RecordEvent(audit_log=audit_log)
    await first(observed(1))
    await second(observed(2))  # second's frontier is read from the store
    await first(observed(3))  # first's frontier is stale: the seq is taken, it re-reads
    assert [r.seq for r in audit_log.records] == [1, 2, 3]
    assert (await verify_log(audit_log, InMemoryCheckpoints())()).ok


async def test_verification_reads_only_what_was_added_unless_asked_from_the_start() -> None:
    audit_log, checkpoints = InMemoryAuditLog(), InMemoryCheckpoints()
    await RecordEvent(audit_log=audit_log).many([observed(n) for n in range(1, 5)])
    verifier = verify_log(audit_log, checkpoints)
    assert (await verifier()).ok
    audit_log.entries[1] = Entry(
        audit_log.records[1].model_copy(update={"actor": "x"}), audit_log.entries[1].nodes
    )
    await RecordEvent(audit_log=audit_log).many([observed(5)])
    assert (await verifier()).records == 5  # record 2 was already verified: not read again
    full = await verifier(from_start=True)
    assert not full.ok
    assert full.first_bad_seq == 2
    assert "altered record" in (full.reason or "")


async def test_checkpoints_are_issued_as_the_log_grows_and_prove_its_records() -> None:
    audit_log, checkpoints = InMemoryAuditLog(), InMemoryCheckpoints()
    recorder = RecordEvent(audit_log=audit_log)
    issue = IssueCheckpoint(recorder=recorder, checkpoints=checkpoints, log_key=LOG_KEY)
    await issue()  # nothing appended or loaded yet: no tree to sign
    await recorder.load()
    await issue()
    await recorder.many([observed(n) for n in range(1, 6)])
    await issue()
    await issue()  # nothing new: no second checkpoint of size 5
    await recorder.many([observed(n) for n in range(6, 12)])
    await issue()
    assert sorted(checkpoints.notes) == [0, 5, 11]
    old = open_checkpoint(checkpoints.notes[5], LOG_KEY.verifier()).checkpoint
    new = open_checkpoint(await latest_checkpoint(checkpoints), LOG_KEY.verifier()).checkpoint
    assert new.root_hash == tree_root(r.leaf() for r in audit_log.records)
    for index in range(11):
        proof = await prove_inclusion(audit_log, index, 11)
        assert proof.root_hash == new.root_hash
        leaf = leaf_hash(audit_log.records[index].leaf())
        verify_inclusion(index, 11, leaf, proof.hashes, new.root_hash)
    consistency = await prove_consistency(audit_log, 5, 11)
    verify_consistency(5, 11, old.root_hash, new.root_hash, consistency.hashes)
    result = await verify_log(audit_log, checkpoints)()
    assert result.ok
    assert result.checkpoints == 2


async def test_proofs_beyond_the_log_are_refused() -> None:
    audit_log = InMemoryAuditLog()
    await RecordEvent(audit_log=audit_log).many([observed(n) for n in range(1, 4)])
    with pytest.raises(TreeUnavailable):
        await prove_inclusion(audit_log, 3, 3)
    with pytest.raises(TreeUnavailable):
        await prove_inclusion(audit_log, 0, 4)
    with pytest.raises(TreeUnavailable):
        await prove_consistency(audit_log, 3, 2)


async def test_a_rewritten_log_is_neither_signed_nor_verified() -> None:
    audit_log, checkpoints = InMemoryAuditLog(), InMemoryCheckpoints()
    recorder = RecordEvent(audit_log=audit_log)
    await recorder.many([observed(n) for n in range(1, 6)])
    await IssueCheckpoint(recorder=recorder, checkpoints=checkpoints, log_key=LOG_KEY)()
    rewritten(audit_log, 2)
    restarted = RecordEvent(audit_log=audit_log)  # its tree is read from the rewritten store
    await restarted.many([observed(6)])
    with pytest.raises(TreeForked):
        await IssueCheckpoint(recorder=restarted, checkpoints=checkpoints, log_key=LOG_KEY)()
    assert sorted(checkpoints.notes) == [5]
    result = await verify_log(audit_log, checkpoints)()
    assert not result.ok
    assert "signed checkpoint of size 5" in (result.reason or "")


async def test_cosignatures_of_configured_witnesses_are_kept_and_served() -> None:
    audit_log, checkpoints = InMemoryAuditLog(), InMemoryCheckpoints()
    recorder = RecordEvent(audit_log=audit_log)
    await recorder.many([observed(1)])
    with pytest.raises(UnknownCheckpoint):
        await latest_checkpoint(checkpoints)
    await IssueCheckpoint(recorder=recorder, checkpoints=checkpoints, log_key=LOG_KEY)()
    witness = Cosigner("witness.test", Ed25519PrivateKey.generate())
    stranger = Cosigner("stranger.test", Ed25519PrivateKey.generate())
    note = parse_note(await latest_checkpoint(checkpoints))

    with pytest.raises(NoWitnessCosignature):
        await add_cosignatures(
            checkpoints,
            stranger.cosign(note, 1).render(),
            log_key=LOG_KEY,
            witnesses=[witness.verifier()],
        )
    cosigned = witness.cosign(note, 1_700_000_000).render()
    size, names = await add_cosignatures(
        checkpoints, cosigned, log_key=LOG_KEY, witnesses=[witness.verifier()]
    )
    assert (size, names) == (1, ["witness.test"])
    served = await latest_checkpoint(checkpoints)
    assert served == cosigned
    opened = open_checkpoint(served, LOG_KEY.verifier(), cosigners=[witness.verifier()])
    assert opened.verified.signed_by(witness.verifier())

    forged = cosigned.replace("\n1\n", "\n2\n", 1)
    with pytest.raises(NoteRejected):
        await add_cosignatures(checkpoints, forged, log_key=LOG_KEY, witnesses=[witness.verifier()])


async def test_search_pages_with_the_seq_of_the_last_record() -> None:
    audit_log = InMemoryAuditLog()
    await RecordEvent(audit_log=audit_log).many([observed(n) for n in range(1, 6)])
    query = RecordQuery(referral_id="referral-1")
    page, after = await find_records(audit_log, query, limit=2)
    assert [r.seq for r in page] == [1, 3]
    assert after == 3
    rest, end = await find_records(audit_log, RecordQuery("referral-1", after_seq=3), limit=2)
    assert [r.seq for r in rest] == [5]
    assert end is None
