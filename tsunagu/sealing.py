"""Values sealed at rest with AES-256-GCM (`cryptography`), under a key from a setting or a file.

Each sealed value is bound to what it is (its `context`, the AEAD's associated data), so a
sealed value copied to another place does not open there. Keys are 32 random bytes, given as
base64 in a setting or kept in a file that only the service's user may read; in development a
missing file is created.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from pydantic import SecretStr

from tsunagu.webhook_targets import DEVELOPMENT

KEY_BYTES: Final = 32
NONCE_BYTES: Final = 12


class KeyUnusable(RuntimeError):
    """A sealing key is missing, malformed or open to other users, or a value does not open."""


class SecretBox:
    """Seals and opens values under one key."""

    def __init__(self, key: bytes, *, what: str = "sealing key") -> None:
        if len(key) != KEY_BYTES:
            raise KeyUnusable(f"the {what} must be {KEY_BYTES} bytes")
        self._aead = AESGCM(key)
        self._what = what

    def seal(self, plaintext: bytes, *, context: str) -> bytes:
        """A fresh random nonce followed by the ciphertext and its tag."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def open(self, sealed: bytes, *, context: str) -> bytes:
        """The plaintext of a sealed value; KeyUnusable if it was sealed otherwise."""
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context.encode())
        except InvalidTag as exc:
            raise KeyUnusable(
                f"a value sealed for {context!r} does not open with {self._what}"
            ) from exc


def derived_key(key: bytes, purpose: str) -> bytes:
    """A 32-byte key for one `purpose`, derived from `key` with HKDF-SHA256 (RFC 5869)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode()
    ).derive(key)


def load_key(*, value: SecretStr | None, path: Path, environment: str, what: str) -> bytes:
    """The key given as base64 in `value`, else read from `path` (made there in development)."""
    if value is not None:
        return _decode(value.get_secret_value(), what)
    if not path.exists():
        if environment != DEVELOPMENT:
            raise KeyUnusable(f"no {what} file at {path}")
        _create(path)
    if path.stat().st_mode & 0o077:
        raise KeyUnusable(f"{path} is open to other users (chmod 600)")
    return _decode(path.read_text().strip(), what)


def _decode(text: str, what: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise KeyUnusable(f"the {what} is not base64") from exc
    if len(key) != KEY_BYTES:
        raise KeyUnusable(f"the {what} must be {KEY_BYTES} bytes")
    return key


def _create(path: Path) -> None:
    """Write a new random key, readable by the service's user only, unless one appeared."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(base64.b64encode(AESGCM.generate_key(bit_length=256)).decode())
    try:
        os.link(partial, path)  # never replaces a key another process wrote first
    except FileExistsError:
        pass
    finally:
        partial.unlink()
