"""The notifications use cases: each an async function of the service's ports."""

from .deliver import attempt_delivery, next_claim
from .inbox import NotificationNotFound, mark_read, read_inbox, webhook_secret
from .notify import notify_parties, record_agency_contact

__all__ = [
    "NotificationNotFound",
    "attempt_delivery",
    "mark_read",
    "next_claim",
    "notify_parties",
    "read_inbox",
    "record_agency_contact",
    "webhook_secret",
]
