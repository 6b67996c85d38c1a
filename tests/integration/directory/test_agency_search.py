"""Searching the directory by category, area, acceptance and text, page by page."""

from __future__ import annotations

import httpx

from tests.integration.directory.conftest import agency_body


async def register_network(directory: httpx.AsyncClient) -> dict[str, str]:
    """A few agencies; returns their ids by name."""
    bodies = [
        agency_body("Kita Food Bank", categories=("food",), areas=("kita",)),
        agency_body(
            "Minami Shelter", categories=("housing", "domestic_violence"), areas=("minami",)
        ),
        agency_body("City Lifeline", categories=("suicide_prevention",), areas=("citywide",)),
        agency_body("Kita Housing Desk", categories=("housing",), areas=("kita",), accepting=False),
        agency_body(
            "こども食堂あおば",
            categories=("children_places", "food"),
            areas=("aoba",),
            description="Warm MEALS on Fridays",
        ),
    ]
    ids = {}
    for body in bodies:
        response = await directory.post("/v1/agencies", json=body)
        assert response.status_code == 201
        ids[body["name"]] = response.json()["id"]
    return ids


async def names(directory: httpx.AsyncClient, **params: str) -> set[str]:
    response = await directory.get("/v1/agencies", params=params)
    assert response.status_code == 200, response.text
    return {a["name"] for a in response.json()["items"]}


async def test_search_filters_by_category_area_acceptance_and_text(
    directory: httpx.AsyncClient,
) -> None:
    await register_network(directory)
    assert await names(directory, category="food") == {"Kita Food Bank", "こども食堂あおば"}
    assert await names(directory, category="housing") == {"Minami Shelter", "Kita Housing Desk"}
    assert await names(directory, category="housing", accepting="true") == {"Minami Shelter"}
    assert await names(directory, category="housing", area="kita") == {"Kita Housing Desk"}
    assert await names(directory, area="kita") == {
        "Kita Food Bank",
        "Kita Housing Desk",
        "City Lifeline",
    }
    assert await names(directory, q="meals") == {"こども食堂あおば"}
    assert await names(directory, q="食堂") == {"こども食堂あおば"}
    assert await names(directory, q="kita", accepting="false") == {"Kita Housing Desk"}
    assert await names(directory, q="a.b") == set()


async def test_unknown_filter_codes_are_a_problem(directory: httpx.AsyncClient) -> None:
    response = await directory.get("/v1/agencies", params={"category": "astrology"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["query.category"]


async def test_results_come_page_by_page_with_a_cursor(directory: httpx.AsyncClient) -> None:
    ids = await register_network(directory)
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await directory.get("/v1/agencies", params=params)).json()
        seen += [a["id"] for a in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert sorted(seen) == seen
    assert set(seen) == set(ids.values())


async def test_search_by_language_finds_services_in_it_or_a_variant_of_it(
    directory: httpx.AsyncClient,
) -> None:
    bodies = [
        agency_body("Welfare Office"),
        agency_body("Lifeline", categories=("suicide_prevention",)),
        agency_body("International Centre", categories=("livelihood",)),
    ]
    bodies[0]["services"][0]["languages"] = ["ja", "vi"]
    bodies[1]["services"][0]["languages"] = ["ja", "en-GB"]
    bodies[2]["services"][0]["languages"] = ["en", "zh-Hans"]
    for body in bodies:
        assert (await directory.post("/v1/agencies", json=body)).status_code == 201
    assert await names(directory, language="en") == {"Lifeline", "International Centre"}
    assert await names(directory, language="zh") == {"International Centre"}
    assert await names(directory, language="VI") == {"Welfare Office"}
    assert await names(directory, language="en", category="livelihood") == {"International Centre"}
    assert await names(directory, language="fr") == set()
    bad = await directory.get("/v1/agencies", params={"language": "english please"})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["query.language"]


async def test_free_text_finds_eligibility_and_ignores_contacts(
    directory: httpx.AsyncClient,
) -> None:
    body = agency_body("Kita Pantry", contacts=[{"name": "Sato Hanako"}])
    body["services"][0]["eligibility_description"] = "Students living ALONE"
    assert (await directory.post("/v1/agencies", json=body)).status_code == 201
    assert await names(directory, q="alone") == {"Kita Pantry"}
    assert await names(directory, q="pantry") == {"Kita Pantry"}
    assert await names(directory, q="hanako") == set()
