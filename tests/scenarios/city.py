"""The whole network in one process: the four apps on the real Kafka and store, one clock."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from aiokafka import TopicPartition

from tests.access import acting
from tests.integration.harness import eventually
from tests.integration.kafka_positions import Records, read_from

SUBJECT_VIEWED = "tsunagu.referral.subject_viewed"
"""Reads of a person's data: published by their own relay, so in no fixed order with changes."""
SUBJECT = {"display_name": "鈴木 家族 (scenario)", "contact": "090-0000-7777", "birth_year": 1984}


@dataclass
class MovableClock:
    """The referrals service's clock: real time plus an offset the scenario moves."""

    offset: timedelta = field(default_factory=timedelta)

    def now(self) -> datetime:
        """The current time as the service sees it."""
        return datetime.now(UTC) + self.offset

    def move(self, by: timedelta) -> None:
        """Move the time on."""
        self.offset += by


@dataclass
class City:
    """HTTP clients of the four services, their Kafka, and the referrals service's clock."""

    directory: httpx.AsyncClient
    referrals: httpx.AsyncClient
    notifications: httpx.AsyncClient
    audit: httpx.AsyncClient
    bootstrap: str
    clock: MovableClock
    scanner: Any
    coordinator: str
    second_replica: Any

    async def register(self, label: str, *categories: str) -> str:
        """Register an agency in the directory; return its id."""
        body = {
            "name": f"{label} {uuid.uuid4().hex[:8]}",
            "kind": "npo",
            "services": [
                {
                    "name": f"{label} support",
                    "categories": list(categories) or ["food"],
                    "areas": ["citywide"],
                    "accepting_referrals": True,
                }
            ],
        }
        response = await self.directory.post("/v1/agencies", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def refer(self, sender: str, receiver: str, **changes: Any) -> httpx.Response:
        """Ask to open a referral, waiting while the referrals service learns new agencies."""
        body = {**referral_body(sender, receiver, self.clock.now()), **changes}
        return await self._once_known("/v1/referrals", body, sender)

    async def act(
        self, referral_id: str, action: str, agency: str, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        """Take an action on a referral, waiting while a new agency is still unknown."""
        return await self._once_known(f"/v1/referrals/{referral_id}/{action}", body or {}, agency)

    async def read(self, referral_id: str, agency: str) -> httpx.Response:
        """Read a referral as an agency."""
        return await self.referrals.get(f"/v1/referrals/{referral_id}", headers=acting(agency))

    async def _once_known(self, path: str, body: dict[str, Any], agency: str) -> httpx.Response:
        """POST; an answer saying an agency is not (yet) in the directory is retried a while."""
        for _ in range(100):
            response = await self.referrals.post(path, json=body, headers=acting(agency))
            if response.status_code != 422 or "not in the directory" not in response.text:
                return response
            await asyncio.sleep(0.2)
        return response

    async def inbox(self, agency: str) -> list[dict[str, Any]]:
        """The agency's notifications, newest first."""
        response = await self.notifications.get(
            f"/v1/agencies/{agency}/inbox", headers=acting(agency)
        )
        assert response.status_code == 200, response.text
        return list(response.json()["items"])

    async def audit_records(
        self, referral_id: str, count: int, *, reads: bool = False
    ) -> list[dict[str, Any]]:
        """The referral's audit records of changes (with `reads`: of reads of the person's data
        only), once at least `count` are there."""

        async def found() -> list[dict[str, Any]] | None:
            response = await self.audit.get(
                "/v1/audit/records", params={"referral_id": referral_id, "limit": 100}
            )
            items = [i for i in response.json()["items"] if (i["type"] == SUBJECT_VIEWED) is reads]
            return items if len(items) >= count else None

        records: list[dict[str, Any]] = await eventually(found, timeout=20)
        return records


def consent(now: datetime, *scope: str, days: int = 30) -> dict[str, Any]:
    """The subject's consent for `scope` (or the network), obtained now, valid `days`."""
    return {
        "kind": "consent",
        "given_by": "subject",
        "scope": list(scope) or "network",
        "obtained_at": (now - timedelta(days=1)).isoformat(),
        "expires_at": (now + timedelta(days=days)).isoformat(),
    }


def referral_body(sender: str, receiver: str, now: datetime) -> dict[str, Any]:
    """An urgent request for food support under the subject's consent for the network."""
    return {
        "from_agency_id": sender,
        "to_agency_id": receiver,
        "needs": ["food"],
        "urgency": "urgent",
        "subject": SUBJECT,
        "basis": consent(now),
        "note": "家族全員の食料支援が必要",
    }


async def events_of(
    bootstrap: str, start: dict[TopicPartition, int], referral_id: str, types: list[str]
) -> list[tuple[str, dict[str, Any]]]:
    """The referral's change events since `start`, once their types are exactly `types`, in
    order (reads of the person's data, in no fixed order with them, are left out)."""
    key = referral_id.encode()

    def mine(records: Records) -> list[Any]:
        return [r for r in records if r.key == key and _type(r) != SUBJECT_VIEWED]

    records = await read_from(bootstrap, start, until=lambda rs: len(mine(rs)) >= len(types))
    ordered = sorted(mine(records), key=lambda r: r.offset)
    found = [(dict(r.headers)["ce_type"].decode(), json.loads(r.value)) for r in ordered]
    assert [t for t, _ in found] == types
    return found


def _type(record: Any) -> str:
    return str(dict(record.headers)["ce_type"].decode())
