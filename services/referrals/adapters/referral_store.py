"""Referrals in MongoDB: one document per referral, holding its state and its pending events.

A change is one update of that document guarded by the version it was made from, carrying its
event in the same write (the outbox the relay drains); a writer that lost the race matches
nothing and is told so. The lists, the SLA scan, the retention sweep and the provisioning reads
query the same documents. The person's data is sealed (`subject_vault`).

Referrals kept in the former shape (one `referral_changes` document per change beside a copy of
the latest state) are taken over once at start: a copy found behind is brought up to date, and
events still pending there are moved, in order, to the referral's own outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pymongo import ASCENDING, DESCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from tsunagu.caches import LastUsed
from tsunagu.events import outbox_entry
from tsunagu.outbox import OUTBOX_FIELD
from tsunagu_schemas import ReferralStatus

from ..domain import Referral, ReferralEvent
from ..ports import ReferralIdTaken, ReferralQuery
from .subject_vault import SEALED, SubjectVault

SERVICE = "referrals"
REFERRALS = "referrals"
LEGACY_CHANGES = "referral_changes"
CHANGED_AT, SLA_DUE = "changed_at", "sla_due"
RETAINED_SINCE, SHRED_PENDING = "retained_since", "shred_pending"
"""Since when an ended referral keeps the person's data; that its erased data's key must go."""
INDEXED_ONLY = ("_id", "parties", CHANGED_AT, SLA_DUE, RETAINED_SINCE, SHRED_PENDING, OUTBOX_FIELD)
WHILE_PRESENT = (SLA_DUE, RETAINED_SINCE, SEALED)
"""Fields a change removes when the new state has none (an answered leg, an erased person)."""
ENDED = (ReferralStatus.CLOSED, ReferralStatus.CANCELLED)
WRITTEN_KEPT = 2_000
"""Referrals whose last written copy a process keeps (the ones in active hands)."""


class MongoReferrals:
    """The referral repository; every write carries its event and wakes the relay."""

    def __init__(
        self,
        *,
        database: AsyncDatabase[dict[str, Any]],
        vault: SubjectVault,
        on_write: Callable[[], None],
        on_saved: Callable[[Referral, ReferralEvent], None] = lambda referral, event: None,
    ):
        self._referrals = database[REFERRALS]
        self._legacy = database[LEGACY_CHANGES]
        self._vault = vault
        self._on_write = on_write
        self._on_saved = on_saved  # told of each change this process recorded (metrics)
        # The referrals this process wrote last, as written: a change made from one of them
        # needs no read (its save is guarded by the version, so a copy overtaken misses). Each
        # is kept as its writer passed it, who only reads it from then on (the answer's view);
        # `get` hands out copies.
        self._written: LastUsed[Referral] = LastUsed(WRITTEN_KEPT)

    @property
    def vault(self) -> SubjectVault:
        """Where the person's data of these referrals is sealed."""
        return self._vault

    async def prepare(self) -> None:
        """Create the indexes, then take over referrals kept in the former shape."""
        await self.ensure_indexes()
        await self.take_over_legacy()

    async def ensure_indexes(self) -> None:
        """Index what listing filters on: the parties, then status."""
        await self._referrals.create_index([("parties", ASCENDING), ("_id", DESCENDING)])
        await self._referrals.create_index(
            [("parties", ASCENDING), ("status", ASCENDING), ("_id", DESCENDING)]
        )
        await self._referrals.create_index([(SLA_DUE, ASCENDING)])
        await self._referrals.create_index([(RETAINED_SINCE, ASCENDING)])
        await self._referrals.create_index([(SHRED_PENDING, ASCENDING)])

    async def add(
        self, referral: Referral, event: ReferralEvent, *, traceparent: str | None
    ) -> None:
        """Store a new referral with its first event pending."""
        document = await self._document(referral, new=True)
        document[OUTBOX_FIELD] = [_entry(event, traceparent)]
        try:
            await self._referrals.insert_one(document)
        except DuplicateKeyError as exc:
            raise ReferralIdTaken(referral.id) from exc
        self._written.put(referral.id, referral)
        self._on_write()
        self._on_saved(referral, event)

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
        fields = await self._document(referral)
        del fields["_id"]
        change: dict[str, Any] = {
            "$set": fields,
            "$push": {OUTBOX_FIELD: _entry(event, traceparent)},
        }
        if absent := {name: "" for name in WHILE_PRESENT if name not in fields}:
            change["$unset"] = absent
        result = await self._referrals.update_one(
            {"_id": referral.id, "version": expected_version}, change
        )
        if result.matched_count == 0:
            self._written.pop(referral.id)
            return False
        self._written.put(referral.id, referral)
        self._on_write()
        self._on_saved(referral, event)
        return True

    async def get(self, referral_id: str, *, recent: bool = False) -> Referral | None:
        """The referral as last recorded, or None; with `recent`, the copy this process last
        wrote answers when it has one (see `ReferralRepository.get`)."""
        if recent and (written := self._written.get(referral_id)) is not None:
            return written.model_copy(deep=True)
        document = await self._referrals.find_one({"_id": referral_id}, {OUTBOX_FIELD: 0})
        return None if document is None else await self._referral(document)

    async def page(self, query: ReferralQuery) -> list[Referral]:
        """Up to `query.limit` referrals the agency is party to, newest first."""
        selector: dict[str, Any] = {"parties": query.agency_id}
        if query.status is not None:
            selector["status"] = query.status.value
        if query.urgency is not None:
            selector["urgency"] = query.urgency.value
        if query.before_id is not None:
            selector["_id"] = {"$lt": query.before_id}
        cursor = (
            self._referrals.find(selector, {OUTBOX_FIELD: 0})
            .sort("_id", DESCENDING)
            .limit(query.limit)
        )
        return [await self._referral(document) async for document in cursor]

    async def party_to(self, agency_id: str, *, since: datetime) -> list[Referral]:
        """Every referral the agency is party to that changed at or after `since`."""
        selector = {"parties": agency_id, CHANGED_AT: {"$gte": since}}
        cursor = self._referrals.find(selector, {OUTBOX_FIELD: 0})
        return [await self._referral(document) async for document in cursor.sort("_id", ASCENDING)]

    async def due(self, now: datetime, *, limit: int) -> list[str]:
        """Ids of referrals whose current leg is past its deadline and not yet flagged."""
        cursor = self._referrals.find({SLA_DUE: {"$lte": now}}, {"_id": 1}).limit(limit)
        return [str(document["_id"]) async for document in cursor]

    async def take_over_legacy(self) -> int:
        """Bring referrals kept one document per change into this shape, then drop the former
        collection; return how many pending events were moved. Safe to repeat: a crash half-way
        moves an event twice at most, and consumers drop the copy by its id."""
        latest: dict[str, dict[str, Any]] = {}
        pending: dict[str, list[dict[str, Any]]] = {}
        async for change in self._legacy.find({}).sort("_id", ASCENDING):
            referral_id = str(change["referral_id"])
            latest[referral_id] = change
            pending.setdefault(referral_id, []).extend(change.get(OUTBOX_FIELD) or [])
        if not latest:
            return 0
        for referral_id, change in latest.items():
            await self._bring_up_to(change)
            if pending[referral_id]:  # in version order, after any the document already holds
                await self._referrals.update_one(
                    {"_id": referral_id}, {"$push": {OUTBOX_FIELD: {"$each": pending[referral_id]}}}
                )
        await self._legacy.drop()
        moved = sum(len(events) for events in pending.values())
        if moved:
            self._on_write()
        return moved

    async def _bring_up_to(self, change: dict[str, Any]) -> None:
        """Make the referral's document hold a former-shape change's state unless it is newer."""
        state = {k: v for k, v in change["referral"].items() if k != "_id"}
        try:
            await self._referrals.update_one(
                {"_id": change["referral_id"], "version": {"$lt": change["version"]}},
                {"$set": state},
                upsert=True,
            )
        except DuplicateKeyError:
            return  # the document is already at this version or newer

    async def _document(self, referral: Referral, *, new: bool = False) -> dict[str, Any]:
        """The stored form, the person's data sealed (`new`: a referral not stored yet)."""
        return await self._vault.seal(referral.id, _document(referral), new=new)

    async def _referral(self, document: dict[str, Any]) -> Referral:
        """The referral a stored document holds, the person's data opened."""
        return _referral(await self._vault.open(str(document["_id"]), document))


def _document(referral: Referral) -> dict[str, Any]:
    """The stored form: JSON-like fields, the id as `_id`, and `parties` for the index (the
    person's data still in it: `MongoReferrals._document` seals it)."""
    fields = referral.model_dump(mode="json", exclude={"id"})
    document = {"_id": referral.id, **fields, "parties": referral.parties}
    document[CHANGED_AT] = referral.updated_at
    leg = referral.leg
    if leg.accept_by is not None and leg.due(leg.accept_by):
        document[SLA_DUE] = leg.accept_by
    if referral.erasure is not None:
        document[SHRED_PENDING] = True  # until its data key is known to be gone
    elif referral.status in ENDED:
        document[RETAINED_SINCE] = referral.ended_at or referral.updated_at
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
