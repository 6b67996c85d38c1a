"""The city network against loneliness and isolation, as directory entries.

The entries are data, in `network.yaml`; this module reads them into registration bodies.
The city, its addresses, people and numbers are invented.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

import yaml

WEEKDAYS: Final = ["MO", "TU", "WE", "TH", "FR"]
EVERY_DAY: Final = [*WEEKDAYS, "SA", "SU"]
DAYS: Final = {"weekdays": WEEKDAYS, "every day": EVERY_DAY}


def _agency(
    name: str,
    kind: str,
    description: str,
    *services: dict[str, Any],
    places: tuple[dict[str, Any], ...] = (),
    people: tuple[dict[str, Any], ...] = (),
    kafka: bool = False,
) -> dict[str, Any]:
    return {
        "name": name,
        "kind": kind,
        "description": description,
        "services": list(services),
        "locations": list(places),
        "contacts": list(people),
        "delivery": {"kafka": kafka},
    }


def _service(
    name: str,
    categories: list[str],
    areas: list[str] | None = None,
    *,
    languages: list[str] | None = None,
    accepting: bool = True,
    eligibility: str | None = None,
    capacity: int | None = None,
    hours: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    service: dict[str, Any] = {
        "name": name,
        "categories": categories,
        "areas": areas or ["citywide"],
        "languages": languages or ["ja"],
        "accepting_referrals": accepting,
        "schedules": list(hours),
    }
    if eligibility:
        service["eligibility_description"] = eligibility
    if capacity is not None:
        service["capacity"] = capacity
    return service


def _hours(days: list[str], opens: str, closes: str, note: str | None = None) -> dict[str, Any]:
    return {"days": days, "opens_at": opens, "closes_at": closes, "description": note}


def _place(
    name: str, street: str, ward: str, postal_code: str, *, hidden: bool = False
) -> dict[str, Any]:
    address = {
        "address_1": street,
        "city": f"つなぐ市{ward}",
        "state_province": "みらい県",
        "postal_code": postal_code,
    }
    return {"name": name, "address": address, "hidden": hidden}


def _person(name: str, role: str, phone: str, email: str | None = None) -> dict[str, Any]:
    return {"name": name, "role": role, "phone": phone, "email": email}


HOTLINE: Final = "いのちの電話 Tsunagu Lifeline"
FOOD_BANK: Final = "フードバンク みなと"
WELFARE_OFFICE: Final = "市福祉事務所 City Welfare Office"
DV_SHELTER: Final = "DVシェルター ひだまり"
SHELTER_PLACE: Final = "ひだまり シェルター"


def _entry(raw: dict[str, Any]) -> dict[str, Any]:
    """One agency of `network.yaml` as the body that registers it."""
    services = [
        _service(
            service["name"],
            service["categories"],
            service.get("areas"),
            languages=service.get("languages"),
            accepting=service.get("accepting", True),
            eligibility=service.get("eligibility"),
            capacity=service.get("capacity"),
            hours=tuple(
                _hours(_days(h["days"]), h["opens"], h["closes"], h.get("note"))
                for h in service.get("hours", [])
            ),
        )
        for service in raw["services"]
    ]
    return _agency(
        raw["name"],
        raw["kind"],
        raw["description"],
        *services,
        places=tuple(_place(**place) for place in raw.get("places", [])),
        people=tuple(_person(**person) for person in raw.get("people", [])),
        kafka=raw.get("kafka", False),
    )


def _days(days: str | list[str]) -> list[str]:
    return DAYS[days] if isinstance(days, str) else days


def _network() -> tuple[dict[str, Any], ...]:
    text = (Path(__file__).parent / "network.yaml").read_text(encoding="utf-8")
    return tuple(_entry(raw) for raw in yaml.safe_load(text))


NETWORK: Final[tuple[dict[str, Any], ...]] = _network()
