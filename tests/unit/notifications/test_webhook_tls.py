"""A pinned webhook call over real TLS: connected by address, certificate checked for the name."""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from services.notifications.adapters.channels import connection_for
from tsunagu.webhook_targets import CheckedTarget

NAME = "hooks.example.test"


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for NAME only, and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class TlsReceiver:
    """Answers 204 over TLS on 127.0.0.1, noting the SNI name and Host header of each call."""

    def __init__(self) -> None:
        self.server_names: list[str | None] = []
        self.hosts: list[str] = []

    def context(self, cert: Path, key: Path) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        context.sni_callback = self._note_name
        return context

    def _note_name(
        self, _socket: ssl.SSLObject, name: str | None, _context: ssl.SSLContext
    ) -> None:
        self.server_names.append(name)

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        headers: dict[str, str] = {}
        await reader.readline()
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            headers[name.strip().lower()] = value.strip()
        await reader.readexactly(int(headers.get("content-length", "0")))
        self.hosts.append(headers["host"])
        writer.write(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
        await writer.drain()
        writer.close()


@pytest.fixture
async def receiver(tmp_path: Path) -> AsyncIterator[tuple[TlsReceiver, int, Path]]:
    cert, key = _certificate(tmp_path)
    receiver = TlsReceiver()
    server = await asyncio.start_server(
        receiver.serve, "127.0.0.1", 0, ssl=receiver.context(cert, key)
    )
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield receiver, port, cert


async def test_the_call_reaches_the_address_with_the_name_kept_for_tls_and_host(
    receiver: tuple[TlsReceiver, int, Path],
) -> None:
    tls, port, cert = receiver
    target = CheckedTarget(url=f"https://{NAME}:{port}/in", host=NAME, address="127.0.0.1")
    headers: dict[str, str] = {}
    url, extensions = connection_for(target, headers)
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=cert)) as client:
        response = await client.post(url, content=b"{}", headers=headers, extensions=extensions)
    assert response.status_code == 204
    assert tls.server_names == [NAME]
    assert tls.hosts == [f"{NAME}:{port}"]


async def test_without_the_name_the_certificate_does_not_verify(
    receiver: tuple[TlsReceiver, int, Path],
) -> None:
    _, port, cert = receiver
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=cert)) as client:
        with pytest.raises(httpx.ConnectError, match=r"CERTIFICATE_VERIFY_FAILED|match"):
            await client.post(f"https://127.0.0.1:{port}/in", content=b"{}")
