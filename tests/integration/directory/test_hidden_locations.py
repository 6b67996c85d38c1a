"""A hidden location (a shelter's address) is stored, yet no answer, export or event shows it."""

from __future__ import annotations

import copy
from typing import Any

import httpx
from pymongo import AsyncMongoClient

from services.directory.settings import DirectorySettings
from tests.integration.directory.test_agency_events import events_of
from tsunagu_ops.demo.network import DV_SHELTER, NETWORK, SHELTER_PLACE

HIDDEN_ID = "0b9c6f3e-5d1a-4c38-9a57-2f1e8d4b7a60"
OFFICE_ID = "5e2d8c41-7b6a-4f09-8e3d-1c2b3a4d5e6f"
SECRETS = (SHELTER_PLACE, "北5-6-7", "100-0101", HIDDEN_ID)


def shelter_body() -> dict[str, Any]:
    """The demo's DV shelter, with its location ids given."""
    body = copy.deepcopy(next(e for e in NETWORK if e["name"] == DV_SHELTER))
    hidden, office = body["locations"]
    assert hidden["hidden"]
    assert not office["hidden"]
    hidden["id"], office["id"] = HIDDEN_ID, OFFICE_ID
    return body


def assert_hidden(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


async def stored_location_ids(settings: DirectorySettings, agency_id: str) -> list[str]:
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(settings.mongo_url)
    try:
        document = await client[settings.database]["agencies"].find_one({"_id": agency_id})
    finally:
        await client.close()
    assert document is not None
    return [location["id"] for location in document["locations"]]


async def test_a_hidden_location_never_appears_in_answers_searches_exports_or_events(
    directory: httpx.AsyncClient, directory_settings: DirectorySettings
) -> None:
    created = await directory.post("/v1/agencies", json=shelter_body())
    assert created.status_code == 201, created.text
    agency_id = created.json()["id"]
    assert [x["id"] for x in created.json()["locations"]] == [OFFICE_ID]
    revised = await directory.patch(
        f"/v1/agencies/{agency_id}", json={"description": "Open."}, headers={"If-Match": '"1"'}
    )
    answers = [
        created,
        revised,
        await directory.get(f"/v1/agencies/{agency_id}"),
        await directory.get("/v1/agencies", params={"category": "domestic_violence"}),
        await directory.get("/v1/agencies", params={"q": "ひだまり"}),
        await directory.get("/v1/agencies", params={"language": "ja", "area": "kita"}),
        await directory.get("/v1/directory/export"),
    ]
    for answer in answers:
        assert answer.status_code in (200, 201)
        assert_hidden(answer.text)
    assert len(answers[4].json()["items"]) == 1
    for text in (SHELTER_PLACE, "北5-6-7"):
        found = await directory.get("/v1/agencies", params={"q": text})
        assert found.json()["items"] == []
    for record in await events_of(directory_settings, agency_id, 2):
        assert_hidden(record.value.decode())
    assert await stored_location_ids(directory_settings, agency_id) == [OFFICE_ID, HIDDEN_ID]


async def test_revising_locations_keeps_the_hidden_one_until_it_is_removed_by_id(
    directory: httpx.AsyncClient, directory_settings: DirectorySettings
) -> None:
    agency = (await directory.post("/v1/agencies", json=shelter_body())).json()
    path = f"/v1/agencies/{agency['id']}"
    shown = agency["locations"]
    shown[0]["name"] = "ひだまり 相談室 (3F)"
    revised = await directory.patch(path, json={"locations": shown}, headers={"If-Match": '"1"'})
    assert revised.status_code == 200, revised.text
    assert revised.json()["locations"] == shown
    assert await stored_location_ids(directory_settings, agency["id"]) == [OFFICE_ID, HIDDEN_ID]

    removed = await directory.delete(f"{path}/locations/{HIDDEN_ID}", headers={"If-Match": '"2"'})
    assert removed.status_code == 200
    assert removed.json()["version"] == 3
    assert await stored_location_ids(directory_settings, agency["id"]) == [OFFICE_ID]
    again = await directory.delete(f"{path}/locations/{HIDDEN_ID}", headers={"If-Match": '"3"'})
    assert again.status_code == 404
    assert again.json()["type"].endswith("/location-not-found")
