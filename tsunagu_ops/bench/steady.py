"""Steady state: referral journeys at a target rate, timed to the audit log and the inboxes."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import httpx

from tsunagu_ops.access import ClientCredential, NetworkTokens
from tsunagu_ops.localstack import default_layout
from tsunagu_schemas.topics import REFERRAL_EVENTS

from .cpu import cpu_ms_per_event, cpu_readings, with_bench
from .journeys import JourneyDriver, register_network
from .store_use import per_event, store_commands
from .tracking import EventTracker

AUDIT_GROUP, INBOX_GROUP = "tsunagu-audit", "tsunagu-notifications"
CONNECTIONS_PER_CLIENT = 8
KEEPALIVE_SECONDS = 4.0
"""Idle connections are dropped before the services' 5 s keep-alive ends: one reused just as the
server closes it fails the call (a `ReadError` that says nothing of the service)."""
WARMUP_SETTLE_SECONDS = 3.0
"""Pause after the warm-up, for its events to pass through before the measured run."""
ARRIVAL_PATIENCE = 30.0
"""Seconds without any event arriving after which the bench stops waiting and reports what is
missing."""


@dataclass(frozen=True)
class SteadyState:
    """What the journeys measured."""

    events: int
    failures: dict[str, int]
    """Abandoned journeys by reason."""
    failure_examples: list[str]
    busy_retries: int
    seconds: float
    to_audit_ms: list[float]
    to_inbox_ms: list[float]
    store_commands_per_event: dict[str, float]
    """Store round trips per referral event of each service (and `total`), background work
    included, from their /metrics over the run."""
    missing: dict[str, int]
    """Events not yet in the audit log / in the inboxes when the bench stopped waiting."""
    cpu_ms_per_event: dict[str, float]
    """CPU milliseconds per referral event of each process (services, Kafka, the store, the
    bench itself), from the load's start until every event arrived."""

    @property
    def events_per_second(self) -> float:
        """Referral events recorded by the audit service per second, first call to last record."""
        return len(self.to_audit_ms) / self.seconds if self.seconds else 0.0


async def run_steady_state(
    *,
    urls: dict[str, str],
    processes: Mapping[str, Sequence[str]],
    bootstrap: str,
    referrals: int,
    events_per_second: float,
    concurrency: int,
    show: Callable[[str], None],
    cpu_pids: Mapping[str, int] | None = None,
    patience: float = ARRIVAL_PATIENCE,
    warmup: int = 0,
) -> SteadyState:
    """Drive `referrals` journeys (five events each) and wait until every event is audited and
    in the inboxes (or `patience` seconds pass without progress); the store commands are read
    from each process of each service (`processes`: their URLs), the CPU of `cpu_pids`. First
    `warmup` journeys at the same rate go unmeasured: Kafka's JVM compiles its hot paths, the
    agencies' clients and tokens are made, the connection pools fill."""
    credential = ClientCredential.load(default_layout().coordinator_credential)
    tokens = NetworkTokens(urls["directory"], credential)
    pools = -(-concurrency // CONNECTIONS_PER_CLIENT)
    async with contextlib.AsyncExitStack() as clients:
        journeys = [
            await clients.enter_async_context(
                httpx.AsyncClient(
                    timeout=30,
                    limits=httpx.Limits(
                        max_connections=CONNECTIONS_PER_CLIENT, keepalive_expiry=KEEPALIVE_SECONDS
                    ),
                    auth=tokens.coordinator,
                )
            )
            for _ in range(pools)
        ]
        http = journeys[0]
        network = await register_network(http, urls["directory"])
        driver = JourneyDriver(http, urls["referrals"], network, tokens, clients=journeys)
        show("waiting for the referrals service to learn the benchmark agencies")
        await driver.wait_until_known()
        if warmup:
            show(f"warming up: {warmup} journeys, not measured")
            await driver.run(
                warmup, referrals_per_second=events_per_second / 5, concurrency=concurrency
            )
            await asyncio.sleep(WARMUP_SETTLE_SECONDS)
            driver = JourneyDriver(http, urls["referrals"], network, tokens, clients=journeys)
        tracker = EventTracker(bootstrap, REFERRAL_EVENTS, [AUDIT_GROUP, INBOX_GROUP])
        await tracker.start()
        operator = tokens.role("operator")
        commands_before = await store_commands(http, processes, operator)
        cpu_before = cpu_readings(with_bench(cpu_pids or {}))
        start = time.monotonic()
        driving = asyncio.create_task(
            driver.run(
                referrals, referrals_per_second=events_per_second / 5, concurrency=concurrency
            )
        )
        while not driving.done():
            show(
                f"journeys {driver.completed}/{referrals}, events seen {tracker.seen},"
                f" not yet audited and in inboxes {tracker.outstanding()}"
            )
            await asyncio.sleep(1)
        await driving
        expected = len(driver.calls.started)
        await _wait_for_arrivals(tracker, expected, patience, show)
        cpu_after = cpu_readings(with_bench(cpu_pids or {}))
        await tracker.stop()
        commands_after = await store_commands(http, processes, operator)
    audited = tracker.arrivals.at[AUDIT_GROUP]
    last = max(audited.values(), default=start)
    return SteadyState(
        events=expected,
        failures=dict(driver.calls.failures),
        failure_examples=list(driver.calls.examples),
        busy_retries=driver.calls.busy,
        seconds=last - start,
        to_audit_ms=_latencies(driver.calls.started, audited),
        to_inbox_ms=_latencies(driver.calls.started, tracker.arrivals.at[INBOX_GROUP]),
        store_commands_per_event=per_event(commands_before, commands_after, len(audited)),
        missing={
            group: expected - len(tracker.arrivals.at[group])
            for group in (AUDIT_GROUP, INBOX_GROUP)
        },
        cpu_ms_per_event=cpu_ms_per_event(cpu_before, cpu_after, len(audited)),
    )


async def _wait_for_arrivals(
    tracker: EventTracker, expected: int, patience: float, show: Callable[[str], None]
) -> None:
    """Wait until both groups committed every event, giving up after `patience` seconds in
    which neither made progress."""

    def counts() -> tuple[int, int]:
        return len(tracker.arrivals.at[AUDIT_GROUP]), len(tracker.arrivals.at[INBOX_GROUP])

    last, progress_at = counts(), time.monotonic()
    while min(last) < expected and time.monotonic() - progress_at < patience:
        show(f"waiting for the audit log {last[0]}/{expected} and the inboxes {last[1]}/{expected}")
        await asyncio.sleep(0.5)
        now = counts()
        if now != last:
            last, progress_at = now, time.monotonic()


def _latencies(
    started: dict[tuple[str, int], float], arrived: dict[tuple[str, int], float]
) -> list[float]:
    """Milliseconds from each API call to its event's arrival, for the calls that arrived."""
    return sorted((arrived[key] - at) * 1000 for key, at in started.items() if key in arrived)
