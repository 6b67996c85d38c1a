"""Kill -9 each part of the system while referrals flow: nothing is lost, nothing duplicated."""

from __future__ import annotations

import asyncio

import pytest

from tests.faults.conftest import FaultStack
from tests.faults.load import LoadGenerator
from tests.faults.scenario import assert_settled_exactly_once, fresh_network
from tests.integration.kafka_positions import end_offsets
from tsunagu_schemas.topics import EVENT_TOPICS

REFERRALS = 12


async def _crash_mid_load(stack: FaultStack, part: str) -> None:
    """Each wait is bounded (a stall fails the case); how fast recovery is, is the bench's."""
    async with stack.client() as http:
        network = await fresh_network(http, stack)
        start = await end_offsets(stack.bootstrap, EVENT_TOPICS)
        load = LoadGenerator(http, stack.urls["referrals"], network)
        running = asyncio.create_task(load.run(count=REFERRALS))
        while load.report.transitions < REFERRALS and not running.done():  # noqa: ASYNC110
            await asyncio.sleep(0.1)
        await stack.crash_and_restart(part)
        report = await running
        assert len(report.referrals) == REFERRALS
        assert report.transitions == 5 * REFERRALS
        await assert_settled_exactly_once(http, stack, start=start, report=report, network=network)


@pytest.mark.parametrize("service", ["directory", "referrals", "notifications", "audit"])
async def test_a_service_killed_mid_load_and_restarted_loses_and_duplicates_nothing(
    fault_stack: FaultStack, service: str
) -> None:
    await _crash_mid_load(fault_stack, service)


async def test_the_kafka_broker_killed_mid_load_and_restarted_loses_and_duplicates_nothing(
    fault_stack: FaultStack,
) -> None:
    await _crash_mid_load(fault_stack, "kafka")


async def test_the_store_killed_mid_load_and_restarted_loses_and_duplicates_nothing(
    fault_stack: FaultStack,
) -> None:
    await _crash_mid_load(fault_stack, "store")
