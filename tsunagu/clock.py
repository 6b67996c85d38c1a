"""The one clock of every service: use cases ask it the time; tests substitute one they move."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Tells the time."""

    def now(self) -> datetime:
        """The current time, UTC."""
        ...


class SystemClock:
    """The machine's time in UTC, optionally cut to the millisecond a store keeps."""

    def __init__(self, *, milliseconds: bool = False) -> None:
        self._milliseconds = milliseconds

    def now(self) -> datetime:
        """The current time, UTC."""
        now = datetime.now(UTC)
        if self._milliseconds:
            return now.replace(microsecond=now.microsecond // 1000 * 1000)
        return now
