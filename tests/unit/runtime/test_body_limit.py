"""Request bodies over the cap are answered 413 problem+json, declared or streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI, Request

from tsunagu.web.limits import BodyLimit


def _app(max_bytes: int) -> FastAPI:
    app = FastAPI()

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"size": len(await request.body())}

    app.add_middleware(BodyLimit, max_bytes=max_bytes)
    return app


async def _post(app: FastAPI, content: bytes | AsyncIterator[bytes]) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
        return await client.post("/echo", content=content)


async def test_a_body_within_the_cap_reaches_the_route_whole() -> None:
    response = await _post(_app(100), b"x" * 100)
    assert response.json() == {"size": 100}


async def test_a_declared_body_over_the_cap_is_refused_with_413() -> None:
    response = await _post(_app(100), b"x" * 101)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/content-too-large")
    assert "100 bytes" in response.json()["detail"]


async def test_a_streamed_body_over_the_cap_is_refused_too() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"y" * 40

    response = await _post(_app(100), chunks())
    assert response.status_code == 413
