"""The background retention sweep, started with the service."""

from __future__ import annotations

from datetime import datetime

from tsunagu.background import BackgroundLoop

from ..ports import Ports
from ..use_cases import sweep_retention


class RetentionSweeper:
    """Runs `sweep_retention` every `interval` seconds; `sweep(at=...)` runs one sweep now."""

    def __init__(self, *, ports: Ports, interval: float, batch: int = 100) -> None:
        self._ports, self._batch = ports, batch
        self._loop = BackgroundLoop(name="retention-sweep", step=self._swept, interval=interval)

    async def sweep(self, *, at: datetime | None = None) -> int:
        """Erase what is past retention as of `at` (default: the service's clock)."""
        return await sweep_retention(self._ports, now=at, batch=self._batch)

    async def start(self) -> None:
        """Start sweeping in the background."""
        await self._loop.start()

    async def stop(self) -> None:
        """Stop sweeping, waiting a bounded time for the current sweep to end."""
        await self._loop.stop()

    async def _swept(self) -> bool:
        """One sweep; a full batch means more may be waiting, so the next starts at once."""
        return await self.sweep() >= self._batch
