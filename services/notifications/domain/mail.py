"""E-mail notifications: a short message naming the event, without personal data."""

from __future__ import annotations

import json
from email.message import EmailMessage
from email.utils import format_datetime

from .events import SourceEvent
from .inbox import summary


def mail_message(event: SourceEvent, *, to: str, sender: str) -> EmailMessage:
    """The e-mail telling one agency about `event`."""
    data = event.referral
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = f"[Tsunagu] {event.type} — referral {data.referral_id}"
    message["Date"] = format_datetime(event.time)
    message["Message-ID"] = f"<{event.id}.{to.replace('@', '.')}@tsunagu.invalid>"
    message["X-Tsunagu-Event-Id"] = event.id
    lines = [
        summary(event_type=event.type, data=data),
        "",
        "Open the referral in Tsunagu to see the details you are entitled to.",
        "",
        json.dumps(event.data, ensure_ascii=False, indent=2),
    ]
    message.set_content("\n".join(lines))
    return message
