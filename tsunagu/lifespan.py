"""The one lifespan of every service: prepare the store, start Kafka and the background work,
and stop them in reverse order, each step bounded in time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from fastapi import FastAPI
from faststream.kafka import KafkaBroker

from tsunagu.shutdown import Step, shut_down

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


class Background(Protocol):
    """Work that runs beside the requests: the outbox relay, a scanner, a worker."""

    async def start(self) -> None:
        """Start in the background."""
        ...

    async def stop(self) -> None:
        """Stop; what is pending stays stored for the next start."""
        ...


def service_lifespan(
    *,
    prepare: Callable[[], Awaitable[None]],
    broker: KafkaBroker,
    background: Sequence[tuple[str, Background]] = (),
    close: Sequence[Step] = (),
) -> Lifespan:
    """Prepare (indexes), start the broker, then the background work; stop all in reverse."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await prepare()
        await broker.start()
        for _name, part in background:
            await part.start()
        try:
            yield
        finally:
            await shut_down(
                *[(name, part.stop) for name, part in reversed(background)],
                ("broker", broker.stop),
                *close,
            )

    return lifespan
