"""Signing and verifying notes with any signature type that follows the signed-note rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from .format import Note, NoteSignature, check_text, parse_note


class NoteSigner(Protocol):
    """A key that signs note texts under a name and key ID."""

    @property
    def name(self) -> str:
        """The key name written on the signature line."""
        ...

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID written before the signature."""
        ...

    def sign(self, text: bytes) -> bytes:
        """The signature of a note text (without the key ID)."""
        ...


class NoteVerifier(Protocol):
    """A trusted public key that checks signatures made under its name and key ID."""

    @property
    def name(self) -> str:
        """The key name its signatures carry."""
        ...

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID its signatures carry."""
        ...

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether `signature` (without the key ID) is a valid signature of `text`."""
        ...


class NoteRejected(ValueError):
    """A note that no trusted key vouches for, or that a trusted key's signature contradicts."""


@dataclass(frozen=True)
class VerifiedNote:
    """A note whose text is vouched for, and the signatures that were checked and hold."""

    note: Note
    verified: tuple[NoteSignature, ...]

    @property
    def text(self) -> str:
        """The note text, now trustworthy."""
        return self.note.text

    def signed_by(self, verifier: NoteVerifier) -> bool:
        """Whether this verifier's key is among the verified signatures."""
        return any(s.name == verifier.name and s.key_id == verifier.key_id for s in self.verified)


def sign_note(text: str, signers: Iterable[NoteSigner]) -> Note:
    """A note of `text` signed by each signer in turn."""
    check_text(text)
    body = text.encode("utf-8")
    signatures = tuple(NoteSignature(s.name, s.key_id, s.sign(body)) for s in signers)
    if not signatures:
        raise ValueError("a signed note has at least one signature")
    return Note(text, signatures)


def verify_note(message: str | bytes | Note, verifiers: Iterable[NoteVerifier]) -> VerifiedNote:
    """Check a note against trusted keys, by the C2SP rules.

    Signatures from unknown keys are ignored, a known key's signature that fails rejects the
    whole note, and at least one known signature must hold.
    """
    note = message if isinstance(message, Note) else parse_note(message)
    known = {(v.name, v.key_id): v for v in verifiers}
    body = note.text.encode("utf-8")
    verified: list[NoteSignature] = []
    for signature in note.signatures:
        verifier = known.get((signature.name, signature.key_id))
        if verifier is None:
            continue
        if not verifier.verify(body, signature.signature):
            raise NoteRejected(f"the signature of {signature.name} does not verify")
        verified.append(signature)
    if not verified:
        raise NoteRejected("no signature from a trusted key")
    return VerifiedNote(note, tuple(verified))
