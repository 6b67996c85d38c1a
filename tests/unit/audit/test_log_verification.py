"""Verifying the log's tree from its records, as pure functions: stored nodes and signed roots."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.audit.domain import (
    AuditRecord,
    Checkpoint,
    Entry,
    LogVerifier,
    ObservedEvent,
    appended,
)
from services.audit.domain.merkle import Frontier, leaf_hash, tree_root
from services.audit.use_cases import verify_export
from tsunagu_schemas.topics import REFERRAL_EVENTS

START = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)


def event(number: int) -> ObservedEvent:
    """A referral event, distinct for each number."""
    return ObservedEvent(
        event_id=f"event-{number}",
        type="tsunagu.referral.accepted",
        source="urn:tsunagu:referrals",
        subject=f"referral-{number}",
        time=START + timedelta(minutes=number),
        topic=REFERRAL_EVENTS,
        data={"referral_id": f"referral-{number}", "actor_agency_id": "agency-b", "version": 2},
    )


def log(length: int) -> list[Entry]:
    """A log of `length` entries."""
    return appended((event(n) for n in range(1, length + 1)), Frontier())


def verified(entries: list[Entry], roots: dict[int, bytes] | None = None) -> LogVerifier:
    """A verifier given the entries' records and stored nodes, and signed roots by size."""
    verifier = LogVerifier()
    for entry in entries:
        verifier.add(entry.record.seq, entry.record.leaf(), entry.nodes)
        if roots and entry.record.seq in roots:
            verifier.check_root(entry.record.seq, roots[entry.record.seq])
    return verifier


def altered(record: AuditRecord) -> AuditRecord:
    return record.model_copy(update={"actor": "agency-z"})


def test_entries_are_numbered_from_one_and_keep_the_nodes_their_leaf_completes() -> None:
    entries = log(4)
    assert [e.record.seq for e in entries] == [1, 2, 3, 4]
    assert [len(e.nodes) for e in entries] == [1, 2, 1, 3]
    assert entries[0].nodes[0] == leaf_hash(entries[0].record.leaf())
    assert entries[3].nodes[2] == tree_root(e.record.leaf() for e in entries)


def test_an_intact_log_verifies_with_its_root_and_signed_checkpoints() -> None:
    entries = log(5)
    roots = {3: tree_root(e.record.leaf() for e in entries[:3])}
    result = verified(entries, roots).result()
    assert result.ok
    assert result.records == 5
    assert result.root_hash == tree_root(e.record.leaf() for e in entries)
    assert result.checkpoints == 1


def test_an_altered_record_does_not_match_its_stored_leaf_hash() -> None:
    entries = log(5)
    entries[2] = Entry(altered(entries[2].record), entries[2].nodes)
    result = verified(entries).result()
    assert not result.ok
    assert result.first_bad_seq == 3
    assert result.records == 2
    assert "altered record" in (result.reason or "")


def test_an_altered_record_with_recomputed_nodes_fails_the_signed_root() -> None:
    honest = log(6)
    signed = {4: tree_root(e.record.leaf() for e in honest[:4])}
    # the attacker rewrites record 3 and every node after it, as the service would have
    frontier = Frontier()
    forged: list[Entry] = []
    for entry in honest:
        record = altered(entry.record) if entry.record.seq == 3 else entry.record
        nodes = tuple(h for _, h in frontier.append(leaf_hash(record.leaf())))
        forged.append(Entry(record, nodes))
    assert verified(forged).result().ok  # stored nodes alone cannot tell
    result = verified(forged, signed).result()
    assert not result.ok
    assert "between seq 1 and seq 4" in (result.reason or "")
    assert result.first_bad_seq is None


def test_a_signed_root_one_record_after_the_last_match_names_the_record() -> None:
    entries = log(3)
    roots = {n: tree_root(e.record.leaf() for e in entries[:n]) for n in (1, 2, 3)}
    leaves = [e.record.leaf() for e in entries]
    leaves[1] = altered(entries[1].record).leaf()
    verifier = LogVerifier()
    for seq, leaf in enumerate(leaves, start=1):
        verifier.add(seq, leaf)
        verifier.check_root(seq, roots[seq])
    result = verifier.result()
    assert result.first_bad_seq == 2
    assert result.checkpoints == 1


def test_nodes_stored_for_a_different_tree_are_found() -> None:
    entries = log(4)
    entries[3] = Entry(entries[3].record, (entries[3].nodes[0], entries[2].nodes[0]))
    result = verified(entries).result()
    assert result.first_bad_seq == 4
    assert "nodes" in (result.reason or "")


def test_a_removed_record_is_reported_at_its_missing_seq() -> None:
    entries = log(5)
    del entries[1]
    result = verified(entries).result()
    assert result.first_bad_seq == 2
    assert "missing" in (result.reason or "")


def test_a_repeated_record_is_reported() -> None:
    entries = log(3)
    result = verified([entries[0], entries[1], entries[1], entries[2]]).result()
    assert result.first_bad_seq == 3
    assert "repeated" in (result.reason or "")


def test_an_export_cut_short_of_its_checkpoint_fails() -> None:
    entries = log(5)
    lines = [e.record.leaf() + b"\n" for e in entries]
    root = tree_root(e.record.leaf() for e in entries)
    assert verify_export(lines, [Checkpoint("o", 5, root)]).ok
    result = verify_export(lines[:4], [Checkpoint("o", 5, root)])
    assert not result.ok
    assert "cut" in (result.reason or "")


def test_an_export_line_not_in_canonical_form_is_named() -> None:
    entries = log(3)
    lines = [e.record.leaf() + b"\n" for e in entries]
    lines[1] = lines[1].replace(b'","', b'", "', 1)
    result = verify_export(lines)
    assert result.first_bad_seq == 2
    assert "line 2" in (result.reason or "")
    assert "canonical" in (result.reason or "")


def test_a_verifier_resumes_from_the_tree_it_had_found_intact() -> None:
    entries = log(6)
    first = verified(entries[:4])
    resumed = LogVerifier(first.frontier())
    for entry in entries[4:]:
        resumed.add(entry.record.seq, entry.record.leaf(), entry.nodes)
    result = resumed.result()
    assert result.ok
    assert result.root_hash == tree_root(e.record.leaf() for e in entries)
