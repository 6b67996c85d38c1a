"""The notifications domain: who is told, what they are told, and how deliveries retry."""

from .agencies import AgencyContact, recipients
from .deliveries import (
    Delivery,
    DeliveryOutcome,
    DeliveryStatus,
    NotificationNotice,
    after_failure,
    after_success,
    delivery_id,
    plan_deliveries,
)
from .events import SourceEvent
from .inbox import InboxEntry, inbox_entries, notification_id, summary
from .mail import mail_message
from .retry import RetryPolicy
from .webhook import (
    SIGNATURE_HEADER,
    STRUCTURED_CONTENT_TYPE,
    agency_secret,
    signature,
    signature_matches,
    structured_cloudevent,
    webhook_body,
)

__all__ = [
    "SIGNATURE_HEADER",
    "STRUCTURED_CONTENT_TYPE",
    "AgencyContact",
    "Delivery",
    "DeliveryOutcome",
    "DeliveryStatus",
    "InboxEntry",
    "NotificationNotice",
    "RetryPolicy",
    "SourceEvent",
    "after_failure",
    "after_success",
    "agency_secret",
    "delivery_id",
    "inbox_entries",
    "mail_message",
    "notification_id",
    "plan_deliveries",
    "recipients",
    "signature",
    "signature_matches",
    "structured_cloudevent",
    "summary",
    "webhook_body",
]
