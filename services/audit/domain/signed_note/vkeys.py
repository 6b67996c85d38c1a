"""Verifier keys: `<name>+<hex key ID>+<base64(signature type || public key)>`."""

from __future__ import annotations

import base64
import binascii

from .cosignature import COSIGNATURE_V1, CosignatureVerifier
from .ed25519 import ED25519, Ed25519NoteVerifier
from .format import KEY_ID_SIZE, MalformedNote, check_key_name

KnownVerifier = Ed25519NoteVerifier | CosignatureVerifier


def verifier_key(verifier: KnownVerifier) -> str:
    """The vkey string that publishes a verifier."""
    material = bytes([verifier.signature_type]) + verifier.public_key
    encoded = base64.b64encode(material).decode("ascii")
    return f"{verifier.name}+{verifier.key_id.hex()}+{encoded}"


def read_verifier_key(vkey: str) -> KnownVerifier:
    """The verifier a vkey describes (Ed25519 note key or v1 cosignature key).

    The key ID in the vkey must be the one derived from the name and key, so that a vkey
    cannot claim signatures it will never match.
    """
    name, hex_id, encoded = _fields(vkey)
    try:
        stated_id = bytes.fromhex(hex_id)
        material = base64.b64decode(encoded, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise MalformedNote("a vkey's key ID is hex and its key is base64") from exc
    if len(stated_id) != KEY_ID_SIZE or hex_id != stated_id.hex() or not material:
        raise MalformedNote("a vkey's key ID is 8 lowercase hex digits")
    kind, public_key = material[0], material[1:]
    verifier: KnownVerifier
    try:
        if kind == ED25519:
            verifier = Ed25519NoteVerifier(name, public_key)
        elif kind == COSIGNATURE_V1:
            verifier = CosignatureVerifier(name, public_key)
        else:
            raise MalformedNote(f"signature type 0x{kind:02x} is not supported")
    except ValueError as exc:
        raise MalformedNote(f"vkey of {name}: {exc}") from exc
    if verifier.key_id != stated_id:
        raise MalformedNote(f"vkey of {name}: key ID does not match the key")
    return verifier


def _fields(vkey: str) -> tuple[str, str, str]:
    """Split a vkey into name, hex key ID and base64 key."""
    parts = vkey.strip().split("+", 2)  # base64 may hold "+", names and IDs never do
    if len(parts) != 3:
        raise MalformedNote("a vkey is <name>+<key ID>+<key>")
    check_key_name(parts[0])
    return parts[0], parts[1], parts[2]
