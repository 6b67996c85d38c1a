"""The background scan for legs not accepted in time, started with the service."""

from __future__ import annotations

from datetime import datetime

from tsunagu.background import BackgroundLoop

from ..ports import Ports
from ..use_cases import flag_overdue


class SlaScanner:
    """Runs `flag_overdue` every `interval` seconds; `scan(at=...)` runs one scan now."""

    def __init__(self, *, ports: Ports, interval: float) -> None:
        self._ports = ports
        self._loop = BackgroundLoop(name="sla-scanner", step=self._scanned, interval=interval)

    async def scan(self, *, at: datetime | None = None) -> int:
        """Flag every overdue leg as of `at` (default: the service's clock); return how many."""
        return await flag_overdue(self._ports, now=at)

    async def start(self) -> None:
        """Start scanning in the background."""
        await self._loop.start()

    async def stop(self) -> None:
        """Stop scanning, waiting a bounded time for the current scan to end."""
        await self._loop.stop()

    async def _scanned(self) -> bool:
        """One scan; a failed one does not end the scanning, the next one retries."""
        await self.scan()
        return False
