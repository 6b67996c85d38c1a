"""The rule of a route: which roles, which agency, a delegate, and hiding what must not leak."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from starlette.requests import Request

from tsunagu.auth import Principal, Role
from tsunagu.auth.policy import Refused, Rule, allow


def _principal(role: Role, agency_id: str | None = None) -> Principal:
    return Principal("cl_x", "cl_x", role, agency_id, frozenset(), "jti", datetime.now(UTC))


def _request(path_params: dict[str, str], query: str = "") -> Request:
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [],
        "query_string": query.encode(),
        "path_params": path_params,
    }
    return Request(scope)


def _status(rule: Rule, principal: Principal, request: Request) -> int:
    try:
        rule.check(principal, request)
    except Refused as refused:
        return refused.status
    return 200


def test_an_agency_acts_only_for_the_agency_its_token_names() -> None:
    rule = allow(Role.AGENCY, Role.COORDINATOR, own_agency="agency_id")
    mine = _request({"agency_id": "agc_a"})
    assert _status(rule, _principal(Role.AGENCY, "agc_a"), mine) == 200
    assert _status(rule, _principal(Role.AGENCY, "agc_b"), mine) == 403
    assert _status(rule, _principal(Role.COORDINATOR), mine) == 200
    assert _status(rule, _principal(Role.AUDITOR), mine) == 403


def test_the_agency_may_be_named_in_the_query_and_absent_means_its_own() -> None:
    rule = allow(Role.AGENCY, own_agency="agency_id")
    kita = _principal(Role.AGENCY, "agc_a")
    assert _status(rule, kita, _request({}, "agency_id=agc_b")) == 403
    assert _status(rule, kita, _request({}, "agency_id=agc_a")) == 200
    assert _status(rule, kita, _request({})) == 200


def test_a_hiding_rule_answers_another_agency_404() -> None:
    rule = allow(Role.AGENCY, own_agency="agency_id", hide=True)
    assert _status(rule, _principal(Role.AGENCY, "agc_b"), _request({"agency_id": "agc_a"})) == 404


@pytest.mark.parametrize(("named", "status"), [("agc_city", 200), ("agc_a", 403)])
def test_a_delegate_acts_only_for_the_one_agency_it_is_given(named: str, status: int) -> None:
    rule = Rule(
        roles=frozenset({Role.AGENCY}),
        own_agency="agency_id",
        delegates={Role.COORDINATOR: "agc_city"},
    )
    request = _request({"agency_id": named})
    assert _status(rule, _principal(Role.COORDINATOR), request) == status


def test_a_delegate_without_an_agency_acts_for_none() -> None:
    rule = Rule(
        roles=frozenset({Role.AGENCY}), own_agency="agency_id", delegates={Role.COORDINATOR: None}
    )
    assert _status(rule, _principal(Role.COORDINATOR), _request({"agency_id": "agc_a"})) == 403
