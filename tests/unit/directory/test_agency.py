"""The agency's rules: registration, revision, deactivation, versions and the events produced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.directory.adapters.taxonomy_files import load_taxonomy
from services.directory.domain import (
    Agency,
    AgencyInactive,
    AgencyProfile,
    Taxonomy,
    UnknownCodes,
    VersionMismatch,
    check_version,
    deactivate,
    new_agency_id,
    register,
    revise,
)
from services.directory.settings import DirectorySettings
from tsunagu_schemas import DeliveryPreferences, ServiceEntry
from tsunagu_schemas.agency import AGENCY_DEACTIVATED, AGENCY_REGISTERED, AGENCY_UPDATED

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    settings = DirectorySettings()
    return load_taxonomy(categories_file=settings.categories_file, areas_file=settings.areas_file)


def food_bank() -> AgencyProfile:
    return AgencyProfile.model_validate(
        {
            "name": "Kita Food Bank",
            "kind": "npo",
            "services": [{"name": "Food parcels", "categories": ["food"], "areas": ["kita"]}],
            "contacts": [{"name": "Sato Hanako", "phone": "090-0000-0000"}],
        }
    )


def registered(taxonomy: Taxonomy) -> Agency:
    return register(food_bank(), agency_id="agc_000000000001", taxonomy=taxonomy, now=NOW).agency


def test_agency_ids_have_the_agc_prefix_and_twelve_hex_digits() -> None:
    agency_id = new_agency_id()
    assert agency_id.startswith("agc_")
    assert len(agency_id) == 16
    int(agency_id[4:], 16)
    assert new_agency_id() != agency_id


def test_registration_starts_at_version_one_and_announces_the_agency(taxonomy: Taxonomy) -> None:
    change = register(food_bank(), agency_id="agc_000000000001", taxonomy=taxonomy, now=NOW)
    assert change.event_type == AGENCY_REGISTERED
    assert change.agency.version == 1
    assert change.agency.active
    assert change.agency.registered_at == change.agency.updated_at == NOW
    assert change.event_data.agency_id == "agc_000000000001"
    assert change.event_data.version == 1
    assert change.event_data.occurred_at == NOW


def test_the_event_carries_the_public_entry_without_contacts(taxonomy: Taxonomy) -> None:
    change = register(food_bank(), agency_id="agc_000000000001", taxonomy=taxonomy, now=NOW)
    data = change.event_data.model_dump(mode="json")
    assert "contacts" not in data
    assert "Sato Hanako" not in str(data)
    assert data["services"][0]["categories"] == ["food"]


def test_registration_names_every_unknown_category_and_area(taxonomy: Taxonomy) -> None:
    profile = food_bank().model_copy(
        update={
            "services": [
                ServiceEntry(name="A", categories=["food", "astrology"], areas=["kita"]),
                ServiceEntry(name="B", categories=["housing"], areas=["atlantis"]),
            ]
        }
    )
    with pytest.raises(UnknownCodes) as caught:
        register(profile, agency_id="agc_000000000001", taxonomy=taxonomy, now=NOW)
    found = {(u.field, u.code, u.kind) for u in caught.value.unknown}
    assert found == {
        ("services.0.categories.1", "astrology", "category"),
        ("services.1.areas.0", "atlantis", "area"),
    }


def test_a_revision_increments_the_version_and_announces_an_update(taxonomy: Taxonomy) -> None:
    change = revise(
        registered(taxonomy), {"name": "Kita Food Bank Network"}, taxonomy=taxonomy, now=LATER
    )
    assert change is not None
    assert change.event_type == AGENCY_UPDATED
    assert change.agency.version == 2
    assert change.agency.name == "Kita Food Bank Network"
    assert change.agency.registered_at == NOW
    assert change.agency.updated_at == LATER
    assert change.event_data.version == 2


def test_a_revision_that_changes_nothing_produces_no_event(taxonomy: Taxonomy) -> None:
    assert (
        revise(registered(taxonomy), {"name": "Kita Food Bank"}, taxonomy=taxonomy, now=LATER)
        is None
    )
    assert revise(registered(taxonomy), {}, taxonomy=taxonomy, now=LATER) is None


def test_a_revision_of_services_checks_their_codes(taxonomy: Taxonomy) -> None:
    services = [{"name": "Shelter", "categories": ["housing"], "areas": ["nowhere"]}]
    with pytest.raises(UnknownCodes):
        revise(registered(taxonomy), {"services": services}, taxonomy=taxonomy, now=LATER)


def test_deactivation_keeps_the_agency_and_announces_it(taxonomy: Taxonomy) -> None:
    change = deactivate(registered(taxonomy), now=LATER)
    assert change is not None
    assert change.event_type == AGENCY_DEACTIVATED
    assert not change.agency.active
    assert change.agency.version == 2
    assert change.agency.name == "Kita Food Bank"
    assert change.event_data.active is False


def test_deactivating_twice_changes_nothing_the_second_time(taxonomy: Taxonomy) -> None:
    first = deactivate(registered(taxonomy), now=LATER)
    assert first is not None
    assert deactivate(first.agency, now=LATER) is None


def test_a_deactivated_agency_cannot_be_revised(taxonomy: Taxonomy) -> None:
    change = deactivate(registered(taxonomy), now=LATER)
    assert change is not None
    with pytest.raises(AgencyInactive):
        revise(change.agency, {"name": "Back again"}, taxonomy=taxonomy, now=LATER)


def test_a_stale_expected_version_is_refused(taxonomy: Taxonomy) -> None:
    agency = registered(taxonomy)
    check_version(agency, None)
    check_version(agency, 1)
    with pytest.raises(VersionMismatch) as caught:
        check_version(agency, 7)
    assert caught.value.current == 1


def test_delivery_settings_travel_apart_and_only_when_they_change(taxonomy: Taxonomy) -> None:
    hook = {"delivery": {"webhook_url": "https://hooks.example.org/in", "email": "in@example.org"}}
    profile = food_bank().model_copy(update={"delivery": DeliveryPreferences(**hook["delivery"])})
    change = register(profile, agency_id="agc_000000000001", taxonomy=taxonomy, now=NOW)
    public = change.event_data.model_dump(mode="json")
    assert public["delivery"] == {"webhook_url": None, "email": None, "kafka": False}
    assert "hooks.example.org" not in str(public)
    assert "in@example.org" not in str(public)
    announced = change.delivery_data
    assert announced is not None
    assert (announced.version, announced.active) == (1, True)
    assert announced.delivery.webhook_url == "https://hooks.example.org/in"

    renamed = revise(change.agency, {"name": "Kita Pantry"}, taxonomy=taxonomy, now=LATER)
    assert renamed is not None
    assert renamed.delivery_data is None
    moved = revise(renamed.agency, {"delivery": {"kafka": True}}, taxonomy=taxonomy, now=LATER)
    assert moved is not None
    assert moved.delivery_data is not None
    assert moved.delivery_data.delivery == DeliveryPreferences(kafka=True)
    assert moved.delivery_data.version == 3
    closed = deactivate(moved.agency, now=LATER)
    assert closed is not None
    assert closed.delivery_data is not None
    assert not closed.delivery_data.active
