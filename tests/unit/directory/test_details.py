"""Services with hours and eligibility, locations that may be hidden, and the people to call."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from services.directory.adapters.taxonomy_files import load_taxonomy
from services.directory.domain import (
    Agency,
    AgencyProfile,
    LocationNotFound,
    Taxonomy,
    register,
    remove_location,
    revise,
)
from services.directory.settings import DirectorySettings

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
SHELTER_ID = "0b9c6f3e-5d1a-4c38-9a57-2f1e8d4b7a60"
OFFICE_ID = "5e2d8c41-7b6a-4f09-8e3d-1c2b3a4d5e6f"


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    settings = DirectorySettings()
    return load_taxonomy(categories_file=settings.categories_file, areas_file=settings.areas_file)


def place(location_id: str, name: str, *, hidden: bool = False) -> dict[str, Any]:
    address = {
        "address_1": "北5-6-7",
        "city": "つなぐ市北区",
        "state_province": "みらい県",
        "postal_code": "100-0101",
    }
    return {"id": location_id, "name": name, "address": address, "hidden": hidden}


def shelter(taxonomy: Taxonomy) -> Agency:
    service = {
        "name": "Emergency shelter",
        "categories": ["domestic_violence"],
        "areas": ["citywide"],
        "eligibility_description": "Women escaping violence, with their children.",
        "capacity": 3,
        "schedules": [{"days": ["SU", "MO"], "opens_at": "00:00", "closes_at": "24:00"}],
    }
    profile = AgencyProfile.model_validate(
        {
            "name": "Hidamari",
            "kind": "npo",
            "services": [service],
            "locations": [place(SHELTER_ID, "Shelter", hidden=True), place(OFFICE_ID, "Office")],
            "contacts": [{"name": "Mori Yuki", "role": "manager", "email": "mori@example.org"}],
        }
    )
    return register(profile, agency_id="agc_000000000002", taxonomy=taxonomy, now=NOW).agency


def test_the_event_of_an_agency_carries_neither_locations_nor_contacts_nor_hours(
    taxonomy: Taxonomy,
) -> None:
    data = shelter(taxonomy).public_entry().model_dump_json()
    for private in ("Shelter", "Office", "北5-6-7", "Mori", "schedules", "capacity", "Women"):
        assert private not in data
    assert '"categories":["domestic_violence"]' in data


def test_only_visible_locations_are_offered_to_be_shown(taxonomy: Taxonomy) -> None:
    agency = shelter(taxonomy)
    assert [location.id for location in agency.visible_locations] == [OFFICE_ID]
    assert {location.id for location in agency.locations} == {SHELTER_ID, OFFICE_ID}


def test_a_revision_of_locations_keeps_the_hidden_ones_it_does_not_name(
    taxonomy: Taxonomy,
) -> None:
    agency = shelter(taxonomy)
    moved = place(OFFICE_ID, "Office, second floor")
    change = revise(agency, {"locations": [moved]}, taxonomy=taxonomy, now=LATER)
    assert change is not None
    assert [(x.name, x.hidden) for x in change.agency.locations] == [
        ("Office, second floor", False),
        ("Shelter", True),
    ]


def test_resending_the_visible_locations_as_they_were_changes_nothing(taxonomy: Taxonomy) -> None:
    agency = shelter(taxonomy)
    shown = [location.model_dump() for location in agency.visible_locations]
    assert revise(agency, {"locations": shown}, taxonomy=taxonomy, now=LATER) is None


def test_a_hidden_location_is_removed_only_by_its_id(taxonomy: Taxonomy) -> None:
    agency = shelter(taxonomy)
    change = remove_location(agency, SHELTER_ID, now=LATER)
    assert [location.id for location in change.agency.locations] == [OFFICE_ID]
    assert change.agency.version == 2
    with pytest.raises(LocationNotFound):
        remove_location(change.agency, SHELTER_ID, now=LATER)


def test_locations_get_a_uuid_when_none_is_given_and_ids_must_be_distinct() -> None:
    without_id = {k: v for k, v in place(OFFICE_ID, "Office").items() if k != "id"}
    profile = AgencyProfile.model_validate(
        {
            "name": "A",
            "kind": "npo",
            "services": [{"name": "S", "categories": ["food"], "areas": ["kita"]}],
            "locations": [without_id],
        }
    )
    assert uuid.UUID(profile.locations[0].id)
    with pytest.raises(ValidationError, match="distinct"):
        AgencyProfile.model_validate(
            {**profile.model_dump(), "locations": [place(OFFICE_ID, "A"), place(OFFICE_ID, "B")]}
        )


def test_opening_hours_are_weekdays_in_week_order_and_clock_times(taxonomy: Taxonomy) -> None:
    schedule = shelter(taxonomy).services[0].schedules[0]
    assert schedule.days == ["MO", "SU"]
    service = {"name": "S", "categories": ["food"], "areas": ["kita"]}
    for bad in ({"days": ["MON"]}, {"opens_at": "9am"}, {"closes_at": "25:00"}):
        hours = {"days": ["MO"], "opens_at": "09:00", "closes_at": "17:00", **bad}
        with pytest.raises(ValidationError):
            AgencyProfile.model_validate(
                {"name": "A", "kind": "npo", "services": [{**service, "schedules": [hours]}]}
            )


def test_a_capacity_cannot_be_negative_nor_a_contact_email_lack_an_at_sign() -> None:
    service = {"name": "S", "categories": ["food"], "areas": ["kita"], "capacity": -1}
    with pytest.raises(ValidationError):
        AgencyProfile.model_validate({"name": "A", "kind": "npo", "services": [service]})
    with pytest.raises(ValidationError):
        AgencyProfile.model_validate(
            {
                "name": "A",
                "kind": "npo",
                "services": [{**service, "capacity": 0}],
                "contacts": [{"name": "B", "email": "not an address"}],
            }
        )
