"""Schemathesis fuzzing of every operation in the four OpenAPI documents, on the real store and
Kafka, each operation called with a valid token of the caller it is for.

For each operation it generates valid requests (path ids pointing at the caller's own agency and a
real referral, so the handlers go past the access checks) and invalid ones (wrong types, missing
fields, over-long strings and lists), sends them, and checks every answer: never a server error,
its status, content type, headers and body as the service's own OpenAPI document declares.
``TSUNAGU_FUZZ_EXAMPLES`` sets the examples per operation and mode (default 8).
"""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.case import Case

from tests.access import request_patiently
from tests.integration.access_table import EXPECTED, OK, PRINCIPALS
from tests.integration.services_network import Network, module_network, new_referral
from tests.tally import TALLY

BUSY_PATIENCE_SECONDS = 5.0
EXAMPLES = int(os.environ.get("TSUNAGU_FUZZ_EXAMPLES", "8"))
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]


network = module_network()


def _caller(service: str, method: str, path: str) -> str | None:
    """The first principal the table lets through, or None for a public route."""
    expected = EXPECTED[service][(method, path)]
    return next((p for p in PRINCIPALS if expected[p] == OK), None)


def _generate(operation: Any, mode: GenerationMode, path_parameters: dict[str, Any]) -> list[Case]:
    """Up to EXAMPLES cases of one operation in one mode, generated before any is sent."""
    cases: list[Case] = []
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)

    @settings(
        max_examples=EXAMPLES,
        database=None,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def gather(case: Case) -> None:
        cases.append(case)

    try:
        gather()
    except Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE, f"no valid request to {operation.label}"
        # Nothing in the operation can be made invalid (e.g. no parameters and no body).
    return cases


async def _send(client: httpx.AsyncClient, case: Case, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = case.as_transport_kwargs(base_url=str(client.base_url), headers=headers)
    request.pop("cookies", None)
    if isinstance(request.get("data"), bytes):
        request["content"] = request.pop("data")
    # A busy store answers 503 with Retry-After, as documented: a client waits and retries.
    return await request_patiently(client, patience=BUSY_PATIENCE_SECONDS, **request)


@pytest.mark.parametrize("service", list(EXPECTED))
async def test_no_request_makes_a_server_error_or_an_undocumented_answer(
    network: Network, service: str
) -> None:
    client = network.clients[service]
    document = (await client.get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        method, path = operation.method.upper(), operation.path
        caller = _caller(service, method, path)
        token = network.tokens[caller] if caller else None
        if caller == "own agency" and path.endswith(("/accept", "/decline")):
            token = network.agency_tokens[network.c]
        ids: dict[str, Any] = {}
        if "{agency_id}" in path:
            ids["agency_id"] = network.a
        if "{referral_id}" in path:
            ids["referral_id"] = await new_referral(network)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            for case in _generate(operation, mode, ids if mode is GenerationMode.POSITIVE else {}):
                response = await _send(client, case, token)
                TALLY[f"fuzzed requests ({mode.value})"] += 1
                try:
                    case.validate_response(response, checks=CHECKS)
                except FailureGroup as group:
                    found = "; ".join(f"{f.title}: {f.message[:300]}" for f in group.exceptions)
                    failures.append(
                        f"{method} {path} ({mode.value}), {response.status_code} "
                        f"{response.text[:300]!r}: {found}"
                    )
                    break
    assert failures == [], "\n\n".join(failures)
