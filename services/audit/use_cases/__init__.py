"""The audit use cases: async functions of the audit log, and the objects that keep state.

Recording keeps the tree's frontier between calls and appends one batch at a time in a process;
verifying keeps the tree of the records already found intact; issuing checkpoints is the step
of a background loop. Each is built once, by the composition root.
"""

from ..ports import AuditLog
from .checkpoints import (
    IssueCheckpoint,
    NoWitnessCosignature,
    TreeForked,
    UnknownCheckpoint,
    add_cosignatures,
    latest_checkpoint,
)
from .reading import find_records, verify_export, whole_log
from .recording import ChainConflict, Recorded, RecordEvent
from .tree import (
    ConsistencyProof,
    InclusionProof,
    MissingNode,
    NoSuchLeaf,
    TreeUnavailable,
    frontier_at,
    leaf_record,
    prove_consistency,
    prove_inclusion,
    stored_frontier,
)
from .verifying import VerifyLog

__all__ = [
    "AuditLog",
    "ChainConflict",
    "ConsistencyProof",
    "InclusionProof",
    "IssueCheckpoint",
    "MissingNode",
    "NoSuchLeaf",
    "NoWitnessCosignature",
    "RecordEvent",
    "Recorded",
    "TreeForked",
    "TreeUnavailable",
    "UnknownCheckpoint",
    "VerifyLog",
    "add_cosignatures",
    "find_records",
    "frontier_at",
    "latest_checkpoint",
    "leaf_record",
    "prove_consistency",
    "prove_inclusion",
    "stored_frontier",
    "verify_export",
    "whole_log",
]
