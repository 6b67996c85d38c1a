"""Reading the checkpoints and verifier keys given on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from services.audit import (
    CosignatureVerifier,
    Ed25519NoteVerifier,
    MalformedNote,
    read_verifier_key,
)

VerifierT = TypeVar("VerifierT", Ed25519NoteVerifier, CosignatureVerifier)


class BadInput(ValueError):
    """A key or checkpoint given by the user that cannot be used; the message says why."""


def vkey_text(value: str) -> str:
    """A vkey given as itself or as the path of a file holding it."""
    path = Path(value)
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    return value.strip()


def _verifier(value: str, kind: type[VerifierT], what: str) -> VerifierT:
    """The verifier of `kind` a vkey (or a file holding one) names; BadInput otherwise."""
    try:
        verifier = read_verifier_key(vkey_text(value))
    except MalformedNote as exc:
        raise BadInput(f"not a verifier key: {exc}") from exc
    if not isinstance(verifier, kind):
        raise BadInput(f"{verifier.name}: not {what}")
    return verifier


def log_key(value: str) -> Ed25519NoteVerifier:
    """The log's Ed25519 note verifier from a vkey (or a file holding one)."""
    return _verifier(value, Ed25519NoteVerifier, "an Ed25519 note key (type 0x01)")


def witness_key(value: str) -> CosignatureVerifier:
    """A witness's cosignature verifier from a vkey (or a file holding one)."""
    return _verifier(value, CosignatureVerifier, "a cosignature key (type 0x04)")
