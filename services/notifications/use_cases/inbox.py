"""Reading an inbox, marking notifications read, and handing out webhook secrets."""

from __future__ import annotations

from dataclasses import dataclass

from services.notifications.domain import InboxEntry, agency_secret

from .ports import Clock, Inbox, InboxPage


class NotificationNotFound(LookupError):
    """No such notification in this agency's inbox."""


@dataclass(frozen=True)
class ReadInbox:
    """One page of an agency's inbox."""

    inbox: Inbox

    async def __call__(
        self, *, agency_id: str, unread: bool | None, limit: int, cursor: str | None
    ) -> InboxPage:
        """Newest notifications first, filtered by read state when asked."""
        return await self.inbox.page(agency_id=agency_id, unread=unread, limit=limit, cursor=cursor)


@dataclass(frozen=True)
class MarkRead:
    """Mark one notification of an agency's inbox as read."""

    inbox: Inbox
    clock: Clock

    async def __call__(self, *, agency_id: str, notification_id: str) -> InboxEntry:
        """Return the entry as now stored; raise NotificationNotFound when unknown."""
        entry = await self.inbox.mark_read(
            agency_id=agency_id, notification_id=notification_id, now=self.clock()
        )
        if entry is None:
            raise NotificationNotFound(notification_id)
        return entry


@dataclass(frozen=True)
class IssueWebhookSecret:
    """Tell an agency the secret with which its webhook deliveries are signed."""

    signing_key: str

    def __call__(self, *, agency_id: str) -> str:
        """The agency's secret (derived, so nothing needs storing)."""
        return agency_secret(signing_key=self.signing_key, agency_id=agency_id)
