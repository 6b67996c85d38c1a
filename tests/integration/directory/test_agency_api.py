"""The directory's HTTP API against the real store: validation, versions, errors."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from services.directory.main import create_app
from services.directory.settings import DirectorySettings
from tests.access import acting, as_role
from tests.integration.directory.conftest import agency_body, coordinator
from tests.integration.harness import running

PROBLEM = "application/problem+json"


async def register(directory: httpx.AsyncClient, **fields: Any) -> dict[str, Any]:
    response = await directory.post("/v1/agencies", json=agency_body(**fields))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_registration_returns_the_agency_with_id_version_and_etag(
    directory: httpx.AsyncClient,
) -> None:
    response = await directory.post("/v1/agencies", json=agency_body(description="Weekly"))
    assert response.status_code == 201
    agency = response.json()
    assert agency["id"].startswith("agc_")
    assert len(agency["id"]) == 16
    assert (agency["version"], agency["active"]) == (1, True)
    assert response.headers["ETag"] == '"1"'
    assert response.headers["Location"] == f"/v1/agencies/{agency['id']}"
    assert agency["registered_at"].endswith("Z")
    fetched = await directory.get(f"/v1/agencies/{agency['id']}")
    assert fetched.json() == agency


async def test_missing_fields_are_a_problem_naming_each_of_them(
    directory: httpx.AsyncClient,
) -> None:
    response = await directory.post("/v1/agencies", json={"description": "no name"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"body.name", "body.kind", "body.services"}


async def test_unknown_category_and_area_codes_are_named(directory: httpx.AsyncClient) -> None:
    body = agency_body(categories=("food", "astrology"), areas=("atlantis",))
    response = await directory.post("/v1/agencies", json=body)
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert {e["field"] for e in problem["errors"]} == {
        "body.services.0.categories.1",
        "body.services.0.areas.0",
    }
    assert "astrology" in problem["detail"]
    assert "atlantis" in problem["detail"]


async def test_an_unknown_agency_is_not_found_whatever_the_method(
    directory: httpx.AsyncClient,
) -> None:
    path = "/v1/agencies/agc_000000000000"
    for response in (
        await directory.get(path),
        await directory.patch(path, json={"name": "Anyone"}, headers={"If-Match": '"1"'}),
        await directory.delete(path, headers={"If-Match": '"1"'}),
    ):
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["status"] == 404


async def test_a_revision_with_a_stale_if_match_is_refused(directory: httpx.AsyncClient) -> None:
    agency = await register(directory)
    path = f"/v1/agencies/{agency['id']}"
    first = await directory.patch(path, json={"name": "Renamed"}, headers={"If-Match": '"1"'})
    assert first.status_code == 200
    assert first.headers["ETag"] == '"2"'
    stale = await directory.patch(path, json={"name": "Lost"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert stale.headers["content-type"] == PROBLEM
    assert stale.json()["current_version"] == 2
    stale_delete = await directory.delete(path, headers={"If-Match": '"1"'})
    assert stale_delete.status_code == 412
    current = (await directory.get(path)).json()
    assert (current["name"], current["active"]) == ("Renamed", True)


async def test_concurrent_revisions_of_one_version_let_exactly_one_through(
    directory: httpx.AsyncClient,
) -> None:
    agency = await register(directory)
    path = f"/v1/agencies/{agency['id']}"
    responses = await asyncio.gather(
        *(
            directory.patch(path, json={"name": f"Writer {i}"}, headers={"If-Match": '"1"'})
            for i in range(5)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 412, 412, 412, 412]
    assert (await directory.get(path)).json()["version"] == 2


async def test_revisions_racing_on_two_replicas_let_exactly_one_through(
    directory: httpx.AsyncClient, directory_settings: DirectorySettings
) -> None:
    """Two processes share no lock: only the store's version filter keeps one writer."""
    agency = await register(directory)
    path = f"/v1/agencies/{agency['id']}"
    async with running(create_app(directory_settings), coordinator()) as replica:
        for version in range(1, 6):
            responses = await asyncio.gather(
                *(
                    http.patch(
                        path,
                        json={"name": f"Writer {i} of {version}"},
                        headers={"If-Match": f'"{version}"'},
                    )
                    for i, http in enumerate([directory, replica] * 4)
                )
            )
            assert sorted(r.status_code for r in responses) == [200] + [412] * 7
            winner = next(r for r in responses if r.status_code == 200).json()
            for http in (directory, replica):
                current = (await http.get(path)).json()
                assert (current["version"], current["name"]) == (version + 1, winner["name"])


async def test_a_revision_changes_only_the_fields_given(directory: httpx.AsyncClient) -> None:
    agency = await register(directory, description="Before")
    path = f"/v1/agencies/{agency['id']}"
    revised = await directory.patch(
        path, json={"delivery": {"kafka": True}}, headers={"If-Match": '"1"'}
    )
    assert revised.status_code == 200
    body = revised.json()
    assert body["delivery"]["kafka"] is True
    assert body["description"] == "Before"
    assert body["services"] == agency["services"]
    nulled = await directory.patch(path, json={"name": None}, headers={"If-Match": '"2"'})
    assert nulled.status_code == 422
    assert [e["field"] for e in nulled.json()["errors"]] == ["body.name"]


