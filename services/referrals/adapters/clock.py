"""The real clock."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    """Tells the machine's time, in UTC."""

    def now(self) -> datetime:
        """The current time, UTC."""
        return datetime.now(UTC)
