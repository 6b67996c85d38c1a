"""The audit log's domain: records, their canonical hashing and chain verification (no I/O)."""

from .canonical import canonical_json, digest, rfc3339
from .chain import ChainVerifier, Verification, verify_chain
from .record import (
    GENESIS,
    GENESIS_HASH,
    AuditRecord,
    ChainHead,
    ObservedEvent,
    UnreadableRecord,
    next_record,
    read_record,
)
from .search import RecordQuery

__all__ = [
    "GENESIS",
    "GENESIS_HASH",
    "AuditRecord",
    "ChainHead",
    "ChainVerifier",
    "ObservedEvent",
    "RecordQuery",
    "UnreadableRecord",
    "Verification",
    "canonical_json",
    "digest",
    "next_record",
    "read_record",
    "rfc3339",
    "verify_chain",
]
