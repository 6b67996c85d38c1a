"""A small network of agencies around the referrals service, for its integration tests."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pymongo.asynchronous.collection import AsyncCollection

from tests.access import acting
from tests.integration.harness import eventually, publish_event, publish_raw
from tsunagu.events import outbox_entry
from tsunagu_schemas import AgencyEventData, AgencyKind, ServiceEntry
from tsunagu_schemas.agency import AGENCY_REGISTERED, AGENCY_UPDATED

DISPLAY_NAME = "佐藤 一郎 (integration subject)"


def fresh_id(prefix: str = "agc") -> str:
    """An agency id no other test uses (in the directory's format, `agc_` and 12 hex digits)."""
    return f"{prefix}_{uuid.uuid4().hex[:12]}"


def agency_event(
    agency_id: str, *, version: int = 1, categories: list[str] | None = None, **changes: Any
) -> AgencyEventData:
    """A directory entry of an agency accepting referrals for `categories`."""
    service = ServiceEntry(name="相談窓口", categories=categories or ["food"], areas=["citywide"])
    fields: dict[str, Any] = {
        "agency_id": agency_id,
        "version": version,
        "name": f"Agency {agency_id}",
        "kind": AgencyKind.NPO,
        "services": [service],
        "occurred_at": datetime.now(UTC),
    }
    return AgencyEventData(**{**fields, **changes})


def consent(*scope: str) -> dict[str, Any]:
    """The person's consent for `scope` (or the whole network), valid for a month."""
    now = datetime.now(UTC)
    return {
        "kind": "consent",
        "given_by": "subject",
        "scope": list(scope) or "network",
        "obtained_at": now.isoformat(),
        "expires_at": (now + timedelta(days=30)).isoformat(),
    }


def referral_body(sender: str, receiver: str, **changes: Any) -> dict[str, Any]:
    """A referral request for food support under consent for the network."""
    body: dict[str, Any] = {
        "from_agency_id": sender,
        "to_agency_id": receiver,
        "needs": ["food"],
        "urgency": "urgent",
        "subject": {"display_name": DISPLAY_NAME, "contact": "080-1111-2222", "birth_year": 1975},
        "basis": consent(),
        "note": "食料支援の相談",
    }
    return {**body, **changes}


@dataclass
class Network:
    """The running service, the Kafka it listens to, and its local directory."""

    http: httpx.AsyncClient
    bootstrap: str
    agencies: AsyncCollection[dict[str, Any]]

    async def announce(
        self,
        data: AgencyEventData,
        *,
        event_type: str = AGENCY_REGISTERED,
        key: str | None = None,
    ) -> None:
        """Publish an agency event as the directory would (`key` forces a partition)."""
        if key is None:
            await publish_event(
                self.bootstrap, event_type=event_type, subject=data.agency_id, data=data
            )
            return
        entry = outbox_entry(
            event_type=event_type,
            subject=data.agency_id,
            data=data,
            service="directory",
            time=datetime.now(UTC),
        )
        await publish_raw(
            self.bootstrap,
            topic=entry["topic"],
            key=key.encode(),
            value=json.dumps(entry["data"]).encode(),
            headers=entry["headers"],
        )

    async def register(self, *agency_ids: str, categories: list[str] | None = None) -> None:
        """Announce agencies and wait until the service's directory knows them."""
        for agency_id in agency_ids:
            await self.announce(agency_event(agency_id, categories=categories))
        await self.wait_for_version(dict.fromkeys(agency_ids, 1))

    async def wait_for_version(self, versions: dict[str, int]) -> None:
        """Wait until the local directory holds each agency at the given version."""

        async def arrived() -> bool:
            found = self.agencies.find({"_id": {"$in": list(versions)}})
            stored = {d["_id"]: d["version"] async for d in found}
            return stored == versions

        await eventually(arrived, timeout=60)

    async def refer(self, sender: str, receiver: str, **changes: Any) -> dict[str, Any]:
        """Open a referral and return its view."""
        response = await self.http.post(
            "/v1/referrals", json=referral_body(sender, receiver, **changes), headers=acting(sender)
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def act(
        self,
        referral_id: str,
        action: str,
        agency_id: str,
        body: dict[str, Any] | None = None,
        **headers: str,
    ) -> httpx.Response:
        """Take an action on a referral as an agency."""
        return await self.http.post(
            f"/v1/referrals/{referral_id}/{action}",
            json=body or {},
            headers={**acting(agency_id), **headers},
        )


__all__ = ["AGENCY_UPDATED", "Network", "acting", "agency_event", "consent", "fresh_id"]
