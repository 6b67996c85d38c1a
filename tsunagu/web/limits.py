"""A cap on request bodies: anything larger is answered 413 before a route reads it."""

from __future__ import annotations

from typing import Final

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import MEDIA_TYPE, TYPE_BASE

MAX_BODY_BYTES: Final = 1024 * 1024


class BodyLimit:
    """ASGI middleware refusing bodies over `max_bytes`, declared or streamed, with problem+json."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Read the body up to the cap, then hand it to the app as if unread."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                replay: list[Message] = [message]
                break
            size += len(message.get("body", b""))
            if size > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                replay = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]
                break

        async def replayed() -> Message:
            return replay.pop() if replay else await receive()

        await self.app(scope, replayed, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = {
            "type": TYPE_BASE + "content-too-large",
            "title": "Content Too Large",
            "status": 413,
            "detail": f"request bodies are limited to {self.max_bytes} bytes",
            "instance": scope.get("path", ""),
        }
        response = JSONResponse(body, status_code=413, media_type=MEDIA_TYPE)
        await response(scope, receive, send)
