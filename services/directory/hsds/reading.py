"""Reading HSDS organizations back into agency profiles, saying why when one cannot be read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tsunagu_schemas import AgencyKind

from ..domain import AGENCY_ID
from .ids import agency_id_for
from .vocabulary import ACCEPTING, AREAS, CAPACITY, CATEGORIES, PROPERTIES, TermIndex
from .writing import AGENCY_ID_TYPE

HSDS_TIME = re.compile(r"^(?P<clock>\d{2}:\d{2})(:00)?(?P<offset>Z|[+-]\d{2}:\d{2})?$")
Raw = Mapping[str, Any]


class Unreadable(Exception):
    """An organization that cannot become an agency; `reasons` say why."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class ReadOrganization:
    """An organization read back: its agency id and the data of the agency's profile."""

    agency_id: str
    profile: dict[str, Any]


@dataclass
class OrganizationReader:
    """Reads one organization, gathering every reason it cannot be imported."""

    terms: TermIndex
    utc_offset: str
    reasons: list[str] = field(default_factory=list)

    def read(self, raw: Raw) -> ReadOrganization:
        """The agency id and profile data of `raw`; Unreadable with every reason otherwise."""
        profile = {
            "name": raw.get("name"),
            "kind": _kind(raw.get("legal_status")),
            "description": raw.get("description") or None,
            "services": [self._service(s, f"services[{i}]") for i, s in _each(raw, "services")],
            "locations": [self._location(x, f"locations[{i}]") for i, x in _each(raw, "locations")],
            "contacts": [_contact(c) for _, c in _each(raw, "contacts")],
        }
        agency_id = self._agency_id(raw)
        if self.reasons:
            raise Unreadable(self.reasons)
        return ReadOrganization(agency_id=agency_id, profile=profile)

    def _agency_id(self, raw: Raw) -> str:
        for _, identifier in _each(raw, "organization_identifiers"):
            if identifier.get("identifier_type") == AGENCY_ID_TYPE:
                given = str(identifier.get("identifier"))
                if not re.fullmatch(AGENCY_ID, given):
                    self.reasons.append(f"organization_identifiers: bad agency id {given!r}")
                return given
        return agency_id_for(str(raw["id"]))

    def _service(self, raw: Raw, at: str) -> dict[str, Any]:
        coded = self._codes(raw, at)
        areas = [
            code
            for i, area in _each(raw, "service_areas")
            for code in self._area_codes(area, f"{at}.service_areas[{i}]")
        ]
        return {
            "name": raw.get("name"),
            "description": raw.get("description"),
            "eligibility_description": raw.get("eligibility_description"),
            "categories": coded.get(CATEGORIES, []),
            "areas": areas,
            "languages": [
                str(lang["code"]) for _, lang in _each(raw, "languages") if "code" in lang
            ],
            "accepting_referrals": self._accepting(raw, coded, at),
            "capacity": self._capacity(coded, at),
            "schedules": [
                self._schedule(s, f"{at}.schedules[{i}]") for i, s in _each(raw, "schedules")
            ],
        }

    def _codes(self, raw: Raw, at: str) -> dict[str, list[str]]:
        """Codes of the directory's taxonomies the attributes link to (values for properties)."""
        coded: dict[str, list[str]] = {}
        for i, attribute in _each(raw, "attributes"):
            found = self.terms.lookup(attribute)
            if found is None:
                term = attribute.get("taxonomy_term_id")
                self.reasons.append(f"{at}.attributes[{i}]: unknown taxonomy term {term!r}")
            elif found[0] == PROPERTIES:
                coded.setdefault(found[1], []).append(str(attribute.get("value")))
            elif found[0] is not None:
                coded.setdefault(found[0], []).append(found[1])
        return coded

    def _area_codes(self, raw: Raw, at: str) -> list[str]:
        codes = self._codes(raw, at).get(AREAS, [])
        if not codes:
            self.reasons.append(f"{at}: links to no term of the Tsunagu areas taxonomy")
        return codes

    def _accepting(self, raw: Raw, coded: dict[str, list[str]], at: str) -> bool:
        value = (coded.get(ACCEPTING) or ["true"])[0]
        if value not in ("true", "false"):
            self.reasons.append(f"{at}: accepting_referrals must be 'true' or 'false'")
        return value == "true" and raw.get("status", "active") == "active"

    def _capacity(self, coded: dict[str, list[str]], at: str) -> int | None:
        values = coded.get(CAPACITY)
        if not values:
            return None
        if not values[0].isdigit():
            self.reasons.append(f"{at}: capacity must be a whole number, not {values[0]!r}")
            return None
        return int(values[0])

    def _schedule(self, raw: Raw, at: str) -> dict[str, Any]:
        if raw.get("freq") != "WEEKLY" or not raw.get("byday"):
            self.reasons.append(f"{at}: only weekly schedules with byday can be imported")
        return {
            "days": [day.strip() for day in str(raw.get("byday", "")).split(",") if day.strip()],
            "opens_at": self._clock(raw.get("opens_at"), f"{at}.opens_at"),
            "closes_at": self._clock(raw.get("closes_at"), f"{at}.closes_at"),
            "description": raw.get("description"),
        }

    def _clock(self, value: Any, at: str) -> str | None:
        match = HSDS_TIME.fullmatch(str(value))
        if match is None:
            self.reasons.append(f"{at}: {value!r} is not a time such as 09:00{self.utc_offset}")
            return None
        offset = match["offset"]
        utc = self.utc_offset in ("+00:00", "-00:00")
        if offset not in (None, self.utc_offset) and not (offset == "Z" and utc):
            self.reasons.append(f"{at}: {value!r} is not in the city's time ({self.utc_offset})")
        return match["clock"]

    def _location(self, raw: Raw, at: str) -> dict[str, Any]:
        addresses = [address for _, address in _each(raw, "addresses")]
        if not addresses:
            self.reasons.append(f"{at}: has no address")
        address = {k: v for k, v in (addresses or [{}])[0].items() if k in _ADDRESS_FIELDS}
        return {
            "id": raw.get("id"),
            "name": raw.get("name"),
            "description": raw.get("description"),
            "address": address,
        }


_ADDRESS_FIELDS = ("address_1", "address_2", "city", "state_province", "postal_code", "country")


def _each(raw: Raw, name: str) -> Iterable[tuple[int, Raw]]:
    values = raw.get(name) or []
    return [(i, value) for i, value in enumerate(values) if isinstance(value, Mapping)]


def _kind(legal_status: Any) -> str:
    known = {kind.value for kind in AgencyKind}
    return str(legal_status) if legal_status in known else AgencyKind.OTHER.value


def _contact(raw: Raw) -> dict[str, Any]:
    phones = [str(phone["number"]) for _, phone in _each(raw, "phones") if "number" in phone]
    return {
        "name": raw.get("name"),
        "role": raw.get("title"),
        "phone": phones[0] if phones else None,
        "email": raw.get("email"),
    }
