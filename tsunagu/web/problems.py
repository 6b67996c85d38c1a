"""RFC 9457 problem details for every error a service returns."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from pymongo.errors import PyMongoError
from starlette.exceptions import HTTPException as StarletteHTTPException

from tsunagu.store import is_transient

log = structlog.get_logger(__name__)
MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://tsunagu.org/problems/"


class Problem(Exception):
    """An error to answer with problem+json; `extra` adds members such as `allowed`."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        title: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind or HTTPStatus(status).phrase.lower().replace(" ", "-")
        self.title = title or HTTPStatus(status).phrase
        self.extra = extra


ProblemOf = Callable[[Any], Problem]
ProblemMap = Mapping[type[Exception], ProblemOf]
"""How a service answers its domain's errors: the Problem for each error class (and subclasses)."""


class ProblemBody(BaseModel):
    """The problem+json document, as shown in OpenAPI."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[dict[str, Any]] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries for the given error statuses."""
    return {s: {"model": ProblemBody, "content": {MEDIA_TYPE: {}}} for s in statuses}


def _respond(problem: Problem, request: Request) -> JSONResponse:
    body = {
        "type": TYPE_BASE + problem.kind,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.url.path,
        **problem.extra,
    }
    return JSONResponse(body, status_code=problem.status, media_type=MEDIA_TYPE)


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, Problem)
    return _respond(exc, request)


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]}
        for e in exc.errors()
    ]
    names = ", ".join(e["field"] for e in errors)
    problem = Problem(
        422,
        f"invalid request: {names}",
        kind="validation-error",
        title="Invalid request",
        errors=errors,
    )
    return _respond(problem, request)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    return _respond(Problem(exc.status_code, str(exc.detail)), request)


async def _on_store_error(request: Request, exc: Exception) -> JSONResponse:
    if not is_transient(exc):
        log.error("store error", path=request.url.path, error=repr(exc))
        return _respond(
            Problem(500, "the store refused the operation", kind="store-error"), request
        )
    problem = Problem(
        503, "the store is busy or unreachable; retry shortly", kind="store-unavailable"
    )
    response = _respond(problem, request)
    response.headers["Retry-After"] = "1"
    return response


def _on_domain_error(problem_of: ProblemOf) -> Callable[[Request, Exception], Any]:
    async def answer(request: Request, exc: Exception) -> JSONResponse:
        return _respond(problem_of(exc), request)

    return answer


def install_problem_handlers(app: FastAPI, problems: ProblemMap | None = None) -> None:
    """Answer every error of `app` with problem+json, the domain's as `problems` says."""
    for error, problem_of in (problems or {}).items():
        app.add_exception_handler(error, _on_domain_error(problem_of))
    app.add_exception_handler(Problem, _on_problem)
    app.add_exception_handler(PyMongoError, _on_store_error)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
