"""What each service's OpenAPI document says about access and errors, the same for all four.

FastAPI documents what routes declare; this adds what the shared edge does to every request, so
that clients (and the fuzzing in the test suite) can rely on the document: a protected operation
names the bearer scheme and answers 401 (with a challenge) and 403; an operation with a body may
answer 413, and 400 when the body is not JSON text (as may a malformed If-Match); every error an
operation documents is `application/problem+json` in one shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from tsunagu.auth.policy import AccessPolicy

from .bearer import bearer_scheme
from .problems import MEDIA_TYPE, ProblemBody

SCHEME = bearer_scheme.scheme_name
MALFORMED = "Malformed: a body that is not UTF-8 JSON text, or an If-Match that names no version"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
REPLACED_SCHEMAS = ("ProblemBody", "HTTPValidationError", "ValidationError")
"""Component schemas every problem answer now points at `Problem` instead of."""


def document_access_and_errors(app: FastAPI, policy: AccessPolicy) -> None:
    """Make `app.openapi()` finish the generated document by the rules above, once."""
    generate: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            finish(generate(), policy)
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def finish(document: dict[str, Any], policy: AccessPolicy) -> None:
    """Add the security scheme, the shared error answers and one problem schema, in place."""
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = ProblemBody.model_json_schema()
    scheme = components.setdefault("securitySchemes", {}).setdefault(SCHEME, {})
    scheme.update({"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            rule = policy.get((method.upper(), path))
            responses = operation.setdefault("responses", {})
            if rule is None or rule.public:
                operation.pop("security", None)
            else:
                operation["security"] = [{SCHEME: []}]
                responses.setdefault("401", {"description": "No valid bearer token"})
                responses["401"]["headers"] = {
                    "WWW-Authenticate": {
                        "description": "The Bearer challenge (RFC 6750)",
                        "schema": {"type": "string"},
                    }
                }
                responses.setdefault("403", {"description": "The token's role may not do this"})
            if "requestBody" in operation:
                responses.setdefault("413", {"description": "The body is over the size limit"})
            if "requestBody" in operation or _names_if_match(operation):
                responses.setdefault("400", {"description": MALFORMED})
            for status, response in responses.items():
                if status.startswith(("4", "5")) and _is_problem(response):
                    response["content"] = {MEDIA_TYPE: {"schema": PROBLEM_REF}}
    text = repr(document["paths"])
    for name in REPLACED_SCHEMAS:
        if f"/{name}'" not in text:
            schemas.pop(name, None)


def _names_if_match(operation: dict[str, Any]) -> bool:
    return any(p.get("name") == "If-Match" for p in operation.get("parameters", []))


def _is_problem(response: dict[str, Any]) -> bool:
    """Whether an error answer is a problem document (not, say, an OAuth error of RFC 6749)."""
    content: dict[str, Any] = response.get("content", {})
    if MEDIA_TYPE in content:
        return True
    refs = {str(c.get("schema", {}).get("$ref", "")).rsplit("/", 1)[-1] for c in content.values()}
    return not content or refs <= {"ProblemBody", "HTTPValidationError", ""}
