"""Referral journeys driven through the public APIs: create, accept, handoff, accept, close."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tsunagu_ops.access import NetworkTokens

STEPS = ("created", "accepted", "handed_off", "accepted", "closed")
MAX_EXAMPLES = 3


@dataclass
class Calls:
    """When each API call of each referral started, by (referral id, step number)."""

    started: dict[tuple[str, int], float] = field(default_factory=dict)
    failures: Counter[str] = field(default_factory=Counter)
    """Abandoned journeys by reason: the step, and its status and problem type or the error."""
    examples: list[str] = field(default_factory=list)
    """The first few failures in full."""
    busy: int = 0

    def failed(self, reason: str, detail: str) -> None:
        """Count one abandoned journey; keep the first few details."""
        self.failures[reason] += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(detail[:500])


class StepFailed(Exception):
    """An API call of a journey did not answer as expected."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True)
class Network:
    """The three benchmark agencies: a refers to b, b hands off to c."""

    a: str
    b: str
    c: str


def _agency_body(name: str, category: str) -> dict[str, Any]:
    """A benchmark agency that accepts referrals for one category, by inbox only."""
    service: dict[str, Any] = {"name": f"{name} desk", "categories": [category]}
    service |= {"areas": ["citywide"], "accepting_referrals": True}
    return {"name": name, "kind": "npo", "services": [service], "delivery": {"kafka": False}}


async def register_network(http: httpx.AsyncClient, directory: str) -> Network:
    """Register three fresh agencies for this run."""
    run = uuid.uuid4().hex[:6]
    ids = []
    for letter, category in (("A", "food"), ("B", "food"), ("C", "livelihood")):
        body = _agency_body(f"Benchmark agency {letter} {run}", category)
        response = await http.post(f"{directory}/v1/agencies", json=body)
        response.raise_for_status()
        ids.append(str(response.json()["id"]))
    return Network(*ids)


def _referral_body(network: Network, *, to: str | None = None) -> dict[str, Any]:
    """A referral from a (to b unless said) on the person's consent."""
    now = datetime.now(UTC)
    basis = {"kind": "consent", "given_by": "subject", "scope": "network"}
    basis |= {"obtained_at": now.isoformat(), "expires_at": (now + timedelta(days=90)).isoformat()}
    return {
        "from_agency_id": network.a,
        "to_agency_id": to or network.b,
        "needs": ["livelihood"] if to == network.c else ["food"],
        "urgency": "routine",
        "subject": {"display_name": "Benchmark person", "birth_year": 1980},
        "basis": basis,
    }


MAX_BUSY_RETRIES = 10


class JourneyDriver:
    """Walks referrals through their journey at a target rate with bounded concurrency."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        referrals: str,
        network: Network,
        tokens: NetworkTokens,
        *,
        clients: Sequence[httpx.AsyncClient] = (),
    ) -> None:
        self._http, self._base, self._network = http, f"{referrals}/v1/referrals", network
        self._tokens = tokens
        # httpx looks at every connection of its pool on each request (a system call for each
        # idle one): journeys spread over several small pools cost the driver far less CPU.
        self._clients = list(clients) or [http]
        self.calls = Calls()
        self.completed = 0

    async def wait_until_known(self, timeout: float = 90.0) -> None:
        """Wait until the referrals service has learnt the agencies (it answers 422 until then)."""
        deadline = time.monotonic() + timeout
        for url, body, actor in self._probes():
            while True:
                response = await self._http.post(url, json=body, auth=self._tokens.agency(actor))
                if response.status_code in (200, 201, 409):
                    break
                if time.monotonic() > deadline:
                    raise TimeoutError(f"agencies not known in time: {response.text}")
                await asyncio.sleep(0.5)

    def _probes(self) -> list[tuple[str, dict[str, Any], str]]:
        """Creating referrals to b and to c proves all three known."""
        n = self._network
        return [(self._base, _referral_body(n, to=to), n.a) for to in (n.b, n.c)]

    async def run(self, count: int, *, referrals_per_second: float, concurrency: int) -> None:
        """Start `count` journeys, evenly spaced in time, at most `concurrency` at once."""
        gate = asyncio.Semaphore(concurrency)
        tasks: list[asyncio.Task[None]] = []
        start = time.monotonic()
        for number in range(count):
            delay = start + number / referrals_per_second - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            await gate.acquire()
            http = self._clients[number % len(self._clients)]
            tasks.append(asyncio.create_task(self._journey(gate, http)))
        await asyncio.gather(*tasks)

    async def _journey(self, gate: asyncio.Semaphore, http: httpx.AsyncClient) -> None:
        """One referral from creation to closing; a failed call abandons the journey."""
        n = self._network
        try:
            started = time.monotonic()
            created = await self._call(http, self._base, n.a, _referral_body(n), expect=201)
            referral = f"{self._base}/{created['id']}"
            self.calls.started[(created["id"], 0)] = started
            handoff = {
                "to_agency_id": n.c,
                "needs": ["livelihood"],
                "reason": "needs_other_support",
            }
            steps: list[tuple[str, str, dict[str, Any]]] = [
                (f"{referral}/accept", n.b, {}),
                (f"{referral}/handoff", n.b, handoff | {"keep_following": False}),
                (f"{referral}/accept", n.c, {}),
                (f"{referral}/close", n.c, {"outcome": "resolved"}),
            ]
            for number, (url, actor, body) in enumerate(steps, start=1):
                self.calls.started[(created["id"], number)] = time.monotonic()
                await self._call(http, url, actor, body, expect=200)
            self.completed += 1
        except StepFailed as failure:
            self.calls.failed(failure.reason, str(failure))
        except httpx.RequestError as error:  # no answer; answers are StepFailed
            url = str(error.request.url)
            reason = f"{_step_of(url)}: {type(error).__name__}"
            self.calls.failed(reason, f"{reason} {url} {error}".strip())
        finally:
            gate.release()

    async def _call(
        self, http: httpx.AsyncClient, url: str, actor: str, body: dict[str, Any], *, expect: int
    ) -> Any:
        """POST as `actor`, retrying while the service answers 503; fail on anything else.

        After a 503 the change may still have been stored (only a later step failed), so a
        retry that meets 409 means the step is already done.
        """
        busy = 0
        while True:
            response = await http.post(url, json=body, auth=self._tokens.agency(actor))
            if response.status_code != 503 or busy >= MAX_BUSY_RETRIES:
                break
            busy += 1
            self.calls.busy += 1
            await asyncio.sleep(float(response.headers.get("retry-after", "1")))
        if busy and response.status_code == 409:
            return response.json()
        if response.status_code != expect:
            kind = ""
            if response.headers.get("content-type", "").startswith("application/problem+json"):
                kind = " " + str(response.json().get("type", "")).rsplit("/", 1)[-1]
            reason = f"{_step_of(url)}: {response.status_code}{kind}"
            raise StepFailed(reason, f"{reason} {url} {response.text}")
        return response.json()


def _step_of(url: str) -> str:
    """The step a journey's call makes, from its URL (`create`, `accept`, `handoff`, …)."""
    last = url.rstrip("/").rsplit("/", 1)[-1]
    return "create" if last == "referrals" else last
