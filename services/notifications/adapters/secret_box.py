"""Webhook secrets encrypted at rest with AES-256-GCM, under a key from a setting or a file."""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path
from typing import Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from services.notifications.settings import NotificationsSettings
from tsunagu.webhook_targets import DEVELOPMENT

KEY_BYTES: Final = 32
NONCE_BYTES: Final = 12


class SecretsKeyUnusable(RuntimeError):
    """The key encrypting webhook secrets is missing, malformed or open to other users."""


class SecretBox:
    """Seals and opens secrets; each sealed value is bound to what it is (`context`)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise SecretsKeyUnusable(f"the webhook secrets key must be {KEY_BYTES} bytes")
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, *, context: str) -> bytes:
        """A fresh random nonce followed by the ciphertext and its tag."""
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, context.encode())

    def open(self, sealed: bytes, *, context: str) -> bytes:
        """The plaintext of a sealed value; SecretsKeyUnusable if it was sealed otherwise."""
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context.encode())
        except InvalidTag as exc:
            raise SecretsKeyUnusable("a webhook secret does not open with this key") from exc


def secrets_key(settings: NotificationsSettings) -> bytes:
    """The configured key, read from the setting or the key file (made in development)."""
    if settings.webhook_secrets_key is not None:
        return _decode(settings.webhook_secrets_key.get_secret_value())
    path = settings.key_file()
    if not path.exists():
        if settings.environment != DEVELOPMENT:
            raise SecretsKeyUnusable(f"no webhook secrets key file at {path}")
        _create(path)
    if path.stat().st_mode & 0o077:
        raise SecretsKeyUnusable(f"{path} is open to other users (chmod 600)")
    return _decode(path.read_text().strip())


def _decode(text: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except binascii.Error as exc:
        raise SecretsKeyUnusable("the webhook secrets key is not base64") from exc
    if len(key) != KEY_BYTES:
        raise SecretsKeyUnusable(f"the webhook secrets key must be {KEY_BYTES} bytes")
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
