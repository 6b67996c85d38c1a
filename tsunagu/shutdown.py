"""Bounded, ordered shutdown: one stuck step must not keep a process from stopping."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger(__name__)
Step = tuple[str, Callable[[], Awaitable[None]]]


async def shut_down(*steps: Step, timeout: float = 10.0) -> None:
    """Run each step in order, giving up on one after `timeout` seconds and going on."""
    for name, step in steps:
        try:
            await asyncio.wait_for(step(), timeout)
        except TimeoutError:
            log.error("shutdown step timed out", step=name, timeout=timeout)
        except Exception as exc:
            log.error("shutdown step failed", step=name, error=repr(exc))
