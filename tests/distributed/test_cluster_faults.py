"""Faults on the distributed shape (three Kafka nodes, two replicas of each service) while
referrals flow: nothing is lost, nothing duplicated, every consumer group catches up."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from aiokafka import TopicPartition

from tests.access import acting, as_role
from tests.distributed.conftest import DistributedStack
from tests.distributed.failover import WriteProbe, partition_replicas
from tests.faults.load import LoadGenerator, LoadReport, Network, _create_body
from tests.faults.scenario import assert_settled_exactly_once, fresh_network, settled
from tests.integration.kafka_positions import end_offsets
from tests.tally import TALLY
from tsunagu_schemas.topics import EVENT_TOPICS, REFERRAL_EVENTS

REFERRALS = 12
# Starting three Kafka nodes and twelve processes is counted in the first test's time.
pytestmark = pytest.mark.timeout(600)
SERVICE_NAMES = ("directory", "referrals", "notifications", "audit")


Started = tuple[Network, dict[TopicPartition, int], asyncio.Task[LoadReport]]


async def _load_under_way(stack: DistributedStack, http: httpx.AsyncClient) -> Started:
    """Start the load through the fronts; return once a fifth of its transitions are done."""
    network = await fresh_network(http, stack)
    start = await end_offsets(stack.bootstrap, EVENT_TOPICS)
    load = LoadGenerator(http, stack.urls["referrals"], network)
    running = asyncio.create_task(load.run(count=REFERRALS))
    while load.report.transitions < REFERRALS and not running.done():  # noqa: ASYNC110
        await asyncio.sleep(0.1)
    return network, start, running


async def _load_completed(running: asyncio.Task[LoadReport]) -> LoadReport:
    report = await running
    assert len(report.referrals) == REFERRALS
    assert report.transitions == 5 * REFERRALS
    return report


async def test_the_referral_partition_leader_killed_under_load_and_brought_back(
    cluster: DistributedStack,
) -> None:
    """Writes move to a new leader; the failover's stall is measured and reported."""
    replicas = await partition_replicas(cluster.bootstrap, REFERRAL_EVENTS)
    leader, in_sync = replicas[0]
    assert len(in_sync) == 3, replicas
    probe = WriteProbe(cluster.bootstrap, [leader, *(n for n in in_sync if n != leader)])
    probing = asyncio.create_task(probe.run())
    async with cluster.client() as http:
        network, start, running = await _load_under_way(cluster, http)
        while not probe.acked:
            if probing.done():
                await probing  # raises what stopped it
            await asyncio.sleep(0.05)
        killed_at = time.monotonic()
        await asyncio.to_thread(cluster.crash, f"kafka-{leader}")

        async def writes_resumed() -> float:
            stall = probe.stall_since(killed_at)
            assert stall is not None, "no write acknowledged since the leader died"
            return stall

        async def leader_moved() -> None:  # a broker's metadata may lag the probe's new leader
            after = await partition_replicas(cluster.bootstrap, REFERRAL_EVENTS)
            assert after[0][0] != leader, after

        try:
            stall = await settled(writes_resumed, timeout=60)
            await settled(leader_moved, timeout=30)
        finally:  # brought back whatever happened, so that the next tests have three nodes
            await asyncio.to_thread(cluster.restart, f"kafka-{leader}")
        TALLY["broker failover: writes stalled (ms)"] = round(stall * 1000)
        print(f"broker failover: writes to the killed leader's partition stalled {stall:.2f} s")
        report = await _load_completed(running)
        await assert_settled_exactly_once(
            http, cluster, start=start, report=report, network=network
        )

        async def back_in_sync() -> None:
            now = await partition_replicas(cluster.bootstrap, REFERRAL_EVENTS)
            assert all(len(isr) == 3 for _, isr in now.values()), now

        await settled(back_in_sync)
    probe.stop()
    await probing


async def _race(
    http: httpx.AsyncClient,
    stack: DistributedStack,
    referral: dict[str, Any],
    agency: str,
    moves: list[tuple[str, dict[str, Any]]],
) -> dict[str, Any]:
    """Send one transition per replica at once, all from the same version: exactly one wins."""
    version = referral["version"]

    async def send(replica: int, action: str, body: dict[str, Any]) -> httpx.Response:
        url = f"{stack.replica_url('referrals', replica)}/v1/referrals/{referral['id']}/{action}"
        headers = {**acting(agency), "If-Match": f'"{version}"'}
        return await http.post(url, json=body, headers=headers)

    answers = await asyncio.gather(
        *(send(replica, action, body) for replica, (action, body) in enumerate(moves, 1))
    )
    codes = sorted(a.status_code for a in answers)
    assert codes[0] == 200, [a.text for a in answers]
    assert set(codes[1:]) <= {409, 412}, [a.text for a in answers]
    won: dict[str, Any] = next(a for a in answers if a.status_code == 200).json()
    assert won["version"] == version + 1
    return won


