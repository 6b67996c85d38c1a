"""The audit service: a verifiable record of every event in the network.

Tools outside the service use only what this module exports: what an independent verifier or
witness needs (checkpoints, signed notes, Merkle proofs and their checks, key files) and
`verify_export` to check a JSON-lines export offline; the rest lets a benchmark store a log as
the service would.
"""

from .adapters.key_file import KeyFileProblem, load_key, load_or_create_key
from .adapters.mongo import COLLECTION as RECORDS_COLLECTION
from .adapters.mongo import MongoAuditLog, stored_documents
from .domain import (
    AuditRecord,
    Checkpoint,
    Entry,
    MalformedCheckpoint,
    ObservedEvent,
    OpenedCheckpoint,
    Verification,
    appended,
    open_checkpoint,
)
from .domain.merkle import (
    Frontier,
    InvalidProof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from .domain.signed_note import (
    CosignatureVerifier,
    Cosigner,
    Ed25519NoteVerifier,
    MalformedNote,
    Note,
    NoteRejected,
    parse_note,
    read_verifier_key,
    verifier_key,
)
from .use_cases import verify_export

__all__ = [
    "RECORDS_COLLECTION",
    "AuditRecord",
    "Checkpoint",
    "CosignatureVerifier",
    "Cosigner",
    "Ed25519NoteVerifier",
    "Entry",
    "Frontier",
    "InvalidProof",
    "KeyFileProblem",
    "MalformedCheckpoint",
    "MalformedNote",
    "MongoAuditLog",
    "Note",
    "NoteRejected",
    "ObservedEvent",
    "OpenedCheckpoint",
    "Verification",
    "appended",
    "leaf_hash",
    "load_key",
    "load_or_create_key",
    "open_checkpoint",
    "parse_note",
    "read_verifier_key",
    "stored_documents",
    "verifier_key",
    "verify_consistency",
    "verify_export",
    "verify_inclusion",
]
