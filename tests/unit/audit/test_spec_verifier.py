"""The log's proofs and signed checkpoints pass a verifier written from the specifications alone.

`tests/spec_verifier.py` shares no code with the service; here it checks every inclusion and
consistency proof of small trees and a signed checkpoint, and refuses altered ones; the
published RFC 6962 probes hold it to the same answers as the service (test_merkle_vectors.py).
"""

from __future__ import annotations

import pytest

from services.audit.domain import Checkpoint, sign_checkpoint
from services.audit.domain.merkle import tree_root
from services.audit.domain.signed_note import verifier_key
from services.audit.use_cases import RecordEvent, prove_consistency, prove_inclusion
from tests import spec_verifier as spec

from .test_use_cases import LOG_KEY, InMemoryAuditLog, observed

SIZE = 33


@pytest.fixture
async def audit_log() -> InMemoryAuditLog:
    log = InMemoryAuditLog()
    await RecordEvent(audit_log=log).many([observed(n) for n in range(1, SIZE + 1)])
    return log


def root_of(audit_log: InMemoryAuditLog, size: int) -> bytes:
    return tree_root(r.leaf() for r in audit_log.records[:size])


async def test_every_inclusion_proof_of_every_tree_size_verifies(
    audit_log: InMemoryAuditLog,
) -> None:
    for size in range(1, SIZE + 1):
        root = root_of(audit_log, size)
        for index in range(size):
            proof = await prove_inclusion(audit_log, index, size)
            leaf = spec.leaf_hash(audit_log.records[index].leaf())
            spec.verify_inclusion(index, size, leaf, list(proof.hashes), root)
            if proof.hashes:
                bent = [bytes(32), *proof.hashes[1:]]
                with pytest.raises(spec.Rejected):
                    spec.verify_inclusion(index, size, leaf, bent, root)


async def test_every_consistency_proof_between_tree_sizes_verifies(
    audit_log: InMemoryAuditLog,
) -> None:
    for second in range(2, SIZE + 1):
        second_root = root_of(audit_log, second)
        for first in range(1, second):
            proof = await prove_consistency(audit_log, first, second)
            first_root = root_of(audit_log, first)
            spec.verify_consistency(first, second, first_root, second_root, list(proof.hashes))
            with pytest.raises(spec.Rejected):
                spec.verify_consistency(first, second, second_root, second_root, proof.hashes)


def test_a_signed_checkpoint_opens_with_the_published_key_and_no_other() -> None:
    note = sign_checkpoint(Checkpoint("tsunagu.test/audit", 7, bytes(range(32))), LOG_KEY).render()
    key = spec.read_key(verifier_key(LOG_KEY.verifier()))
    checkpoint = spec.read_checkpoint(spec.open_note(note, key))
    assert checkpoint == spec.Checkpoint("tsunagu.test/audit", 7, bytes(range(32)))
    with pytest.raises(spec.Rejected):
        spec.open_note(note.replace("\n7\n", "\n8\n"), key)
    other = spec.Key(key.name, key.key_hash, bytes(32))
    with pytest.raises(spec.Rejected):
        spec.open_note(note, other)
