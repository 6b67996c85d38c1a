"""A verifier of the audit log written from the public specifications alone.

It shares no code with the service: RFC 9162 section 2.1 (hashes, and the algorithms of
2.1.3.2 and 2.1.4.2 that verify inclusion and consistency proofs), C2SP `signed-note` (verifier
keys, key hashes, signature lines) and C2SP `tlog-checkpoint` (the note's body). Only hashlib and
the `cryptography` package's Ed25519 are used. The tests check the served log with it, so a
verifier written by anyone else from the same documents is expected to agree.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

ED25519 = 0x01  # the signature type of an Ed25519 note key
DASH = "\u2014 "  # an em dash and a space open every signature line


class Rejected(ValueError):
    """The note, checkpoint or proof does not verify."""


@dataclass(frozen=True)
class Key:
    """A note verifier key: its name, its 4-byte key hash and the Ed25519 public key."""

    name: str
    key_hash: bytes
    public: bytes


@dataclass(frozen=True)
class Checkpoint:
    """The body of a checkpoint note: origin, tree size and root hash."""

    origin: str
    size: int
    root: bytes


def read_key(vkey: str) -> Key:
    """`<name>+<hex key hash>+<base64 of type byte and key>`, its hash checked."""
    name, hex_hash, encoded = vkey.strip().split("+", 2)  # names hold no "+", base64 may
    raw = base64.b64decode(encoded)
    if raw[0] != ED25519 or len(raw) != 33:
        raise Rejected("not an Ed25519 verifier key")
    key_hash = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4]
    if key_hash.hex() != hex_hash:
        raise Rejected("the key hash does not match the key")
    return Key(name, key_hash, raw[1:])


def open_note(note: str, key: Key) -> str:
    """The note's text once a signature line by `key` verifies over it."""
    text, separator, signatures = note.rpartition("\n\n")
    if not separator:
        raise Rejected("no signature block")
    text += "\n"
    for line in signatures.splitlines():
        if not line.startswith(DASH):
            raise Rejected(f"not a signature line: {line!r}")
        name, _, encoded = line[len(DASH) :].rpartition(" ")
        blob = base64.b64decode(encoded)
        if name != key.name or blob[:4] != key.key_hash:
            continue
        try:
            Ed25519PublicKey.from_public_bytes(key.public).verify(blob[4:], text.encode())
        except InvalidSignature as exc:
            raise Rejected("the signature does not verify") from exc
        return text
    raise Rejected(f"no signature by {key.name}")


def read_checkpoint(text: str) -> Checkpoint:
    """Origin, decimal size and base64 root hash: the first three lines of the body."""
    lines = text.split("\n")
    if len(lines) < 4 or not lines[1].isdigit():
        raise Rejected("not a checkpoint")
    root = base64.b64decode(lines[2], validate=True)
    if len(root) != 32:
        raise Rejected("the root hash is not 32 bytes")
    return Checkpoint(lines[0], int(lines[1]), root)


def leaf_hash(leaf: bytes) -> bytes:
    """HASH(0x00 || leaf)."""
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """HASH(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(index: int, size: int, hashed: bytes, path: list[bytes], root: bytes) -> None:
    """RFC 9162 2.1.3.2, step by step."""
    if index >= size:
        raise Rejected("index beyond the tree")
    if len(hashed) != 32 or len(root) != 32:
        raise Rejected("a hash is not 32 bytes")
    fn, sn, r = index, size - 1, hashed
    for p in path:
        if sn == 0:
            raise Rejected("inclusion path too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            fn, sn = _until_odd(fn, sn)
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or r != root:
        raise Rejected("inclusion proof does not verify")


def verify_consistency(
    first: int, second: int, first_root: bytes, second_root: bytes, path: list[bytes]
) -> None:
    """RFC 9162 2.1.4.2, step by step; a tree is consistent with itself without hashes."""
    if 0 < first == second and not path:
        if first_root != second_root:
            raise Rejected("one size, two roots")
        return
    if not 0 < first < second:
        raise Rejected("sizes out of order")
    if not path:
        raise Rejected("empty consistency path")
    if first & (first - 1) == 0:  # an exact power of 2
        path = [first_root, *path]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Rejected("consistency path too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            fn, sn = _until_odd(fn, sn)
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if fr != first_root or sr != second_root or sn != 0:
        raise Rejected("consistency proof does not verify")


def _until_odd(fn: int, sn: int) -> tuple[int, int]:
    """Both right-shifted equally until LSB(fn) is set or fn is 0 (step b.ii of both)."""
    while fn and not fn & 1:
        fn, sn = fn >> 1, sn >> 1
    return fn, sn
