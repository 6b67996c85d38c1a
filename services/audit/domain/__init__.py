"""The audit log's domain: records, their canonical form, the log's Merkle tree, checkpoints and
their verification (no I/O)."""

from .canonical import canonical_json, digest, plain_json, rfc3339
from .checkpoint import (
    DEFAULT_ORIGIN,
    Checkpoint,
    MalformedCheckpoint,
    OpenedCheckpoint,
    open_checkpoint,
    sign_checkpoint,
)
from .record import (
    AuditRecord,
    ObservedEvent,
    UnreadableRecord,
    new_record,
    read_record,
    recorded,
)
from .search import RecordQuery
from .tree_log import Entry, appended, keeper_seq, node_hashes
from .verification import LogVerifier, Verification
from .withholding import kept_data

__all__ = [
    "DEFAULT_ORIGIN",
    "AuditRecord",
    "Checkpoint",
    "Entry",
    "LogVerifier",
    "MalformedCheckpoint",
    "ObservedEvent",
    "OpenedCheckpoint",
    "RecordQuery",
    "UnreadableRecord",
    "Verification",
    "appended",
    "canonical_json",
    "digest",
    "keeper_seq",
    "kept_data",
    "new_record",
    "node_hashes",
    "open_checkpoint",
    "plain_json",
    "read_record",
    "recorded",
    "rfc3339",
    "sign_checkpoint",
]
