"""One way to run work in the background: a loop that starts, backs off on errors, and stops.

The outbox relay, the SLA scanner, the retention sweep and the delivery worker each give it a
step; the loop runs the step again at once while it reports more work, otherwise waits until
notified or until the interval passes. Under load a loop given a `linger` steps no sooner than
that after its last step began, so that one step gathers the work of many notifications. A
failing step is logged and retried after a pause that doubles with each failure in a row (up to
`max_backoff`, never below the interval).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)
Step = Callable[[], Awaitable[bool]]
"""One round of work; True when more is waiting and the loop should go on without a pause."""


class BackgroundLoop:
    """Runs one step after another in a task of its own, until stopped."""

    def __init__(
        self,
        *,
        name: str,
        step: Step,
        interval: float,
        max_backoff: float = 5.0,
        stop_timeout: float = 5.0,
        linger: float = 0.0,
    ) -> None:
        self.name = name
        self._linger = linger
        """Least seconds from one step's start to the next one's after a notification: work
        notified soon after a step waits out the rest, so that under load one step serves many
        notifications, while a notification after a quiet spell is served at once."""
        self._step = step
        self._interval = interval
        self._max_backoff = max(interval, max_backoff)
        self._stop_timeout = stop_timeout
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def notify(self) -> None:
        """Work is waiting: end the current pause now."""
        self._wake.set()

    async def start(self) -> None:
        """Start running in the background."""
        self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        """Cancel the loop and wait for it, at most `stop_timeout` seconds."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait({task}, timeout=self._stop_timeout)
        if not task.done():
            log.error("background loop did not stop in time", loop=self.name)

    def pause_after(self, failures: int) -> float:
        """Seconds to wait after `failures` failed steps in a row (0: after a quiet step)."""
        if failures == 0:
            return self._interval
        return min(self._interval * 2 ** (failures - 1), self._max_backoff)

    async def _run(self) -> None:
        failures = 0
        loop = asyncio.get_running_loop()
        while True:
            self._wake.clear()
            started = loop.time()
            try:
                more = await self._step()
                failures = 0
            except Exception as exc:  # the store or Kafka may be away; try again later
                failures += 1
                log.warning("background step failed; will retry", loop=self.name, error=repr(exc))
                more = False
            if more:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self.pause_after(failures))
                if self._linger and not failures:
                    await asyncio.sleep(max(0.0, started + self._linger - loop.time()))
