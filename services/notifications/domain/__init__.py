"""The notifications domain: who is told, what they are told, and how deliveries retry."""

from .agencies import AgencyContact, recipients
from .deliveries import (
    Delivery,
    DeliveryOutcome,
    DeliveryStatus,
    NotificationNotice,
    after_failure,
    after_interruptions,
    after_success,
    delivery_id,
    exhausted,
    plan_deliveries,
)
from .events import SourceEvent
from .inbox import InboxEntry, inbox_entries, notification_id, summary
from .mail import mail_message
from .retry import RetryPolicy
from .signing_secrets import SigningSecrets, first_secrets, new_signing_key
from .webhook import (
    ID_HEADER,
    SIGNATURE_HEADER,
    STRUCTURED_CONTENT_TYPE,
    TIMESTAMP_HEADER,
    MalformedSecret,
    secret_key,
    secret_text,
    sign,
    signature_header,
    signature_matches,
    structured_cloudevent,
    webhook_body,
)

__all__ = [
    "ID_HEADER",
    "SIGNATURE_HEADER",
    "STRUCTURED_CONTENT_TYPE",
    "TIMESTAMP_HEADER",
    "AgencyContact",
    "Delivery",
    "DeliveryOutcome",
    "DeliveryStatus",
    "InboxEntry",
    "MalformedSecret",
    "NotificationNotice",
    "RetryPolicy",
    "SigningSecrets",
    "SourceEvent",
    "after_failure",
    "after_interruptions",
    "after_success",
    "delivery_id",
    "exhausted",
    "first_secrets",
    "inbox_entries",
    "mail_message",
    "new_signing_key",
    "notification_id",
    "plan_deliveries",
    "recipients",
    "secret_key",
    "secret_text",
    "sign",
    "signature_header",
    "signature_matches",
    "structured_cloudevent",
    "summary",
    "webhook_body",
]
