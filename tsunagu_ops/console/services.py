"""What the console reads from the services' HTTP APIs, each with the client of its role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from tsunagu_ops.access import ClientCredential, ClientTokens
from tsunagu_ops.console.settings import ConsoleSettings

TIMEOUT = httpx.Timeout(10.0)
RECORD_FILTERS = ("referral_id", "agency_id", "type", "since", "until", "after_seq")


class ServiceError(RuntimeError):
    """A service answered with an error (its problem's detail, when it gave one)."""


@dataclass(frozen=True)
class Verification:
    """The audit service's verdict on its log."""

    ok: bool
    records: int
    checkpoints: int
    first_bad_seq: int | None
    reason: str | None


class ServiceReads:
    """The referrals' statistics as the operator; the audit log as the auditor."""

    def __init__(self, settings: ConsoleSettings) -> None:
        operator = ClientTokens(ClientCredential.load(settings.operator_credential))
        auditor = ClientTokens(ClientCredential.load(settings.auditor_credential))
        self._referrals = httpx.AsyncClient(
            base_url=settings.referrals_url, auth=operator, timeout=TIMEOUT
        )
        self._audit = httpx.AsyncClient(base_url=settings.audit_url, auth=auditor, timeout=TIMEOUT)

    async def close(self) -> None:
        """Close both HTTP clients."""
        await self._referrals.aclose()
        await self._audit.aclose()

    async def stats(self, params: dict[str, str]) -> dict[str, Any]:
        """`GET /v1/referrals/stats` with `since`, `until` and `agency_id` as given."""
        return _json(await self._referrals.get("/v1/referrals/stats", params=params))

    async def overdue(self, agency_id: str | None) -> dict[str, Any]:
        """`GET /v1/referrals/stats/overdue`: the legs past their deadline now (ids only)."""
        params = {"agency_id": agency_id} if agency_id else {}
        return _json(await self._referrals.get("/v1/referrals/stats/overdue", params=params))

    async def records(self, filters: dict[str, str], limit: int = 50) -> dict[str, Any]:
        """One page of `GET /v1/audit/records` matching `filters`."""
        params = {k: v for k, v in filters.items() if k in RECORD_FILTERS and v}
        response = await self._audit.get("/v1/audit/records", params={**params, "limit": limit})
        return _json(response)

    async def verify(self) -> Verification:
        """`GET /v1/audit/verify`: whether the log is intact."""
        body = _json(await self._audit.get("/v1/audit/verify"))
        return Verification(
            ok=bool(body["ok"]),
            records=int(body["records"]),
            checkpoints=int(body["checkpoints"]),
            first_bad_seq=body.get("first_bad_seq"),
            reason=body.get("reason"),
        )

    async def checkpoint(self) -> str | None:
        """The latest signed checkpoint's text, or None when none was signed yet."""
        response = await self._audit.get("/v1/audit/checkpoint")
        if response.status_code == 404:
            return None
        _raise_for(response)
        return response.text

    async def inclusion(self, seq: int, tree_size: int) -> dict[str, Any]:
        """The inclusion proof of record `seq` in the tree of `tree_size` records."""
        params = {"index": seq - 1, "tree_size": tree_size}
        return _json(await self._audit.get("/v1/audit/proofs/inclusion", params=params))


def _raise_for(response: httpx.Response) -> None:
    if response.is_success:
        return
    try:
        detail = str(response.json().get("detail", response.text))
    except ValueError:
        detail = response.text
    raise ServiceError(f"{response.request.url.path}: {response.status_code} {detail}")


def _json(response: httpx.Response) -> dict[str, Any]:
    _raise_for(response)
    body: dict[str, Any] = response.json()
    return body
