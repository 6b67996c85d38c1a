"""The notifications use cases: each an async function of the service's ports."""

from .deliver import attempt_delivery, next_claim
from .inbox import NotificationNotFound, mark_read, read_inbox
from .notify import notify_all, notify_parties, record_agency_contact
from .signing import RotationConflict, rotate_webhook_secret, signing_keys, webhook_secrets

__all__ = [
    "NotificationNotFound",
    "RotationConflict",
    "attempt_delivery",
    "mark_read",
    "next_claim",
    "notify_all",
    "notify_parties",
    "read_inbox",
    "record_agency_contact",
    "rotate_webhook_secret",
    "signing_keys",
    "webhook_secrets",
]
