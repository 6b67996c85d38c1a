"""Writing the directory as an HSDS 3.0 document; hidden locations are never written."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ..domain import Agency, Contact, Location, Schedule, Service
from .ids import child_id, organization_id, term_id
from .vocabulary import ACCEPTING, AREAS, CAPACITY, CATEGORIES, PROPERTIES, Vocabulary

HSDS_VERSION = "3.0"
AGENCY_ID_TYPE = "tsunagu_agency_id"


def export_document(
    agencies: Iterable[Agency],
    *,
    vocabulary: Vocabulary,
    utc_offset: str,
    with_contacts: bool = True,
) -> dict[str, Any]:
    """The HSDS document of `agencies`, with the taxonomies and terms they use; the staff
    contacts only `with_contacts`."""
    writer = HsdsWriter(vocabulary=vocabulary, utc_offset=utc_offset, with_contacts=with_contacts)
    organizations = [writer.organization(agency) for agency in agencies]
    used = set(_term_ids(organizations))
    terms = [term for term in vocabulary.terms() if term["id"] in used]
    used_taxonomies = {term["taxonomy_id"] for term in terms}
    return {
        "hsds_version": HSDS_VERSION,
        "organizations": organizations,
        "taxonomies": [t for t in vocabulary.taxonomies() if t["id"] in used_taxonomies],
        "taxonomy_terms": terms,
    }


@dataclass(frozen=True)
class HsdsWriter:
    """Turns agencies into HSDS organizations with everything they hold embedded."""

    vocabulary: Vocabulary
    utc_offset: str
    with_contacts: bool = True

    def organization(self, agency: Agency) -> dict[str, Any]:
        """One agency as an HSDS organization (its `description` is required, maybe empty)."""
        org = organization_id(agency.id)
        contacts = agency.contacts if self.with_contacts else []
        identifier = {
            "id": child_id(org, "identifier"),
            "organization_id": org,
            "identifier_type": AGENCY_ID_TYPE,
            "identifier": agency.id,
        }
        return {
            "id": org,
            "name": agency.name,
            "description": agency.description or "",
            "legal_status": agency.kind.value,
            "organization_identifiers": [identifier],
            "contacts": [_contact(org, i, c) for i, c in enumerate(contacts)],
            "locations": [_location(org, location) for location in agency.visible_locations],
            "services": [self._service(org, i, s) for i, s in enumerate(agency.services)],
        }

    def _service(self, org: str, index: int, service: Service) -> dict[str, Any]:
        sid = child_id(org, "service", index)
        return _present(
            id=sid,
            organization_id=org,
            name=service.name,
            description=service.description,
            status="active",
            eligibility_description=service.eligibility_description,
            languages=[
                {"id": child_id(sid, "language", tag), "service_id": sid, "code": tag}
                for tag in service.languages
            ],
            service_areas=[self._area(sid, code) for code in service.areas],
            schedules=[self._schedule(sid, i, s) for i, s in enumerate(service.schedules)],
            attributes=_service_attributes(sid, service),
        )

    def _area(self, sid: str, code: str) -> dict[str, Any]:
        aid = child_id(sid, "area", code)
        label = self.vocabulary.label(AREAS, code)
        return _present(
            id=aid,
            service_id=sid,
            name=label.label_ja if label else code,
            description=label.label_en if label else None,
            attributes=[_attribute(aid, "service_area", "area", AREAS, code)],
        )

    def _schedule(self, sid: str, index: int, schedule: Schedule) -> dict[str, Any]:
        return _present(
            id=child_id(sid, "schedule", index),
            service_id=sid,
            freq="WEEKLY",
            wkst="MO",
            byday=",".join(schedule.days),
            opens_at=schedule.opens_at + self.utc_offset,
            closes_at=schedule.closes_at + self.utc_offset,
            timezone=offset_hours(self.utc_offset),
            description=schedule.description,
        )


def offset_hours(utc_offset: str) -> float | int:
    """`+09:00` → 9, `-03:30` → -3.5: the HSDS `timezone` number."""
    sign = -1 if utc_offset.startswith("-") else 1
    hours, minutes = (int(part) for part in utc_offset[1:].split(":"))
    value = sign * (hours + minutes / 60)
    return int(value) if value.is_integer() else value


def _service_attributes(sid: str, service: Service) -> list[dict[str, Any]]:
    attributes = [
        _attribute(sid, "service", "category", CATEGORIES, code) for code in service.categories
    ]
    accepting = "true" if service.accepting_referrals else "false"
    attributes.append(_attribute(sid, "service", "property", PROPERTIES, ACCEPTING, accepting))
    if service.capacity is not None:
        capacity = str(service.capacity)
        attributes.append(_attribute(sid, "service", "property", PROPERTIES, CAPACITY, capacity))
    return attributes


def _attribute(
    link_id: str, entity: str, link_type: str, taxonomy: str, code: str, value: str | None = None
) -> dict[str, Any]:
    return _present(
        id=child_id(link_id, "attribute", taxonomy, code),
        link_id=link_id,
        link_entity=entity,
        link_type=link_type,
        taxonomy_term_id=term_id(taxonomy, code),
        value=value,
    )


def _contact(org: str, index: int, contact: Contact) -> dict[str, Any]:
    cid = child_id(org, "contact", index)
    phones = [{"id": child_id(cid, "phone"), "contact_id": cid, "number": contact.phone}]
    return _present(
        id=cid,
        organization_id=org,
        name=contact.name,
        title=contact.role,
        email=contact.email,
        phones=phones if contact.phone else [],
    )


def _location(org: str, location: Location) -> dict[str, Any]:
    address = {
        "id": child_id(location.id, "address"),
        "location_id": location.id,
        "address_type": "physical",
        **location.address.model_dump(exclude_none=True),
    }
    return _present(
        id=location.id,
        organization_id=org,
        location_type="physical",
        name=location.name,
        description=location.description,
        addresses=[address],
    )


def _present(**fields: Any) -> dict[str, Any]:
    """The fields that have a value: HSDS leaves out what is unknown rather than null."""
    return {name: value for name, value in fields.items() if value is not None}


def _term_ids(organizations: list[dict[str, Any]]) -> Iterator[str]:
    for organization in organizations:
        for service in organization["services"]:
            for attribute in service["attributes"]:
                yield attribute["taxonomy_term_id"]
            for area in service["service_areas"]:
                for attribute in area["attributes"]:
                    yield attribute["taxonomy_term_id"]
