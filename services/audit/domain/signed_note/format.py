"""The C2SP signed-note format: a text, a blank line, then one line per signature.

— <key name> base64(4-byte key ID || signature)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, replace
from typing import Final

MAX_SIGNATURES: Final = 64  # the spec asks verifiers to accept at least 16
SIGNATURE_PREFIX: Final = "\u2014 "  # em dash, space
KEY_ID_SIZE: Final = 4


class MalformedNote(ValueError):
    """Bytes that are not a signed note, or a note text or key name the format forbids."""


@dataclass(frozen=True)
class NoteSignature:
    """One signature line: who signed (name and key ID) and the signature bytes."""

    name: str
    key_id: bytes
    signature: bytes

    def line(self) -> str:
        """The signature line, newline included."""
        encoded = base64.b64encode(self.key_id + self.signature).decode("ascii")
        return f"{SIGNATURE_PREFIX}{self.name} {encoded}\n"


@dataclass(frozen=True)
class Note:
    """A note text (ending in a newline) and the signatures that follow it."""

    text: str
    signatures: tuple[NoteSignature, ...] = ()

    def __post_init__(self) -> None:
        check_text(self.text)

    def render(self) -> str:
        """The note as it is published: text, blank line, signature lines."""
        return self.text + "\n" + "".join(s.line() for s in self.signatures)

    def with_signature(self, signature: NoteSignature) -> Note:
        """The same note with one more signature line."""
        return replace(self, signatures=(*self.signatures, signature))


def key_id(name: str, signature_type: int, public_key: bytes) -> bytes:
    """The recommended key ID: SHA-256(name || 0x0A || type || public key)[:4]."""
    check_key_name(name)
    material = name.encode("utf-8") + b"\n" + bytes([signature_type]) + public_key
    return hashlib.sha256(material).digest()[:KEY_ID_SIZE]


def check_key_name(name: str) -> None:
    """Refuse an empty key name or one holding a space or a plus sign."""
    if not name or "+" in name or any(c.isspace() for c in name):
        raise MalformedNote(f"key name {name!r} is empty or holds a space or '+'")
    _check_characters(name)


def check_text(text: str) -> None:
    """Refuse a note text the format does not allow."""
    if not text.endswith("\n"):
        raise MalformedNote("a note text ends with a newline")
    _check_characters(text)


def _check_characters(text: str) -> None:
    """Refuse ASCII control characters other than newline, and lone surrogates."""
    if any(c < " " and c != "\n" for c in text):
        raise MalformedNote("control characters are not allowed in a note")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise MalformedNote("a note is valid UTF-8") from exc


def parse_note(message: str | bytes) -> Note:
    """Split a signed note into its text and signatures, checking the format strictly."""
    if isinstance(message, bytes):
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedNote("a note is valid UTF-8") from exc
    split = message.rfind("\n\n")
    if split < 0:
        raise MalformedNote("no blank line between the note text and its signatures")
    text, block = message[: split + 1], message[split + 2 :]
    if not block.endswith("\n"):
        raise MalformedNote("the last signature line ends with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNote(f"more than {MAX_SIGNATURES} signatures")
    return Note(text, tuple(_parse_signature(line) for line in lines))


def _parse_signature(line: str) -> NoteSignature:
    """Read one signature line (without its newline)."""
    if not line.startswith(SIGNATURE_PREFIX):
        raise MalformedNote("a signature line starts with an em dash and a space")
    name, space, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not space:
        raise MalformedNote("a signature line has a key name, a space and a signature")
    check_key_name(name)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except binascii.Error as exc:
        raise MalformedNote(f"signature of {name} is not base64") from exc
    if len(raw) <= KEY_ID_SIZE:
        raise MalformedNote(f"signature of {name} is too short")
    return NoteSignature(name, raw[:KEY_ID_SIZE], raw[KEY_ID_SIZE:])
