"""C2SP signed notes with Ed25519 signatures and tlog-cosignature v1 witness cosignatures."""

from .cosignature import (
    COSIGNATURE_V1,
    CosignatureVerifier,
    Cosigner,
    cosignature_time,
    cosigned_message,
)
from .ed25519 import ED25519, Ed25519NoteSigner, Ed25519NoteVerifier
from .format import MalformedNote, Note, NoteSignature, key_id, parse_note
from .verification import (
    NoteRejected,
    NoteSigner,
    NoteVerifier,
    VerifiedNote,
    sign_note,
    verify_note,
)
from .vkeys import KnownVerifier, read_verifier_key, verifier_key

__all__ = [
    "COSIGNATURE_V1",
    "ED25519",
    "CosignatureVerifier",
    "Cosigner",
    "Ed25519NoteSigner",
    "Ed25519NoteVerifier",
    "KnownVerifier",
    "MalformedNote",
    "Note",
    "NoteRejected",
    "NoteSignature",
    "NoteSigner",
    "NoteVerifier",
    "VerifiedNote",
    "cosignature_time",
    "cosigned_message",
    "key_id",
    "parse_note",
    "read_verifier_key",
    "sign_note",
    "verifier_key",
    "verify_note",
]
