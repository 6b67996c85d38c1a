"""The background worker that attempts due deliveries, woken early when new ones are planned."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

from services.notifications.ports import Claim
from tsunagu.background import BackgroundLoop

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
        stop_timeout: float = 5.0,
    ) -> None:
        self._next_claim = next_claim
        self._attempt = attempt
        self._slots = asyncio.Semaphore(concurrency)
        self._loop = BackgroundLoop(
            name="delivery-worker", step=self._claim_one, interval=poll_seconds
        )
        self._stop_timeout = stop_timeout
        self._attempts: set[asyncio.Task[None]] = set()

    def notify(self) -> None:
        """New deliveries are due: stop waiting for the next poll."""
        self._loop.notify()

    async def start(self) -> None:
        """Start claiming in the background."""
        await self._loop.start()

    async def stop(self) -> None:
        """Stop, within a bounded time; an attempt cut short is made again once its lease ends."""
        await self._loop.stop()
        attempts = list(self._attempts)
        for task in attempts:
            task.cancel()
        if attempts:
            await asyncio.wait(attempts, timeout=self._stop_timeout)

    async def _claim_one(self) -> bool:
        """Claim the delivery due first and start its attempt; False when nothing is due."""
        await self._slots.acquire()
        try:
            claim = await self._next_claim()
        except BaseException:
            self._slots.release()
            raise
        if claim is None:
            self._slots.release()
            return False
        task = asyncio.create_task(self._attempt_and_release(claim))
        self._attempts.add(task)
        task.add_done_callback(self._attempts.discard)
        return True

    async def _attempt_and_release(self, claim: Claim) -> None:
        """Make one attempt, then free its slot whatever happened."""
        try:
            await self._attempt(claim)
        except Exception as exc:  # recording failed: the lease ends and the attempt is redone
            log.warning("recording a delivery failed", error=repr(exc))
        finally:
            self._slots.release()
