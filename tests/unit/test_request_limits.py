"""Every string and list a client may send is bounded; ids and need codes keep their format."""

from __future__ import annotations

import importlib
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from services.referrals.adapters.bodies import CreateReferralBody
from tests.access import PrincipalAuth, TestIssuer, acting

SERVICES = ("directory", "referrals", "notifications", "audit")
UNBOUNDED_FORMATS = ("date-time", "date")  # fixed-size by their format


def _app(name: str, issuer: str | None = None) -> FastAPI:
    main = importlib.import_module(f"services.{name}.main")
    settings = getattr(
        importlib.import_module(f"services.{name}.settings"), f"{name.title()}Settings"
    )
    app: FastAPI = main.create_app(settings(auth_issuer=issuer) if issuer else settings())
    return app


def _unbounded(schema: Any, spec: dict[str, Any], path: str, seen: frozenset[str]) -> list[str]:
    """The places under `schema` where a string has no maxLength or a list no maxItems."""
    if not isinstance(schema, dict):
        return []
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return []
        return _unbounded(spec["components"]["schemas"][name], spec, path, seen | {name})
    found = [
        place
        for key in ("anyOf", "oneOf", "allOf")
        for sub in schema.get(key, [])
        for place in _unbounded(sub, spec, path, seen)
    ]
    kind = schema.get("type")
    fixed = "enum" in schema or "const" in schema or schema.get("format") in UNBOUNDED_FORMATS
    if kind == "string" and not fixed and "maxLength" not in schema:
        found.append(path)
    if kind == "array":
        if "maxItems" not in schema:
            found.append(path)
        found += _unbounded(schema.get("items", {}), spec, f"{path}[]", seen)
    for name, sub in schema.get("properties", {}).items():
        found += _unbounded(sub, spec, f"{path}.{name}", seen)
    return found


@pytest.mark.parametrize("service", SERVICES)
def test_every_request_body_field_has_a_length_limit(service: str) -> None:
    spec = _app(service).openapi()
    unbounded = [
        place
        for route, operations in spec["paths"].items()
        for method, operation in operations.items()
        for content in operation.get("requestBody", {}).get("content", {}).values()
        for place in _unbounded(content["schema"], spec, f"{method} {route}", frozenset())
    ]
    assert unbounded == []


def _referral(**changes: Any) -> dict[str, Any]:
    body = {
        "from_agency_id": "agc_000000000001",
        "to_agency_id": "agc_000000000002",
        "needs": ["food"],
        "urgency": "routine",
        "subject": {"display_name": "A. Person"},
        "basis": {"kind": "consent", "given_by": "subject", "obtained_at": "2026-11-01T09:00:00Z"},
    }
    return body | changes


def test_the_sample_referral_is_valid_as_it_is() -> None:
    body = CreateReferralBody.model_validate(_referral())
    assert body.needs == ["food"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"needs": ["Food!"]}, "body.needs.0"),
        ({"needs": ["food"] * 51}, "body.needs"),
        ({"to_agency_id": "../../admin"}, "body.to_agency_id"),
        ({"subject": {"display_name": "A", "languages": ["x" * 300]}}, "body.subject.languages.0"),
        ({"note": "n" * 4001}, "body.note"),
    ],
)
async def test_a_referral_with_an_unbounded_or_malformed_field_is_refused(
    changes: dict[str, Any], field: str, test_issuer: TestIssuer
) -> None:
    transport = httpx.ASGITransport(app=_app("referrals", test_issuer.url))
    auth = PrincipalAuth(test_issuer)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://service", auth=auth
    ) as client:
        response = await client.post(
            "/v1/referrals", json=_referral(**changes), headers=acting("agc_000000000001")
        )
    assert response.status_code == 422, response.text
    assert field in [error["field"] for error in response.json()["errors"]]
