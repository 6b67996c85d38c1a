"""A load generator walking referrals through their lifecycle, retrying without duplicating.

A request whose answer was lost (a killed service, a store away) is retried; a transition is
guarded by `If-Match`, so a retry of one that did go through gets 409/412, and the referral's
state then tells whether it was done. A create carries an `Idempotency-Key`, so its retry
returns the referral a lost attempt made instead of opening another (lists, which never show
the person's data, could not find it by its note).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.access import acting

RETRY_SECONDS = 0.3
GIVE_UP_SECONDS = 90.0


@dataclass(frozen=True)
class Network:
    """The three agencies a referral walks between: A refers to B, B hands off to C."""

    a: str
    b: str
    c: str


@dataclass
class LoadReport:
    """What the generator really did."""

    referrals: list[str] = field(default_factory=list)
    transitions: int = 0
    retries: int = 0


def _create_body(network: Network, marker: str) -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "from_agency_id": network.a,
        "to_agency_id": network.b,
        "needs": ["food"],
        "urgency": "routine",
        "subject": {"display_name": "Load Subject", "birth_year": 1980},
        "note": marker,
        "basis": {
            "kind": "consent",
            "given_by": "subject",
            "scope": "network",
            "obtained_at": now.isoformat(),
            "expires_at": (now + timedelta(days=30)).isoformat(),
        },
    }


class LoadGenerator:
    """Drives referrals create → accept → handoff → accept → close through the HTTP API."""

    def __init__(self, http: httpx.AsyncClient, referrals_url: str, network: Network) -> None:
        self._http = http
        self._url = f"{referrals_url}/v1/referrals"
        self._network = network
        self.report = LoadReport()

    async def run(self, *, count: int, concurrency: int = 4, pause: float = 0.1) -> LoadReport:
        """Walk `count` referrals, `concurrency` at a time; return what was done."""
        gate = asyncio.Semaphore(concurrency)

        async def one() -> None:
            async with gate:
                await self.walk(pause=pause)

        await asyncio.gather(*(one() for _ in range(count)))
        return self.report

    async def walk(self, *, pause: float) -> str:
        """One referral through its whole lifecycle."""
        n = self._network
        referral = await self._create(f"load-{uuid.uuid4()}")
        handoff = {"to_agency_id": n.c, "needs": ["livelihood"], "reason": "needs_other_support"}
        steps = [
            ("accept", n.b, None),
            ("handoff", n.b, {**handoff, "keep_following": True}),
            ("accept", n.c, None),
            ("close", n.c, {"outcome": "resolved"}),
        ]
        for action, agency, body in steps:
            await asyncio.sleep(pause)
            referral = await self._transition(referral, action, agency, body)
        return str(referral["id"])

    async def _post(
        self, url: str, agency: str, body: Any, **headers: str
    ) -> httpx.Response | None:
        """POST, answering None when the service could not answer (down, or its store away)."""
        try:
            response = await self._http.post(
                url, json=body or {}, headers={**acting(agency), **headers}
            )
        except httpx.TransportError:
            return None
        return None if response.status_code >= 500 else response

    async def _retry_pause(self, started: float, what: str) -> None:
        if time.monotonic() - started > GIVE_UP_SECONDS:
            raise AssertionError(f"{what} still failing after {GIVE_UP_SECONDS} s")
        self.report.retries += 1
        await asyncio.sleep(RETRY_SECONDS)

    async def _create(self, marker: str) -> dict[str, Any]:
        started = time.monotonic()
        body = _create_body(self._network, marker)
        key = {"Idempotency-Key": marker}
        while True:
            response = await self._post(self._url, self._network.a, body, **key)
            if response is not None:
                assert response.status_code == 201, response.text
                created: dict[str, Any] = response.json()
                break
            await self._retry_pause(started, "create")
        self.report.referrals.append(str(created["id"]))
        self.report.transitions += 1
        return created

    async def _current(self, referral_id: str, agency: str, started: float) -> dict[str, Any]:
        while True:
            try:
                response = await self._http.get(
                    f"{self._url}/{referral_id}", headers=acting(agency)
                )
                if response.status_code == 200:
                    return response.json()
            except httpx.TransportError:
                pass
            await self._retry_pause(started, "reading a referral")

    async def _transition(
        self, referral: dict[str, Any], action: str, agency: str, body: Any
    ) -> dict[str, Any]:
        """Apply one transition over the version last seen; a lost answer is looked up."""
        started, version = time.monotonic(), referral["version"]
        url = f"{self._url}/{referral['id']}/{action}"
        while True:
            response = await self._post(url, agency, body, **{"If-Match": f'"{version}"'})
            if response is not None and response.status_code == 200:
                break
            if response is not None and response.status_code in (409, 412):
                current = await self._current(referral["id"], agency, started)
                assert current["version"] == version + 1, (action, response.text, current)
                response = None
                self.report.transitions += 1
                return current
            assert response is None, (action, response.status_code, response.text)
            await self._retry_pause(started, action)
        self.report.transitions += 1
        return response.json()
