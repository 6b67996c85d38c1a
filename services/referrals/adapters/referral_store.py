"""Referrals in MongoDB: each change is one inserted document holding the state and its event.

A change document's `_id` is `<referral id>:<version>`, so two writers of the same version
collide on the unique `_id`: the insert is the compare-and-swap. (FerretDB v1 applies updates as
an unguarded read-modify-write, so a version filter on an update would not be atomic there.)
The change documents are the outbox the relay drains; a `referrals` projection of the latest
state serves the lists and is repaired from the changes whenever it is found behind. In both,
the person's data is sealed (`subject_vault`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from tsunagu.events import outbox_entry
from tsunagu.outbox import OUTBOX_FIELD
from tsunagu.store import is_duplicate

from ..domain import Referral, ReferralEvent
from ..ports import ReferralIdTaken, ReferralQuery
from .subject_vault import SubjectVault

SERVICE = "referrals"
CHANGES = "referral_changes"
PROJECTION = "referrals"
CHANGED_AT, SLA_DUE = "changed_at", "sla_due"
INDEXED_ONLY = ("_id", "parties", CHANGED_AT, SLA_DUE)


class MongoReferrals:
    """The referral repository; every write carries its event and wakes the relay."""

    def __init__(
        self,
        *,
        database: AsyncDatabase[dict[str, Any]],
        vault: SubjectVault,
        on_write: Callable[[], None],
    ):
        self._changes = database[CHANGES]
        self._projection = database[PROJECTION]
        self._vault = vault
        self._on_write = on_write

    @property
    def vault(self) -> SubjectVault:
        """Where the person's data of these referrals is sealed."""
        return self._vault

    async def ensure_indexes(self) -> None:
        """Index what listing filters on: the parties, then status."""
        await self._projection.create_index([("parties", ASCENDING), ("_id", DESCENDING)])
        await self._projection.create_index(
            [("parties", ASCENDING), ("status", ASCENDING), ("_id", DESCENDING)]
        )
        await self._projection.create_index([(SLA_DUE, ASCENDING)])

    async def add(
        self, referral: Referral, event: ReferralEvent, *, traceparent: str | None
    ) -> None:
        """Store a new referral with its first event pending."""
        if not await self._record(referral, event, traceparent):
            raise ReferralIdTaken(referral.id)

    async def save(
        self,
        referral: Referral,
        event: ReferralEvent,
        *,
        expected_version: int,
        traceparent: str | None,
    ) -> bool:
        """Record the change unless another change of `expected_version` got there first."""
        if referral.version != expected_version + 1:
            raise ValueError("a change must raise the version by exactly one")
        return await self._record(referral, event, traceparent)

    async def get(self, referral_id: str) -> Referral | None:
        """The referral at its latest recorded change, or None."""
        latest = await self._latest(referral_id)
        if latest is None:
            return None
        shown = await self._projection.find_one({"_id": referral_id}, {"version": 1})
        if shown is None or shown["version"] < latest.version:
            await self._project(latest)
        return latest

    async def page(self, query: ReferralQuery) -> list[Referral]:
        """Up to `query.limit` referrals the agency is party to, newest first."""
        selector: dict[str, Any] = {"parties": query.agency_id}
        if query.status is not None:
            selector["status"] = query.status.value
        if query.urgency is not None:
            selector["urgency"] = query.urgency.value
        if query.before_id is not None:
            selector["_id"] = {"$lt": query.before_id}
        cursor = self._projection.find(selector).sort("_id", DESCENDING).limit(query.limit)
        return [await self._referral(document) async for document in cursor]

    async def party_to(self, agency_id: str, *, since: datetime) -> list[Referral]:
        """Every referral the agency is party to that changed at or after `since`."""
        cursor = self._projection.find({"parties": agency_id, CHANGED_AT: {"$gte": since}})
        return [await self._referral(document) async for document in cursor.sort("_id", ASCENDING)]

    async def due(self, now: datetime, *, limit: int) -> list[str]:
        """Ids of referrals whose current leg is past its deadline and not yet flagged."""
        cursor = self._projection.find({SLA_DUE: {"$lte": now}}, {"_id": 1}).limit(limit)
        return [str(document["_id"]) async for document in cursor]

    async def _record(
        self, referral: Referral, event: ReferralEvent, traceparent: str | None
    ) -> bool:
        """Insert the change with its event: one single-document, all-or-nothing write."""
        change = {
            "_id": _change_id(referral.id, referral.version),
            "referral_id": referral.id,
            "version": referral.version,
            "referral": await self._document(referral),
            OUTBOX_FIELD: [_entry(event, traceparent)],
        }
        try:
            await self._changes.insert_one(change)
        except Exception as exc:
            if is_duplicate(exc):
                return False
            raise
        self._on_write()
        await self._project(await self._latest(referral.id) or referral)
        return True

    async def _latest(self, referral_id: str) -> Referral | None:
        """The state after the referral's latest change."""
        cursor = self._changes.find({"_id": {"$gt": f"{referral_id}:", "$lt": f"{referral_id};"}})
        async for change in cursor.sort("_id", DESCENDING).limit(1):
            return await self._referral(change["referral"])
        return None

    async def _document(self, referral: Referral) -> dict[str, Any]:
        """The stored form, the person's data sealed."""
        return await self._vault.seal(referral.id, _document(referral))

    async def _referral(self, document: dict[str, Any]) -> Referral:
        """The referral a stored document holds, the person's data opened."""
        return _referral(await self._vault.open(str(document["_id"]), document))

    async def _project(self, referral: Referral) -> None:
        """Show the referral's latest state to the lists (a repairable copy).

        Two writers upserting a copy that does not exist yet may collide on its `_id`; the one
        that lost finds the copy written and leaves it, since any read repairs a stale copy.
        """
        try:
            await self._projection.replace_one(
                {"_id": referral.id}, await self._document(referral), upsert=True
            )
        except DuplicateKeyError:
            return


def _change_id(referral_id: str, version: int) -> str:
    """Ids that sort by referral, then version: the relay publishes in this order."""
    return f"{referral_id}:{version:010d}"


def _document(referral: Referral) -> dict[str, Any]:
    """The stored form: JSON-like fields, the id as `_id`, and `parties` for the index (the
    person's data still in it: `MongoReferrals._document` seals it)."""
    fields = referral.model_dump(mode="json", exclude={"id"})
    document = {"_id": referral.id, **fields, "parties": referral.parties}
    document[CHANGED_AT] = referral.updated_at
    leg = referral.leg
    if leg.accept_by is not None and leg.due(leg.accept_by):
        document[SLA_DUE] = leg.accept_by
    return document


def _referral(document: dict[str, Any]) -> Referral:
    fields = {k: v for k, v in document.items() if k not in INDEXED_ONLY}
    return Referral.model_validate({"id": document["_id"], **fields})


def _entry(event: ReferralEvent, traceparent: str | None) -> dict[str, Any]:
    return outbox_entry(
        event_type=event.type,
        subject=event.data.referral_id,
        data=event.data,
        service=SERVICE,
        time=event.data.occurred_at,
        traceparent=traceparent,
    )
