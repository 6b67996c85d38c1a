"""A webhook attempt is bounded whatever the receiver does: a gigabyte answer costs no memory, a
receiver that drips its answer a byte at a time is given up at the deadline, and the other
agencies' deliveries go on meanwhile. Real HTTP over loopback to misbehaving servers."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from services.notifications.adapters.channels import WebhookChannel, webhook_client
from services.notifications.adapters.delivery_worker import DeliveryWorker
from services.notifications.domain import AgencyContact, Delivery, SourceEvent, plan_deliveries
from services.notifications.ports import Claim, DeliveryFailed
from tests.unit.notifications.conftest import MOMENT
from tests.unit.notifications.fakes import FixedClock
from tsunagu.webhook_targets import TargetPolicy

GIGABYTE = 1024**3
CHUNK = b"x" * (1024 * 1024)
DEADLINE = 1.5
Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


async def _read_request(reader: asyncio.StreamReader) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":")[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    await reader.readexactly(length)


async def _gigabyte(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer 200 with a 1 GB body, written for as long as the client reads."""
    await _read_request(reader)
    writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % GIGABYTE)
    with contextlib.suppress(ConnectionError):
        for _ in range(GIGABYTE // len(CHUNK)):
            writer.write(CHUNK)
            await writer.drain()
    writer.close()


async def _drip(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Answer one byte of the status line every 9 seconds."""
    await _read_request(reader)
    with contextlib.suppress(ConnectionError):
        for byte in b"HTTP/1.1 200 OK\r\n\r\n":
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(9)
    writer.close()


async def _fine(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await _read_request(reader)
    writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
    await writer.drain()
    writer.close()


@contextlib.asynccontextmanager
async def _server(handler: Handler) -> AsyncIterator[str]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        server.close()
        # handlers still writing are cut off with their connections
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(server.wait_closed(), 2)


def _resident_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


async def _keys(agency_id: str) -> list[bytes]:
    return [b"k" * 32]


def _channel(client: httpx.AsyncClient) -> WebhookChannel:
    policy = TargetPolicy(environment="development")
    return WebhookChannel(
        client, keys=_keys, clock=FixedClock(MOMENT), targets=policy, deadline_seconds=DEADLINE
    )


def _delivery(event: SourceEvent, url: str, agency: str = "agency-b") -> Delivery:
    contact = AgencyContact(agency, 1, webhook_url=url)
    return plan_deliveries(event, contacts=[contact], now=MOMENT)[0]


async def test_a_gigabyte_answer_is_never_read_into_memory(event: SourceEvent) -> None:
    async with _server(_gigabyte) as url, httpx.AsyncClient(timeout=30) as client:
        before = _resident_mb()
        await _channel(client).send(_delivery(event, url))  # a 2xx status: delivered
        grown = _resident_mb() - before
    assert grown < 64, f"resident memory grew {grown:.0f} MB"


async def test_a_receiver_dripping_its_answer_is_given_up_at_the_deadline(
    event: SourceEvent,
) -> None:
    async with _server(_drip) as url, httpx.AsyncClient(timeout=30) as client:
        started = time.monotonic()
        with pytest.raises(DeliveryFailed, match=r"no answer within 1\.5 s"):
            await _channel(client).send(_delivery(event, url))
        took = time.monotonic() - started
    assert DEADLINE <= took < DEADLINE + 1.0


async def test_other_agencies_are_delivered_on_time_while_a_receiver_drips(
    event: SourceEvent,
) -> None:
    done: dict[str, float] = {}
    all_fine = asyncio.Event()
    async with (
        _server(_drip) as slow,
        _server(_fine) as fine,
        httpx.AsyncClient(timeout=30) as client,
    ):
        channel = _channel(client)
        queue = [
            Claim(_delivery(event, slow, "agency-slow"), token="1"),
            Claim(_delivery(event, slow, "agency-slow-2"), token="2"),
            *(Claim(_delivery(event, fine, f"agency-{n}"), token=f"f{n}") for n in range(6)),
        ]

        async def next_claim() -> Claim | None:
            return queue.pop(0) if queue else None

        async def attempt(claim: Claim) -> None:
            with contextlib.suppress(DeliveryFailed):
                await channel.send(claim.delivery)
                done[claim.delivery.agency_id] = time.monotonic() - started
                if len(done) == 6:
                    all_fine.set()

        worker = DeliveryWorker(
            next_claim=next_claim, attempt=attempt, concurrency=3, poll_seconds=0.05
        )
        started = time.monotonic()
        await worker.start()
        try:
            await asyncio.wait_for(all_fine.wait(), 10)
        finally:
            await worker.stop()
    assert sorted(done) == [f"agency-{n}" for n in range(6)]
    assert max(done.values()) < 1.0, "two dripping receivers held two slots; the third served"


async def test_a_proxy_in_the_environment_cannot_take_the_delivery_elsewhere(
    event: SourceEvent, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a proxy would resolve the receiver's name again, past the address that was checked
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("ALL_PROXY", "http://127.0.0.1:9")
    async with _server(_fine) as url, webhook_client(DEADLINE) as client:
        await _channel(client).send(_delivery(event, url))  # straight to the receiver
