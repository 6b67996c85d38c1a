"""The directory as Open Referral HSDS 3.0: what is written, and how it reads back."""

from __future__ import annotations

import copy
import json
import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from services.directory.adapters.taxonomy_files import load_taxonomy
from services.directory.domain import Agency, AgencyProfile, Taxonomy, register
from services.directory.hsds.ids import agency_id_for, organization_id
from services.directory.hsds.reading import OrganizationReader, TermIndex, Unreadable
from services.directory.hsds.validation import SCHEMA_DIR, document_problems, schema_registry
from services.directory.hsds.vocabulary import Vocabulary
from services.directory.hsds.writing import export_document
from services.directory.settings import DirectorySettings
from tsunagu_ops.demo.network import NETWORK, SHELTER_PLACE

NOW = datetime(2026, 4, 1, tzinfo=UTC)
OFFSET = "+09:00"


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    settings = DirectorySettings()
    taxonomy: Taxonomy = load_taxonomy(
        categories_file=settings.categories_file, areas_file=settings.areas_file
    )
    return Vocabulary(taxonomy)


@pytest.fixture(scope="module")
def network(vocabulary: Vocabulary) -> list[Agency]:
    return [
        register(
            AgencyProfile.model_validate(entry),
            agency_id=f"agc_{i:012x}",
            taxonomy=vocabulary.taxonomy,
            now=NOW,
        ).agency
        for i, entry in enumerate(NETWORK, start=1)
    ]


@pytest.fixture(scope="module")
def document(network: list[Agency], vocabulary: Vocabulary) -> dict[str, Any]:
    return export_document(network, vocabulary=vocabulary, utc_offset=OFFSET)


def read(vocabulary: Vocabulary, document: dict[str, Any], organization: dict[str, Any]) -> Any:
    terms = TermIndex.of(vocabulary, document["taxonomy_terms"])
    return OrganizationReader(terms=terms, utc_offset=OFFSET).read(organization)


def test_every_ref_of_the_vendored_schemas_names_a_vendored_file() -> None:
    refs = {
        ref
        for path in SCHEMA_DIR.glob("*.json")
        for ref in re.findall(r'"\$ref":\s*"([^"#]+\.json)"', path.read_text(encoding="utf-8"))
        if not ref.startswith("http")
    }
    assert refs
    for ref in refs:
        assert schema_registry().contents(ref)["type"] == "object"
    readme = (SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    assert "Open Referral" in readme
    assert "Attribution-ShareAlike 4.0" in readme


def test_the_export_of_the_demo_network_is_valid_hsds(document: dict[str, Any]) -> None:
    assert document_problems(document) == []
    assert len(document["organizations"]) == len(NETWORK)
    assert {t["name"] for t in document["taxonomies"]} == {
        "Tsunagu categories of need",
        "Tsunagu areas",
        "Tsunagu service properties",
    }


def test_the_validation_catches_what_hsds_forbids(document: dict[str, Any]) -> None:
    broken = copy.deepcopy(document)
    broken["organizations"][0]["id"] = "agc_000000000001"
    del broken["organizations"][1]["services"][0]["status"]
    broken["taxonomy_terms"][0]["description"] = 7
    assert [str(p).split(":")[0] for p in document_problems(broken)] == [
        "organizations[0].id",
        "organizations[1].services[0]",
        "taxonomy_terms[0].description",
    ]


def test_hsds_ids_are_uuids_derived_from_the_agency_ids(
    network: list[Agency], vocabulary: Vocabulary, document: dict[str, Any]
) -> None:
    again = export_document(network, vocabulary=vocabulary, utc_offset=OFFSET)
    assert json.dumps(again) == json.dumps(document)
    first = document["organizations"][0]
    assert first["id"] == organization_id("agc_000000000001")
    assert uuid.UUID(first["id"]).version == 5
    assert first["organization_identifiers"][0]["identifier"] == "agc_000000000001"


def test_a_hidden_location_is_never_written(document: dict[str, Any]) -> None:
    text = json.dumps(document, ensure_ascii=False)
    assert SHELTER_PLACE not in text
    assert "北5-6-7" not in text
    shelter = next(o for o in document["organizations"] if o["name"].startswith("DV"))
    assert [location["name"] for location in shelter["locations"]] == ["ひだまり 相談室"]


def test_hours_carry_the_citys_utc_offset(document: dict[str, Any]) -> None:
    food_bank = next(o for o in document["organizations"] if "フードバンク" in o["name"])
    [schedule] = food_bank["services"][0]["schedules"]
    assert schedule["byday"] == "TU,TH,SA"
    assert (schedule["opens_at"], schedule["closes_at"]) == ("10:00+09:00", "16:00+09:00")
    assert (schedule["freq"], schedule["timezone"]) == ("WEEKLY", 9)


def test_an_exported_organization_reads_back_as_the_same_profile(
    network: list[Agency], vocabulary: Vocabulary, document: dict[str, Any]
) -> None:
    for agency, organization in zip(network, document["organizations"], strict=True):
        back = read(vocabulary, document, organization)
        assert back.agency_id == agency.id
        profile = AgencyProfile.model_validate(back.profile)
        expected = agency.profile.model_copy(
            update={"locations": agency.visible_locations, "delivery": profile.delivery}
        )
        assert profile == expected


def test_an_organization_without_an_agency_id_gets_a_stable_one(
    vocabulary: Vocabulary, document: dict[str, Any]
) -> None:
    organization = copy.deepcopy(document["organizations"][0])
    del organization["organization_identifiers"]
    back = read(vocabulary, document, organization)
    assert back.agency_id == agency_id_for(organization["id"])
    assert re.fullmatch(r"agc_[0-9a-f]{12}", back.agency_id)


def test_reading_names_every_reason_an_organization_cannot_be_imported(
    vocabulary: Vocabulary, document: dict[str, Any]
) -> None:
    food_bank = next(o for o in document["organizations"] if "フードバンク" in o["name"])
    organization = copy.deepcopy(food_bank)
    service = organization["services"][0]
    service["attributes"][0]["taxonomy_term_id"] = str(uuid.uuid4())
    service["schedules"][0]["opens_at"] = "10:00-05:00"
    service["schedules"][0]["freq"] = "MONTHLY"
    del service["service_areas"][0]["attributes"]
    with pytest.raises(Unreadable) as caught:
        read(vocabulary, document, organization)
    reasons = caught.value.reasons
    assert len(reasons) == 4
    assert "services[0].attributes[0]: unknown taxonomy term" in reasons[0]
    assert any("only weekly schedules" in r for r in reasons)
    assert any("not in the city's time (+09:00)" in r for r in reasons)
    assert any("links to no term of the Tsunagu areas taxonomy" in r for r in reasons)
