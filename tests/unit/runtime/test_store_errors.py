"""Store errors are told apart: busy or unreachable means retry, anything else does not."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.testclient import TestClient
from pymongo.errors import AutoReconnect, DuplicateKeyError, OperationFailure

from tsunagu.auth.policy import PUBLIC
from tsunagu.messaging.consumer import is_retryable
from tsunagu.store import is_transient
from tsunagu.web import create_app

BUSY = OperationFailure("[collection.go:135] database is locked (5) (SQLITE_BUSY)", code=1)


def test_a_locked_sqlite_database_and_a_lost_connection_are_transient() -> None:
    assert is_transient(BUSY)
    assert is_transient(AutoReconnect("connection reset"))


def test_a_duplicate_key_and_a_refused_command_are_not_transient() -> None:
    assert not is_transient(DuplicateKeyError("E11000 duplicate key", code=11000))
    assert not is_transient(OperationFailure("unknown operator: $bogus", code=2))
    assert not is_transient(ValueError("not a store error"))


def _app_raising(error: Exception) -> TestClient:
    router = APIRouter()

    @router.get("/boom")
    async def boom() -> None:
        raise error

    async def nothing(app: object):  # type: ignore[no-untyped-def]
        yield

    from contextlib import asynccontextmanager

    app = create_app(
        title="t",
        description="t",
        lifespan=asynccontextmanager(nothing),
        routers=[router],
        readiness={},
        access={("GET", "/boom"): PUBLIC},
    )
    return TestClient(app, raise_server_exceptions=False)


def test_a_busy_store_is_answered_503_with_retry_after_as_problem_json() -> None:
    response = _app_raising(BUSY).get("/boom")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"].endswith("/store-unavailable")


def test_a_refused_store_operation_is_a_500_problem_without_internals() -> None:
    response = _app_raising(OperationFailure("unknown operator: $bogus", code=2)).get("/boom")
    assert response.status_code == 500
    assert "bogus" not in response.text
    assert response.json()["type"].endswith("/store-error")


def test_an_app_with_a_route_its_policy_does_not_name_is_never_built() -> None:
    router = APIRouter()

    @router.get("/open")
    async def unruled() -> None: ...

    async def nothing(app: object):  # type: ignore[no-untyped-def]
        yield

    from contextlib import asynccontextmanager

    import pytest

    from tsunagu.web.app import RoutesWithoutRules

    with pytest.raises(RoutesWithoutRules, match="/open"):
        create_app(
            title="t",
            description="t",
            lifespan=asynccontextmanager(nothing),
            routers=[router],
            readiness={},
            access={},
        )


def test_consumers_retry_a_busy_store_instead_of_parking_the_event() -> None:
    assert is_retryable(BUSY)
    assert not is_retryable(OperationFailure("unknown operator: $bogus", code=2))
