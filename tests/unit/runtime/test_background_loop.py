"""The background loop: under load a lingering loop gathers many notifications into one step;
after a quiet spell it steps at once."""

from __future__ import annotations

import asyncio

from tsunagu.background import BackgroundLoop

LINGER = 0.2


class Steps:
    """When each step began, on the event loop's clock."""

    def __init__(self) -> None:
        self.at: list[float] = []
        self._taken: asyncio.Queue[None] = asyncio.Queue()

    async def step(self) -> bool:
        self.at.append(asyncio.get_running_loop().time())
        self._taken.put_nowait(None)
        return False

    async def next(self, timeout: float = 2.0) -> None:
        """Wait for the next step."""
        await asyncio.wait_for(self._taken.get(), timeout)


async def test_notifications_soon_after_a_step_are_served_together_once_the_linger_is_over() -> (
    None
):
    steps = Steps()
    loop = BackgroundLoop(name="test", step=steps.step, interval=30.0, linger=LINGER)
    await loop.start()
    try:
        await steps.next()
        for _ in range(5):
            loop.notify()
            await asyncio.sleep(0.01)
        await steps.next()
        await asyncio.sleep(LINGER)  # nothing more was notified: no third step
        assert len(steps.at) == 2
        assert steps.at[1] - steps.at[0] >= LINGER * 0.95
    finally:
        await loop.stop()


async def test_a_notification_after_a_quiet_spell_is_served_at_once() -> None:
    steps = Steps()
    loop = BackgroundLoop(name="test", step=steps.step, interval=30.0, linger=LINGER)
    await loop.start()
    try:
        await steps.next()
        await asyncio.sleep(LINGER * 1.5)
        notified = asyncio.get_running_loop().time()
        loop.notify()
        await steps.next()
        assert steps.at[1] - notified < LINGER / 2
    finally:
        await loop.stop()


async def test_without_a_linger_every_notification_is_served_at_once() -> None:
    steps = Steps()
    loop = BackgroundLoop(name="test", step=steps.step, interval=30.0)
    await loop.start()
    try:
        await steps.next()
        notified = asyncio.get_running_loop().time()
        loop.notify()
        await steps.next()
        assert steps.at[1] - notified < LINGER / 2
    finally:
        await loop.stop()
