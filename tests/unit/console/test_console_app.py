"""The console's app without the services: its words, its language switch, its CSRF check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tsunagu_ops.access import ClientCredential
from tsunagu_ops.console.app import console_app
from tsunagu_ops.console.catalogue import COOKIE, LANGUAGES, catalogue
from tsunagu_ops.console.overdue_page import by_agency
from tsunagu_ops.console.rendering import CSRF_COOKIE, Words
from tsunagu_ops.console.settings import ConsoleSettings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The console with credentials on disk (never used: no page reading a service is asked)."""
    paths = {}
    for role in ("operator", "auditor"):
        paths[role] = tmp_path / f"{role}.json"
        ClientCredential("id", "secret", "http://127.0.0.1:9/oauth/token", role).save(paths[role])
    settings = ConsoleSettings(
        operator_credential=paths["operator"], auditor_credential=paths["auditor"]
    )
    with TestClient(console_app(settings), base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


def test_every_language_has_the_same_words() -> None:
    keys = [set(catalogue(language)) for language in LANGUAGES]
    assert all(k == keys[0] for k in keys)
    assert catalogue("ja")["withheld"] == "5未満"
    assert catalogue("en")["withheld"] == "<5"


def test_withheld_counts_rates_and_durations_read_in_each_language() -> None:
    en, ja = Words("en"), Words("ja")
    assert (en.number(None), ja.number(None), en.number(0)) == ("<5", "5未満", "0")
    assert (en.rate(0.8333), en.rate(None)) == ("83%", "—")
    assert (en.duration(30), en.duration(600), ja.duration(7200)) == ("30 s", "10 min", "2.0時間")
    assert en.duration(3 * 86400) == "3.0 days"


def test_the_language_is_kept_in_a_cookie_and_only_the_consoles_pages_are_returned_to(
    client: TestClient,
) -> None:
    switched = client.get("/language/en?back=/audit?type=x", follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/audit?type=x"
    assert switched.cookies[COOKIE] == "en"
    for elsewhere in ("https://example.org/", "//example.org/network", "/pipeline/replay"):
        away = client.get("/language/ja", params={"back": elsewhere}, follow_redirects=False)
        assert away.headers["location"] == "/network"
    assert client.get("/language/fr", follow_redirects=False).status_code == 422


def test_a_replay_without_the_browsers_csrf_token_is_refused(client: TestClient) -> None:
    client.cookies.set(CSRF_COOKIE, "the-browsers-token")
    forged = {"topic": "tsunagu.referral.events", "csrf": "another-token"}
    refused = client.post("/pipeline/replay", data=forged)
    assert refused.status_code == 403
    client.cookies.clear()
    assert client.post("/pipeline/replay", data=forged).status_code == 403


def test_an_unknown_topic_is_not_replayed(client: TestClient) -> None:
    client.cookies.set(CSRF_COOKIE, "token")
    answer = client.post("/pipeline/replay", data={"topic": "elsewhere", "csrf": "token"})
    assert answer.status_code == 422


def test_htmx_is_served_from_the_console_itself(client: TestClient) -> None:
    served = client.get("/static/htmx.min.js")
    assert served.status_code == 200
    assert "htmx" in served.text[:2000]
    assert client.get("/healthz").text == "ok"


def test_overdue_legs_are_counted_per_agency_asked_the_latest_first() -> None:
    items = [
        {"to_agency_id": "agc_b", "escalated": True, "seconds_overdue": 30.0},
        {"to_agency_id": "agc_c", "escalated": False, "seconds_overdue": 900.0},
        {"to_agency_id": "agc_b", "escalated": False, "seconds_overdue": 5.0},
    ]
    assert by_agency(items) == [
        {"agency_id": "agc_c", "overdue": 1, "escalated": 0, "oldest_seconds": 900.0},
        {"agency_id": "agc_b", "overdue": 2, "escalated": 1, "oldest_seconds": 30.0},
    ]


def test_a_request_for_another_host_name_is_refused_as_a_rebinding_page_would_send(
    client: TestClient,
) -> None:
    assert client.get("/healthz").status_code == 200
    assert client.get("/healthz", headers={"host": "localhost:8000"}).status_code == 200
    rebound = client.get("/pipeline", headers={"host": "attacker.example:8000"})
    assert rebound.status_code == 400
    assert rebound.text == "Invalid host header"


def test_no_page_may_be_framed_by_another_site(client: TestClient) -> None:
    answer = client.get("/healthz")
    assert answer.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    refused = client.post("/pipeline/replay", data={"topic": "x", "csrf": "y"})
    assert refused.headers["x-frame-options"] == "DENY"
