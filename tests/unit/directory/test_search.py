"""Which agencies a search finds: one service must match every criterion given."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.directory.domain import Agency, AgencySearch, Taxonomy, TaxonomyCode

NOW = datetime(2026, 4, 1, tzinfo=UTC)


def agency(*services: dict[str, Any], active: bool = True, **fields: Any) -> Agency:
    return Agency.model_validate(
        {
            "id": "agc_000000000001",
            "version": 1,
            "name": "Minami Support Centre",
            "kind": "municipal",
            "services": list(services),
            "active": active,
            "registered_at": NOW,
            "updated_at": NOW,
            **fields,
        }
    )


SHELTER = {
    "name": "DV shelter",
    "categories": ["domestic_violence", "housing"],
    "areas": ["kita"],
    "accepting_referrals": False,
}
HOTLINE = {
    "name": "Hotline",
    "categories": ["domestic_violence"],
    "areas": ["minami"],
    "description": "相談ダイヤル",
}


def test_a_search_without_criteria_finds_every_active_agency() -> None:
    assert AgencySearch().matches(agency(SHELTER))
    assert not AgencySearch().matches(agency(SHELTER, active=False))
    assert AgencySearch(include_inactive=True).matches(agency(SHELTER, active=False))


def test_criteria_must_hold_for_one_and_the_same_service() -> None:
    both = agency(SHELTER, HOTLINE)
    assert AgencySearch(category="housing", areas=("kita",)).matches(both)
    assert not AgencySearch(category="housing", areas=("minami",)).matches(both)
    assert AgencySearch(category="domestic_violence", accepting=True).matches(both)
    assert not AgencySearch(category="housing", accepting=True).matches(both)
    assert AgencySearch(accepting=False, areas=("kita",)).matches(both)


def test_text_matches_names_and_descriptions_ignoring_case() -> None:
    found = agency(HOTLINE, description="Open every NIGHT")
    assert AgencySearch(text="support").matches(found)
    assert AgencySearch(text="hotLINE").matches(found)
    assert AgencySearch(text="night").matches(found)
    assert AgencySearch(text="相談").matches(found)
    assert not AgencySearch(text="food").matches(found)


def test_an_area_is_served_by_its_own_and_by_citywide_services() -> None:
    taxonomy = Taxonomy(
        categories=(TaxonomyCode(code="food", label_ja="食料", label_en="Food"),),
        areas=(
            TaxonomyCode(code="kita", label_ja="北区", label_en="Kita"),
            TaxonomyCode(code="citywide", label_ja="全域", label_en="All", covers_all=True),
        ),
    )
    assert taxonomy.areas_serving("kita") == ("kita", "citywide")
    assert taxonomy.areas_serving("citywide") == ("citywide",)
    citywide = agency({"name": "Line", "categories": ["food"], "areas": ["citywide"]})
    assert AgencySearch(areas=taxonomy.areas_serving("kita")).matches(citywide)


def test_a_language_finds_services_in_it_or_in_one_of_its_variants() -> None:
    found = agency({**HOTLINE, "languages": ["ja", "en-GB"]})
    assert AgencySearch(language="en").matches(found)
    assert AgencySearch(language="EN-gb").matches(found)
    assert AgencySearch(language="ja").matches(found)
    assert not AgencySearch(language="e").matches(found)
    assert not AgencySearch(language="vi").matches(found)
    assert not AgencySearch(language="en", category="housing").matches(found)


def test_text_also_matches_eligibility_but_never_locations_or_contacts() -> None:
    address = {
        "address_1": "Secret street 1",
        "city": "Kita",
        "state_province": "Mirai",
        "postal_code": "100-0101",
    }
    found = agency(
        {**SHELTER, "eligibility_description": "Women escaping violence"},
        locations=[{"name": "Hideout", "address": address, "hidden": True}],
        contacts=[{"name": "Mori Yuki"}],
    )
    assert AgencySearch(text="escaping").matches(found)
    assert not AgencySearch(text="hideout").matches(found)
    assert not AgencySearch(text="secret street").matches(found)
    assert not AgencySearch(text="mori").matches(found)
