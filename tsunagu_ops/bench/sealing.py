"""What sealing a person's data costs the referrals service, per create and per read, and what
recording a read of it costs.

Runs the service's own `SubjectVault` on a database of its own in the bench's store, with a
throw-away master key, on a referral document of the usual size (a subject, a note, two legs
with comments and bases), and its own `MongoSubjectViews` recording one read per referral (one
insert holding its event). The baseline is the same document's JSON round trip without sealing.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from typing import Any

from pymongo import AsyncMongoClient

from services.referrals import MongoSubjectViews, Standing, SubjectVault, SubjectView
from tsunagu_schemas import ViewPurpose

LEG = {
    "agency_id": "agc_000000000001",
    "status": "accepted",
    "comment": "Met at the station; will call back on Monday about the room.",
    "basis": {"kind": "consent", "reference": "consent form 2026-12-01, signed in person"},
}
REFERRAL = {
    "status": "requested",
    "version": 3,
    "urgency": "urgent",
    "needs": ["housing", "food"],
    "subject": {"display_name": "Name Surname", "contact": "090-0000-0000", "birth_year": 1987},
    "note": "Lives alone since the spring; asked for help with meals and a place to stay.",
    "basis": {"kind": "consent", "reference": "support meeting minutes, 2026-11-30"},
    "legs": [LEG, {**LEG, "agency_id": "agc_000000000002", "status": "requested"}],
    "outcome_comment": None,
}


@dataclass(frozen=True)
class SealingCost:
    """Microseconds per call, one list per kind of call."""

    seal_new_referral: list[float]
    """Sealing for a referral seen for the first time: a data key made, wrapped and stored."""
    seal: list[float]
    """Sealing a change of a referral whose data key is cached."""
    open: list[float]
    """Opening a stored document, data key cached."""
    plain_json: list[float]
    """Baseline: the same document to JSON and back, nothing sealed."""
    record_read: list[float]
    """Recording one read of the person's data: one insert of the read with its event."""


async def _timed(call: Callable[[], Awaitable[Any]], into: list[float]) -> Any:
    started = time.perf_counter()
    result = await call()
    into.append((time.perf_counter() - started) * 1e6)
    return result


async def sealing_microseconds(mongo_url: str, *, count: int = 300) -> SealingCost:
    """Seal and open `count` referrals' documents as the referrals service does."""
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(mongo_url, tz_aware=True)
    name = f"bench_sealing_{uuid.uuid4().hex[:8]}"
    vault = SubjectVault.over(client[name], os.urandom(32))
    views = MongoSubjectViews(collection=client[name]["subject_views"], on_write=lambda: None)
    await views.ensure_indexes()
    cost = SealingCost([], [], [], [], [])

    async def plain(document: dict[str, Any]) -> Any:
        return json.loads(json.dumps(document, default=str))

    try:
        for number in range(count):
            referral_id = f"ref_bench_{number:06d}"
            document = {**REFERRAL, "_id": referral_id}
            await _timed(partial(vault.seal, referral_id, document), cost.seal_new_referral)
            sealed = await _timed(partial(vault.seal, referral_id, document), cost.seal)
            await _timed(partial(vault.open, referral_id, sealed), cost.open)
            await _timed(partial(plain, document), cost.plain_json)
            read = _read_of(referral_id)
            await _timed(partial(views.record, read, traceparent=None), cost.record_read)
    finally:
        await client.drop_database(name)
        await client.close()
    return cost


def _read_of(referral_id: str) -> SubjectView:
    """A read of the referral's person by the agency holding it, now."""
    return SubjectView(
        referral_id=referral_id,
        version=3,
        agency_id="agc_000000000001",
        standing=Standing.HOLDER,
        purpose=ViewPurpose.READ,
        route="GET /v1/referrals/{referral_id}",
        viewed_at=datetime.now(UTC),
    )
