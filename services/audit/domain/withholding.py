"""What the audit log does not keep of an event: the addresses an agency is reached at.

The delivery settings (`tsunagu.directory.delivery`) name a webhook URL and an e-mail address,
often a member of staff's. The log is kept for years and read by auditors, who need to know that
an agency's settings changed and which channels it chose, not the addresses: those are kept as
`withheld` (or None when there is none), the rest of the event as it is."""

from __future__ import annotations

from typing import Any, Final

from tsunagu_schemas.topics import DIRECTORY_DELIVERY

WITHHELD: Final = "withheld"
ADDRESSES: Final = ("webhook_url", "email")


def kept_data(topic: str, data: dict[str, Any]) -> dict[str, Any]:
    """The event data as the log keeps it (a copy; `data` is not changed)."""
    delivery = data.get("delivery")
    if topic != DIRECTORY_DELIVERY or not isinstance(delivery, dict):
        return data
    shown = {
        name: (WITHHELD if delivery.get(name) else None) if name in ADDRESSES else value
        for name, value in delivery.items()
    }
    return {**data, "delivery": shown}
