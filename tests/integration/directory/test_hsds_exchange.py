"""The HSDS 3.0 export and import of the directory, against the real store and Kafka."""

from __future__ import annotations

import copy
import json
import uuid
from typing import Any

import httpx

from services.directory.hsds.ids import taxonomy_id
from services.directory.hsds.validation import document_problems
from tsunagu_ops.demo.network import FOOD_BANK, NETWORK, SHELTER_PLACE


async def seed_demo(directory: httpx.AsyncClient, count: int | None = None) -> dict[str, str]:
    """Register the demo network, or its first `count` agencies; return their ids by name."""
    ids = {}
    for entry in NETWORK[:count]:
        response = await directory.post("/v1/agencies", json=entry)
        assert response.status_code == 201, response.text
        ids[entry["name"]] = response.json()["id"]
    return ids


async def export(directory: httpx.AsyncClient) -> dict[str, Any]:
    response = await directory.get("/v1/directory/export")
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


async def test_the_export_of_the_demo_directory_validates_against_the_hsds_schemas(
    directory: httpx.AsyncClient,
) -> None:
    ids = await seed_demo(directory)
    document = await export(directory)
    assert document_problems(document) == []
    assert document["hsds_version"] == "3.0"
    exported = {o["organization_identifiers"][0]["identifier"] for o in document["organizations"]}
    assert exported == set(ids.values())
    assert SHELTER_PLACE not in json.dumps(document, ensure_ascii=False)


async def test_export_then_import_into_an_empty_directory_then_export_gives_the_same_document(
    directory: httpx.AsyncClient, second_directory: httpx.AsyncClient
) -> None:
    await seed_demo(directory)
    first = await export(directory)
    imported = await second_directory.post("/v1/directory/import", json=first)
    assert imported.status_code == 200, imported.text
    assert imported.json()["counts"] == {
        "created": len(NETWORK),
        "updated": 0,
        "unchanged": 0,
        "refused": 0,
    }
    assert await export(second_directory) == first
    again = await second_directory.post("/v1/directory/import", json=first)
    assert again.json()["counts"]["unchanged"] == len(NETWORK)


def with_unknown_category(document: dict[str, Any], organization: int) -> None:
    """Classify one organization's first service with a category the city does not have."""
    term = {
        "id": str(uuid.uuid4()),
        "code": "astrology",
        "name": "占星術",
        "description": "Astrology",
        "taxonomy_id": taxonomy_id("categories"),
    }
    document["taxonomy_terms"].append(term)
    service = document["organizations"][organization]["services"][0]
    service["attributes"][0]["taxonomy_term_id"] = term["id"]


async def test_an_import_reports_what_it_created_updated_and_refused_and_why(
    directory: httpx.AsyncClient,
) -> None:
    await seed_demo(directory, 4)
    document = copy.deepcopy(await export(directory))
    document["organizations"][0]["description"] = "Now also open on holidays."
    with_unknown_category(document, 1)
    newcomer = copy.deepcopy(document["organizations"][2])
    newcomer["id"] = str(uuid.uuid4())
    newcomer["name"] = "フードバンク きた"
    del newcomer["organization_identifiers"]
    document["organizations"].append(newcomer)

    response = await directory.post("/v1/directory/import", json=document)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["counts"] == {
        "created": 1,
        "updated": 1,
        "unchanged": 2,
        "refused": 1,
    }
    [refused] = [o for o in report["outcomes"] if o["result"] == "refused"]
    assert refused["name"] == document["organizations"][1]["name"]
    assert refused["reasons"] == ["services.0.categories.0: unknown category code 'astrology'"]
    [created] = [o for o in report["outcomes"] if o["result"] == "created"]
    found = await directory.get(f"/v1/agencies/{created['agency_id']}")
    assert found.json()["name"] == "フードバンク きた"
    untouched = await directory.get(f"/v1/agencies/{refused['agency_id']}")
    assert untouched.json()["version"] == 1


async def test_an_organization_breaking_the_hsds_schema_is_refused_with_the_path(
    directory: httpx.AsyncClient,
) -> None:
    await seed_demo(directory, 2)
    document = await export(directory)
    document["organizations"][1]["services"][0]["status"] = "open"
    report = (await directory.post("/v1/directory/import", json=document)).json()
    [refused] = [o for o in report["outcomes"] if o["result"] == "refused"]
    assert refused["reasons"][0].startswith("services[0].status: 'open' is not one of")


async def test_taxonomy_terms_breaking_the_schema_make_the_whole_import_a_problem(
    directory: httpx.AsyncClient,
) -> None:
    document = {"organizations": [], "taxonomy_terms": [{"id": "not-a-uuid", "name": "x"}]}
    response = await directory.post("/v1/directory/import", json=document)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"body.taxonomy_terms[0]", "body.taxonomy_terms[0].id"}


async def test_an_import_keeps_the_delivery_an_agency_chose(
    directory: httpx.AsyncClient,
) -> None:
    ids = await seed_demo(directory, 3)
    document = await export(directory)
    food_bank = next(o for o in document["organizations"] if o["name"] == FOOD_BANK)
    food_bank["services"][0]["eligibility_description"] = "Any household short of food."
    report = (await directory.post("/v1/directory/import", json=document)).json()
    assert report["counts"]["updated"] == 1
    agency = (await directory.get(f"/v1/agencies/{ids[FOOD_BANK]}")).json()
    assert agency["services"][0]["eligibility_description"] == "Any household short of food."
    assert agency["delivery"]["kafka"] is True
    assert agency["version"] == 2
