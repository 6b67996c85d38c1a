"""What the console's browser tests need: a small network, a poison event, the APIs' answers
to compare the pages with, and screenshots."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from playwright.async_api import Page

from tests.access import PrincipalAuth, acting
from tests.e2e.conftest import NOTE, PERSONAL, SUBJECT, System
from tests.infra import kafka_options
from tests.integration.harness import eventually
from tsunagu_schemas import catalog
from tsunagu_schemas.topics import REFERRAL_EVENTS, owner_of

ACCEPTED, DECLINED = 5, 1
README_IMAGES = Path(__file__).parents[2] / "docs" / "images"
WRITE_IMAGES = os.environ.get("TSUNAGU_WRITE_SCREENSHOTS") == "1"


def _agency(name: str, category: str) -> dict[str, Any]:
    service = {
        "name": name,
        "categories": [category],
        "areas": ["citywide"],
        "accepting_referrals": True,
    }
    return {"name": name, "kind": "npo", "services": [service], "contacts": []}


def _referral(a: str, b: str, urgency: str = "urgent") -> dict[str, Any]:
    now = datetime.now(UTC)
    basis = {
        "kind": "consent",
        "given_by": "subject",
        "scope": "network",
        "obtained_at": now.isoformat(),
        "expires_at": (now + timedelta(days=90)).isoformat(),
    }
    return {
        "from_agency_id": a,
        "to_agency_id": b,
        "needs": ["food"],
        "urgency": urgency,
        "subject": SUBJECT,
        "note": NOTE,
        "basis": basis,
    }


async def seed_network(system: System) -> dict[str, str]:
    """Two agencies; seven referrals from the first to the second: five accepted, one declined
    for lack of capacity, one (an emergency) left unanswered. Their ids."""
    auth = PrincipalAuth(system.tokens, "coordinator")
    async with httpx.AsyncClient(timeout=20, auth=auth) as http:
        ids = {}
        for key, name, category in (
            ("a", "Hotline", "suicide_prevention"),
            ("b", "Food bank", "food"),
        ):
            response = await http.post(
                f"{system.urls['directory']}/v1/agencies", json=_agency(name, category)
            )
            assert response.status_code == 201, response.text
            ids[key] = str(response.json()["id"])
        referrals = f"{system.urls['referrals']}/v1/referrals"

        async def create() -> str | None:
            response = await http.post(
                referrals, json=_referral(ids["a"], ids["b"]), headers=acting(ids["a"])
            )
            assert response.status_code in (201, 422), response.text
            return str(response.json()["id"]) if response.status_code == 201 else None

        made = [
            await eventually(create, timeout=60, interval=0.5) for _ in range(ACCEPTED + DECLINED)
        ]
        for referral_id in made[:ACCEPTED]:
            response = await http.post(
                f"{referrals}/{referral_id}/accept", json={}, headers=acting(ids["b"])
            )
            assert response.status_code == 200, response.text
        declined = {"reason": "no_capacity"}
        response = await http.post(
            f"{referrals}/{made[-1]}/decline", json=declined, headers=acting(ids["b"])
        )
        assert response.status_code == 200, response.text
        ids["declined"] = made[-1]
        body = _referral(ids["a"], ids["b"], "emergency")
        response = await http.post(referrals, json=body, headers=acting(ids["a"]))
        assert response.status_code == 201, response.text
        ids["overdue"] = str(response.json()["id"])
        return ids


async def snap(page: Page, folder: Path, name: str) -> None:
    """Save the page as `console-<name>.png`, and as the README's image when asked."""
    await page.screenshot(path=folder / f"console-{name}.png", full_page=True)
    if WRITE_IMAGES:
        README_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copy(folder / f"console-{name}.png", README_IMAGES / f"console-{name}.png")


async def no_personal_data(page: Page) -> None:
    html = await page.content()
    assert not [p for p in PERSONAL if p in html], "a person's data is on the page"


async def cell(page: Page, table: str, key: str, column: int = 2) -> str:
    return (
        await page.locator(f"#{table} tr[data-key='{key}'] td:nth-child({column})").inner_text()
    ).strip()


def shown(count: int | None, withheld: str) -> str:
    return withheld if count is None else str(count)


async def network_stats(system: System, params: dict[str, str]) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=20, auth=PrincipalAuth(system.tokens, "operator")) as http:
        response = await http.get(f"{system.urls['referrals']}/v1/referrals/stats", params=params)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def operator_get(system: System, path: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=20, auth=PrincipalAuth(system.tokens, "operator")) as http:
        response = await http.get(f"{system.urls['referrals']}{path}")
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def whole_days(first: str, last: str) -> dict[str, str]:
    end = datetime.fromisoformat(last).replace(tzinfo=UTC) + timedelta(days=1)
    return {"since": f"{first}T00:00:00+00:00", "until": end.isoformat()}


async def publish_poison(bootstrap: str, event_id: str) -> None:
    """A record on the referral topic whose data is not JSON: its consumers park it."""
    event_type = "tsunagu.referral.created"
    headers = {
        "ce_specversion": "1.0",
        "ce_id": event_id,
        "ce_source": catalog.source(owner_of(REFERRAL_EVENTS)),
        "ce_type": event_type,
        "ce_time": datetime.now(UTC).isoformat(),
        "ce_subject": event_id,
        "ce_dataschema": catalog.kind_of(event_type).dataschema,
        "content-type": "application/json",
    }
    producer = AIOKafkaProducer(**kafka_options(bootstrap), acks="all", enable_idempotence=True)
    await producer.start()
    try:
        encoded = [(name, value.encode()) for name, value in headers.items()]
        await producer.send_and_wait(
            REFERRAL_EVENTS, b"{not json", key=event_id.encode(), headers=encoded
        )
    finally:
        await producer.stop()


async def auditor(
    system: System, path: str, params: dict[str, Any] | None = None
) -> httpx.Response:
    async with httpx.AsyncClient(timeout=20, auth=PrincipalAuth(system.tokens, "auditor")) as http:
        return await http.get(f"{system.urls['audit']}{path}", params=params)