async def _contested_walk(
    http: httpx.AsyncClient, stack: DistributedStack, network: Network, turn: int
) -> tuple[str, int]:
    """One referral whose every step the two replicas race for; its id and events made."""
    created = await http.post(
        f"{stack.urls['referrals']}/v1/referrals",
        json=_create_body(network, f"contested-{turn}"),
        headers=acting(network.a),
    )
    assert created.status_code == 201, created.text
    referral = created.json()
    accept: tuple[str, dict[str, Any]] = ("accept", {})
    decline: tuple[str, dict[str, Any]] = ("decline", {"reason": "no_capacity"})
    first = [accept, decline] if turn % 2 else [decline, accept]
    referral = await _race(http, stack, referral, network.b, first)
    close = ("close", {"outcome": "resolved"})
    if referral["status"] == "declined":
        await _race(http, stack, referral, network.a, [close, close])
        return str(referral["id"]), 3
    handoff = ("handoff", {"to_agency_id": network.c, "needs": ["livelihood"]})
    handoff[1].update(reason="needs_other_support", keep_following=True)
    referral = await _race(http, stack, referral, network.b, [handoff, handoff])
    referral = await _race(http, stack, referral, network.c, [accept, accept])
    await _race(http, stack, referral, network.c, [close, close])
    return str(referral["id"]), 5


async def test_the_two_referrals_replicas_racing_with_conflicting_transitions(
    cluster: DistributedStack,
) -> None:
    """Accept against decline, and each later step sent to both: one version, one event."""
    async with cluster.client() as http:
        network = await fresh_network(http, cluster)
        start = await end_offsets(cluster.bootstrap, EVENT_TOPICS)
        walks = await asyncio.gather(
            *(_contested_walk(http, cluster, network, turn) for turn in range(8))
        )
        expected = dict(walks)
        report = LoadReport(referrals=list(expected), transitions=sum(expected.values()))
        await assert_settled_exactly_once(
            http, cluster, start=start, report=report, network=network, events_per_referral=expected
        )
        for replica in (1, 2):  # both replicas issue checkpoints of the one log; all match it
            url = f"{cluster.replica_url('audit', replica)}/v1/audit/verify?from_start=true"
            verdict = (await http.get(url, headers=as_role("auditor"))).json()
            assert verdict["ok"] is True, verdict
            assert verdict["checkpoints"] >= 1, verdict


async def test_two_referrals_replicas_scanning_flag_each_overdue_leg_once(
    cluster: DistributedStack,
) -> None:
    """Both replicas look for overdue legs every half second: one breach event per leg."""
    async with cluster.client() as http:
        network = await fresh_network(http, cluster)
        start = await end_offsets(cluster.bootstrap, EVENT_TOPICS)
        ids = []
        for turn in range(4):
            body = {**_create_body(network, f"overdue-{turn}"), "urgency": "emergency"}
            created = await http.post(
                f"{cluster.urls['referrals']}/v1/referrals", json=body, headers=acting(network.a)
            )
            assert created.status_code == 201, created.text
            ids.append(str(created.json()["id"]))
        report = LoadReport(referrals=ids, transitions=len(ids))
        await assert_settled_exactly_once(
            http,
            cluster,
            start=start,
            report=report,
            network=network,
            events_per_referral=dict.fromkeys(ids, 2),  # created, then sla_breached once
        )
        for referral_id in ids:
            url = f"{cluster.urls['referrals']}/v1/referrals/{referral_id}"
            seen = (await http.get(url, headers=acting(network.a))).json()
            assert seen["overdue"] is True, seen


async def test_one_replica_of_each_service_killed_under_load(cluster: DistributedStack) -> None:
    """The other replicas carry the requests, the outboxes and the partitions of the dead (which
    stay down: this case comes last)."""
    killed = [f"{name}-1" for name in SERVICE_NAMES]
    async with cluster.client() as http:
        network, start, running = await _load_under_way(cluster, http)
        for name in killed:
            await asyncio.to_thread(cluster.crash, name)
        report = await _load_completed(running)
        await assert_settled_exactly_once(
            http, cluster, start=start, report=report, network=network
        )
