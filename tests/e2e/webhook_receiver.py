"""A minimal HTTP server that records the webhooks it receives and checks their signatures."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import time
from dataclasses import dataclass, field

TOLERANCE_SECONDS = 300


@dataclass(frozen=True)
class Delivery:
    """One request received: its path, headers (lower-cased) and exact body."""

    path: str
    headers: dict[str, str]
    body: bytes
    received_at: float = field(default_factory=time.time)

    def signed_with(self, secret: str) -> bool:
        """Whether a Standard Webhooks signature made with `secret` is among those sent.

        Written from the specification alone, as an agency's receiver would be; a timestamp
        more than five minutes from the time of receipt is refused as a possible replay.
        """
        timestamp = int(self.headers["webhook-timestamp"])
        if abs(self.received_at - timestamp) > TOLERANCE_SECONDS:
            return False
        key = base64.b64decode(secret.removeprefix("whsec_"))
        signed = f"{self.headers['webhook-id']}.{timestamp}.".encode() + self.body
        digest = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        given = self.headers["webhook-signature"].split(" ")
        return any(hmac.compare_digest(f"v1,{digest}", g) for g in given)


@dataclass
class WebhookReceiver:
    """Accepts POSTs on 127.0.0.1:<port> and answers 204."""

    port: int
    deliveries: list[Delivery] = field(default_factory=list)
    _server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        """Base URL of the receiver."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        """Start listening."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request_line = await reader.readline()
                if not request_line:
                    return
                path = request_line.decode().split(" ")[1]
                headers: dict[str, str] = {}
                while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
                    name, _, value = line.decode().partition(":")
                    headers[name.strip().lower()] = value.strip()
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.deliveries.append(Delivery(path, headers, body))
                writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            return
        finally:
            writer.close()
