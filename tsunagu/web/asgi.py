"""A piece of plain ASGI that middlewares share: seeing an answer's start as it is sent."""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import Message, Send


def on_response_start(send: Send, hook: Callable[[Message], None]) -> Send:
    """`send`, calling `hook` with the answer's start message (status and headers, which the
    hook may read or change) before it goes out."""

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            hook(message)
        await send(message)

    return sending
