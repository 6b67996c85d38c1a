"""Every service's OpenAPI document names the bearer scheme and the shared error answers, each
error as one problem+json schema, and leaves other error formats (OAuth's) as declared."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from tsunagu.auth import Role
from tsunagu.auth.policy import PUBLIC, allow
from tsunagu.web.app import create_app
from tsunagu.web.headers import ExpectedVersion, expected_version
from tsunagu.web.problems import Problem, problem_responses

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


class Thing(BaseModel):
    name: str


class OAuthError(BaseModel):
    error: str


def _document() -> dict[str, Any]:
    router = APIRouter()

    @router.get("/things/{thing_id}", responses=problem_responses(404))
    async def read(thing_id: str) -> Thing:
        return Thing(name=thing_id)

    @router.post("/things")
    async def add(thing: Thing, version: ExpectedVersion) -> Thing:
        return thing

    @router.post("/token", responses={400: {"model": OAuthError}})
    async def token() -> dict[str, str]:
        return {}

    @asynccontextmanager
    async def nothing(app: FastAPI) -> AsyncIterator[None]:
        yield

    app = create_app(
        title="t",
        description="t",
        lifespan=nothing,
        routers=[router],
        readiness={},
        access={
            ("GET", "/things/{thing_id}"): allow(Role.AGENCY),
            ("POST", "/things"): allow(Role.COORDINATOR),
            ("POST", "/token"): PUBLIC,
        },
    )
    return app.openapi()


def test_a_protected_operation_names_the_bearer_scheme_and_answers_401_and_403() -> None:
    document = _document()
    operation = document["paths"]["/things/{thing_id}"]["get"]
    assert operation["security"] == [{"BearerToken": []}]
    assert document["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    assert "WWW-Authenticate" in operation["responses"]["401"]["headers"]
    for status in ("401", "403", "404", "422"):
        assert operation["responses"][status]["content"] == PROBLEM, status


def test_an_operation_with_a_body_may_answer_400_and_413_as_problems() -> None:
    responses = _document()["paths"]["/things"]["post"]["responses"]
    assert responses["400"]["content"] == PROBLEM
    assert responses["413"]["content"] == PROBLEM


def test_a_public_operation_keeps_its_own_error_format_and_needs_no_token() -> None:
    document = _document()
    operation = document["paths"]["/token"]["post"]
    assert "security" not in operation
    assert "401" not in operation["responses"]
    assert "OAuthError" in str(operation["responses"]["400"]["content"])
    assert "security" not in document["paths"]["/healthz"]["get"]


def test_one_problem_schema_replaces_the_validation_error_schemas() -> None:
    schemas = _document()["components"]["schemas"]
    assert {"HTTPValidationError", "ValidationError", "ProblemBody"} & set(schemas) == set()
    assert {"type", "title", "status", "detail"} <= set(schemas["Problem"]["required"])


@pytest.mark.parametrize("tag", ['"3"', 'W/"3"', "3", " 3 "])
def test_if_match_names_a_version(tag: str) -> None:
    assert expected_version(tag) == 3


@pytest.mark.parametrize("tag", ['"x"', '"²"', '"' + "9" * 19 + '"', '""', "W/"])
def test_if_match_that_names_no_storable_version_is_a_400(tag: str) -> None:
    with pytest.raises(Problem) as refused:
        expected_version(tag)
    assert refused.value.status == 400


def test_the_documentation_routes_are_served_only_where_the_environment_allows() -> None:
    from fastapi.testclient import TestClient

    from tsunagu.settings import ServiceSettings

    assert ServiceSettings().serves_api_docs(), "development serves them"
    production = ServiceSettings(environment="production")
    assert not production.serves_api_docs()
    assert ServiceSettings(environment="production", api_docs=True).serves_api_docs()

    @asynccontextmanager
    async def nothing(app: FastAPI) -> AsyncIterator[None]:
        yield

    for docs, status in ((True, 200), (False, 404)):
        app = create_app(
            title="t",
            description="t",
            lifespan=nothing,
            routers=[],
            readiness={},
            access={},
            docs=docs,
        )
        with TestClient(app) as client:
            assert client.get("/openapi.json").status_code == status
            assert client.get("/docs").status_code == status
            assert client.get("/healthz").status_code == 200
