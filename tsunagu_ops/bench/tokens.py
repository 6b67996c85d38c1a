"""What checking an access token costs a service per request: signature, claims, cached keys."""

from __future__ import annotations

import time

import httpx

from tsunagu.auth.settings import verifier_for
from tsunagu_ops.access import ClientCredential, token_request


async def verification_microseconds(
    issuer: str, credential: ClientCredential, *, count: int = 2000
) -> list[float]:
    """Verify one real token `count` times as a service does (keys cached after the first)."""
    async with httpx.AsyncClient(timeout=30) as http:
        response = await http.send(token_request(credential))
        response.raise_for_status()
        token = str(response.json()["access_token"])
        verifier = verifier_for(issuer, audience="tsunagu", http=http)
        await verifier.verify(token)  # fetches the metadata and keys once
        durations = []
        for _ in range(count):
            started = time.perf_counter()
            await verifier.verify(token)
            durations.append((time.perf_counter() - started) * 1e6)
    return durations
