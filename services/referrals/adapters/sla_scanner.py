"""The background scan for legs not accepted in time, started with the service."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

import structlog

from ..ports import Ports
from ..sla_watch import flag_overdue

log = structlog.get_logger(__name__)


class SlaScanner:
    """Runs `flag_overdue` every `interval` seconds; `scan(at=...)` runs one scan now."""

    def __init__(self, *, ports: Ports, interval: float) -> None:
        self._ports = ports
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    async def scan(self, *, at: datetime | None = None) -> int:
        """Flag every overdue leg as of `at` (default: the service's clock); return how many."""
        return await flag_overdue(self._ports, now=at)

    async def start(self) -> None:
        """Start scanning in the background."""
        self._task = asyncio.create_task(self._run(), name="sla-scanner")

    async def stop(self) -> None:
        """Stop scanning and wait for the current scan to end."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self.scan()
            except Exception:  # a failed scan must not end the scanning; the next one retries
                log.exception("SLA scan failed")
            await asyncio.sleep(self._interval)
