"""The background worker that attempts due deliveries, woken early when new ones are planned."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

from services.notifications.use_cases import Claim

log = structlog.get_logger(__name__)


class DeliveryWorker:
    """One loop claims due deliveries; up to `concurrency` attempts run at the same time."""

    def __init__(
        self,
        *,
        next_claim: Callable[[], Awaitable[Claim | None]],
        attempt: Callable[[Claim], Awaitable[None]],
        concurrency: int,
        poll_seconds: float,
    ) -> None:
        self._next_claim = next_claim
        self._attempt = attempt
        self._slots = asyncio.Semaphore(concurrency)
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None
        self._attempts: set[asyncio.Task[None]] = set()

    def notify(self) -> None:
        """New deliveries are due: stop waiting for the next poll."""
        self._wake.set()

    async def start(self) -> None:
        """Start claiming in the background."""
        self._loop = asyncio.create_task(self._run(), name="delivery-worker")

    async def stop(self) -> None:
        """Stop; an attempt cut short is made again once its lease ends."""
        tasks = [*self._attempts, *([self._loop] if self._loop else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._loop = None

    async def _run(self) -> None:
        """Claim while something is due; otherwise sleep until woken or the poll passes."""
        while True:
            self._wake.clear()
            await self._slots.acquire()
            try:
                claim = await self._next_claim()
            except Exception as exc:  # the store may be away; try again after a pause
                log.warning("claiming a delivery failed; will retry", error=repr(exc))
                claim = None
            if claim is None:
                self._slots.release()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self._poll_seconds)
                continue
            task = asyncio.create_task(self._attempt_and_release(claim))
            self._attempts.add(task)
            task.add_done_callback(self._attempts.discard)

    async def _attempt_and_release(self, claim: Claim) -> None:
        """Make one attempt, then free its slot whatever happened."""
        try:
            await self._attempt(claim)
        except Exception as exc:  # recording failed: the lease ends and the attempt is redone
            log.warning("recording a delivery failed", error=repr(exc))
        finally:
            self._slots.release()
