"""The console's web app: its pages, the language switch, the static files, its health."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Annotated

from fastapi import FastAPI, Path, Query
from fastapi.responses import PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tsunagu.web.asgi import on_response_start
from tsunagu_ops.console import audit_page, network_page, overdue_page, pipeline_page
from tsunagu_ops.console.catalogue import COOKIE, LANGUAGES
from tsunagu_ops.console.services import ServiceReads
from tsunagu_ops.console.settings import ConsoleSettings
from tsunagu_ops.kafka_access.operator import operator_login

YEAR = 365 * 24 * 3600
PAGES = ("/network", "/overdue", "/pipeline", "/audit")


FRAMING_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", b"frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)


class FramingRefused:
    """ASGI middleware: no page of the console may be framed by another site (a click on
    Replay cannot be lured), none is sniffed as another type, and no link tells where it was."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Add the headers to every answer."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        def add(message: Message) -> None:
            message["headers"] = [*message.get("headers", []), *FRAMING_HEADERS]

        await self.app(scope, receive, on_response_start(send, add))


def console_app(settings: ConsoleSettings) -> FastAPI:
    """The console reading the services and Kafka that `settings` name."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.settings = settings
        app.state.reads = ServiceReads(settings)
        app.state.kafka = operator_login()
        try:
            yield
        finally:
            await app.state.reads.close()

    app = FastAPI(title="Tsunagu console", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.add_middleware(FramingRefused)
    # DNS rebinding: a page whose name now points here sends its own name as Host.
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=settings.hosts())
    app.mount("/static", StaticFiles(directory=str(files(__package__).joinpath("static"))))
    for module in (network_page, overdue_page, pipeline_page, audit_page):
        app.include_router(module.router)

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse("/network", status_code=303)

    @app.get("/healthz", response_class=PlainTextResponse)
    async def healthz() -> str:
        """Answers while the console runs."""
        return "ok"

    @app.get("/language/{language}")
    async def switch_language(
        language: Annotated[str, Path(pattern=f"^({'|'.join(LANGUAGES)})$")],
        back: Annotated[str, Query(max_length=2000)] = "/network",
    ) -> RedirectResponse:
        """Keep the language in a cookie and go back to the page (one of the console's own)."""
        target = back if back.split("?")[0] in PAGES and not back.startswith("//") else "/network"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, language, max_age=YEAR, samesite="lax")
        return response

    return app
