"""The round-robin front: each connection to the next replica, past those that are down."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tsunagu_ops.front import RoundRobin, serve
from tsunagu_ops.localstack.ports import free_port


@asynccontextmanager
async def _replica(name: bytes) -> AsyncIterator[int]:
    """A server answering each line with its name and the line."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        line = await reader.readline()
        writer.write(name + b":" + line)
        await writer.drain()
        writer.close()

    port = free_port()
    server = await asyncio.start_server(answer, "127.0.0.1", port)
    async with server:
        yield port


async def _ask(port: int, line: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(line + b"\n")
    await writer.drain()
    answer = await reader.read()
    writer.close()
    return answer


def test_turns_start_at_the_next_port_each_time() -> None:
    turns = RoundRobin([1, 2, 3])
    assert [list(turns.order()) for _ in range(4)] == [[1, 2, 3], [2, 3, 1], [3, 1, 2], [1, 2, 3]]


async def test_connections_alternate_and_skip_a_replica_that_is_down() -> None:
    down = free_port()  # nothing listens there
    async with _replica(b"one") as one, _replica(b"two") as two:
        front, stopping = free_port(), asyncio.Event()
        serving = asyncio.create_task(serve(front, [one, down, two], stopping))
        try:
            for _ in range(50):
                try:
                    first = await _ask(front, b"hello")
                    break
                except OSError:
                    await asyncio.sleep(0.05)
            answers = [first] + [await _ask(front, b"hello") for _ in range(3)]
        finally:
            stopping.set()
            await serving
    assert answers == [b"one:hello\n", b"two:hello\n", b"two:hello\n", b"one:hello\n"]
