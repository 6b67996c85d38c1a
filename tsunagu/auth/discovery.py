"""The issuer's signing keys, found only through its RFC 8414 metadata and its JWKS."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import Key, KeySet

METADATA_PATH = "/.well-known/oauth-authorization-server"


class IssuerUnavailable(Exception):
    """The issuer's metadata or keys could not be fetched or made no sense."""


def metadata_urls(issuer: str) -> list[str]:
    """Where the issuer's metadata may be: RFC 8414 §3.1 first, then appended to its path."""
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    inserted = urlunsplit((parts.scheme, parts.netloc, METADATA_PATH + path, "", ""))
    appended = urlunsplit((parts.scheme, parts.netloc, path + METADATA_PATH, "", ""))
    return [inserted] if inserted == appended else [inserted, appended]


class IssuerKeys:
    """Caches the issuer's JWKS; refetches when stale or, rate-limited, on an unknown key id."""

    def __init__(
        self,
        issuer: str,
        *,
        http: httpx.AsyncClient,
        max_age_seconds: float = 600.0,
        min_refresh_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.issuer = issuer
        self._http = http
        self._max_age = max_age_seconds
        self._min_refresh = min_refresh_seconds
        self._clock = clock
        self._keys: KeySet | None = None
        self._fetched_at = float("-inf")
        self._lock = asyncio.Lock()

    async def key_for(self, kid: str | None) -> Key | None:
        """The published key with id `kid` (or the only key when `kid` is None), or None."""
        age = self._clock() - self._fetched_at
        if self._keys is None and age < self._min_refresh:
            raise IssuerUnavailable("the issuer's keys could not be fetched moments ago")
        if self._keys is None or age >= self._max_age:
            await self._refresh(since=self._fetched_at)
        key = self._find(kid)
        if key is None and self._clock() - self._fetched_at >= self._min_refresh:
            await self._refresh(since=self._fetched_at)
            key = self._find(kid)
        return key

    def _find(self, kid: str | None) -> Key | None:
        if self._keys is None:
            return None
        if kid is None:
            return self._keys.keys[0] if len(self._keys.keys) == 1 else None
        return next((k for k in self._keys.keys if k.kid == kid), None)

    async def _refresh(self, *, since: float) -> None:
        async with self._lock:
            if self._fetched_at != since:
                return  # another request refreshed while this one waited
            stamp = self._clock()
            try:
                self._keys = await self._fetch_keys()
            except IssuerUnavailable:
                if self._keys is None:
                    raise
            finally:
                # Failures count as attempts too, so an unreachable issuer is not hammered.
                self._fetched_at = stamp

    async def _fetch_keys(self) -> KeySet:
        metadata = await self._fetch_metadata()
        jwks_uri = metadata.get("jwks_uri")
        if not isinstance(jwks_uri, str):
            raise IssuerUnavailable("the issuer's metadata names no jwks_uri")
        document = await self._get_json(jwks_uri)
        try:
            return KeySet.import_key_set(document)  # type: ignore[arg-type]
        except (JoseError, ValueError, KeyError, TypeError) as exc:
            raise IssuerUnavailable(f"the JWKS at {jwks_uri} holds no usable key") from exc

    async def _fetch_metadata(self) -> dict[str, Any]:
        last: IssuerUnavailable | None = None
        for url in metadata_urls(self.issuer):
            try:
                metadata = await self._get_json(url)
            except IssuerUnavailable as exc:
                last = exc
                continue
            if metadata.get("issuer") != self.issuer:
                raise IssuerUnavailable(f"the metadata at {url} is for another issuer")
            return metadata
        assert last is not None
        raise last

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise IssuerUnavailable(f"cannot read {url}: {exc}") from exc
        if not isinstance(document, dict):
            raise IssuerUnavailable(f"{url} is not a JSON object")
        return document