async def test_a_deactivated_agency_is_kept_but_no_longer_listed(
    directory: httpx.AsyncClient,
) -> None:
    agency = await register(directory)
    path = f"/v1/agencies/{agency['id']}"
    deactivated = await directory.delete(path, headers={"If-Match": '"1"'})
    assert deactivated.status_code == 200
    assert deactivated.json()["active"] is False
    assert deactivated.json()["version"] == 2
    assert (await directory.get(path)).json()["active"] is False
    assert (await directory.get("/v1/agencies")).json()["items"] == []
    listed = await directory.get("/v1/agencies", params={"include_inactive": "true"})
    assert [a["id"] for a in listed.json()["items"]] == [agency["id"]]
    revised = await directory.patch(path, json={"name": "Back"}, headers={"If-Match": '"2"'})
    assert revised.status_code == 409


async def test_a_change_without_if_match_is_refused_with_428(
    directory: httpx.AsyncClient,
) -> None:
    agency = await register(directory)
    path = f"/v1/agencies/{agency['id']}"
    for response in (
        await directory.patch(path, json={"name": "Unseen"}),
        await directory.delete(path),
        await directory.patch(path, json={"name": "Any"}, headers={"If-Match": "*"}),
    ):
        assert response.status_code == 428
        assert response.json()["type"].endswith("/if-match-required")
    assert (await directory.get(path)).json()["version"] == 1


async def test_the_taxonomy_lists_codes_with_both_labels(directory: httpx.AsyncClient) -> None:
    categories = (await directory.get("/v1/categories")).json()["items"]
    areas = (await directory.get("/v1/areas")).json()["items"]
    assert {
        "code": "hikikomori",
        "label_ja": "ひきこもり",
        "label_en": "Hikikomori (social withdrawal)",
    } in categories
    assert len(areas) == 8
    assert all(set(a) == {"code", "label_ja", "label_en"} for a in areas)


async def test_the_service_is_ready_when_store_and_kafka_answer(
    directory: httpx.AsyncClient,
) -> None:
    response = await directory.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"store": "ok", "kafka": "ok"}


async def test_services_locations_contacts_and_hours_are_kept_and_returned(
    directory: httpx.AsyncClient,
) -> None:
    service = {
        "name": "Night patrol",
        "categories": ["housing"],
        "areas": ["minami"],
        "languages": ["ja"],
        "eligibility_description": "People sleeping rough.",
        "capacity": 5,
        "schedules": [
            {"days": ["FR", "MO"], "opens_at": "20:00", "closes_at": "02:00", "description": None}
        ],
    }
    address = {
        "address_1": "南2-4-6",
        "city": "つなぐ市南区",
        "state_province": "みらい県",
        "postal_code": "100-0201",
    }
    contact = {"name": "Yamamoto", "role": "lead", "phone": "000-0000-1006", "email": None}
    body = agency_body(
        "Akari",
        contacts=[contact],
        locations=[{"name": "Office", "address": address}],
    )
    body["services"] = [service]
    created = await directory.post("/v1/agencies", json=body)
    assert created.status_code == 201, created.text
    agency = created.json()
    assert agency["services"][0]["schedules"][0]["days"] == ["MO", "FR"]
    assert agency["services"][0]["capacity"] == 5
    assert agency["contacts"] == [contact]
    [location] = agency["locations"]
    assert location["address"] == {**address, "address_2": None, "country": "JP"}
    assert "hidden" not in location
    fetched = await directory.get(f"/v1/agencies/{agency['id']}")
    assert fetched.json() == agency


async def test_unknown_service_fields_are_refused_rather_than_dropped(
    directory: httpx.AsyncClient,
) -> None:
    body = agency_body()
    body["services"][0]["opening_hours"] = "always"
    response = await directory.post("/v1/agencies", json=body)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["body.services.0.opening_hours"]


async def test_contacts_are_for_members_and_delivery_for_the_agency_and_coordinator(
    directory: httpx.AsyncClient,
) -> None:
    contacts = [{"name": "Sato Hanako", "phone": "090-1234-5678"}]
    delivery = {"webhook_url": "https://hooks.example.org/kita"}
    agency = await register(directory, contacts=contacts, delivery=delivery)
    other = await register(directory, name="Minami Shelter")
    path = f"/v1/agencies/{agency['id']}"
    seen = {}
    for who, headers in {
        "coordinator": {},
        "itself": acting(agency["id"]),
        "another agency": acting(other["id"]),
        "operator": as_role("operator"),
        "auditor": as_role("auditor"),
    }.items():
        one = await directory.get(path, headers=headers)
        listed = await directory.get("/v1/agencies", params={"limit": 200}, headers=headers)
        exported = await directory.get("/v1/directory/export", headers=headers)
        assert one.status_code == listed.status_code == exported.status_code == 200
        [in_list] = [a for a in listed.json()["items"] if a["id"] == agency["id"]]
        assert in_list == one.json()
        seen[who] = (
            one.json()["contacts"] is not None,
            one.json()["delivery"] is not None,
            "Sato Hanako" in exported.text,
        )
        assert "hooks.example.org" not in exported.text
    assert seen == {
        "coordinator": (True, True, True),
        "itself": (True, True, True),
        "another agency": (True, False, True),
        "operator": (False, False, False),
        "auditor": (False, False, False),
    }
