"""Data of notification events: the result of delivering one event to one agency."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

NOTIFICATION_DELIVERED: Final = "tsunagu.notification.delivered"
NOTIFICATION_FAILED: Final = "tsunagu.notification.failed"

NOTIFICATION_EVENT_TYPES: Final = (NOTIFICATION_DELIVERED, NOTIFICATION_FAILED)


class Channel(StrEnum):
    """A way of reaching an agency."""

    INBOX = "inbox"
    KAFKA = "kafka"
    WEBHOOK = "webhook"
    EMAIL = "email"


class NotificationEventData(BaseModel):
    """Outcome of delivering one referral event to one agency through one channel."""

    model_config = ConfigDict(frozen=True)

    notification_id: str = Field(min_length=1)
    agency_id: str = Field(min_length=1)
    channel: Channel
    source_event_id: str = Field(min_length=1)
    source_event_type: str = Field(min_length=1)
    referral_id: str | None = None
    attempts: int = Field(ge=1)
    error: str | None = Field(default=None, description="Last error, for failures.")
    occurred_at: datetime
