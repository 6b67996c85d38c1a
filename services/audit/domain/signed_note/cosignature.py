"""C2SP tlog-cosignature v1: a witness's timestamped Ed25519 signature of a checkpoint (0x04).

The signed message is `cosignature/v1`, `time <POSIX seconds>` and the checkpoint text, each
line ending in a newline; the signature is the 8-byte big-endian time followed by the Ed25519
signature, so that the time travels with it.
"""

from __future__ import annotations

from typing import Final

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .ed25519 import SIGNATURE_SIZE, Ed25519NoteVerifier, SigningKey, raw_public_key
from .format import Note, NoteSignature, key_id

COSIGNATURE_V1: Final = 0x04
TIMESTAMP_SIZE: Final = 8
MAX_TIMESTAMP: Final = 2**63 - 1


def cosigned_message(text: bytes, timestamp: int) -> bytes:
    """The bytes a v1 cosignature signs for a checkpoint text at a given time."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError(f"timestamp {timestamp} is out of range")
    return b"cosignature/v1\ntime %d\n" % timestamp + text


def cosignature_time(signature: bytes | NoteSignature) -> int:
    """The POSIX time a v1 cosignature (without its key ID) states it was made at."""
    raw = signature.signature if isinstance(signature, NoteSignature) else signature
    if len(raw) != TIMESTAMP_SIZE + SIGNATURE_SIZE:
        raise ValueError("not a v1 Ed25519 cosignature")
    return int.from_bytes(raw[:TIMESTAMP_SIZE], "big")


class CosignatureVerifier:
    """A trusted witness key that checks v1 cosignatures made under its name."""

    signature_type: Final = COSIGNATURE_V1

    def __init__(self, name: str, public_key: bytes) -> None:
        self._ed25519 = Ed25519NoteVerifier(name, public_key)
        self._key_id = key_id(name, COSIGNATURE_V1, public_key)

    @property
    def name(self) -> str:
        """The witness's key name."""
        return self._ed25519.name

    @property
    def key_id(self) -> bytes:
        """SHA-256(name || 0x0A || 0x04 || public key)[:4]."""
        return self._key_id

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key."""
        return self._ed25519.public_key

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Whether `signature` is this witness's v1 cosignature of the checkpoint text."""
        if len(signature) != TIMESTAMP_SIZE + SIGNATURE_SIZE:
            return False
        timestamp = int.from_bytes(signature[:TIMESTAMP_SIZE], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        message = cosigned_message(text, timestamp)
        return self._ed25519.verify(message, signature[TIMESTAMP_SIZE:])


class Cosigner(SigningKey[CosignatureVerifier]):
    """A witness's Ed25519 private key, cosigning checkpoints it has checked."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        public_key = raw_public_key(private_key.public_key())
        super().__init__(private_key, CosignatureVerifier(name, public_key))

    def cosign(self, note: Note, timestamp: int) -> Note:
        """The note with this witness's cosignature, made at `timestamp`, added."""
        message = cosigned_message(note.text.encode("utf-8"), timestamp)
        signature = timestamp.to_bytes(TIMESTAMP_SIZE, "big") + self._private_key.sign(message)
        return note.with_signature(NoteSignature(self.name, self.key_id, signature))
