"""Who sees an agency's staff contacts and delivery settings in the directory's answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from services.directory.adapters.api_models import AgencyView
from services.directory.domain import Agency
from tsunagu.auth import Principal, Role

NOW = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
OWN, OTHER = "agc_000000000001", "agc_000000000002"


def viewer(role: Role, agency_id: str | None = None) -> Principal:
    return Principal(
        subject="client",
        client_id="client",
        role=role,
        agency_id=agency_id,
        scopes=frozenset(),
        token_id="jti",
        expires_at=NOW,
    )


def agency() -> Agency:
    return Agency.model_validate(
        {
            "id": OWN,
            "version": 1,
            "name": "Kita Food Bank",
            "kind": "npo",
            "services": [{"name": "Food parcels", "categories": ["food"], "areas": ["kita"]}],
            "contacts": [{"name": "Sato Hanako", "phone": "090-0000-0000"}],
            "delivery": {"webhook_url": "https://hooks.example.org/in"},
            "registered_at": NOW,
            "updated_at": NOW,
        }
    )


@pytest.mark.parametrize(
    ("who", "contacts", "delivery"),
    [
        (viewer(Role.AGENCY, OWN), True, True),
        (viewer(Role.COORDINATOR), True, True),
        (viewer(Role.AGENCY, OTHER), True, False),
        (viewer(Role.OPERATOR), False, False),
        (viewer(Role.AUDITOR), False, False),
    ],
    ids=["the agency itself", "coordinator", "another agency", "operator", "auditor"],
)
def test_contacts_go_to_members_and_delivery_to_the_agency_and_coordinator(
    who: Principal, contacts: bool, delivery: bool
) -> None:
    view = AgencyView.of(agency(), who)
    assert (view.contacts is not None, view.delivery is not None) == (contacts, delivery)
    if contacts:
        assert view.contacts is not None
        assert view.contacts[0].name == "Sato Hanako"
    if delivery:
        assert view.delivery is not None
        assert view.delivery.webhook_url == "https://hooks.example.org/in"
    assert view.name == "Kita Food Bank"
