"""The FastAPI application shape every service shares."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from .limits import MAX_BODY_BYTES, BodyLimit
from .problems import ProblemMap, install_problem_handlers

ReadinessCheck = Callable[[], Awaitable[None]]

REQUESTS = Counter("tsunagu_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram("tsunagu_http_request_seconds", "HTTP request latency", ["method", "route"])


def create_app(
    *,
    title: str,
    description: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
    routers: Sequence[APIRouter],
    readiness: dict[str, ReadinessCheck],
    problems: ProblemMap | None = None,
    ports: object = None,
    max_body_bytes: int = MAX_BODY_BYTES,
) -> FastAPI:
    """Build a service's app with its routers plus /healthz, /readyz and /metrics.

    `problems` maps the domain's errors to answers; `ports` are what the routes reach through
    `ports_of`, as the composition root built them. Bodies over `max_body_bytes` get 413.
    """
    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan)
    app.state.ports = ports
    install_problem_handlers(app, problems)
    for router in routers:
        app.include_router(router)
    app.include_router(_ops_router(readiness))
    app.middleware("http")(_measure)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    return app


def ports_of(request: Request) -> Any:
    """The ports the composition root gave `create_app` (each service types them)."""
    return request.app.state.ports


def _ops_router(readiness: dict[str, ReadinessCheck]) -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="The process is alive")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz", summary="Kafka and the store are reachable")
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
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


async def _measure(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    started = time.perf_counter()
    response = await call_next(request)
    route = request.scope.get("route")
    path = getattr(route, "path", "unmatched")
    LATENCY.labels(request.method, path).observe(time.perf_counter() - started)
    REQUESTS.labels(request.method, path, str(response.status_code)).inc()
    return response
