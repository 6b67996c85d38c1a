"""The FastAPI application shape every service shares."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from pydantic import BaseModel
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tsunagu.auth import Role
from tsunagu.auth.policy import PUBLIC, AccessPolicy, RouteKey, allow, unruled_routes
from tsunagu.auth.verifier import TokenVerifier
from tsunagu.web.bearer import authorize, install_access, install_verifier

from .asgi import on_response_start
from .limits import MAX_BODY_BYTES, BodyLimit
from .openapi import document_access_and_errors
from .problems import ProblemMap, install_problem_handlers

ReadinessCheck = Callable[[], Awaitable[None]]

REQUESTS = Counter("tsunagu_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("tsunagu_http_request_seconds", "HTTP request latency", ["method", "route"])
OPERATIONS: AccessPolicy = {
    ("GET", "/healthz"): PUBLIC,
    ("GET", "/readyz"): PUBLIC,
    ("GET", "/metrics"): allow(Role.OPERATOR),
}
"""Who may call the routes every service has: health and readiness are open, metrics not."""


class Readiness(BaseModel):
    """Whether the service can work, and each check's answer ("ok" or why not)."""

    ready: bool
    checks: dict[str, str]


class RoutesWithoutRules(RuntimeError):
    """A service would serve routes its access policy says nothing about."""


def create_app(
    *,
    title: str,
    description: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
    routers: Sequence[APIRouter],
    readiness: dict[str, ReadinessCheck],
    access: AccessPolicy,
    verifier: TokenVerifier | None = None,
    problems: ProblemMap | None = None,
    ports: object = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    metrics: CollectorRegistry | None = None,
    docs: bool = True,
) -> FastAPI:
    """Build a service's app with its routers plus /healthz, /readyz and /metrics.

    Every request passes the guard: the route's rule in `access` (a route without one stops
    the build), then the bearer token, checked by `verifier` (or one installed later).
    `problems` maps the domain's errors to answers; `ports` are what the routes reach through
    `ports_of`, as the composition root built them. Bodies over `max_body_bytes` get 413.
    `/metrics` serves the process's metrics and, after them, the service's own `metrics`.
    Without `docs`, `/docs` and `/openapi.json` are not served (the document is still built).
    """
    app = FastAPI(
        title=title,
        description=description,
        version="1.0.0",
        lifespan=lifespan,
        dependencies=[Depends(authorize)],
        openapi_url="/openapi.json" if docs else None,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
    )
    app.state.ports = ports
    install_problem_handlers(app, problems)
    for router in routers:
        app.include_router(router)
    app.include_router(_ops_router(readiness, metrics))
    policy = {**OPERATIONS, **access}
    document_access_and_errors(app, policy)
    missing = unruled_routes(route_keys(app), policy)
    if missing:
        raise RoutesWithoutRules(f"routes without an access rule: {missing}")
    install_access(app, policy)
    if verifier is not None:
        install_verifier(app, verifier)
    app.add_middleware(RequestMetrics)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    return app


def route_keys(app: FastAPI) -> list[RouteKey]:
    """Every (method, path) the app's OpenAPI document lists."""
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return [(method.upper(), path) for path, operations in paths.items() for method in operations]


async def ports_of(request: Request) -> Any:
    """The ports the composition root gave `create_app` (each service types them)."""
    return request.app.state.ports


def _ops_router(
    readiness: dict[str, ReadinessCheck], metrics: CollectorRegistry | None
) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Kafka and the store are reachable",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "Something it needs is unreachable"}},
    )
    async def readyz() -> JSONResponse:
        checks: dict[str, str] = {}
        for name, check in readiness.items():
            try:
                await check()
                checks[name] = "ok"
            except Exception as exc:
                checks[name] = f"unavailable: {exc.__class__.__name__}"
        ready = all(v == "ok" for v in checks.values())
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def metrics_page() -> Response:
        own = generate_latest(metrics) if metrics is not None else b""
        return Response(generate_latest(REGISTRY) + own, media_type=CONTENT_TYPE_LATEST)

    return router


class RequestMetrics:
    """ASGI middleware counting and timing every HTTP request by method, route and status.

    Plain ASGI rather than an ``http`` middleware function: those run each request in a task
    group of their own with streams between, which costs more CPU than the route itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, noting the status answered and the time it took."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]  # what the client gets when the app raises before answering

        def note(message: Message) -> None:
            status[0] = message["status"]

        try:
            await self.app(scope, receive, on_response_start(send, note))
        finally:
            path = getattr(scope.get("route"), "path", "unmatched")
            LATENCY.labels(scope["method"], path).observe(time.perf_counter() - started)
            REQUESTS.labels(scope["method"], path, str(status[0])).inc()
