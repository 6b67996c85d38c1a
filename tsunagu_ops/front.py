"""A round-robin TCP front for the replicas of one service, so that clients keep one address.

`python -m tsunagu_ops.front --listen PORT --backend PORT --backend PORT` accepts
connections on the service's port and hands each to the next replica in turn; a replica that
refuses the connection (stopped, crashed) is skipped, so the others carry the traffic. It
forwards bytes only: every request keeps its own authentication, nothing is read or logged.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import signal
from collections.abc import Iterator, Sequence

HOST = "127.0.0.1"

CONNECT_TIMEOUT = 2.0
CHUNK = 65_536


class RoundRobin:
    """The replicas' ports, each connection starting at the next one."""

    def __init__(self, ports: Sequence[int]) -> None:
        self.ports = tuple(ports)
        self._turn = itertools.cycle(range(len(self.ports)))

    def order(self) -> Iterator[int]:
        """Every port once, from the one whose turn it is."""
        first = next(self._turn)
        return (self.ports[(first + k) % len(self.ports)] for k in range(len(self.ports)))


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Copy bytes until the reading side ends, then end the writing side."""
    try:
        while chunk := await reader.read(CHUNK):
            writer.write(chunk)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        with contextlib.suppress(OSError, RuntimeError):
            if writer.can_write_eof():
                writer.write_eof()


async def _connect(
    replicas: RoundRobin,
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
    """A connection to the first replica, in turn, that accepts one."""
    for port in replicas.order():
        try:
            return await asyncio.wait_for(asyncio.open_connection(HOST, port), CONNECT_TIMEOUT)
        except (OSError, TimeoutError):
            continue
    return None


async def forward(
    replicas: RoundRobin, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
) -> None:
    """Join one client connection to a replica until both sides are done."""
    upstream = await _connect(replicas)
    if upstream is None:
        client.close()
        return
    reader, writer = upstream
    try:
        await asyncio.gather(_pipe(client_reader, writer), _pipe(reader, client))
    finally:
        for side in (writer, client):
            side.close()
            with contextlib.suppress(OSError):
                await side.wait_closed()


async def serve(port: int, backends: Sequence[int], stopping: asyncio.Event) -> None:
    """Accept connections on `port` until `stopping` is set."""
    replicas = RoundRobin(backends)
    server = await asyncio.start_server(
        lambda r, w: forward(replicas, r, w), HOST, port, reuse_address=True
    )
    async with server:
        await stopping.wait()


async def _serve_until_signalled(port: int, backends: Sequence[int]) -> None:
    """Serve until SIGTERM or SIGINT."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    await serve(port, backends, stopping)


def main() -> None:
    """Read the ports from the command line and serve."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--listen", type=int, required=True, help="the service's port")
    parser.add_argument("--backend", type=int, action="append", required=True, help="a replica")
    arguments = parser.parse_args()
    asyncio.run(_serve_until_signalled(arguments.listen, arguments.backend))


if __name__ == "__main__":
    main()
