"""The notifications use cases: each loads, calls the domain and saves through ports."""

from .deliver import DeliverDue
from .inbox import IssueWebhookSecret, MarkRead, NotificationNotFound, ReadInbox
from .notify import NotifyParties, RecordAgencyContact
from .ports import (
    AgencyContacts,
    ChannelSender,
    Claim,
    Clock,
    DeliveryFailed,
    DeliveryQueue,
    Inbox,
    InboxPage,
    InvalidCursor,
)

__all__ = [
    "AgencyContacts",
    "ChannelSender",
    "Claim",
    "Clock",
    "DeliverDue",
    "DeliveryFailed",
    "DeliveryQueue",
    "Inbox",
    "InboxPage",
    "InvalidCursor",
    "IssueWebhookSecret",
    "MarkRead",
    "NotificationNotFound",
    "NotifyParties",
    "ReadInbox",
    "RecordAgencyContact",
]
