"""Reading the checkpoints and verifier keys given on the command line."""

from __future__ import annotations

from pathlib import Path

from services.audit import (
    CosignatureVerifier,
    Ed25519NoteVerifier,
    MalformedNote,
    read_verifier_key,
)


class BadInput(ValueError):
    """A key or checkpoint given by the user that cannot be used; the message says why."""


def vkey_text(value: str) -> str:
    """A vkey given as itself or as the path of a file holding it."""
    path = Path(value)
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    return value.strip()


def log_key(value: str) -> Ed25519NoteVerifier:
    """The log's Ed25519 note verifier from a vkey (or a file holding one)."""
    try:
        verifier = read_verifier_key(vkey_text(value))
    except MalformedNote as exc:
        raise BadInput(f"not a verifier key: {exc}") from exc
    if not isinstance(verifier, Ed25519NoteVerifier):
        raise BadInput(f"{verifier.name}: not an Ed25519 note key (type 0x01)")
    return verifier


def witness_key(value: str) -> CosignatureVerifier:
    """A witness's cosignature verifier from a vkey (or a file holding one)."""
    try:
        verifier = read_verifier_key(vkey_text(value))
    except MalformedNote as exc:
        raise BadInput(f"not a verifier key: {exc}") from exc
    if not isinstance(verifier, CosignatureVerifier):
        raise BadInput(f"{verifier.name}: not a cosignature key (type 0x04)")
    return verifier
