"""Reading an inbox and marking notifications read."""

from __future__ import annotations

from services.notifications.domain import InboxEntry

from ..ports import InboxPage, Ports


class NotificationNotFound(LookupError):
    """No such notification in this agency's inbox."""


async def read_inbox(
    ports: Ports, *, agency_id: str, unread: bool | None, limit: int, cursor: str | None
) -> InboxPage:
    """One page of an agency's inbox, newest first, filtered by read state when asked."""
    return await ports.inbox.page(agency_id=agency_id, unread=unread, limit=limit, cursor=cursor)


async def mark_read(ports: Ports, *, agency_id: str, notification_id: str) -> InboxEntry:
    """Mark one notification read; return the entry as now stored (NotificationNotFound)."""
    entry = await ports.inbox.mark_read(
        agency_id=agency_id, notification_id=notification_id, now=ports.clock.now()
    )
    if entry is None:
        raise NotificationNotFound(notification_id)
    return entry
