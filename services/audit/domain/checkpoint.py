"""C2SP tlog-checkpoint: the signed head of the audit log's Merkle tree.

    <origin>
    <tree size in decimal>
    <base64 root hash>
    [extension lines]

The body is a signed note, signed by the log's Ed25519 key and cosigned by witnesses.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from .merkle import HASH_SIZE
from .signed_note import (
    Note,
    NoteRejected,
    NoteSigner,
    NoteVerifier,
    VerifiedNote,
    sign_note,
    verify_note,
)

DEFAULT_ORIGIN: Final = "tsunagu.local/audit"
_SIZE = re.compile(r"0|[1-9][0-9]*")


class MalformedCheckpoint(ValueError):
    """A note text that is not a checkpoint."""


@dataclass(frozen=True)
class Checkpoint:
    """The log's origin, tree size and root hash at that size."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise MalformedCheckpoint("the origin is one non-empty line")
        if self.size < 0:
            raise MalformedCheckpoint("the tree size is not negative")
        if len(self.root_hash) != HASH_SIZE:
            raise MalformedCheckpoint(f"the root hash is {HASH_SIZE} bytes")
        if any(not line or "\n" in line for line in self.extensions):
            raise MalformedCheckpoint("each extension is one non-empty line")

    def body(self) -> str:
        """The note text of this checkpoint, final newline included."""
        root = base64.b64encode(self.root_hash).decode("ascii")
        return "".join(
            f"{line}\n" for line in (self.origin, str(self.size), root, *self.extensions)
        )

    @classmethod
    def from_body(cls, text: str) -> Checkpoint:
        """Read a checkpoint from its note text, refusing anything not in canonical form."""
        if not text.endswith("\n"):
            raise MalformedCheckpoint("a checkpoint ends with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise MalformedCheckpoint("a checkpoint has an origin, a size and a root hash")
        origin, size, root, *extensions = lines
        if not _SIZE.fullmatch(size):
            raise MalformedCheckpoint(f"tree size {size!r} is not a decimal without leading zeros")
        try:
            root_hash = base64.b64decode(root, validate=True)
        except binascii.Error as exc:
            raise MalformedCheckpoint("the root hash is not base64") from exc
        if base64.b64encode(root_hash).decode("ascii") != root:
            raise MalformedCheckpoint("the root hash is not in canonical base64")
        return cls(origin, int(size), root_hash, tuple(extensions))


@dataclass(frozen=True)
class OpenedCheckpoint:
    """A checkpoint whose log signature holds, with the note and every signature verified."""

    checkpoint: Checkpoint
    verified: VerifiedNote

    @property
    def note(self) -> Note:
        """The signed note as received, all signatures included."""
        return self.verified.note


def sign_checkpoint(checkpoint: Checkpoint, signer: NoteSigner) -> Note:
    """The checkpoint as a note signed by the log's key."""
    return sign_note(checkpoint.body(), [signer])


def open_checkpoint(
    message: str | bytes | Note,
    log_key: NoteVerifier,
    *,
    cosigners: Iterable[NoteVerifier] = (),
    origin: str | None = None,
) -> OpenedCheckpoint:
    """Verify a signed checkpoint and read it.

    The log's own signature must hold, so must every known cosignature, and the origin must be
    the expected one (by default the log key's name).
    """
    verified = verify_note(message, [log_key, *cosigners])
    if not verified.signed_by(log_key):
        raise NoteRejected(f"the checkpoint is not signed by the log key {log_key.name}")
    checkpoint = Checkpoint.from_body(verified.text)
    expected = log_key.name if origin is None else origin
    if checkpoint.origin != expected:
        raise NoteRejected(f"the checkpoint is for {checkpoint.origin!r}, not {expected!r}")
    return OpenedCheckpoint(checkpoint, verified)
