"""Deliveries in MongoDB: claimed with a lease, finished together with their outbox event.

Claims are kept (one small document per attempt) as the attempt log; deleting them would let a
worker holding a stale read claim an attempt that another worker already made.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from pymongo import ASCENDING
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import BulkWriteError, DuplicateKeyError

from services.notifications.adapters.metrics import count_outcome
from services.notifications.domain import Delivery, DeliveryOutcome, DeliveryStatus, SourceEvent
from services.notifications.ports import Claim
from tsunagu.events import outbox_entry
from tsunagu.outbox import OUTBOX_FIELD
from tsunagu.store import is_duplicate
from tsunagu_schemas import Channel

SERVICE = "notifications"


class MongoDeliveryQueue:
    """One document per event, agency and channel; its `outbox` holds the result event."""

    def __init__(
        self,
        collection: AsyncCollection[dict[str, Any]],
        *,
        claims: AsyncCollection[dict[str, Any]],
        on_outbox: Callable[[], None],
        claim_window: int = 16,
    ) -> None:
        self._collection = collection
        self._claims = claims
        self._on_outbox = on_outbox
        self._claim_window = claim_window

    async def ensure_indexes(self) -> None:
        """The index the workers use to find what is due."""
        await self._collection.create_index([("status", ASCENDING), ("next_attempt_at", ASCENDING)])

    async def add(self, deliveries: list[Delivery]) -> int:
        """Insert the deliveries; those already planned are skipped."""
        if not deliveries:
            return 0
        try:
            result = await self._collection.insert_many(
                [_document(d) for d in deliveries], ordered=False
            )
        except BulkWriteError as exc:
            if not is_duplicate(exc):
                raise
            return int(exc.details.get("nInserted", 0))
        return len(result.inserted_ids)

    async def claim_due(self, *, now: datetime, lease: timedelta) -> Claim | None:
        """Take a due delivery by inserting its claim; push its next attempt past the lease.

        The claim is a document whose id names the delivery's current state, so exactly one
        worker wins it (a unique insert is atomic on every supported store, conditional
        updates are not on all of them). A crash only delays the delivery until the lease ends,
        and counts as one of its attempts.
        """
        due = {"status": DeliveryStatus.PENDING.value, "next_attempt_at": {"$lte": now}}
        found = self._collection.find(due).sort([("next_attempt_at", ASCENDING)])
        for document in await found.limit(self._claim_window).to_list():
            token = uuid.uuid4().hex
            key = f"{document['_id']}|{document['attempts']}|{document['next_attempt_at']}"
            try:
                await self._claims.insert_one(
                    {"_id": key, "delivery_id": document["_id"], "token": token, "at": now}
                )
            except DuplicateKeyError:
                continue
            # The attempt counts from its claim: one that never ends (the process killed
            # during it, say) still uses up one of the delivery's attempts.
            await self._collection.update_one(
                {"_id": document["_id"]},
                {"$set": {"claim": token, "next_attempt_at": now + lease}, "$inc": {"attempts": 1}},
            )
            return Claim(delivery=_delivery(document), token=token)
        return None

    async def record(self, claim: Claim, outcome: DeliveryOutcome, *, now: datetime) -> bool:
        """Store the outcome and, when finished, its event, in one guarded update."""
        delivery = outcome.delivery
        update: dict[str, Any] = {
            "$set": {
                "status": delivery.status.value,
                "attempts": delivery.attempts,
                "next_attempt_at": delivery.next_attempt_at,
                "last_error": delivery.last_error,
                "updated_at": now,
                "claim": None,
            }
        }
        if outcome.notice is not None:
            entry = outbox_entry(
                event_type=outcome.notice.event_type,
                subject=outcome.notice.subject,
                data=outcome.notice.data,
                service=SERVICE,
                time=now,
                traceparent=delivery.event.traceparent,
                event_id=outcome.notice.event_id,
            )
            update["$push"] = {OUTBOX_FIELD: entry}
        result = await self._collection.update_one(
            {"_id": delivery.delivery_id, "claim": claim.token}, update
        )
        if result.modified_count and outcome.notice is not None:
            self._on_outbox()
        if result.modified_count:
            count_outcome(delivery)
        return bool(result.modified_count)

    async def get(self, delivery_id: str) -> dict[str, Any] | None:
        """The stored document of one delivery, for operators and tests."""
        return await self._collection.find_one({"_id": delivery_id})


def _document(delivery: Delivery) -> dict[str, Any]:
    """A delivery as stored."""
    event = delivery.event
    return {
        "_id": delivery.delivery_id,
        "notification_id": delivery.notification_id,
        "agency_id": delivery.agency_id,
        "channel": delivery.channel.value,
        "target": delivery.target,
        "event": {
            "id": event.id,
            "source": event.source,
            "type": event.type,
            "time": event.time,
            "subject": event.subject,
            "dataschema": event.dataschema,
            "traceparent": event.traceparent,
            "data": event.data,
        },
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "updated_at": delivery.created_at,
        "claim": None,
        OUTBOX_FIELD: [],
    }


def _delivery(document: dict[str, Any]) -> Delivery:
    """A stored document as a domain delivery."""
    return Delivery(
        delivery_id=document["_id"],
        notification_id=document["notification_id"],
        agency_id=document["agency_id"],
        channel=Channel(document["channel"]),
        target=document["target"],
        event=SourceEvent(**document["event"]),
        created_at=document["created_at"],
        next_attempt_at=document["next_attempt_at"],
        status=DeliveryStatus(document["status"]),
        attempts=document["attempts"],
        last_error=document.get("last_error"),
    )
