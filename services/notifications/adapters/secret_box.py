"""Webhook secrets encrypted at rest with AES-256-GCM (`tsunagu.sealing`), under a key from a
setting or a file."""

from __future__ import annotations

from services.notifications.settings import NotificationsSettings
from tsunagu.sealing import KeyUnusable, SecretBox, load_key

SecretsKeyUnusable = KeyUnusable
"""The key encrypting webhook secrets is missing, malformed or open to other users."""

__all__ = ["SecretBox", "SecretsKeyUnusable", "secrets_key"]


def secrets_key(settings: NotificationsSettings) -> bytes:
    """The configured key, read from the setting or the key file (made in development)."""
    return load_key(
        value=settings.webhook_secrets_key,
        path=settings.key_file(),
        environment=settings.environment,
        what="webhook secrets key",
    )
